/** The lessons live in the top-level `content/docs` (Korean at its root, English under `en/`), with a `lab` id in their frontmatter. */
import { defineCollection } from 'astro:content';
import { glob } from 'astro/loaders';
import { docsSchema, i18nSchema } from '@astrojs/starlight/schema';
import { i18nLoader } from '@astrojs/starlight/loaders';
import { z } from 'astro/zod';

export const collections = {
  i18n: defineCollection({ loader: i18nLoader(), schema: i18nSchema() }),
  docs: defineCollection({
    loader: glob({ pattern: '**/[^_]*.{md,mdx}', base: './content/docs' }),
    schema: docsSchema({
      extend: z.object({
        /** The lab file (`content/labs/<lab>.yaml`) whose steps the page places. */
        lab: z.enum(['traffic-shifting', 'mirroring', 'ingress', 'egress']).optional(),
      }),
    }),
  }),
};
