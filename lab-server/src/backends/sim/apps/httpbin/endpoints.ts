/**
 * The httpbin API shared by both flavours (kennethreitz/httpbin under gunicorn, mccutchen/go-httpbin) and by the
 * simulated httpbin.org. Flavours differ in how they print headers and which they hide; that is passed in.
 */
import type { AppContext, AppRequest, AppResponse } from '../types.ts';
import { prettyJson, sortedCompactJson } from '../json.ts';
import { parseQuery } from '../../mesh/wire.ts';

export { parseQuery };

/** How one flavour presents request data. */
export interface HttpbinFlavour {
  /** Headers object for JSON bodies (`{"Host": "x"}` or `{"Host": ["x"]}`). */
  headersJson(request: AppRequest): Record<string, unknown>;
  /** Query args object for JSON bodies. */
  argsJson(query: string): Record<string, unknown>;
  /** The client address httpbin reports as `origin`. */
  origin(request: AppRequest): string;
  /** Extra fields of /get-like answers (go-httpbin adds `method`). */
  withMethod: boolean;
  /** Content type of empty /status answers. */
  statusContentType: string;
  /** Body and type of the 404 page. */
  notFound: { contentType: string; body: string };
  /** Response headers every answer starts with (server, CORS for Go). */
  baseHeaders: [string, string][];
  /** Response headers every answer ends with (gunicorn sends Flask-CORS's after the content headers). */
  trailingHeaders?: [string, string][];
  /** Flask 2.3 and later ignore `JSONIFY_PRETTYPRINT_REGULAR`: JSON comes compact (keys still sorted). */
  compactJson?: boolean;
}

/** Longest `/delay/N` in seconds (both flavours cap it at 10). */
export const MAX_DELAY_SECONDS = 10;

/** The request URL as httpbin reconstructs it from Host and X-Forwarded-Proto. */
export function requestUrl(request: AppRequest): string {
  const host = header(request, 'host') ?? 'localhost';
  const proto = header(request, 'x-forwarded-proto') ?? (request.tls ? 'https' : 'http');
  return `${proto}://${host}${request.path}${request.query ? `?${request.query}` : ''}`;
}

/** First value of a request header, case-insensitive. */
export function header(request: AppRequest, name: string): string | undefined {
  const lower = name.toLowerCase();
  // An indexed loop that compares lengths first (no iterator): apps read a few headers of every request they serve.
  const headers = request.headers;
  for (let i = 0; i < headers.length; i++) {
    const k = headers[i]![0];
    if (k.length === lower.length && (k === lower || k.toLowerCase() === lower)) return headers[i]![1];
  }
  return undefined;
}

function json(flavour: HttpbinFlavour, status: number, body: unknown): AppResponse {
  const text = flavour.compactJson ? sortedCompactJson(body) : prettyJson(body);
  return {
    status,
    headers: [
      ...flavour.baseHeaders,
      ['Content-Type', 'application/json'],
      ['Content-Length', String(Buffer.byteLength(text))],
      ...(flavour.trailingHeaders ?? []),
    ],
    body: text,
  };
}

function empty(flavour: HttpbinFlavour, status: number, contentType: string, body = ''): AppResponse {
  return {
    status,
    headers: [
      ...flavour.baseHeaders,
      ['Content-Type', contentType],
      ['Content-Length', String(Buffer.byteLength(body))],
      ...(flavour.trailingHeaders ?? []),
    ],
    body,
  };
}

function requestDump(flavour: HttpbinFlavour, request: AppRequest, full: boolean): Record<string, unknown> {
  const out: Record<string, unknown> = {
    args: flavour.argsJson(request.query),
    headers: flavour.headersJson(request),
    origin: flavour.origin(request),
    url: requestUrl(request),
  };
  if (flavour.withMethod) out.method = request.method;
  if (full) {
    let parsed: unknown = null;
    try {
      parsed = request.body ? JSON.parse(request.body) : null;
    } catch {
      parsed = null;
    }
    const type = header(request, 'content-type') ?? '';
    const isForm = type.startsWith('application/x-www-form-urlencoded');
    const multipart = type.startsWith('multipart/form-data') ? parseMultipart(request.body, type) : undefined;
    out.data = isForm || multipart ? '' : request.body;
    out.files = multipart ? flavour.argsJson(new URLSearchParams(multipart.files).toString()) : {};
    out.form = isForm
      ? flavour.argsJson(request.body)
      : multipart
        ? flavour.argsJson(new URLSearchParams(multipart.fields).toString())
        : {};
    out.json = parsed;
    out.method = request.method;
  }
  return out;
}

/** A multipart/form-data body's fields and files (name, value pairs in order). */
export function parseMultipart(
  body: string,
  contentType: string,
): { fields: [string, string][]; files: [string, string][] } {
  const marker = /boundary=("?)([^";]+)\1/.exec(contentType)?.[2];
  const fields: [string, string][] = [];
  const files: [string, string][] = [];
  if (!marker) return { fields, files };
  for (const chunk of body.split(`--${marker}`).slice(1)) {
    if (chunk.startsWith('--')) break;
    const end = chunk.indexOf('\r\n\r\n');
    if (end < 0) continue;
    const head = chunk.slice(0, end);
    const value = chunk.slice(end + 4).replace(/\r\n$/, '');
    const name = /name="([^"]*)"/.exec(head)?.[1];
    if (name === undefined) continue;
    if (/filename="/.test(head)) files.push([name, value]);
    else fields.push([name, value]);
  }
  return { fields, files };
}

/** The cookies a request carries, as httpbin's /cookies shows them. */
function cookiesOf(request: AppRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of (header(request, 'cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0) out[part.slice(0, eq).trim()] = part.slice(eq + 1).trim();
  }
  return out;
}

function redirect(
  flavour: HttpbinFlavour,
  location: string,
  extra: [string, string][] = [],
  status = 302,
): AppResponse {
  const body =
    '<!doctype html>\n<html lang=en>\n<title>Redirecting...</title>\n<h1>Redirecting...</h1>\n' +
    `<p>You should be redirected automatically to the target URL: <a href="${location}">${location}</a>. ` +
    'If not, click the link.\n';
  const r = empty(flavour, status, 'text/html; charset=utf-8', body);
  r.headers.splice(flavour.baseHeaders.length, 0, ['Location', location], ...extra);
  return r;
}

/** httpbin's cookie, auth and redirect endpoints; undefined for other paths. */
function serveSession(flavour: HttpbinFlavour, request: AppRequest): AppResponse | undefined {
  const path = request.path;
  if (path === '/cookies') return json(flavour, 200, { cookies: cookiesOf(request) });
  if (path === '/cookies/set') {
    const pairs = [...new URLSearchParams(request.query)];
    return redirect(
      flavour,
      '/cookies',
      pairs.map(([k, v]) => ['Set-Cookie', `${k}=${v}; Path=/`] as [string, string]),
    );
  }
  if (path === '/cookies/delete') {
    const names = [...new URLSearchParams(request.query).keys()];
    return redirect(
      flavour,
      '/cookies',
      names.map(
        (k) => ['Set-Cookie', `${k}=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Max-Age=0; Path=/`] as [string, string],
      ),
    );
  }
  const basic = /^\/basic-auth\/([^/]+)\/([^/]+)$/.exec(path);
  if (basic) {
    const given = /^Basic (.+)$/i.exec(header(request, 'authorization') ?? '')?.[1];
    const decoded = given ? Buffer.from(given, 'base64').toString('utf8') : '';
    if (decoded === `${basic[1]}:${basic[2]}`) return json(flavour, 200, { authenticated: true, user: basic[1] });
    const r = empty(flavour, 401, 'text/html; charset=utf-8');
    r.headers.push(['WWW-Authenticate', 'Basic realm="Fake Realm"']);
    return r;
  }
  if (path === '/bearer') {
    const token = /^Bearer (.+)$/i.exec(header(request, 'authorization') ?? '')?.[1];
    if (token) return json(flavour, 200, { authenticated: true, token });
    const r = empty(flavour, 401, 'text/html; charset=utf-8');
    r.headers.push(['WWW-Authenticate', 'Bearer']);
    return r;
  }
  const hops = /^\/(?:relative-)?redirect\/(\d+)$/.exec(path);
  if (hops) {
    const n = Number(hops[1]);
    return redirect(flavour, n <= 1 ? '/get' : `/relative-redirect/${n - 1}`);
  }
  if (path === '/redirect-to') {
    const q = new URLSearchParams(request.query);
    const code = Number(q.get('status_code') ?? 302);
    return redirect(flavour, q.get('url') ?? '/', [], code >= 300 && code < 400 ? code : 302);
  }
  if (path === '/response-headers') {
    const pairs = [...new URLSearchParams(request.query)];
    const r = json(flavour, 200, Object.fromEntries(pairs));
    r.headers.push(...pairs);
    return r;
  }
  return undefined;
}

const TEAPOT = `
    -=[ teapot ]=-

       _...._
     .'  _ _ \`.
    | ."\` ^ \`". _,
    \\_;\`"---"\`|//
      |       ;/
      \\_     _/
        \`"""\`
`;

/** Serves one httpbin request; `/delay/N` waits on the app's clock (aborted if the caller goes away). */
export async function serveHttpbin(
  flavour: HttpbinFlavour,
  request: AppRequest,
  ctx: AppContext,
): Promise<AppResponse> {
  const path = request.path;
  const method = request.method.toUpperCase();
  if (path === '/' || path === '') {
    return empty(
      flavour,
      200,
      'text/html; charset=utf-8',
      '<!DOCTYPE html>\n<html><head><title>httpbin.org</title></head><body><h2>httpbin.org</h2><p>A ' +
        'simple HTTP Request &amp; Response Service.</p></body></html>\n',
    );
  }
  const session = serveSession(flavour, request);
  if (session) return session;
  if (path === '/headers') return json(flavour, 200, { headers: flavour.headersJson(request) });
  if (path === '/ip') return json(flavour, 200, { origin: flavour.origin(request) });
  if (path === '/user-agent') return json(flavour, 200, { 'user-agent': header(request, 'user-agent') ?? '' });
  if (path === '/uuid') {
    const hex = Array.from({ length: 32 }, () => Math.floor(ctx.random.next() * 16).toString(16)).join('');
    return json(flavour, 200, {
      uuid: `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20)}`,
    });
  }
  if (path === '/get') {
    if (method !== 'GET' && method !== 'HEAD') return empty(flavour, 405, 'text/html; charset=utf-8');
    return json(flavour, 200, requestDump(flavour, request, false));
  }
  const verb = /^\/(post|put|patch|delete)$/.exec(path);
  if (verb) {
    if (method !== verb[1].toUpperCase()) return empty(flavour, 405, 'text/html; charset=utf-8');
    return json(flavour, 200, requestDump(flavour, request, true));
  }
  if (path === '/anything' || path.startsWith('/anything/'))
    return json(flavour, 200, requestDump(flavour, request, true));
  const status = /^\/status\/([\d,]+)$/.exec(path);
  if (status) {
    const codes = status[1].split(',').filter(Boolean).map(Number);
    const code = codes[Math.floor(ctx.random.next() * codes.length)] ?? 200;
    if (code < 100 || code > 599) return empty(flavour, 400, 'text/plain; charset=utf-8', 'Invalid status code\n');
    if (code === 418) return empty(flavour, 418, 'text/plain; charset=utf-8', TEAPOT);
    if (code >= 300 && code < 400 && code !== 304) {
      const r = empty(flavour, code, flavour.statusContentType);
      r.headers.push(['Location', '/redirect/1']);
      return r;
    }
    return empty(flavour, code, flavour.statusContentType);
  }
  const delay = /^\/delay\/(\d+(?:\.\d+)?)$/.exec(path);
  if (delay) {
    const seconds = Math.min(Number(delay[1]), MAX_DELAY_SECONDS);
    await ctx.clock.sleep(seconds * 1000, ctx.signal);
    return json(flavour, 200, requestDump(flavour, request, true));
  }
  if (path === '/json') {
    return json(flavour, 200, {
      slideshow: {
        author: 'Yours Truly',
        date: 'date of publication',
        title: 'Sample Slide Show',
        slides: [{ title: 'Wake up to WonderWidgets!', type: 'all' }],
      },
    });
  }
  if (path === '/html') {
    return empty(
      flavour,
      200,
      'text/html; charset=utf-8',
      '<!DOCTYPE html>\n<html>\n  <head>\n  </head>\n  <body>\n      <h1>Herman Melville - Moby-Dick</h1>\n  </body>\n</html>\n',
    );
  }
  return empty(flavour, 404, flavour.notFound.contentType, flavour.notFound.body);
}
