/** kennethreitz/httpbin run by gunicorn: Werkzeug-style headers as strings, gunicorn's access log when enabled. */
import type { ContainerSpec } from '../../mesh/objects.ts';
import type { AppRequest, SimApp } from '../types.ts';
import { clfTime } from '../logTime.ts';
import { header, parseQuery, serveHttpbin, type HttpbinFlavour } from './endpoints.ts';

/** Headers httpbin hides unless asked (`ENV_HEADERS` in httpbin's helpers.py). */
export const HIDDEN_ENV_HEADERS = [
  'X-Varnish',
  'X-Request-Start',
  'X-Heroku-Queue-Depth',
  'X-Real-Ip',
  'X-Forwarded-Proto',
  'X-Forwarded-Protocol',
  'X-Forwarded-Ssl',
  'X-Heroku-Queue-Wait-Time',
  'X-Forwarded-For',
  'X-Heroku-Dynos-In-Use',
  'X-Forwarded-Port',
  'X-Request-Id',
  'Via',
  'Total-Route-Time',
  'Connect-Time',
].map((h) => h.toLowerCase());

/** Python's `str.title()`, which Werkzeug applies to header names: a letter after a non-letter is upper-cased. */
export function pythonTitle(name: string): string {
  let out = '';
  let prevLetter = false;
  for (const ch of name) {
    const isLetter = /[a-z]/i.test(ch);
    out += isLetter ? (prevLetter ? ch.toLowerCase() : ch.toUpperCase()) : ch;
    prevLetter = isLetter;
  }
  return out;
}

/** The gunicorn flavour as the seed deploys it. */
export function gunicornFlavour(serverHeader = 'gunicorn/19.9.0'): HttpbinFlavour {
  return {
    headersJson(request: AppRequest) {
      const out: Record<string, string> = {};
      for (const [k, v] of request.headers) {
        if (HIDDEN_ENV_HEADERS.includes(k.toLowerCase())) continue;
        const key = pythonTitle(k);
        // WSGI joins repeated headers with commas.
        out[key] = out[key] !== undefined ? `${out[key]},${v}` : v;
      }
      return out;
    },
    argsJson(query: string) {
      const out: Record<string, string | string[]> = {};
      for (const [k, v] of parseQuery(query)) {
        const prev = out[k];
        out[k] = prev === undefined ? v : Array.isArray(prev) ? [...prev, v] : [prev, v];
      }
      return out;
    },
    origin(request: AppRequest) {
      return header(request, 'x-forwarded-for') ?? request.peerIp;
    },
    withMethod: false,
    statusContentType: 'text/html; charset=utf-8',
    notFound: {
      contentType: 'text/html',
      body: '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL was not found on the server.  If you entered the URL manually please check your spelling and try again.</p>\n',
    },
    baseHeaders: [
      ['Server', serverHeader],
      ['Connection', 'keep-alive'],
    ],
    trailingHeaders: [
      ['Access-Control-Allow-Origin', '*'],
      ['Access-Control-Allow-Credentials', 'true'],
    ],
  };
}

function argv(container: ContainerSpec): string[] {
  return [...(container.command ?? []), ...(container.args ?? [])];
}

/** The port of gunicorn's `-b`/`--bind HOST:PORT` (the image's default command binds 0.0.0.0:80). */
export function gunicornPort(container: ContainerSpec): number {
  const args = argv(container);
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    const value =
      a === '-b' || a === '--bind'
        ? args[i + 1]
        : a.startsWith('--bind=')
          ? a.slice(7)
          : a.startsWith('-b') && a.length > 2
            ? a.slice(2)
            : undefined;
    const port = value ? /:(\d+)$/.exec(value)?.[1] : undefined;
    if (port) return Number(port);
  }
  return 80;
}

/** Whether gunicorn was told to write its access log (`--access-logfile -`); the image's default does not. */
export function gunicornLogsAccess(container: ContainerSpec): boolean {
  const args = argv(container);
  return args.some(
    (a, i) => (a === '--access-logfile' && args[i + 1] !== undefined) || a.startsWith('--access-logfile='),
  );
}

/** kennethreitz/httpbin. */
export const gunicornHttpbin: SimApp = {
  listenPorts: (container) => [gunicornPort(container)],
  async handle(request, ctx) {
    const response = await serveHttpbin(gunicornFlavour(), request, ctx);
    if (request.method.toUpperCase() === 'HEAD') response.body = '';
    if (gunicornLogsAccess(ctx.container)) {
      const size = Buffer.byteLength(response.body);
      const target = `${request.path}${request.query ? `?${request.query}` : ''}`;
      const referer = header(request, 'referer') ?? '-';
      const agent = header(request, 'user-agent') ?? '-';
      ctx.log(
        `${request.peerIp} - - [${clfTime(ctx.clock.now())}] "${request.method} ${target} ${request.protocol}" ${response.status} ${size || '-'} "${referer}" "${agent}"`,
      );
    }
    return response;
  },
};
