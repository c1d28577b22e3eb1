/** istiod's VirtualService rules (pkg/config/validation: ValidateVirtualService, validateHTTPRoute and friends). */
import {
  hostsOverlap,
  isDns1123Label,
  isIpAddress,
  validateDuration,
  validateFqdn,
  validateIpSubnet,
  validatePort,
  validateRegexp,
  validateStringMatch,
  validateStringMatchRegexp,
  validateWildcardDomain,
} from './names.ts';
import type { VirtualServiceInput } from '../../../../../kube/istioSchemas.ts';

type Errs = string[];

/** An item of an optional list whose entries may be null. */
type Item<L> = NonNullable<L> extends readonly (infer E)[] ? NonNullable<E> : never;
type Http = Item<VirtualServiceInput['http']>;
type Tls = Item<VirtualServiceInput['tls']>;
type Tcp = Item<VirtualServiceInput['tcp']>;
type HeaderOps = NonNullable<NonNullable<Http['headers']>['request']>;
type DestinationIn = NonNullable<Http['mirror']>;
type RouteIn = Item<Http['route']> | Item<Tcp['route']>;
type L4MatchIn = Item<Tcp['match']>;

const push = (errs: Errs, ...found: (string | undefined)[]) => {
  for (const e of found) if (e) errs.push(e);
};

const HEADER_NAME = /^[!#$%&'*+\-.^_`|~A-Za-z0-9]+$/;
const PSEUDO_HEADERS = new Set([':method', ':scheme', ':authority', ':path', ':status']);
const RETRY_ON = new Set([
  '5xx',
  'gateway-error',
  'reset',
  'reset-before-request',
  'connect-failure',
  'retriable-4xx',
  'refused-stream',
  'retriable-status-codes',
  'retriable-headers',
  'envoy-ratelimited',
  'http3-post-connect-failure',
  'cancelled',
  'deadline-exceeded',
  'internal',
  'resource-exhausted',
  'unavailable',
]);
// Go's http.StatusText knows these codes (a retryOn entry may be one of them).
const STATUS_CODES = new Set([
  100, 101, 102, 103, 200, 201, 202, 203, 204, 205, 206, 207, 208, 226, 300, 301, 302, 303, 304, 305, 307, 308, 400,
  401, 402, 403, 404, 405, 406, 407, 408, 409, 410, 411, 412, 413, 414, 415, 416, 417, 418, 421, 422, 423, 424, 425,
  426, 428, 429, 431, 451, 500, 501, 502, 503, 504, 505, 506, 507, 508, 510, 511,
]);
const CORS_METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', '*']);

const isAuthorityHeader = (name: string) => [':authority', 'host'].includes(name.toLowerCase());
const isInternalHeader = (name: string) => name.startsWith(':') || name.toLowerCase() === 'host';

function headerNameOrClaim(name: string): string | undefined {
  if (name === '') return 'header name cannot be empty';
  if (name.startsWith('@request.auth.claims') || PSEUDO_HEADERS.has(name)) return undefined;
  return HEADER_NAME.test(name) ? undefined : `header name ${name} is not a valid header name`;
}

function headerValue(value: unknown): string | undefined {
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u0008\u000A-\u001F\u007F]/.test(String(value))
    ? `header value configuration ${String(value)} is invalid`
    : undefined;
}

function requestHeaderOps(errs: Errs, ops: HeaderOps | null | undefined): void {
  for (const [name, value] of [...Object.entries(ops?.add ?? {}), ...Object.entries(ops?.set ?? {})]) {
    push(
      errs,
      name === ''
        ? 'header name cannot be empty'
        : isInternalHeader(name) && !isAuthorityHeader(name)
          ? `invalid header "${name}": header cannot have ":" prefix`
          : undefined,
      headerValue(value),
    );
  }
  for (const name of ops?.remove ?? []) push(errs, operationName(name ?? ''));
}

function operationName(name: string): string | undefined {
  if (name === '') return 'header name cannot be empty';
  if (name.toLowerCase() === 'host') return `invalid header "${name}": cannot set Host header`;
  if (isInternalHeader(name)) return `invalid header "${name}": header cannot have ":" prefix`;
  return undefined;
}

function responseHeaderOps(errs: Errs, ops: HeaderOps | null | undefined): void {
  for (const [name, value] of [...Object.entries(ops?.add ?? {}), ...Object.entries(ops?.set ?? {})])
    push(errs, operationName(name), headerValue(value));
  for (const name of ops?.remove ?? []) push(errs, operationName(name ?? ''));
}

/** validateGatewayNames; like istiod, it stops at the first name without a namespace. */
export function validateGatewayNames(names: readonly (string | null)[] | null | undefined): Errs {
  const errs: Errs = [];
  for (const name of (names ?? []).map((n) => n ?? '')) {
    const slash = name.indexOf('/');
    if (slash < 0) {
      push(errs, validateFqdn(name));
      return errs;
    }
    const [ns, gw] = [name.slice(0, slash), name.slice(slash + 1)];
    if (!ns || !gw) errs.push('config namespace and gateway name cannot be empty');
    if (!isDns1123Label(ns)) errs.push(`invalid value for namespace: "${ns}"`);
    if (!isDns1123Label(gw)) errs.push(`invalid value for gateway name: "${gw}"`);
  }
  return errs;
}

function validateSubsetName(name: string): string | undefined {
  if (name.length === 0) return 'subset name cannot be empty';
  return isDns1123Label(name) ? undefined : `subset name is invalid: ${name}`;
}

/** validateDestination. */
export function validateDestination(destination: DestinationIn | undefined | null): Errs {
  const errs: Errs = [];
  if (!destination) return errs;
  const host = String(destination.host ?? '');
  push(errs, host === '*' ? `invalid destination host ${host}` : validateWildcardDomain(host));
  if (destination.subset) push(errs, validateSubsetName(destination.subset));
  if (destination.port) push(errs, validatePort(Number(destination.port.number ?? 0)));
  return errs;
}

function validatePercentage(p: { value?: number | null } | null | undefined): string | undefined {
  if (!p) return undefined;
  const v = Number(p.value ?? 0);
  return v < 0 || v > 100 || (v > 0 && v < 0.0001)
    ? `percentage ${v} is neither 0.0, nor in range [0.0001, 100.0]`
    : undefined;
}

function validateHttpStatus(status: number): string | undefined {
  return status < 200 || status > 600 ? `HTTP status ${status} is not in range 200-599` : undefined;
}

function routeDestinations(errs: Errs, routes: readonly (RouteIn | null)[] | null | undefined): void {
  let total = 0;
  for (const r of routes ?? []) {
    if (!r) {
      errs.push('weight may not be nil');
      continue;
    }
    if (!r.destination) errs.push('destination is required');
    const headers = 'headers' in r ? r.headers : undefined;
    requestHeaderOps(errs, headers?.request);
    responseHeaderOps(errs, headers?.response);
    errs.push(...validateDestination(r.destination));
    const weight = Number(r.weight ?? 0);
    if (weight < 0) errs.push(`weight ${weight} < 0`);
    total += weight;
  }
  if ((routes?.length ?? 0) > 1 && total === 0) errs.push('total destination weight = 0');
}

function matchRequests(errs: Errs, http: Http): void {
  const matches = http.match ?? [];
  for (const m of matches) {
    if (!m) continue;
    for (const [name, h] of Object.entries(m.headers ?? {})) {
      if (h === null) errs.push(`header match ${name} cannot be null`);
      push(errs, headerNameOrClaim(name), validateStringMatch(h, 'headers'));
    }
    for (const [name, h] of Object.entries(m.withoutHeaders ?? {})) {
      push(errs, headerNameOrClaim(name));
      // `*` is not a regex there: it means "header present".
      if (h && h.regex !== '*') push(errs, validateStringMatch(h, 'withoutHeaders'));
    }
    push(
      errs,
      validateStringMatchRegexp(m.uri, 'uri'),
      validateStringMatch(m.scheme, 'scheme'),
      validateStringMatch(m.method, 'method'),
      validateStringMatch(m.authority, 'authority'),
    );
    for (const qp of Object.values(m.queryParams ?? {})) push(errs, validateStringMatch(qp, 'queryParams'));
  }
  for (const m of matches) {
    if (!m) continue;
    if (m.port) push(errs, validatePort(Number(m.port)));
    errs.push(...validateGatewayNames(m.gateways));
    if (m.sourceNamespace && !isDns1123Label(m.sourceNamespace))
      errs.push(`sourceNamespace match ${m.sourceNamespace} is invalid`);
  }
}

function routeConflicts(errs: Errs, http: Http, type: 'independent' | 'root' | 'delegate'): void {
  const hasRoute = (http.route?.length ?? 0) > 0;
  if (type === 'root') {
    if (http.redirect) errs.push(`root HTTP route ${http.name ?? ''} must not specify redirect`);
    if (http.route) errs.push(`root HTTP route ${http.name ?? ''} must not specify route`);
    return;
  }
  if (type === 'delegate' && http.delegate) errs.push('delegate HTTP route cannot contain delegate');
  if (http.redirect) {
    if (hasRoute) errs.push('HTTP route cannot contain both route and redirect');
    if (http.fault) errs.push('HTTP route cannot contain both fault and redirect');
    if (http.rewrite) errs.push('HTTP route rule cannot contain both rewrite and redirect');
    if (http.directResponse) errs.push('HTTP route rule cannot contain both direct_response and redirect');
  } else if (http.directResponse) {
    if (hasRoute) errs.push('HTTP route cannot contain both route and direct_response');
    if (http.fault) errs.push('HTTP route cannot contain both fault and direct_response');
    if (http.rewrite) errs.push('HTTP route rule cannot contain both rewrite and direct_response');
  } else if (!hasRoute) {
    errs.push('HTTP route, redirect or direct_response is required');
  }
  if (http.mirror && http.mirrors?.length) errs.push('HTTP route cannot contain both mirror and mirrors');
}

function fault(errs: Errs, f: Http['fault']): void {
  if (!f) return;
  if (!f.abort && !f.delay) errs.push('HTTP fault injection must have an abort and/or a delay');
  if (f.abort) {
    push(errs, validatePercentage(f.abort.percentage));
    if (f.abort.grpcStatus !== undefined && f.abort.grpcStatus !== null) {
      // The codes of grpc.SupportedGRPCStatus.
      const codes = [
        'OK',
        'CANCELLED',
        'UNKNOWN',
        'INVALID_ARGUMENT',
        'DEADLINE_EXCEEDED',
        'NOT_FOUND',
        'ALREADY_EXISTS',
        'PERMISSION_DENIED',
        'RESOURCE_EXHAUSTED',
        'FAILED_PRECONDITION',
        'ABORTED',
        'OUT_OF_RANGE',
        'UNIMPLEMENTED',
        'INTERNAL',
        'UNAVAILABLE',
        'DATA_LOSS',
        'UNAUTHENTICATED',
      ];
      if (!codes.includes(f.abort.grpcStatus))
        errs.push(
          `gRPC status "${f.abort.grpcStatus}" is not supported. See ` +
            `https://github.com/grpc/grpc/blob/master/doc/statuscodes.md for a list of supported codes, for example 'NOT_FOUND'`,
        );
    } else if (f.abort.http2Error !== undefined && f.abort.http2Error !== null)
      errs.push('HTTP/2 abort fault injection not supported yet');
    else if (f.abort.httpStatus !== undefined && f.abort.httpStatus !== null)
      push(errs, validateHttpStatus(Number(f.abort.httpStatus)));
  }
  if (f.delay) {
    push(errs, validatePercentage(f.delay.percentage));
    if (f.delay.fixedDelay !== undefined && f.delay.fixedDelay !== null)
      push(errs, validateDuration(f.delay.fixedDelay, 'fixedDelay'));
    else if (f.delay.exponentialDelay !== undefined && f.delay.exponentialDelay !== null)
      push(errs, validateDuration(f.delay.exponentialDelay, 'exponentialDelay'), 'exponentialDelay not supported yet');
  }
}

function retries(errs: Errs, r: Http['retries']): void {
  if (!r) return;
  const attempts = Number(r.attempts ?? 0);
  if (attempts < 0) errs.push('attempts cannot be negative');
  if (attempts === 0 && (r.perTryTimeout !== undefined || r.retryOn || r.retryRemoteLocalities !== undefined))
    errs.push('http retry policy configured when attempts are set to 0 (disabled)');
  if (r.perTryTimeout !== undefined && r.perTryTimeout !== null)
    push(errs, validateDuration(r.perTryTimeout, 'perTryTimeout'));
  if (r.retryOn) {
    for (const policy of String(r.retryOn).split(',')) {
      if (!STATUS_CODES.has(/^\d+$/.test(policy) ? Number(policy) : 0) && !RETRY_ON.has(policy))
        errs.push(`"${policy}" is not a valid retryOn policy`);
    }
  }
  if (r.backoff !== undefined && r.backoff !== null) push(errs, validateDuration(r.backoff, 'backoff'));
}

function redirect(r: Http['redirect']): string | undefined {
  if (!r) return undefined;
  if (!r.uri && !r.authority && r.port === undefined && r.derivePort === undefined && !r.scheme)
    return 'redirect must specify URI, authority, scheme, or port';
  if (r.redirectCode && (r.redirectCode < 300 || r.redirectCode > 399))
    return `${r.redirectCode} is not a valid redirect code, must be 3xx`;
  if (r.scheme && r.scheme !== 'http' && r.scheme !== 'https')
    return 'invalid redirect scheme, must be "http" or "https"';
  if ((r.port ?? 0) > 0) return validatePort(Number(r.port));
  return undefined;
}

function rewrite(r: Http['rewrite']): string | undefined {
  if (!r) return undefined;
  if (r.uri && r.uriRegexRewrite) return 'rewrite may only contain one of URI or UriRegexRewrite';
  if (!r.uri && !r.uriRegexRewrite && !r.authority)
    return 'rewrite must specify at least one of URI, UriRegexRewrite, or authority. Only one of URI or UriRegexRewrite may be specified';
  const rr = r.uriRegexRewrite;
  if (rr) {
    const err =
      !rr.match || !rr.rewrite
        ? 'UriRegexRewrite requires both Rewrite and Match fields to be specified'
        : validateRegexp(rr.match, 'HTTPRewrite.UriRegexRewrite.Match');
    if (err) return `UriRegexRewrite has errors\n${err}`;
  }
  return undefined;
}

function mirrorPercentages(errs: Errs, http: Http): void {
  if (http.mirrorPercent !== undefined && Number(http.mirrorPercent) > 100)
    errs.push(`mirror_percent must have a max value of 100 (it has ${http.mirrorPercent})`);
  if (http.mirrorPercentage) {
    const v = Number(http.mirrorPercentage.value ?? 0);
    if (v > 100) errs.push(`mirror_percentage must have a max value of 100 (it has ${v.toFixed(6)})`);
    if (v < 0) errs.push(`mirror_percentage must have a min value of 0 (it has ${v.toFixed(6)})`);
  }
  errs.push(...validateDestination(http.mirror));
  for (const m of http.mirrors ?? []) {
    if (!m) {
      errs.push('mirror cannot be null');
      continue;
    }
    if (!m.destination) {
      errs.push('destination is required for mirrors');
      continue;
    }
    errs.push(...validateDestination(m.destination));
    const v = Number(m.percentage?.value ?? 0);
    if (m.percentage && v > 100) errs.push(`mirror percentage must have a max value of 100 (it has ${v.toFixed(6)})`);
    if (m.percentage && v < 0) errs.push(`mirror percentage must have a min value of 0 (it has ${v.toFixed(6)})`);
  }
}

function httpRoute(http: Http, delegate: boolean): Errs {
  const errs: Errs = [];
  routeConflicts(errs, http, delegate ? 'delegate' : http.delegate ? 'root' : 'independent');
  matchRequests(errs, http);
  requestHeaderOps(errs, http.headers?.request);
  responseHeaderOps(errs, http.headers?.response);
  for (const method of http.corsPolicy?.allowMethods ?? [])
    if (!CORS_METHODS.has(method ?? '')) errs.push(`"${method}" is not a supported HTTP method`);
  fault(errs, http.fault);
  mirrorPercentages(errs, http);
  push(errs, redirect(http.redirect));
  if (http.directResponse) push(errs, validateHttpStatus(Number(http.directResponse.status ?? 0)));
  retries(errs, http.retries);
  push(errs, rewrite(http.rewrite));
  routeDestinations(errs, http.route);
  if (http.timeout !== undefined && http.timeout !== null) push(errs, validateDuration(http.timeout, 'timeout'));
  return errs;
}

function l4Match(errs: Errs, match: L4MatchIn): void {
  for (const subnet of match.destinationSubnets ?? []) push(errs, validateIpSubnet(subnet ?? ''));
  if (match.port) push(errs, validatePort(Number(match.port)));
  errs.push(...validateGatewayNames(match.gateways));
}

function tlsRoute(tls: Tls, vs: VirtualServiceInput): Errs {
  const errs: Errs = [];
  if (!tls.match?.length) errs.push('TLS route must have at least one match condition');
  for (const match of tls.match ?? []) {
    if (!match) continue;
    if (!match.sniHosts?.length) errs.push('TLS match must have at least one SNI host');
    for (const sni of (match.sniHosts ?? []).map((h) => h ?? '')) {
      const err = validateWildcardDomain(sni);
      if (err) {
        if (!isIpAddress(sni)) errs.push(err);
      } else if (
        !(vs.hosts ?? []).some((h) => h === '*' || sni === h || (!!h && h.startsWith('*') && sni.endsWith(h.slice(1))))
      ) {
        errs.push(
          `SNI host "${sni}" is not a compatible subset of any of the virtual service hosts: [${(vs.hosts ?? []).join(', ')}]`,
        );
      }
    }
    l4Match(errs, match);
  }
  if (!tls.route?.length) errs.push('TLS route is required');
  routeDestinations(errs, tls.route);
  return errs;
}

function tcpRoute(tcp: Tcp): Errs {
  const errs: Errs = [];
  for (const match of tcp.match ?? []) if (match) l4Match(errs, match);
  if (!tcp.route?.length) errs.push('TCP route is required');
  routeDestinations(errs, tcp.route);
  return errs;
}

/** validateExportTo for VirtualServices, DestinationRules and ServiceEntries. */
export function validateExportTo(
  exportTo: readonly (string | null)[] | null | undefined,
  namespace: string,
  serviceEntry: boolean,
): Errs {
  const errs: Errs = [];
  const seen = new Set<string>();
  for (const e of (exportTo ?? []).map((x) => x ?? '')) {
    const key = e === '.' ? namespace : e;
    if (seen.has(key)) {
      errs.push(
        key !== e
          ? `duplicate entries in exportTo: . and current namespace ${namespace}`
          : `duplicate entries in exportTo for entry ${e}`,
      );
    } else if ((serviceEntry && e === '~') || key === '*' || key === '~' || isDns1123Label(key)) {
      seen.add(key);
    } else {
      errs.push('only .,*, or a valid DNS 1123 label is allowed as exportTo entry');
    }
  }
  if (seen.has('*') && (exportTo?.length ?? 0) > 1)
    errs.push('cannot have both public (*) and non-public exportTo values for a resource');
  if (seen.has('~') && (exportTo?.length ?? 0) > 1) errs.push('cannot export service entry to no one (~) and someone');
  return errs;
}

/** Why istiod refuses a VirtualService spec, in its order. */
export function virtualServiceErrors(vs: VirtualServiceInput, namespace: string): Errs {
  const errs: Errs = [];
  const hosts = (vs.hosts ?? []).map((h) => h ?? '');
  const gateways = (vs.gateways ?? []).map((g) => g ?? '');
  const http = vs.http ?? [];
  const tls = vs.tls ?? [];
  const tcp = vs.tcp ?? [];
  // Without hosts it is a delegate VirtualService, included by another one's `delegate`.
  if (hosts.length === 0) {
    if (gateways.length) errs.push('delegate virtual service must have no gateways specified');
    if (tls.length) errs.push('delegate virtual service must have no tls route specified');
    if (tcp.length) errs.push('delegate virtual service must have no tcp route specified');
  }
  let appliesToMesh = gateways.length === 0;
  let appliesToGateway = false;
  if (gateways.length) {
    errs.push(...validateGatewayNames(gateways));
    appliesToGateway = !gateways.includes('mesh');
    appliesToMesh = !appliesToGateway;
  }
  if (!appliesToGateway) {
    for (const rule of http) {
      for (const m of rule?.match ?? []) {
        for (const key of [...Object.keys(m?.headers ?? {}), ...Object.keys(m?.withoutHeaders ?? {})]) {
          if (key.startsWith('@request.auth.claims'))
            errs.push(
              `JWT claim based routing (key: ${key}) is only supported for gateway, found no gateways: [${gateways.join(' ')}]`,
            );
        }
      }
    }
  }
  let allHostsValid = true;
  for (const host of hosts) {
    const err = validateWildcardDomain(host);
    if (err) {
      if (!isIpAddress(host)) {
        errs.push(err);
        allHostsValid = false;
      }
    } else if (appliesToMesh && host === '*') {
      errs.push('wildcard host * is not allowed for virtual services bound to the mesh gateway');
      allHostsValid = false;
    }
  }
  if (allHostsValid) {
    for (let i = 0; i < hosts.length; i++) {
      for (let j = i + 1; j < hosts.length; j++)
        if (hostsOverlap(hosts[i]!, hosts[j]!))
          errs.push(`duplicate hosts in virtual service: ${hosts[i]} & ${hosts[j]}`);
    }
  }
  if (http.length === 0 && tcp.length === 0 && tls.length === 0)
    errs.push('http, tcp or tls must be provided in virtual service');
  for (const rule of http) {
    if (!rule) errs.push('http route may not be null');
    else errs.push(...httpRoute(rule, hosts.length === 0));
  }
  // istiod skips a nil tls or tcp route (validateTLSRoute and validateTCPRoute return early).
  for (const rule of tls) if (rule) errs.push(...tlsRoute(rule, vs));
  for (const rule of tcp) if (rule) errs.push(...tcpRoute(rule));
  errs.push(...validateExportTo(vs.exportTo, namespace, false));
  return errs;
}
