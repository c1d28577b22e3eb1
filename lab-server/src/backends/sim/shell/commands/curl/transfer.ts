/** One curl transfer: builds the request (curl's default headers, -d, -X, -H), follows redirects, renders output. */
import type { PodEndpoint, SimHttpRequest, SimHttpResponse, SimNetwork } from '../../../types.ts';
import { CURL_USER_AGENT, type CurlArgs } from './options.ts';

/** The outcome of one URL. */
export interface TransferResult {
  response?: SimHttpResponse;
  url: string;
  redirects: number;
  /** Lines for stderr under -v (request and response headers, connection notes). */
  verbose: string[];
}

/** curl assumes http:// when a URL has no scheme. */
export function normaliseUrl(url: string): string {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(url) ? url : `http://${url}`;
}

function defaultPort(url: URL): string {
  return url.protocol === 'https:' ? '443' : '80';
}

/** The request curl sends for `url` (Host, User-Agent, Accept first; -H overrides or removes them). */
export function buildRequest(args: CurlArgs, url: string, body: string | undefined): SimHttpRequest {
  const parsed = new URL(url);
  const host =
    parsed.port && parsed.port !== defaultPort(parsed) ? `${parsed.hostname}:${parsed.port}` : parsed.hostname;
  const headers: [string, string][] = [
    ['Host', host],
    ['User-Agent', args.userAgent ?? CURL_USER_AGENT],
    ['Accept', '*/*'],
  ];
  if (body !== undefined) {
    headers.push(['Content-Length', String(Buffer.byteLength(body))]);
    headers.push(['Content-Type', 'application/x-www-form-urlencoded']);
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
    if (at >= 0 && ['host', 'user-agent', 'accept', 'content-type', 'content-length'].includes(name.toLowerCase()))
      headers[at] = [name, value];
    else headers.push([name, value]);
  }
  const method = args.method ?? (args.head ? 'HEAD' : body !== undefined ? 'POST' : 'GET');
  return {
    method,
    url,
    headers,
    body: body ?? '',
    timeoutMs: args.maxTimeMs,
    connectTimeoutMs: args.connectTimeoutMs,
    httpVersion: args.httpVersion,
  };
}

/** The status line and headers as curl prints them (CRLF; HTTP/2 status lines end with a space). */
export function headerBlock(response: SimHttpResponse): string {
  const status =
    response.httpVersion === '2' ? `HTTP/2 ${response.status} ` : `HTTP/1.1 ${response.status} ${response.statusText}`;
  return [status, ...response.headers.map(([k, v]) => `${k}: ${v}`), ''].join('\r\n') + '\r\n';
}

function requestLines(request: SimHttpRequest, h2: boolean): string[] {
  const url = new URL(request.url);
  const lines = [`> ${request.method} ${url.pathname}${url.search} ${h2 ? 'HTTP/2' : 'HTTP/1.1'}`];
  for (const [k, v] of request.headers) lines.push(`> ${h2 && k === 'Host' ? 'Host' : k}: ${v}`);
  lines.push('> ', '* Request completely sent off');
  return lines;
}

/** Sends one URL (following redirects under -L, at most 50 as curl does). */
export async function transfer(
  network: SimNetwork,
  from: PodEndpoint | 'outside',
  args: CurlArgs,
  url: string,
  body: string | undefined,
  signal: AbortSignal | undefined,
): Promise<TransferResult> {
  let current = normaliseUrl(url);
  let redirects = 0;
  const verbose: string[] = [];
  for (;;) {
    const request = buildRequest(args, current, redirects === 0 ? body : undefined);
    if (redirects > 0 && !args.method) request.method = args.head ? 'HEAD' : 'GET';
    const response = await network.request(from, request, signal);
    if (args.verbose) {
      verbose.push(...response.connectLog);
      if (!response.error) {
        verbose.push(`* using ${response.httpVersion === '2' ? 'HTTP/2' : 'HTTP/1.x'}`);
        verbose.push(...requestLines(request, response.httpVersion === '2'));
        verbose.push(
          ...headerBlock(response)
            .split('\r\n')
            .slice(0, -1)
            .map((l) => `< ${l}`),
        );
        const host = new URL(current).hostname;
        if (response.body) verbose.push(`{ [${Buffer.byteLength(response.body)} bytes data]`);
        verbose.push(`* Connection #0 to host ${host} left intact`);
      }
    }
    const location = response.headers.find(([k]) => k.toLowerCase() === 'location')?.[1];
    if (
      args.location &&
      !response.error &&
      response.status >= 300 &&
      response.status < 400 &&
      location &&
      redirects < 50
    ) {
      current = new URL(location, current).toString();
      redirects++;
      if (args.verbose) verbose.push(`* Issue another request to this URL: '${current}'`);
      continue;
    }
    return { response, url: current, redirects, verbose };
  }
}
