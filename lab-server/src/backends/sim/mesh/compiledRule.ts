/**
 * An http rule as the router reads it on every request, compiled once per rule and configuration (as istiod turns a
 * VirtualService into Envoy's route configuration on a push): the retry policy, the timeout, the mirrors, the
 * destinations' weights and every header operation as ready lists. The router then reads fields instead of
 * re-deriving them from the rule's YAML for each request.
 */
import type { RandomSource } from '../types.ts';
import { parseDurationMs } from './duration.ts';
import {
  mirrorsOf,
  retryPolicyOf,
  type Destination,
  type HeaderOperations,
  type HttpRoute,
  type RetryPolicy,
  type RouteDestination,
} from './routeRules.ts';

/** Header operations as lists, names lower-cased (`set` replaces, `add` appends, `remove` deletes, in that order). */
export interface CompiledHeaderOps {
  set: [string, string][];
  add: [string, string][];
  remove: string[];
}

/** One weighted destination with its header operations compiled. */
export interface CompiledDestination {
  route: RouteDestination;
  request: CompiledHeaderOps | undefined;
  response: CompiledHeaderOps | undefined;
}

/** What the router needs from a rule. */
export interface CompiledRule {
  retryPolicy: RetryPolicy;
  /** `timeout` in ms (undefined when absent or unparsable). */
  timeoutMs: number | undefined;
  mirrors: { destination: Destination; fraction: number }[];
  request: CompiledHeaderOps | undefined;
  response: CompiledHeaderOps | undefined;
  destinations: CompiledDestination[];
  /** Each destination's weight (0 when absent or not positive) and their sum, for the weighted draw. */
  weights: number[];
  totalWeight: number;
}

/** Compiles header operations; undefined when there are none to apply. */
export function compileHeaderOps(ops: HeaderOperations | undefined): CompiledHeaderOps | undefined {
  if (!ops) return undefined;
  return {
    set: Object.entries(ops.set ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
    add: Object.entries(ops.add ?? {}).map(([k, v]) => [k.toLowerCase(), v]),
    remove: [...(ops.remove ?? [])],
  };
}

/** Applies compiled header operations (the same effect as `applyHeaderOperations` on the rule's own). */
export function applyCompiledHeaderOps(
  headers: { set(n: string, v: string): void; add(n: string, v: string): void; remove(n: string): void },
  ops: CompiledHeaderOps | undefined,
): void {
  if (!ops) return;
  // Indexed loops: most routes have no operations, and this runs three times a hop.
  for (let i = 0; i < ops.set.length; i++) headers.set(ops.set[i]![0], ops.set[i]![1]);
  for (let i = 0; i < ops.add.length; i++) headers.add(ops.add[i]![0], ops.add[i]![1]);
  for (let i = 0; i < ops.remove.length; i++) headers.remove(ops.remove[i]!);
}

/** Compiles a rule (see `compiledRule` for the memoised form). */
export function compileRule(rule: HttpRoute): CompiledRule {
  const routes = rule.route ?? [];
  const weights = routes.map((d) => (typeof d.weight === 'number' && d.weight > 0 ? d.weight : 0));
  return {
    retryPolicy: retryPolicyOf(rule),
    timeoutMs: parseDurationMs(rule.timeout),
    mirrors: mirrorsOf(rule),
    request: compileHeaderOps(rule.headers?.request),
    response: compileHeaderOps(rule.headers?.response),
    destinations: routes.map((route) => ({
      route,
      request: compileHeaderOps(route.headers?.request),
      response: compileHeaderOps(route.headers?.response),
    })),
    weights,
    totalWeight: weights.reduce((a, b) => a + b, 0),
  };
}

/**
 * Index of the destination a request goes to, drawn as `pickWeighted` draws it (one draw when there are two or more
 * destinations with a positive total, none otherwise), from the precomputed weights.
 */
export function pickCompiled(compiled: CompiledRule, random: RandomSource): number {
  const weights = compiled.weights;
  if (weights.length <= 1) return 0;
  const total = compiled.totalWeight;
  if (total <= 0) return 0;
  let draw = random.next() * total;
  for (let i = 0; i < weights.length; i++) {
    if (draw < weights[i]!) return i;
    draw -= weights[i]!;
  }
  return weights.findLastIndex((w) => w > 0);
}
