// The site: Starlight with Korean as the root locale and English under /en/, lessons from content/docs,
// lab files validated at build time, the sidebar's chapters from the lab files (in their `order`), and aliases
// shared with the TypeScript config. `LABS_CONTENT_DIR` builds the site from another content folder (a test does).
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mdx from '@astrojs/mdx';
import starlight from '@astrojs/starlight';
import { defineConfig } from 'astro/config';
import { chapters, contentDir } from './src/chapters/chapters.ts';
import { editorBundle } from './src/integrations/editorBundle.ts';
import { validateLabs } from './src/integrations/validateLabs.ts';

const root = (path) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  output: 'static',
  // A build from another content folder keeps its own cache, so it never mixes with the repository's.
  ...(process.env.LABS_ASTRO_CACHE_DIR ? { cacheDir: process.env.LABS_ASTRO_CACHE_DIR } : {}),
  integrations: [
    validateLabs(),
    starlight({
      title: { ko: 'Istio 트래픽 실습', en: 'Istio Traffic Labs' },
      description:
        'Runnable, checked labs for Istio traffic management (traffic shifting, mirroring, ingress, egress), in Korean and English.',
      defaultLocale: 'root',
      locales: {
        root: { label: '한국어', lang: 'ko' },
        en: { label: 'English', lang: 'en' },
      },
      favicon: '/favicon.svg',
      // The lessons live outside src/content: Starlight's asides and heading links must process them too.
      markdown: { processedDirs: [join(contentDir(), 'docs')] },
      customCss: ['@fontsource/noto-sans-kr/400.css', '@fontsource/noto-sans-kr/700.css', './src/styles/custom.css'],
      sidebar: [
        {
          label: 'Chapters',
          translations: { ko: '실습' },
          items: chapters().map((chapter) => ({ slug: chapter.id })),
        },
      ],
      routeMiddleware: './src/routeData.ts',
      components: {
        Footer: './src/components/overrides/Footer.astro',
        TwoColumnContent: './src/components/overrides/TwoColumnContent.astro',
      },
    }),
    mdx(),
    editorBundle(),
  ],
  vite: {
    resolve: {
      alias: [
        { find: '@components', replacement: root('./src/components') },
        { find: '@lab-server', replacement: root('./lab-server/src') },
      ],
    },
  },
});
