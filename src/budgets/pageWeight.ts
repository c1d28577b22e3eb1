/**
 * What a built page makes the browser download before the learner does anything: its module scripts and every
 * chunk they import statically (dynamic `import()`s are left out: they load on demand), weighed gzip-compressed.
 */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';

/** The static imports of a built ES module (`import ... from "x"`, `import "x"`, `export ... from "x"`). */
export function staticImports(code: string): string[] {
  const found = new Set<string>();
  for (const m of code.matchAll(/(?:^|[;}\s])(?:import|export)\s*(?:[\w*{}\s,$]+from\s*)?["']([^"']+)["']/g))
    found.add(m[1]!);
  return [...found];
}

/** The scripts of a page: `src` URLs of module scripts, and the code of inline scripts (modules or not). */
export function pageScripts(html: string): { urls: string[]; inline: string[] } {
  const urls = new Set<string>();
  const inline: string[] = [];
  for (const m of html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)) {
    const attributes = m[1]!;
    if (/type=["']?application\/(ld\+)?json/.test(attributes)) continue;
    const src = /\bsrc=["']([^"']+)["']/.exec(attributes)?.[1];
    if (src) urls.add(src);
    else {
      inline.push(m[2]!);
      if (/type=["']?module/.test(attributes)) for (const spec of staticImports(m[2]!)) urls.add(spec);
    }
  }
  return { urls: [...urls], inline };
}

/** A page's JavaScript before any dynamic import: the files inside `dist` and the inline scripts' code. */
export interface PageJavaScript {
  files: string[];
  inline: string[];
}

/** Every JavaScript file a page loads before any dynamic import, as paths inside `dist`, and its inline code. */
export function pageJavaScript(dist: string, pagePath: string): PageJavaScript {
  const html = readFileSync(join(dist, pagePath), 'utf8');
  const { urls, inline } = pageScripts(html);
  const seen = new Set<string>();
  const visit = (file: string) => {
    if (seen.has(file) || !existsSync(file)) return;
    seen.add(file);
    for (const spec of staticImports(readFileSync(file, 'utf8'))) {
      if (!spec.startsWith('.') && !spec.startsWith('/')) continue;
      visit(spec.startsWith('/') ? join(dist, spec) : resolve(dirname(file), spec));
    }
  };
  for (const url of urls) if (url.startsWith('/')) visit(join(dist, url));
  return { files: [...seen], inline };
}

/** Bytes of files (and inline code) gzip-compressed one by one, as the server sends them. */
export function gzipBytes(files: string[], inline: string[] = []): number {
  const gz = (data: Buffer | string) => gzipSync(data, { level: 9 }).length;
  return files.reduce((sum, file) => sum + gz(readFileSync(file)), 0) + inline.reduce((sum, code) => sum + gz(code), 0);
}
