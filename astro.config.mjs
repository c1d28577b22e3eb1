// The site: Starlight with Korean as the root locale and English under /en/, lessons from content/docs,
// lab files validated at build time, and aliases shared with the TypeScript config.
import { fileURLToPath } from 'node:url';
import mdx from '@astrojs/mdx';
import starlight from '@astrojs/starlight';
import { defineConfig } from 'astro/config';
import { validateLabs } from './src/integrations/validateLabs.ts';

const root = (path) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  output: 'static',
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
      markdown: { processedDirs: ['./content/docs'] },
      customCss: ['@fontsource/noto-sans-kr/400.css', '@fontsource/noto-sans-kr/700.css', './src/styles/custom.css'],
      sidebar: [
        {
          label: 'Chapters',
          translations: { ko: '실습' },
          items: [{ slug: 'traffic-shifting' }, { slug: 'mirroring' }, { slug: 'ingress' }, { slug: 'egress' }],
        },
      ],
      components: {
        Footer: './src/components/overrides/Footer.astro',
      },
    }),
    mdx(),
  ],
  vite: {
    resolve: {
      alias: [
        { find: '@components', replacement: root('./src/components') },
        { find: '@lab-server', replacement: root('./lab-server/src') },
        // Monaco >= 0.56 exports `monaco-editor/*` only; monaco-yaml's worker still imports `monaco-editor/esm/vs/...`.
        { find: /^monaco-editor\/esm\/vs\/(.*)$/, replacement: `${root('./node_modules/monaco-editor/esm/vs/')}$1` },
      ],
    },
    worker: { format: 'es' },
    build: { chunkSizeWarningLimit: 5000 },
  },
});
