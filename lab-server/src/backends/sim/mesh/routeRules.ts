/**
 * Reading a VirtualService's http rules: which rule (and which match entry) a request takes, weighted destination
 * choice, and the rule's fault, retry, timeout, mirror, rewrite and header settings in normalised form.
 */
import type { K8sObject } from '../../../contract.ts';
import type { RandomSource } from '../types.ts';
import { specOf } from './objects.ts';
import { matchEntryHolds, type HttpMatchRequest, type MatchSource } from './match.ts';
import { parseDurationMs } from './duration.ts';
import type { WireRequest } from './wire.ts';

/** A route destination as written. */
export interface Destination {
  host: string;
  subset?: string;
  port?: { number?: number };
}

/** Header operations (`set`, `add`, `remove`). */
export interface HeaderOperations {
  set?: Record<string, string>;
  add?: Record<string, string>;
  remove?: string[];
}

/** One weighted destination of a rule. */
export interface RouteDestination {
  destination: Destination;
  weight?: number;
  headers?: { request?: HeaderOperations; response?: HeaderOperations };
}

/** Istio's Percent (`{value: 50}`), or the legacy integer forms. */
export type Percent = { value?: number } | undefined;

/** An http rule of a VirtualService as written. */
export interface HttpRoute {
  name?: string;
  match?: HttpMatchRequest[];
  route?: RouteDestination[];
  redirect?: { uri?: string; authority?: string; port?: number; scheme?: string; redirectCode?: number };
  directResponse?: { status: number; body?: { string?: string; bytes?: string } };
  rewrite?: { uri?: string; authority?: string; uriRegexRewrite?: { match?: string; rewrite?: string } };
  timeout?: string;
  retries?: { attempts?: number; perTryTimeout?: string; retryOn?: string };
  fault?: {
    delay?: { fixedDelay?: string; percentage?: Percent; percent?: number };
    abort?: { httpStatus?: number; percentage?: Percent; percent?: number };
  };
  mirror?: Destination;
  mirrorPercentage?: Percent;
  mirrorPercent?: number;
  mirrors?: { destination: Destination; percentage?: Percent }[];
  headers?: { request?: HeaderOperations; response?: HeaderOperations };
}

/** The rule a request takes, with the VirtualService it came from and the match entry that held. */
export interface SelectedRule {
  rule: HttpRoute;
  virtualService?: K8sObject;
  /** Namespace short names in the rule resolve in. */
  namespace: string;
  /** The match entry that held (undefined for a rule without `match`). */
  entry?: HttpMatchRequest;
}

/** The http rules of a VirtualService. */
export function httpRules(vs: K8sObject): HttpRoute[] {
  const http = specOf(vs).http;
  return Array.isArray(http) ? (http as HttpRoute[]) : [];
}

/** The first rule (across the VirtualServices in order) whose match holds; undefined means no route (404 NR). */
export function selectRule(
  virtualServices: K8sObject[],
  request: WireRequest,
  source: MatchSource,
): SelectedRule | undefined {
  for (const vs of virtualServices) {
    const namespace = vs.metadata.namespace ?? 'default';
    for (const rule of httpRules(vs)) {
      if (!rule.match || rule.match.length === 0) return { rule, virtualService: vs, namespace };
      const entry = rule.match.find((m) => matchEntryHolds(m, request, source, namespace));
      if (entry) return { rule, virtualService: vs, namespace, entry };
    }
  }
  return undefined;
}

/**
 * Index of the destination a request goes to: each request is an independent draw with probability
 * `weight / sum(weights)`; a lone destination gets everything; weight 0 gets nothing.
 */
export function pickWeighted(destinations: { weight?: number }[], random: RandomSource): number {
  if (destinations.length <= 1) return 0;
  const weights = destinations.map((d) => (typeof d.weight === 'number' && d.weight > 0 ? d.weight : 0));
  const total = weights.reduce((a, b) => a + b, 0);
  if (total <= 0) return 0;
  let draw = random.next() * total;
  for (let i = 0; i < weights.length; i++) {
    if (draw < weights[i]) return i;
    draw -= weights[i];
  }
  return weights.findLastIndex((w) => w > 0);
}

/** A Percent as a fraction in [0, 1]; absent means 100 %. */
export function percentFraction(percentage: Percent, legacy?: number): number {
  if (percentage && typeof percentage.value === 'number') return Math.max(0, Math.min(100, percentage.value)) / 100;
  if (typeof legacy === 'number') return Math.max(0, Math.min(100, legacy)) / 100;
  return 1;
}

/** Whether a draw falls within a fraction (0 never, 1 always). */
export function drawWithin(fraction: number, random: RandomSource): boolean {
  if (fraction >= 1) return true;
  if (fraction <= 0) return false;
  return random.next() < fraction;
}

/** The mirror targets of a rule with their fractions (`mirror` + `mirrorPercentage`, or `mirrors`). */
export function mirrorsOf(rule: HttpRoute): { destination: Destination; fraction: number }[] {
  const out: { destination: Destination; fraction: number }[] = [];
  if (rule.mirror)
    out.push({ destination: rule.mirror, fraction: percentFraction(rule.mirrorPercentage, rule.mirrorPercent) });
  for (const m of rule.mirrors ?? []) out.push({ destination: m.destination, fraction: percentFraction(m.percentage) });
  return out;
}

/** Envoy's retry policy for a route. */
export interface RetryPolicy {
  /** Retries after the first try. */
  attempts: number;
  perTryTimeoutMs?: number;
  retryOn: string[];
  retriableStatusCodes: number[];
}

/** Istio's default for every route: 2 retries on connection problems and 503. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  attempts: 2,
  retryOn: ['connect-failure', 'refused-stream', 'unavailable', 'cancelled', 'retriable-status-codes'],
  retriableStatusCodes: [503],
};

/** The retry policy of a rule (`retries` overrides the default; attempts 0 disables retries). */
export function retryPolicyOf(rule: HttpRoute | undefined): RetryPolicy {
  const retries = rule?.retries;
  if (!retries) return DEFAULT_RETRY_POLICY;
  const on = (retries.retryOn ?? DEFAULT_RETRY_POLICY.retryOn.join(','))
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  const codes = on.filter((s) => /^\d{3}$/.test(s)).map(Number);
  const conditions = on.filter((s) => !/^\d{3}$/.test(s));
  if (codes.length > 0 && !conditions.includes('retriable-status-codes')) conditions.push('retriable-status-codes');
  return {
    attempts: typeof retries.attempts === 'number' ? retries.attempts : DEFAULT_RETRY_POLICY.attempts,
    perTryTimeoutMs: parseDurationMs(retries.perTryTimeout),
    retryOn: conditions,
    retriableStatusCodes: codes.length > 0 ? codes : [503],
  };
}

/** Whether a response status warrants a retry under a policy. */
export function retriableStatus(policy: RetryPolicy, status: number): boolean {
  if (policy.retryOn.includes('5xx') && status >= 500) return true;
  if (policy.retryOn.includes('gateway-error') && (status === 502 || status === 503 || status === 504)) return true;
  if (policy.retryOn.includes('retriable-4xx') && status === 409) return true;
  return policy.retryOn.includes('retriable-status-codes') && policy.retriableStatusCodes.includes(status);
}

/** Whether a connection failure warrants a retry under a policy. */
export function retriableConnectFailure(policy: RetryPolicy): boolean {
  return ['connect-failure', '5xx', 'gateway-error', 'reset'].some((c) => policy.retryOn.includes(c));
}

/** Applies header operations to a header list (`set` replaces, `add` appends, `remove` deletes). */
export function applyHeaderOperations(
  headers: { set(n: string, v: string): void; add(n: string, v: string): void; remove(n: string): void },
  ops: HeaderOperations | undefined,
): void {
  if (!ops) return;
  for (const [k, v] of Object.entries(ops.set ?? {})) headers.set(k.toLowerCase(), v);
  for (const [k, v] of Object.entries(ops.add ?? {})) headers.add(k.toLowerCase(), v);
  for (const k of ops.remove ?? []) headers.remove(k);
}

/** The path after a `rewrite.uri`: replaces the matched prefix (or exact path; `/` when the match had no uri). */
export function rewritePath(path: string, rewrite: HttpRoute['rewrite'], entry: HttpMatchRequest | undefined): string {
  if (!rewrite) return path;
  const q = path.indexOf('?');
  const pathname = q < 0 ? path : path.slice(0, q);
  const query = q < 0 ? '' : path.slice(q);
  if (rewrite.uriRegexRewrite?.match !== undefined) {
    try {
      return (
        pathname.replace(
          new RegExp(rewrite.uriRegexRewrite.match, 'g'),
          (rewrite.uriRegexRewrite.rewrite ?? '').replace(/\\(\d)/g, '$$$1'),
        ) + query
      );
    } catch {
      return path;
    }
  }
  if (rewrite.uri === undefined) return path;
  const prefix = entry?.uri?.prefix ?? entry?.uri?.exact ?? '/';
  if (!pathname.startsWith(prefix)) return rewrite.uri + query;
  return rewrite.uri + pathname.slice(prefix.length) + query;
}
