/**
 * The shapes a request and a response take on the simulated wire, between proxies and apps.
 * Header names keep the case they were sent with; lookups are case-insensitive, as in HTTP.
 */

/** Whether header name `name` is `lower` (already lower-cased), ignoring case; cheap when the lengths differ. */
function sameName(name: string, lower: string): boolean {
  return name.length === lower.length && (name === lower || name.toLowerCase() === lower);
}

/** An ordered, case-insensitive list of HTTP headers. */
export class HeaderList {
  entries: [string, string][];

  /**
   * A list of `entries`, the pairs shared with the caller's list: no code edits a [name, value] pair in place (a
   * HeaderList replaces pairs), and sharing spares one small array per header per hop.
   */
  constructor(entries: Iterable<[string, string]> = []) {
    // Indexed loops here and below: a for-of over the entries allocates an iterator per call in code V8 has not
    // optimised (yet), and every hop of every request runs these.
    if (Array.isArray(entries)) this.entries = entries.slice();
    else {
      const copy: [string, string][] = [];
      for (const entry of entries) copy.push(entry);
      this.entries = copy;
    }
  }

  /** First value of `name`, or undefined. */
  get(name: string): string | undefined {
    const lower = name.toLowerCase();
    const entries = this.entries;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      if (sameName(entry[0], lower)) return entry[1];
    }
    return undefined;
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  /** Replaces every value of `name` with one value, keeping the first one's position. */
  set(name: string, value: string): void {
    this.#put(name, value, undefined);
  }

  /**
   * `set(pair[0], pair[1])`, putting `pair` itself in the list where the result is the same (no header of that name
   * yet, or one spelt the same): a proxy stamps the same few headers (its identity, the attempt count) on every
   * request, and a pair is never edited once in a list, so they can share one.
   */
  setPair(pair: readonly [string, string]): void {
    this.#put(pair[0], pair[1], pair as [string, string]);
  }

  #put(name: string, value: string, pair: [string, string] | undefined): void {
    const lower = name.toLowerCase();
    const entries = this.entries;
    let at = -1;
    let duplicates = false;
    for (let i = 0; i < entries.length; i++) {
      if (!sameName(entries[i]![0], lower)) continue;
      if (at < 0) at = i;
      else duplicates = true;
    }
    if (at < 0) {
      entries.push(pair ?? [name, value]);
      return;
    }
    const spelt = entries[at]![0];
    const kept: [string, string] = pair && spelt === name ? pair : [spelt, value];
    if (!duplicates) {
      entries[at] = kept;
      return;
    }
    const out: [string, string][] = entries.slice(0, at);
    out.push(kept);
    for (let i = at + 1; i < entries.length; i++) if (!sameName(entries[i]![0], lower)) out.push(entries[i]!);
    this.entries = out;
  }

  add(name: string, value: string): void {
    this.entries.push([name, value]);
  }

  remove(name: string): void {
    const lower = name.toLowerCase();
    const entries = this.entries;
    let i = 0;
    while (i < entries.length && !sameName(entries[i]![0], lower)) i++;
    if (i === entries.length) return;
    // Plain loops: a proxy removes a handful of headers from every request and response it handles.
    const kept: [string, string][] = entries.slice(0, i);
    for (i++; i < entries.length; i++) if (!sameName(entries[i]![0], lower)) kept.push(entries[i]!);
    this.entries = kept;
  }

  /** Removes every header named in `lowerNames` (lower case), in one pass that allocates only when one is there. */
  removeAll(lowerNames: readonly string[]): void {
    const entries = this.entries;
    let kept: [string, string][] | undefined;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      let named = false;
      for (let n = 0; n < lowerNames.length && !named; n++) named = sameName(entry[0], lowerNames[n]!);
      if (named) kept ??= entries.slice(0, i);
      else kept?.push(entry);
    }
    if (kept) this.entries = kept;
  }

  /** A copy to change on its own. The [name, value] pairs are shared: a HeaderList replaces pairs, never edits one. */
  clone(): HeaderList {
    const list = new HeaderList();
    list.entries = this.entries.slice();
    return list;
  }

  /** Moves the named headers (in this order) to the front, as Envoy emits `server` then `date` first. */
  moveToFront(names: readonly string[]): void {
    const entries = this.entries;
    // Already in front (a response passing a second proxy), the common case: checked without allocating.
    let at = 0;
    let inPlace = true;
    for (let n = 0; n < names.length && inPlace; n++) {
      const lower = names[n]!.toLowerCase();
      for (let i = 0; i < entries.length; i++) {
        if (!sameName(entries[i]![0], lower)) continue;
        if (i !== at++) {
          inPlace = false;
          break;
        }
      }
    }
    if (inPlace) return;
    const lower = names.map((n) => n.toLowerCase());
    const front: [string, string][] = [];
    for (let n = 0; n < lower.length; n++)
      for (let i = 0; i < entries.length; i++) if (sameName(entries[i]![0], lower[n]!)) front.push(entries[i]!);
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      let named = false;
      for (let n = 0; n < lower.length && !named; n++) named = sameName(entry[0], lower[n]!);
      if (!named) front.push(entry);
    }
    this.entries = front;
  }

  /** Envoy speaks lowercase header names on both HTTP/1.1 and HTTP/2. */
  lowercased(): HeaderList {
    const list = new HeaderList();
    // A pair already in lower case is shared (pairs are never edited): a response crosses several proxies.
    const entries = this.entries;
    const out = list.entries;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i]!;
      const lower = entry[0].toLowerCase();
      out.push(lower === entry[0] ? entry : [lower, entry[1]]);
    }
    return list;
  }
}

/** An HTTP request on the wire. */
export interface WireRequest {
  method: string;
  /** Path with query string, as sent (`/status/200?x=1`). */
  path: string;
  /** The Host header (HTTP/1.1) or :authority (HTTP/2). */
  authority: string;
  scheme: 'http' | 'https';
  protocol: 'HTTP/1.1' | 'HTTP/2';
  headers: HeaderList;
  body: string;
}

/** An HTTP response on the wire. */
export interface WireResponse {
  status: number;
  headers: HeaderList;
  body: string;
  /**
   * Simulated processing time (ms) spent below this point that was not slept on the clock:
   * small per-hop costs are accounted rather than waited for, so virtual clocks need not tick for them.
   */
  extraMs: number;
}

/** One end of a TCP connection. */
export interface Address {
  ip: string;
  port: number;
}

/** Why no HTTP response came back: the transport failed. */
export type TransportFailureKind = 'refused' | 'reset' | 'unreachable' | 'tls-mismatch';

/** A connection-level failure (refused, reset, black-holed, TLS spoken to a plaintext server). */
export class TransportFailure extends Error {
  kind: TransportFailureKind;
  constructor(kind: TransportFailureKind, message?: string) {
    super(message ?? kind);
    this.kind = kind;
  }
}

/** True for the error a `SimClock.sleep` or an aborted signal produces. */
export function isAbort(error: unknown): boolean {
  return error instanceof Error && error.name === 'AbortError';
}

/** Throws an AbortError if the signal has fired. */
export function throwIfAborted(signal: AbortSignal | undefined): void {
  if (signal?.aborted) {
    const error = new Error('The operation was aborted');
    error.name = 'AbortError';
    throw error;
  }
}

/** Splits `/a/b?x=1` into path and query string (without `?`). */
export function splitPath(path: string): { pathname: string; query: string } {
  const q = path.indexOf('?');
  return q < 0 ? { pathname: path, query: '' } : { pathname: path.slice(0, q), query: path.slice(q + 1) };
}

/** An authority's parts. */
export interface AuthorityParts {
  readonly host: string;
  readonly port?: number;
}

/** Authorities split: a proxy splits the Host of every request, and a mesh sees the same few. Read-only once made. */
const authorities = new Map<string, AuthorityParts>();

/** Splits `host:port` (or `[v6]:port`) into its parts; port is undefined when absent. The parts are shared. */
export function splitAuthority(authority: string): AuthorityParts {
  let parts = authorities.get(authority);
  if (parts === undefined) {
    const m = /^(.*?)(?::(\d+))?$/.exec(authority.trim());
    parts = m
      ? { host: m[1]!.toLowerCase(), port: m[2] !== undefined ? Number(m[2]) : undefined }
      : { host: authority };
    if (authorities.size >= 1000) authorities.clear();
    authorities.set(authority, parts);
  }
  return parts;
}

/** Standard reason phrases for HTTP/1.1 status lines. */
export const REASON_PHRASES: Record<number, string> = {
  100: 'Continue',
  200: 'OK',
  201: 'Created',
  202: 'Accepted',
  204: 'No Content',
  206: 'Partial Content',
  301: 'Moved Permanently',
  302: 'Found',
  303: 'See Other',
  304: 'Not Modified',
  307: 'Temporary Redirect',
  308: 'Permanent Redirect',
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  408: 'Request Timeout',
  409: 'Conflict',
  410: 'Gone',
  413: 'Payload Too Large',
  418: "I'm a teapot",
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  501: 'Not Implemented',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/** The reason phrase of a status code (`Unknown` when not standard, as Envoy prints it). */
export function reasonPhrase(status: number): string {
  return REASON_PHRASES[status] ?? 'Unknown';
}

/** Parses `a=1&b=2&a=3` into ordered pairs. */
export function parseQuery(query: string): [string, string][] {
  if (!query) return [];
  return query
    .split('&')
    .filter(Boolean)
    .map((pair) => {
      const eq = pair.indexOf('=');
      const k = eq < 0 ? pair : pair.slice(0, eq);
      const v = eq < 0 ? '' : pair.slice(eq + 1);
      const decode = (s: string) => {
        try {
          return decodeURIComponent(s.replace(/\+/g, ' '));
        } catch {
          return s;
        }
      };
      return [decode(k), decode(v)];
    });
}
