/**
 * Weight budgets on the built site (`npm run build` first; `npm test` does): a chapter page's JavaScript before an
 * editor opens stays under 150 KB gzip, the whole editor under 800 KB gzip, and no page carries the editor.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { chapters } from '../chapters/chapters.ts';
import { gzipBytes, pageJavaScript, staticImports } from './pageWeight.ts';

const dist = fileURLToPath(new URL('../../dist/', import.meta.url));
const PAGE_BUDGET = 150 * 1024;
const EDITOR_BUDGET = 800 * 1024;

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

describe('counting what a page loads', () => {
  it('follows static imports, not dynamic ones, and counts inline scripts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'labs-weight-'));
    mkdirSync(join(dir, '_astro'));
    writeFileSync(
      join(dir, 'page.html'),
      '<script type="module" src="/_astro/a.js"></script><script type="module">import "/_astro/c.js";go()</script>' +
        '<script type="application/json">{"big":"data"}</script>',
    );
    writeFileSync(join(dir, '_astro', 'a.js'), 'import{x}from"./b.js";export*from"./b.js";import("./lazy.js")');
    writeFileSync(join(dir, '_astro', 'b.js'), 'export const x=1');
    writeFileSync(join(dir, '_astro', 'c.js'), 'export const y=2');
    writeFileSync(join(dir, '_astro', 'lazy.js'), 'export const z=3');
    const { files, inline } = pageJavaScript(dir, 'page.html');
    expect(files.map((f) => f.replace(/.*\//, '')).sort()).toEqual(['a.js', 'b.js', 'c.js']);
    expect(inline).toEqual(['import "/_astro/c.js";go()']);
    expect(staticImports('import a from"./x.js";import"./y.js";export{b}from"./z.js";import("./no.js")')).toEqual([
      './x.js',
      './y.js',
      './z.js',
    ]);
  });
});

describe('the built site', () => {
  const pages = chapters().flatMap((c) => [`${c.id}/index.html`, `en/${c.id}/index.html`]);

  it('is built (npm run build; npm test builds first)', () => {
    expect(existsSync(join(dist, 'index.html'))).toBe(true);
  });

  it.each(pages)('%s loads under 150 KB gzip of JavaScript before an editor opens, and no editor', (page) => {
    const { files, inline } = pageJavaScript(dist, page);
    expect(files.length).toBeGreaterThan(0);
    expect(files.filter((f) => f.includes('_labs/editor'))).toEqual([]);
    expect(readFileSync(join(dist, page), 'utf8')).not.toMatch(/_labs\/editor|codemirror|monaco/i);
    expect(gzipBytes(files, inline)).toBeLessThan(PAGE_BUDGET);
  });

  it('builds the whole editor, with everything it loads, under 800 KB gzip', () => {
    const editor = join(dist, '_labs', 'editor');
    const files = filesUnder(editor);
    expect(files.map((f) => f.slice(editor.length))).toContain('/editor.js');
    expect(gzipBytes(files)).toBeLessThan(EDITOR_BUDGET);
  });
});
