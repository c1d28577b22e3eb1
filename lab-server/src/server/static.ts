/**
 * Serves the built site (`dist/`): files with their types, `index.html` for directories, Starlight's
 * `404.html` for what is missing, and nothing outside the directory. Text is sent brotli- or gzip-compressed as
 * the browser's `Accept-Encoding` allows; every file carries `ETag` and `Last-Modified`, and a browser that has
 * the current version gets `304 Not Modified` instead of the file again.
 */
import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';
import { promisify } from 'node:util';
import { brotliCompress, constants as zlib, gzip } from 'node:zlib';
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

/** Types worth compressing (text); images, fonts and Pagefind's index are compressed already. */
const COMPRESSIBLE = new Set([
  '.html',
  '.css',
  '.js',
  '.mjs',
  '.json',
  '.map',
  '.svg',
  '.txt',
  '.xml',
  '.yaml',
  '.yml',
  '.webmanifest',
  '.wasm',
]);
/** The Preview's frame page (public/_labs/preview-frame.html). */
const PREVIEW_FRAME = `${sep}_labs${sep}preview-frame.html`;
/**
 * Its policy: a sandbox (an origin of its own, scripts and forms but no popups or top navigation) whose inline
 * scripts and styles run (the app's page, put inline by the Preview) and that loads nothing from anywhere.
 */
export const PREVIEW_FRAME_POLICY = [
  'sandbox allow-scripts allow-forms',
  "default-src 'none'",
  "script-src 'unsafe-inline'",
  "style-src 'unsafe-inline'",
  'img-src data:',
  'font-src data:',
  "form-action 'none'",
  "frame-ancestors 'self'",
].join('; ');

/** Below this a compressed answer saves nothing worth a round of compression. */
const MIN_COMPRESS_BYTES = 1024;

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

/** An encoding the server can send. */
export type Encoding = 'br' | 'gzip';

/**
 * The best encoding `Accept-Encoding` allows: brotli, then gzip; `q=0` refuses one, `*` stands for the
 * ones not named. Undefined means the identity (uncompressed) body.
 */
export function negotiateEncoding(header: string | undefined): Encoding | undefined {
  if (!header) return undefined;
  const weights = new Map<string, number>();
  for (const part of header.split(',')) {
    const [name, ...params] = part.trim().toLowerCase().split(';');
    if (!name) continue;
    const q = params.map((p) => /^\s*q=([0-9.]+)\s*$/.exec(p)?.[1]).find((v) => v !== undefined);
    weights.set(name.trim(), q === undefined ? 1 : Number(q) || 0);
  }
  const weight = (name: Encoding) => weights.get(name) ?? weights.get('*') ?? 0;
  const best = (['br', 'gzip'] as const).filter((e) => weight(e) > 0).sort((a, b) => weight(b) - weight(a))[0];
  return best;
}

const brotli = promisify(brotliCompress);
const gzipped = promisify(gzip);

/** Compressed bodies by file, version and encoding, bounded in total size (oldest dropped first). */
class CompressedCache {
  readonly #entries = new Map<string, Buffer>();
  #bytes = 0;
  readonly limitBytes: number;
  constructor(limitBytes: number) {
    this.limitBytes = limitBytes;
  }

  async get(file: string, version: string, encoding: Encoding): Promise<Buffer> {
    const key = `${encoding}:${version}:${file}`;
    const hit = this.#entries.get(key);
    if (hit) {
      this.#entries.delete(key);
      this.#entries.set(key, hit);
      return hit;
    }
    const raw = await readFile(file);
    const body =
      encoding === 'br'
        ? await brotli(raw, {
            params: { [zlib.BROTLI_PARAM_QUALITY]: 9, [zlib.BROTLI_PARAM_SIZE_HINT]: raw.length },
          })
        : await gzipped(raw, { level: 9 });
    this.#entries.set(key, body);
    this.#bytes += body.length;
    for (const [oldKey, old] of this.#entries) {
      if (this.#bytes <= this.limitBytes) break;
      this.#entries.delete(oldKey);
      this.#bytes -= old.length;
    }
    return body;
  }
}

const compressed = new CompressedCache(64 * 1024 * 1024);

/** The validator of a file version: size and modification time, weak because the encoding may vary. */
function etagOf(size: number, mtimeMs: number, encoding: Encoding | undefined): string {
  return `W/"${size.toString(16)}-${Math.floor(mtimeMs).toString(16)}${encoding ? `-${encoding}` : ''}"`;
}

/** Whether the browser's copy is current: `If-None-Match` decides when present, else `If-Modified-Since`. */
function notModified(req: IncomingMessage, etags: string[], mtimeMs: number): boolean {
  const match = req.headers['if-none-match'];
  if (match !== undefined) {
    const bare = (tag: string) => tag.trim().replace(/^W\//, '');
    const known = new Set(etags.map(bare));
    return match.split(',').some((tag) => tag.trim() === '*' || known.has(bare(tag)));
  }
  const since = Date.parse(req.headers['if-modified-since'] ?? '');
  return Number.isFinite(since) && Math.floor(mtimeMs / 1000) * 1000 <= since;
}

async function sendFile(
  req: IncomingMessage,
  res: ServerResponse,
  file: string,
  status: number,
  immutable: boolean,
): Promise<void> {
  const info = await stat(file);
  const compressible = COMPRESSIBLE.has(extname(file).toLowerCase()) && info.size >= MIN_COMPRESS_BYTES;
  const encoding = compressible ? negotiateEncoding(req.headers['accept-encoding']) : undefined;
  const etag = etagOf(info.size, info.mtimeMs, encoding);
  // A page carries its Content-Security-Policy (the hashes of its own inline scripts); the Preview's frame runs
  // the app's page in a sandbox of its own origin that may reach nothing.
  const csp = file.endsWith(PREVIEW_FRAME)
    ? PREVIEW_FRAME_POLICY
    : extname(file).toLowerCase() === '.html'
      ? contentSecurityPolicy(await readFile(file, 'utf8'))
      : undefined;
  const headers: Record<string, string | number> = {
    ...(csp ? { 'content-security-policy': csp } : {}),
    ...SECURITY_HEADERS,
    'content-type': contentType(file),
    // Astro's hashed assets never change; pages may change with every build, so browsers revalidate them.
    'cache-control': immutable ? 'public, max-age=31536000, immutable' : 'no-cache',
    ...(status === 200 ? { etag, 'last-modified': new Date(info.mtimeMs).toUTCString() } : {}),
    ...(compressible ? { vary: 'Accept-Encoding' } : {}),
  };
  // Any encoding's tag names the same file version.
  const tags = [undefined, 'br', 'gzip'].map((e) => etagOf(info.size, info.mtimeMs, e as Encoding | undefined));
  if (status === 200 && notModified(req, tags, info.mtimeMs)) {
    res.writeHead(304, headers);
    res.end();
    return;
  }
  if (encoding) {
    const body = await compressed.get(file, `${info.size}-${info.mtimeMs}`, encoding);
    res.writeHead(status, { ...headers, 'content-encoding': encoding, 'content-length': body.length });
    res.end(req.method === 'HEAD' ? undefined : body);
    return;
  }
  res.writeHead(status, { ...headers, 'content-length': info.size });
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  createReadStream(file)
    .on('error', () => res.destroy())
    .pipe(res);
}
