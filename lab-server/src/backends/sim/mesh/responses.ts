/** Building the responses proxies make themselves, and byte counts for access logs. */
import { httpDate } from '../apps/logTime.ts';
import { hopMs, type MeshEnv } from './env.ts';
import { HeaderList, type WireRequest, type WireResponse } from './wire.ts';

/** A local reply: Envoy sends `content-length`, `content-type: text/plain` when there is a body, and `date`. */
export function localReplyResponse(env: MeshEnv, status: number, body: string, method: string): WireResponse {
  const headers = new HeaderList();
  headers.add('content-length', String(Buffer.byteLength(body)));
  if (body) headers.add('content-type', 'text/plain');
  headers.add('date', httpDate(env.clock.now()));
  return { status, headers, body: method.toUpperCase() === 'HEAD' ? '' : body, extraMs: 0 };
}

/** Stamps the proxy's `server` header on a local reply and accounts a little time for it. */
export function finishLocalReply(env: MeshEnv, response: WireResponse, server: string): WireResponse {
  response.headers.set('server', server);
  response.headers.moveToFront(['server', 'date']);
  response.extraMs += hopMs(env);
  return response;
}

/** `%BYTES_RECEIVED%` of an HTTP request: its body. */
export function requestBytes(request: WireRequest): number {
  return Buffer.byteLength(request.body);
}

/** `%BYTES_SENT%` of an HTTP response: its body. */
export function responseBytes(response: WireResponse): number {
  return Buffer.byteLength(response.body);
}
