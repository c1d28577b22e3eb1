/**
 * The fully sequential split test: a traffic check judges its counts after every answer and stops as soon as
 * they decide, instead of at three planned looks (N, 2N, 4N) as `split.ts`'s group-sequential test did.
 *
 * Per class c expected with a share 0 < p < 1 (its count k of n answers is Binomial(n, p) when the setup is
 * right), a plan holds, for every n up to the cap, two regions of k:
 * - reject: the exact two-sided binomial p-value under p is below a level. Before the cap the level is the largest
 *   at which a right setup's walk EVER enters the region with probability at most alpha / (24 m), computed exactly
 *   by dynamic programming over every path; at the cap it is alpha / (6 m), the old test's last-look level. So a
 *   right setup fails with probability at most alpha / 4.8 (union over the m classes tested; two classes are one
 *   walk, m = 1).
 * - settled: the count rules out p + delta and p - delta at a level b (P(X <= k | p + delta) < b and
 *   P(X >= k | p - delta) < b), b being the largest level at which a walk whose true share is p + delta or
 *   p - delta enters the region (before being rejected, before the cap) with probability at most beta. So a share
 *   delta or more away passes early with probability at most beta over the whole run; the old test bounded it by
 *   beta per look (the lesson's 50/50 step: 1.85 in 1,000 in all, now 1.19). No class settles on fewer than half
 *   the planned answers: a short run of one class (30 v1 in a row, 90/10 expected) must not pass a split.
 * The run fails as soon as a class is rejected (or a class the expectation rules out appears), passes as soon as
 * every class is settled, and at the cap passes unless rejected (as the old test did at its last look).
 * The lesson's 50/50 step (200 planned, cap 800) now sends 212 requests on average instead of 247, and a far-off
 * split (all v1) is rejected within 30 instead of at 200. `sequential.test.ts` computes both tests' error rates
 * exactly and simulates the check's judge on seeded random splits just inside and outside the tolerance.
 */
import {
  DEFAULT_SPLIT_TEST,
  binomialPmf,
  twoSidedPValue,
  type ClassJudgement,
  type SplitTestOptions,
} from './split.ts';
import { SplitJudge, type ClassPlan, type Decision, type SequentialSizes } from '../traffic/splitJudge.ts';

export type { ClassPlan, Decision, SequentialSizes } from '../traffic/splitJudge.ts';

/** Binomial tails of one row n: cdf[k] = P(X <= k), surv[k] = P(X >= k). */
interface Tails {
  cdf: Float64Array;
  surv: Float64Array;
}

function tails(n: number, p: number): Tails {
  // From the mode outwards by the ratio of neighbours: one exp per row instead of one per term.
  const pmf = new Float64Array(n + 1);
  const mode = Math.min(n, Math.floor((n + 1) * p));
  const ratio = p / (1 - p);
  pmf[mode] = binomialPmf(n, mode, p);
  for (let k = mode + 1; k <= n; k++) pmf[k] = ((pmf[k - 1]! * (n - k + 1)) / k) * ratio;
  for (let k = mode - 1; k >= 0; k--) pmf[k] = (pmf[k + 1]! * (k + 1)) / (n - k) / ratio;
  const cdf = new Float64Array(n + 1);
  const surv = new Float64Array(n + 1);
  let sum = 0;
  for (let k = 0; k <= n; k++) cdf[k] = sum += pmf[k]!;
  sum = 0;
  for (let k = n; k >= 0; k--) surv[k] = sum += pmf[k]!;
  return { cdf, surv };
}

/** Smallest k with cdf[k] >= level (n + 1 when none): every k below it has P(X <= k) < level. */
function firstCdfAtLeast(cdf: Float64Array, level: number): number {
  let lo = 0;
  let hi = cdf.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cdf[mid]! >= level) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

/** Largest k with surv[k] >= level (-1 when none): every k above it has P(X >= k) < level. */
function lastSurvAtLeast(surv: Float64Array, level: number): number {
  let lo = -1;
  let hi = surv.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if (surv[mid]! >= level) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** The rows a plan's regions are read from: tails under p, p + delta and p - delta, for n = 0..cap. */
interface Rows {
  at: Tails[];
  above: (Tails | undefined)[];
  below: (Tails | undefined)[];
}

function rows(p: number, cap: number, delta: number): Rows {
  const r: Rows = { at: [], above: [], below: [] };
  for (let n = 0; n <= cap; n++) {
    r.at.push(tails(n, p));
    r.above.push(p + delta < 1 ? tails(n, p + delta) : undefined);
    r.below.push(p - delta > 0 ? tails(n, p - delta) : undefined);
  }
  return r;
}

/** Fills the reject regions of `plan` for rows n in [from, to] at two-sided level `a`. */
function setReject(plan: ClassPlan, r: Rows, a: number, from: number, to: number): void {
  for (let n = from; n <= to; n++) {
    plan.rejectBelow[n] = firstCdfAtLeast(r.at[n]!.cdf, a / 2);
    plan.rejectAbove[n] = lastSurvAtLeast(r.at[n]!.surv, a / 2);
  }
}

/**
 * Fills the settled regions of `plan` for rows minPass <= n < cap at level `b` (none at the cap: it passes there
 * anyway; none before minPass).
 */
function setSettled(plan: ClassPlan, r: Rows, b: number, minPass = 0): void {
  for (let n = 0; n < minPass; n++) {
    plan.settledFrom[n] = 1;
    plan.settledTo[n] = 0;
  }
  for (let n = minPass; n < plan.cap; n++) {
    // Below p + delta: P(X <= k | p + delta) < b, i.e. k < the first k where the cdf reaches b.
    const above = r.above[n];
    plan.settledTo[n] = above ? firstCdfAtLeast(above.cdf, b) - 1 : n;
    const below = r.below[n];
    plan.settledFrom[n] = below ? lastSurvAtLeast(below.surv, b) + 1 : 0;
  }
  plan.settledFrom[plan.cap] = 1;
  plan.settledTo[plan.cap] = 0;
}

/** What a class's walk does under a true share q, computed exactly. */
export interface Operating {
  /** Probability of being rejected (at any n, the cap included). */
  fail: number;
  /** Probability of being settled before the cap (without having been rejected). */
  passEarly: number;
  /** Probability of reaching the cap neither rejected nor settled, and not rejected there (passes). */
  passAtCap: number;
  /** Expected number of answers judged. */
  meanN: number;
}

/**
 * Runs the plan's decision over every path of a class's walk with true share q (dynamic programming over k).
 * For two classes this is the whole test (the second count is n - k); for more it bounds each class's part.
 * `upTo` stops early (the cap's own decision left out when upTo < cap).
 */
export function operating(plan: ClassPlan, q: number, upTo = plan.cap): Operating {
  let mass = new Float64Array(upTo + 2);
  let next = new Float64Array(upTo + 2);
  mass[0] = 1;
  let fail = 0;
  let passEarly = 0;
  let meanN = 0;
  let alive = 1;
  // The counts still carrying mass lie in [lo, hi]: the walk spreads by one a step, absorption and
  // negligible tails (below 1e-60, far under any probability reported) narrow it.
  let lo = 0;
  let hi = 0;
  for (let n = 1; n <= upTo; n++) {
    next.fill(0, lo, hi + 2);
    for (let k = lo; k <= hi; k++) {
      const m = mass[k]!;
      if (m === 0) continue;
      next[k] = next[k]! + m * (1 - q);
      next[k + 1] = next[k + 1]! + m * q;
    }
    mass.fill(0, lo, hi + 1);
    [mass, next] = [next, mass];
    hi++;
    const below = plan.rejectBelow[n]!;
    const above = plan.rejectAbove[n]!;
    const from = plan.settledFrom[n]!;
    const to = plan.settledTo[n]!;
    let decided = 0;
    for (let k = lo; k <= hi; k++) {
      const m = mass[k]!;
      if (m === 0) continue;
      if (k < below || k > above) {
        fail += m;
        decided += m;
        mass[k] = 0;
      } else if (k >= from && k <= to) {
        passEarly += m;
        decided += m;
        mass[k] = 0;
      }
    }
    meanN += n * decided;
    alive -= decided;
    while (lo < hi && mass[lo]! < 1e-60) mass[lo++] = 0;
    while (hi > lo && mass[hi]! < 1e-60) mass[hi--] = 0;
  }
  const passAtCap = upTo === plan.cap ? Math.max(0, alive) : 0;
  meanN += upTo * Math.max(0, alive);
  return { fail, passEarly, passAtCap, meanN };
}

/** The largest level in [lo, hi] (log-scale bisection) at which `fits(level)` holds; lo when none does. */
function largestLevel(lo: number, hi: number, fits: (level: number) => boolean): number {
  if (fits(hi)) return hi;
  let a = Math.log(lo);
  let b = Math.log(hi);
  // 20 halvings of a bracket a few units of log wide: the level within a few parts in a million.
  for (let i = 0; i < 20; i++) {
    const mid = (a + b) / 2;
    if (fits(Math.exp(mid))) a = mid;
    else b = mid;
  }
  return Math.exp(a);
}

function emptyPlan(p: number, cap: number): ClassPlan {
  const plan: ClassPlan = {
    p,
    cap,
    rejectBelow: new Int32Array(cap + 1),
    rejectAbove: new Int32Array(cap + 1),
    settledFrom: new Int32Array(cap + 1),
    settledTo: new Int32Array(cap + 1),
  };
  for (let n = 0; n <= cap; n++) {
    plan.rejectAbove[n] = n;
    plan.settledFrom[n] = 1;
    plan.settledTo[n] = 0;
  }
  return plan;
}

const plans = new Map<string, ClassPlan>();

/** Where a sequential plan looks. */
export interface PlanShape {
  /** The most answers judged. */
  cap: number;
  /** No class settles on fewer answers (half the planned number): a short run of one class must not pass a split. */
  minPass: number;
  /** Independent tests alpha is spread over (the classes with an uncertain share; two classes are one test). */
  tests: number;
}

/** How many plans are worked out and kept (for tests of their preparation). */
export function plansKnown(): number {
  return plans.size;
}

/**
 * The calibrated plan for a class of share p, judged at every n up to the cap. Memoised: some tens of milliseconds
 * the first time a share and shape are seen, nothing after.
 */
export function sequentialPlan(p: number, shape: PlanShape, options: SplitTestOptions = DEFAULT_SPLIT_TEST): ClassPlan {
  const { cap, minPass, tests } = shape;
  const key = `${p}|${cap}|${minPass}|${tests}|${options.alpha}|${options.delta}|${options.beta}`;
  const known = plans.get(key);
  if (known) return known;
  const r = rows(p, cap, options.delta);
  const plan = emptyPlan(p, cap);
  // The cap rejects at the old test's last-look level (alpha / 6 per test: 3 looks, 2 classes), so a split that gets
  // there is judged as strictly as before; the looks before it share alpha / 24. Spending less than alpha keeps a split
  // inside the tolerance (55/45 for 50/50) failing no more often than with the old test.
  const interimBudget = options.alpha / (24 * tests);
  setReject(plan, r, options.alpha / (6 * tests), cap, cap);
  const interim = largestLevel(interimBudget / cap, interimBudget, (a) => {
    setReject(plan, r, a, 1, cap - 1);
    return operating(plan, p, cap - 1).fail <= interimBudget;
  });
  setReject(plan, r, interim, 1, cap - 1);
  const sides = [p + options.delta, p - options.delta].filter((q) => q > 0 && q < 1);
  const settled = largestLevel(options.beta / cap, options.beta, (b) => {
    setSettled(plan, r, b, minPass);
    return sides.every((q) => operating(plan, q, cap - 1).passEarly <= options.beta);
  });
  setSettled(plan, r, settled, minPass);
  plans.set(key, plan);
  return plan;
}

/**
 * The previous test's decisions as a plan: looks at the given sizes only, each at level alpha / (looks x tests)
 * and settled at beta per look, passing at the last look unless rejected. Kept to measure the sequential test
 * against (`sequential.test.ts`), not used by checks.
 */
export function lookPlan(
  p: number,
  looks: readonly number[],
  tests: number,
  options: SplitTestOptions = DEFAULT_SPLIT_TEST,
): ClassPlan {
  const cap = looks[looks.length - 1]!;
  const r = rows(p, cap, options.delta);
  const plan = emptyPlan(p, cap);
  const level = options.alpha / (looks.length * tests);
  for (const n of looks) setReject(plan, r, level, n, n);
  const settled = emptyPlan(p, cap);
  setSettled(settled, r, options.beta);
  for (const n of looks.slice(0, -1)) {
    plan.settledFrom[n] = settled.settledFrom[n]!;
    plan.settledTo[n] = settled.settledTo[n]!;
  }
  return plan;
}

/** A sequential run's verdict and counts. */
export interface SequentialOutcome {
  verdict: 'pass' | 'fail';
  decision: Decision;
  /** The number of answers the verdict was reached at. */
  decidedAt: number;
  /** Every answer counted (answers in flight when the verdict was reached are counted too, never judged). */
  n: number;
  cap: number;
  classes: ClassJudgement[];
}

/** Judges a traffic check's answers one at a time, as they arrive, with the plans its expectation needs. */
export class SequentialSplit extends SplitJudge {
  constructor(
    expect: Readonly<Record<string, number>>,
    sizes: SequentialSizes,
    options: SplitTestOptions = DEFAULT_SPLIT_TEST,
  ) {
    const shares = Object.entries(expect).filter(([, p]) => p > 0 && p < 1);
    // Two classes' counts are one walk (the second is n - k): their tests are the same event, spent once.
    const tests = shares.length === 2 ? 1 : Math.max(1, shares.length);
    const shape = { cap: sizes.cap, minPass: Math.ceil(sizes.planned / 2), tests };
    super({ expect, sizes, uncertain: shares.map(([name, p]) => ({ name, plan: sequentialPlan(p, shape, options) })) });
  }

  /** The outcome so far (the verdict must be in). */
  outcome(): SequentialOutcome {
    const result = this.result;
    if (!result) throw new Error('SequentialSplit: no verdict yet');
    const n = this.n;
    const names = [...new Set([...Object.keys(this.expect), ...this.counts.keys()])];
    const classes = names.map((name): ClassJudgement => {
      const p = this.expect[name] ?? 0;
      const k = this.counts.get(name) ?? 0;
      const share = n === 0 ? 0 : k / n;
      const impossible = p <= 0 ? k > 0 : p >= 1 ? k < n : false;
      const pValue = impossible ? 0 : p <= 0 || p >= 1 ? 1 : twoSidedPValue(n, k, p);
      return { name, expected: p, count: k, share, pValue, rejected: this.failure?.classes.has(name) ?? false };
    });
    return {
      verdict: result.verdict,
      decision: result.decision,
      decidedAt: result.at,
      n,
      cap: this.sizes.cap,
      classes,
    };
  }
}
