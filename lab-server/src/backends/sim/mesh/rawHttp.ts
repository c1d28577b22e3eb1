/**
 * HTTP/1.x as bytes, for clients that speak it by hand (`printf 'GET / HTTP/1.1\r\n...' | nc host port`):
 * recognising a request, parsing it, and writing a response back as a server would.
 */
import { HeaderList, reasonPhrase, type WireRequest, type WireResponse } from './wire.ts';

const REQUEST_LINE = /^([A-Z]+) (\S+) HTTP\/(1\.[01])\r?\n/;

/** Whether the first bytes are an HTTP/1 request line (what Envoy's protocol sniffing looks for). */
export function looksLikeHttp(data: string): boolean {
  return REQUEST_LINE.test(data);
}

/** The request in `data`, or undefined when its head is not complete (no empty line yet) or not HTTP. */
export function parseRawRequest(data: string): WireRequest | undefined {
  const m = REQUEST_LINE.exec(data);
  if (!m) return undefined;
  const end = data.search(/\r?\n\r?\n/);
  if (end < 0) return undefined;
  const headers = new HeaderList();
  for (const line of data.slice(m[0].length, end).split(/\r?\n/)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers.add(line.slice(0, colon).trim(), line.slice(colon + 1).trim());
  }
  const rest = data.slice(end).replace(/^\r?\n\r?\n/, '');
  const length = Number(headers.get('content-length') ?? 0);
  const authority = headers.get('host') ?? '';
  headers.remove('host');
  return {
    method: m[1]!,
    path: m[2]!,
    authority,
    scheme: 'http',
    // HTTP/1.0 is carried as 1.1 on the simulated wire (nothing here behaves differently for it).
    protocol: 'HTTP/1.1',
    headers,
    body: rest.slice(0, Number.isFinite(length) ? length : 0),
  };
}

/** A response as it goes over the wire: status line, headers, blank line, body. */
export function serializeRawResponse(response: WireResponse, protocol = 'HTTP/1.1'): string {
  const head = [`${protocol} ${response.status} ${reasonPhrase(response.status)}`];
  for (const [k, v] of response.headers.entries) head.push(`${k}: ${v}`);
  return `${head.join('\r\n')}\r\n\r\n${response.body}`;
}
