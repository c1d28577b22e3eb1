/**
 * One curl transfer: builds the request (curl's default headers, -d/-F/-G, -X, -H, -u, -b, -e), sends it to the
 * connection target (--resolve, -x), follows redirects under -L with the cookie engine, renders -v's lines.
 */
import type { PodEndpoint, SimHttpRequest, SimHttpResponse, SimNetwork } from '../../../types.ts';
import type { CookieJar } from './cookies.ts';
import { CURL_USER_AGENT, type CurlArgs } from './options.ts';

/** The outcome of one URL. */
export interface TransferResult {
  response?: SimHttpResponse;
  url: string;
  redirects: number;
}

/**
 * What a transfer reports while it runs, in libcurl's order: each received header line goes to the debug
 * callback and then to the header callback before the next line is read; a kept body follows its headers.
 */
export interface TransferEvents {
  /** A request to `url` is about to go out (the first, or the next hop of a redirect). */
  request(url: string): void;
  /** A line of -v's trace that is not a received header: `*` notes, the connection log, the `>` request lines. */
  trace(line: string): void;
  /** One received header line with its CRLF: the status line, each header, the empty line ending the block. */
  header(line: string): void;
  /** The body of a response curl keeps (a redirect it follows is read and ignored). */
  body(text: string): void;
}

/** The body a transfer sends and how curl labels it. */
export interface RequestBody {
  text: string;
  contentType: string;
  /** From --json: curl also asks for JSON back. */
  json?: boolean;
}

/** What the network needs besides the request itself: --resolve, -x and --cacert/-k, parsed once per command. */
export interface ConnectOptions {
  resolve: NonNullable<SimHttpRequest['resolve']>;
  proxy?: SimHttpRequest['proxy'];
  tls: NonNullable<SimHttpRequest['tls']>;
}

/** curl assumes http:// when a URL has no scheme. */
export function normaliseUrl(url: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `http://${url}`;
}

function defaultPort(url: URL): string {
  return url.protocol === 'https:' ? '443' : '80';
}

/** `-u user:password` as the Basic credentials curl sends (`-u user` alone means an empty password here). */
export function basicAuth(user: string): string {
  const credentials = user.includes(':') ? user : `${user}:`;
  return `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`;
}

/** `-G`: the data moves into the URL's query. */
export function withQuery(url: string, query: string): string {
  if (!query) return url;
  const hash = url.indexOf('#');
  const base = hash >= 0 ? url.slice(0, hash) : url;
  return `${base}${base.includes('?') ? '&' : '?'}${query}`;
}

/** The request curl sends for `url` (Host, User-Agent, Accept first; -H overrides or removes them). */
export function buildRequest(
  args: CurlArgs,
  url: string,
  body: RequestBody | undefined,
  cookie: string | undefined,
  connect: ConnectOptions,
): SimHttpRequest {
  const parsed = new URL(url);
  const host =
    parsed.port && parsed.port !== defaultPort(parsed) ? `${parsed.hostname}:${parsed.port}` : parsed.hostname;
  const headers: [string, string][] = [['Host', host]];
  if (args.user !== undefined) headers.push(['Authorization', basicAuth(args.user)]);
  else if (args.bearer !== undefined) headers.push(['Authorization', `Bearer ${args.bearer}`]);
  headers.push(['User-Agent', args.userAgent ?? CURL_USER_AGENT], ['Accept', body?.json ? 'application/json' : '*/*']);
  if (args.compressed) headers.push(['Accept-Encoding', 'deflate, gzip, br, zstd']);
  if (args.referer !== undefined) headers.push(['Referer', args.referer]);
  if (cookie !== undefined) headers.push(['Cookie', cookie]);
  if (body !== undefined) {
    headers.push(['Content-Length', String(Buffer.byteLength(body.text))]);
    headers.push(['Content-Type', body.contentType]);
  }
  for (const raw of args.headers) {
    const colon = raw.indexOf(':');
    const semi = raw.indexOf(';');
    if (colon < 0 && semi > 0 && semi === raw.length - 1) {
      headers.push([raw.slice(0, -1), '']);
      continue;
    }
    if (colon < 0) continue;
    const name = raw.slice(0, colon).trim();
    const value = raw.slice(colon + 1).trim();
    const at = headers.findIndex(([k]) => k.toLowerCase() === name.toLowerCase());
    if (value === '') {
      if (at >= 0) headers.splice(at, 1);
      continue;
    }
    if (
      at >= 0 &&
      ['host', 'user-agent', 'accept', 'content-type', 'content-length', 'authorization', 'cookie', 'referer'].includes(
        name.toLowerCase(),
      )
    )
      headers[at] = [name, value];
    else headers.push([name, value]);
  }
  const method = args.method ?? (args.head ? 'HEAD' : body !== undefined ? 'POST' : 'GET');
  return {
    method,
    url,
    headers,
    body: body?.text ?? '',
    timeoutMs: args.maxTimeMs,
    connectTimeoutMs: args.connectTimeoutMs,
    httpVersion: args.httpVersion,
    ...(connect.resolve.length > 0 ? { resolve: connect.resolve } : {}),
    ...(connect.proxy ? { proxy: connect.proxy } : {}),
    tls: connect.tls,
  };
}

/** The status line and headers as curl prints them (CRLF; HTTP/2 status lines end with a space). */
export function headerBlock(response: SimHttpResponse): string {
  const status =
    response.httpVersion === '2' ? `HTTP/2 ${response.status} ` : `HTTP/1.1 ${response.status} ${response.statusText}`;
  return [status, ...response.headers.map(([k, v]) => `${k}: ${v}`), ''].join('\r\n') + '\r\n';
}

/** -v's `>` lines: the request header block line by line, each with the CR of its CRLF, as curl traces it. */
function requestLines(request: SimHttpRequest, h2: boolean): string[] {
  const url = new URL(request.url);
  const lines = [`> ${request.method} ${url.pathname}${url.search} ${h2 ? 'HTTP/2' : 'HTTP/1.1'}\r`];
  for (const [k, v] of request.headers) lines.push(`> ${k}: ${v}\r`);
  lines.push('> \r', '* Request completely sent off');
  return lines;
}

/** The host and port curl names its connection by (the proxy's under -x), as in `left intact`. */
function connectionName(url: string, connect: ConnectOptions): string {
  if (connect.proxy) return `${connect.proxy.host}:${connect.proxy.port}`;
  const parsed = new URL(url);
  return `${parsed.hostname}:${parsed.port || defaultPort(parsed)}`;
}

/**
 * Sends one URL (following redirects under -L, at most --max-redirs), keeping cookies in `jar` when given, and
 * reports what happens to `events` as it happens.
 */
export async function transfer(
  network: SimNetwork,
  from: PodEndpoint | 'outside',
  args: CurlArgs,
  url: string,
  body: RequestBody | undefined,
  connect: ConnectOptions,
  jar: CookieJar | undefined,
  nowSeconds: () => number,
  signal: AbortSignal | undefined,
  events: TransferEvents,
): Promise<TransferResult> {
  let current = normaliseUrl(url);
  let redirects = 0;
  for (;;) {
    const cookie = jar?.header(new URL(current), nowSeconds());
    const request = buildRequest(args, current, redirects === 0 ? body : undefined, cookie, connect);
    if (redirects > 0 && !args.method) request.method = args.head ? 'HEAD' : 'GET';
    events.request(current);
    const response = await network.request(from, request, signal);
    for (const line of response.connectLog) events.trace(line);
    if (response.error) return { response, url: current, redirects };
    events.trace(`* using ${response.httpVersion === '2' ? 'HTTP/2' : 'HTTP/1.x'}`);
    for (const line of requestLines(request, response.httpVersion === '2')) events.trace(line);
    for (const line of headerBlock(response).split(/(?<=\r\n)/)) events.header(line);
    const setCookies = response.headers.filter(([k]) => k.toLowerCase() === 'set-cookie').map(([, v]) => v);
    if (jar && setCookies.length > 0) jar.receive(new URL(current), setCookies, nowSeconds());
    // -f: libcurl fails once the headers are in (http.c's on_response), notes it, and drops the connection.
    if (args.fail && response.status >= 400) {
      events.trace(`* The requested URL returned error: ${response.status}`);
      events.trace('* closing connection #0');
      return { response, url: current, redirects };
    }
    const location = response.headers.find(([k]) => k.toLowerCase() === 'location')?.[1];
    const follows = args.location && response.status >= 300 && response.status < 400 && location !== undefined;
    // A redirect curl follows: its body is read to keep the connection, never written (http.c's firstwrite).
    if (follows) events.trace('* Ignoring the response-body');
    else if (request.method !== 'HEAD' && !args.head) events.body(response.body);
    events.trace(`* Connection #0 to host ${connectionName(current, connect)} left intact`);
    if (!follows) return { response, url: current, redirects };
    if (redirects >= args.maxRedirects)
      return {
        response: {
          ...response,
          error: { curlExitCode: 47, message: `Maximum (${args.maxRedirects}) redirects followed` },
        },
        url: current,
        redirects,
      };
    current = new URL(location, current).toString();
    redirects++;
    events.trace(`* Issue another request to this URL: '${current}'`);
  }
}
