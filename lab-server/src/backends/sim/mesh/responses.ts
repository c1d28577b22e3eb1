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

/** Bodies shorter than this are measured each time (measuring is cheaper than the memo's lookup). */
const MEMO_FROM_CHARS = 1024;
/** Longer bodies are measured each time too (the memo must not hold a learner's megabytes). */
const MEMO_UP_TO_CHARS = 65_536;
/** Entries the byte-length memo keeps at most. */
const MAX_MEMO = 64;
/** UTF-8 lengths of long bodies: a response crosses each proxy of its path, each counting its bytes. */
const byteLengths = new Map<string, number>();

/** The UTF-8 length of `body`; a long body's is kept (every hop of a request's path asks for it). */
export function bodyBytes(body: string): number {
  if (body.length < MEMO_FROM_CHARS || body.length > MEMO_UP_TO_CHARS) return Buffer.byteLength(body);
  let bytes = byteLengths.get(body);
  if (bytes === undefined) {
    bytes = Buffer.byteLength(body);
    if (byteLengths.size >= MAX_MEMO) byteLengths.clear();
    byteLengths.set(body, bytes);
  }
  return bytes;
}

/** `%BYTES_RECEIVED%` of an HTTP request: its body. */
export function requestBytes(request: WireRequest): number {
  return bodyBytes(request.body);
}

/** `%BYTES_SENT%` of an HTTP response: its body. */
export function responseBytes(response: WireResponse): number {
  return bodyBytes(response.body);
}
