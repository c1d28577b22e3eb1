/**
 * The lessons live in the top-level `content/docs` (Korean at its root, English under `en/`; `$LABS_CONTENT_DIR/docs`
 * when set), with a `lab` id in their frontmatter naming one of the lab files.
 */
import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { docsSchema, i18nSchema } from '@astrojs/starlight/schema';
import { i18nLoader } from '@astrojs/starlight/loaders';
import { z } from 'astro/zod';
import { join } from 'node:path';
import { contentDir } from './chapters/chapters.ts';
import { labIds } from '../lab-server/src/labs/load.ts';

export const collections = {
  i18n: defineCollection({ loader: i18nLoader(), schema: i18nSchema() }),
  docs: defineCollection({
    loader: glob({ pattern: '**/[^_]*.{md,mdx}', base: join(contentDir(), 'docs') }),
    schema: docsSchema({
      extend: z.object({
        /** The lab file (`content/labs/<lab>.yaml`) whose steps the page places. */
        lab: z.enum(labIds()).optional(),
      }),
    }),
  }),
};
