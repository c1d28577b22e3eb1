/**
 * What crosses pods' network interfaces, for `tcpdump`: each exchange on the simulated wire reports the client's
 * segment and the server's answer, with the bytes as they travel (plain HTTP as text, mTLS and TLS as encrypted
 * records). A capture listens for the segments to or from one address.
 */
import type { RandomSource } from '../types.ts';
import { serializeRawResponse } from './rawHttp.ts';
import type { Address, WireRequest, WireResponse } from './wire.ts';

/** One segment with data on the wire. */
export interface Segment {
  atMs: number;
  src: Address;
  dst: Address;
  /** The bytes (latin1 text); for encrypted segments, what a capture sees of the TLS records. */
  payload: string;
  encrypted: boolean;
}

/** Where segments go; a network keeps one. */
export class PacketTap {
  readonly #listeners = new Set<{ ip: string; listener: (s: Segment) => void }>();

  /** Calls `listener` for each segment to or from `ip` until the returned function is called. */
  capture(ip: string, listener: (s: Segment) => void): () => void {
    const entry = { ip, listener };
    this.#listeners.add(entry);
    return () => this.#listeners.delete(entry);
  }

  /** Reports a segment; `alsoAt` is another address that sees it (the pod behind a Service address). */
  emit(segment: Segment, alsoAt?: string): void {
    for (const { ip, listener } of this.#listeners)
      if (segment.src.ip === ip || segment.dst.ip === ip || alsoAt === ip) listener(segment);
  }

  /** Whether anyone listens (building payloads costs nothing then). */
  get active(): boolean {
    return this.#listeners.size > 0;
  }
}

/** A request as HTTP/1.1 puts it on the wire. */
export function rawRequest(request: WireRequest): string {
  const head = [`${request.method} ${request.path} HTTP/1.1`, `host: ${request.authority}`];
  for (const [k, v] of request.headers.entries) head.push(`${k.toLowerCase()}: ${v}`);
  return `${head.join('\r\n')}\r\n\r\n${request.body}`;
}

/** A response as HTTP/1.1 puts it on the wire. */
export function rawResponse(response: WireResponse): string {
  return serializeRawResponse(response);
}

/**
 * What a capture sees of `plain` sent inside TLS: an application-data record (type 0x17, version 0x0303, length)
 * and as many bytes that look random, plus the 16-byte tag and the record's framing.
 */
export function encrypted(plain: string, random: RandomSource): string {
  const length = Buffer.byteLength(plain, 'latin1') + 17;
  let body = '';
  for (let i = 0; i < length; i++) body += String.fromCharCode(Math.floor(random.next() * 256));
  return `\x17\x03\x03${String.fromCharCode(length >> 8, length & 0xff)}${body}`;
}
