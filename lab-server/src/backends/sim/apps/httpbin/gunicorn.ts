/**
 * Python httpbin run by gunicorn (kennethreitz/httpbin, the seed's amd64-only image, and kong/httpbin, its multi-arch
 * rebuild): Werkzeug-style headers as strings, gunicorn's start-up lines and, when enabled, its access log.
 */
import { imageRepository } from '../../mesh/names.ts';
import type { ContainerSpec } from '../../mesh/objects.ts';
import type { AppRequest, SimApp } from '../types.ts';
import { clfTime, gunicornTime } from '../logTime.ts';
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

const WERKZEUG_404 =
  '<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL ' +
  'was not found on the server. If you entered the URL manually please check your spelling and try again.</p>\n';

/**
 * The gunicorn flavour. `modern` is kong/httpbin's stack (gunicorn 23, Flask 3.1, Werkzeug 3.1): `Server: gunicorn`
 * without a version, compact JSON, Werkzeug 3's 404 page; otherwise kennethreitz/httpbin's (gunicorn 19.9, Flask 1).
 */
export function gunicornFlavour(serverHeader = 'gunicorn/19.9.0', modern = false): HttpbinFlavour {
  return {
    compactJson: modern,
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
    notFound: modern
      ? { contentType: 'text/html; charset=utf-8', body: WERKZEUG_404 }
      : {
          contentType: 'text/html',
          body:
            '<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 3.2 Final//EN">\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The ' +
            'requested URL was not found on the server.  If you entered the URL manually please check your spelling and try again.</p>\n',
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

/** The gunicorn each image runs: kennethreitz/httpbin (2018) has 19.9.0; kong/httpbin 0.2.3 has 23.0.0. */
export function gunicornVersion(image: string | undefined): string {
  return imageRepository(image ?? '') === 'kennethreitz/httpbin' ? '19.9.0' : '23.0.0';
}

function optionValue(args: string[], short: string, long: string): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === short || a === long) return args[i + 1];
    if (a.startsWith(`${long}=`)) return a.slice(long.length + 1);
    if (a.startsWith(short) && a.length > short.length && !a.startsWith('--')) return a.slice(short.length);
  }
  return undefined;
}

/** gunicorn's start-up lines (its error log on stderr, which `kubectl logs` shows): master pid 1, one line per worker. */
export function gunicornStartup(container: ContainerSpec, at: number, defaultBind = '0.0.0.0:80'): string[] {
  const args = argv(container);
  const bind = optionValue(args, '-b', '--bind') ?? defaultBind;
  const worker = optionValue(args, '-k', '--worker-class') ?? 'sync';
  const workers = Math.max(1, Math.min(32, Number(optionValue(args, '-w', '--workers') ?? 1) || 1));
  const time = gunicornTime(at);
  return [
    `[${time}] [1] [INFO] Starting gunicorn ${gunicornVersion(container.image)}`,
    `[${time}] [1] [INFO] Listening at: http://${bind} (1)`,
    `[${time}] [1] [INFO] Using worker: ${worker}`,
    ...Array.from({ length: workers }, (_, i) => `[${time}] [${7 + i}] [INFO] Booting worker with pid: ${7 + i}`),
  ];
}

/** Python httpbin under gunicorn. */
export const gunicornHttpbin: SimApp = {
  listenPorts: (container) => [gunicornPort(container)],
  startupLog: (container, at) => gunicornStartup(container, at),
  async handle(request, ctx) {
    const version = gunicornVersion(ctx.container.image);
    const old = version.startsWith('19.');
    const response = await serveHttpbin(gunicornFlavour(old ? `gunicorn/${version}` : 'gunicorn', !old), request, ctx);
    if (request.method.toUpperCase() === 'HEAD') response.body = '';
    if (gunicornLogsAccess(ctx.container)) {
      const size = Buffer.byteLength(response.body);
      const target = `${request.path}${request.query ? `?${request.query}` : ''}`;
      const referer = header(request, 'referer') ?? '-';
      const agent = header(request, 'user-agent') ?? '-';
      ctx.log(
        `${request.peerIp} - - [${clfTime(ctx.clock.now())}] "${request.method} ${target} ` +
          `${request.protocol}" ${response.status} ${size || '-'} "${referer}" "${agent}"`,
      );
    }
    return response;
  },
};
