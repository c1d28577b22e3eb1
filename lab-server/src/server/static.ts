/**
 * Serves the built site (`dist/`): files with their types, `index.html` for directories, Starlight's
 * `404.html` for what is missing, and nothing outside the directory.
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { contentSecurityPolicy } from './csp.ts';
import { SECURITY_HEADERS } from './http.ts';

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.avif': 'image/avif',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.xml': 'application/xml; charset=utf-8',
  '.wasm': 'application/wasm',
  '.yaml': 'text/yaml; charset=utf-8',
  '.yml': 'text/yaml; charset=utf-8',
  '.webmanifest': 'application/manifest+json',
  // Pagefind's index files.
  '.pf_meta': 'application/octet-stream',
  '.pf_index': 'application/octet-stream',
  '.pf_fragment': 'application/octet-stream',
  '.pagefind': 'application/octet-stream',
};

/** The content type for a file name. */
export function contentType(path: string): string {
  return TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

async function isFile(path: string): Promise<boolean> {
  return stat(path).then(
    (s) => s.isFile(),
    () => false,
  );
}

/** The file a URL path names inside `root` (`/a/` -> `a/index.html`), or undefined (missing, or outside). */
export async function resolveStatic(root: string, pathname: string): Promise<string | undefined> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(pathname);
  } catch {
    return undefined;
  }
  if (decoded.includes('\0')) return undefined;
  const base = resolve(root);
  const target = resolve(base, `.${decoded.startsWith('/') ? decoded : `/${decoded}`}`);
  if (target !== base && !target.startsWith(base + sep)) return undefined;
  const candidates = decoded.endsWith('/') ? [join(target, 'index.html')] : [target, `${target}.html`];
  for (const candidate of candidates) {
    if (candidate.startsWith(base + sep) && (await isFile(candidate))) return candidate;
  }
  return undefined;
}

/** `decodeURIComponent`, or undefined for a malformed escape (`%E0%A4%A`). */
function safeDecode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

/** Answers GET/HEAD for the site; always handles the request. */
export async function serveStatic(root: string, req: IncomingMessage, res: ServerResponse, url: URL): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { ...SECURITY_HEADERS, allow: 'GET, HEAD', 'content-type': 'text/plain; charset=utf-8' });
    res.end('method not allowed\n');
    return;
  }
  const file = await resolveStatic(root, url.pathname);
  if (file) return sendFile(req, res, file, 200, url.pathname.startsWith('/_astro/'));
  // A directory URL without the slash: let relative links in the page resolve as Astro expects.
  const decoded = safeDecode(url.pathname);
  if (decoded === undefined) {
    res.writeHead(400, { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8' });
    res.end('bad request: malformed percent-encoding in the path\n');
    return;
  }
  if (
    !url.pathname.endsWith('/') &&
    !decoded.includes('\0') &&
    (await isFile(join(resolve(root), `.${decoded}`, 'index.html')).catch(() => false))
  ) {
    res.writeHead(301, { ...SECURITY_HEADERS, location: `${url.pathname}/${url.search}` });
    res.end();
    return;
  }
  const notFound = join(resolve(root), '404.html');
  if (await isFile(notFound)) return sendFile(req, res, notFound, 404, false);
  res.writeHead(404, { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8' });
  res.end(`not found: the site is not built (run \`npm run build\`), or ${url.pathname} does not exist\n`);
}

async function sendFile(
  req: IncomingMessage,
  res: ServerResponse,
  file: string,
  status: number,
  immutable: boolean,
): Promise<void> {
  const info = await stat(file);
  if (extname(file).toLowerCase() === '.html') return sendPage(req, res, file, status);
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-type': contentType(file),
    'content-length': info.size,
    // Astro's hashed assets never change; pages may change with every build.
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
  });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
}

/** An HTML page with its Content-Security-Policy (hashes of its own inline scripts). */
async function sendPage(req: IncomingMessage, res: ServerResponse, file: string, status: number): Promise<void> {
  const html = await readFile(file, 'utf8');
  const body = Buffer.from(html, 'utf8');
  res.writeHead(status, {
    ...SECURITY_HEADERS,
    'content-security-policy': contentSecurityPolicy(html),
    'content-type': contentType(file),
    'content-length': body.length,
    'cache-control': 'no-cache',
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}
