/**
 * The static files Bookinfo's product page links (`static/...`): the Tailwind runtime its pages load with
 * `<script src="static/tailwind/tailwind.css">` (served, as by Flask, with the type of its name). Anything else
 * under static/ is Flask's 404.
 */
import { readFileSync } from 'node:fs';
import type { AppResponse } from '../types.ts';

const FILES: Record<string, { type: string; file: URL }> = {
  '/static/tailwind/tailwind.css': {
    type: 'text/css; charset=utf-8',
    file: new URL('./static/tailwind.js', import.meta.url),
  },
};

const cache = new Map<string, string>();

/** The answer for a path under /static/, or undefined when it is no static file of the app. */
export function staticFile(path: string): AppResponse | undefined {
  const found = FILES[path];
  if (!found) return undefined;
  let body = cache.get(path);
  if (body === undefined) {
    body = readFileSync(found.file, 'utf8');
    cache.set(path, body);
  }
  return {
    status: 200,
    headers: [
      ['Server', 'gunicorn'],
      ['Content-Type', found.type],
      ['Content-Length', String(Buffer.byteLength(body))],
      ['Cache-Control', 'no-cache'],
    ],
    body,
  };
}
