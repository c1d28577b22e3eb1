/**
 * Builds the manifest editor (CodeMirror, its YAML language, the kinds' schemas and their descriptions) apart from
 * the pages, into `dist/_labs/editor/`: the pages load it only when an editor opens, and a budget test can weigh
 * exactly what an editor costs.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { AstroIntegration } from 'astro';
import type { InlineConfig } from 'vite';

/** Where the editor is served from; its entry is `${EDITOR_BASE}editor.js`. */
export const EDITOR_BASE = '/_labs/editor/';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const here = (path: string) => join(repo, path);

/** The Vite build of the editor into `outDir`. */
export function editorBuildConfig(outDir: string): InlineConfig {
  return {
    configFile: false,
    root: repo,
    base: EDITOR_BASE,
    publicDir: false,
    logLevel: 'warn',
    build: {
      outDir,
      emptyOutDir: true,
      target: 'es2022',
      sourcemap: false,
      reportCompressedSize: false,
      chunkSizeWarningLimit: 5000,
      rollupOptions: {
        input: { editor: here('src/client/editor/bundle.ts') },
        preserveEntrySignatures: 'exports-only',
        output: {
          entryFileNames: '[name].js',
          chunkFileNames: 'assets/[name]-[hash].js',
          assetFileNames: 'assets/[name]-[hash][extname]',
        },
      },
    },
  };
}

/** The integration: after the site is built, the editor next to it. */
export function editorBundle(): AstroIntegration {
  return {
    name: 'istio-labs:editor-bundle',
    hooks: {
      'astro:build:done': async ({ dir, logger }) => {
        const outDir = join(fileURLToPath(dir), EDITOR_BASE);
        rmSync(outDir, { recursive: true, force: true });
        const { build } = await import('vite');
        await build(editorBuildConfig(outDir));
        logger.info(`editor built into ${EDITOR_BASE}`);
      },
    },
  };
}
