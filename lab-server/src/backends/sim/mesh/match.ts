/**
 * VirtualService `HTTPMatchRequest` semantics: entries of a `match` list are ORed, fields of one entry are ANDed,
 * a rule without `match` matches everything. String matches are exact / prefix / regex (RE2, whole value).
 */
import { parseQuery, splitAuthority, splitPath, type WireRequest } from './wire.ts';

/** Istio's StringMatch (one of exact, prefix, regex; empty means "present"). */
export interface StringMatch {
  exact?: string;
  prefix?: string;
  regex?: string;
}

/** One entry of a VirtualService http rule's `match` list. */
export interface HttpMatchRequest {
  name?: string;
  uri?: StringMatch;
  scheme?: StringMatch;
  method?: StringMatch;
  authority?: StringMatch;
  headers?: Record<string, StringMatch>;
  withoutHeaders?: Record<string, StringMatch>;
  queryParams?: Record<string, StringMatch>;
  port?: number;
  sourceLabels?: Record<string, string>;
  sourceNamespace?: string;
  gateways?: string[];
  ignoreUriCase?: boolean;
}

/** Who is asking: what `sourceLabels`, `sourceNamespace`, `port` and `gateways` are compared with. */
export interface MatchSource {
  labels: Record<string, string>;
  namespace: string;
  /** The port the request arrived on at this proxy (the listener's port). */
  port: number;
  /** `mesh` for sidecars, else the gateway names (`ns/name`) that selected this request. */
  gateways: string[];
}

const regexCache = new Map<string, RegExp | null>();

function fullRegex(pattern: string, flags = ''): RegExp | null {
  const key = `${flags}/${pattern}`;
  if (!regexCache.has(key)) {
    try {
      regexCache.set(key, new RegExp(`^(?:${pattern})$`, flags));
    } catch {
      regexCache.set(key, null);
    }
  }
  return regexCache.get(key) ?? null;
}

/** Whether a value satisfies a StringMatch; `undefined` values (absent headers) never match, except for "present". */
export function stringMatches(m: StringMatch | undefined, value: string | undefined, ignoreCase = false): boolean {
  if (!m) return true;
  if (value === undefined) return false;
  const v = ignoreCase ? value.toLowerCase() : value;
  if (m.exact !== undefined) return v === (ignoreCase ? m.exact.toLowerCase() : m.exact);
  if (m.prefix !== undefined) return v.startsWith(ignoreCase ? m.prefix.toLowerCase() : m.prefix);
  if (m.regex !== undefined) return fullRegex(m.regex, ignoreCase ? 'i' : '')?.test(value) ?? false;
  return true;
}

function headerValue(request: WireRequest, name: string): string | undefined {
  const lower = name.toLowerCase();
  if (lower === ':authority' || lower === 'host') return request.authority;
  if (lower === ':method') return request.method;
  if (lower === ':path') return request.path;
  if (lower === ':scheme') return request.scheme;
  return request.headers.get(lower);
}

function gatewayListed(listed: string[], source: MatchSource): boolean {
  return listed.some((g) => source.gateways.includes(g));
}

/** Whether one match entry holds for a request (all of its fields). */
export function matchEntryHolds(
  m: HttpMatchRequest,
  request: WireRequest,
  source: MatchSource,
  configNamespace: string,
): boolean {
  const { pathname, query } = splitPath(request.path);
  if (!stringMatches(m.uri, pathname, m.ignoreUriCase === true)) return false;
  if (!stringMatches(m.scheme, request.scheme)) return false;
  if (!stringMatches(m.method, request.method)) return false;
  if (!stringMatches(m.authority, request.authority)) return false;
  for (const [name, sm] of Object.entries(m.headers ?? {})) {
    if (!stringMatches(sm, headerValue(request, name))) return false;
  }
  for (const [name, sm] of Object.entries(m.withoutHeaders ?? {})) {
    const value = headerValue(request, name);
    if (value !== undefined && stringMatches(sm, value)) return false;
  }
  if (m.queryParams) {
    const params = new Map(parseQuery(query));
    for (const [name, sm] of Object.entries(m.queryParams)) {
      if (!stringMatches(sm, params.get(name))) return false;
    }
  }
  if (m.port !== undefined && m.port !== source.port) return false;
  if (m.sourceLabels && !Object.entries(m.sourceLabels).every(([k, v]) => source.labels[k] === v)) return false;
  if (m.sourceNamespace !== undefined && m.sourceNamespace !== source.namespace) return false;
  if (m.gateways && m.gateways.length > 0) {
    const listed = m.gateways.map((g) => (g === 'mesh' || g.includes('/') ? g : `${configNamespace}/${g}`));
    if (!gatewayListed(listed, source)) return false;
  }
  return true;
}

/** Whether a rule's `match` list holds: no list (or an empty one) matches everything, else any entry. */
export function ruleMatches(
  match: HttpMatchRequest[] | undefined,
  request: WireRequest,
  source: MatchSource,
  configNamespace: string,
): boolean {
  if (!match || match.length === 0) return true;
  return match.some((m) => matchEntryHolds(m, request, source, configNamespace));
}

/** The authority's host without a port, lower-cased. */
export function authorityHost(request: WireRequest): string {
  return splitAuthority(request.authority).host;
}
