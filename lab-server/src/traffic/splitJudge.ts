/**
 * The sequential split test's decisions, from plans given as data: whether another answer may still count, and
 * each answer's effect on the verdict. The checks compute the plans (checks/sequential.ts, which extends this); an
 * environment that sends a traffic check's requests itself (`LabEnvironment.httpSeries`) gets them as plain data and
 * stops where the check's own judge would.
 */

/** Where one class's count decides, for every sample size n = 0..cap (index n). */
export interface ClassPlan {
  p: number;
  cap: number;
  /** Rejected at n when k < rejectBelow[n] or k > rejectAbove[n]. */
  rejectBelow: Int32Array;
  rejectAbove: Int32Array;
  /** Settled at n when settledFrom[n] <= k <= settledTo[n] (an empty range when from > to). */
  settledFrom: Int32Array;
  settledTo: Int32Array;
}

/** How a sequential run was decided. */
export type Decision =
  /** Every class settled: each share is within delta of the expected one. */
  | 'settled'
  /** The cap was reached without a rejection. */
  | 'cap'
  /** The planned number of answers all fell in the class the expectation says has them all. */
  | 'all'
  /** A class's count is implausible under the expected share. */
  | 'rejected'
  /** An answer the expectation rules out (a class expected never, or a miss when one class has them all). */
  | 'impossible';

/** Sizes of a sequential run. */
export interface SequentialSizes {
  /** The check's planned number of requests: the sample a certain expectation ("all v3") passes at. */
  planned: number;
  /** The most answers judged; at the cap a split passes unless rejected. */
  cap: number;
  /** A failing run keeps counting up to this many answers (or the planned number, if fewer), to show the shares. */
  minToFail: number;
}

/** Everything a judge decides from: plain data, so it can cross to a worker thread (structured clone). */
export interface SplitJudgeSpec {
  expect: Readonly<Record<string, number>>;
  sizes: SequentialSizes;
  /** The plan of each class whose expected share is strictly between 0 and 1. */
  uncertain: { name: string; plan: ClassPlan }[];
}

/** Judges a traffic check's answers one at a time, as they arrive. */
export class SplitJudge {
  protected readonly counts = new Map<string, number>();
  protected n = 0;
  protected readonly uncertain: { name: string; plan: ClassPlan }[];
  private readonly certain: string | undefined;
  protected failure: { decision: Decision; at: number; classes: Set<string> } | undefined;
  protected result: { verdict: 'pass' | 'fail'; decision: Decision; at: number } | undefined;
  protected readonly expect: Readonly<Record<string, number>>;
  protected readonly sizes: SequentialSizes;

  constructor(spec: SplitJudgeSpec) {
    this.expect = spec.expect;
    this.sizes = spec.sizes;
    this.uncertain = spec.uncertain;
    this.certain = Object.entries(spec.expect).find(([, p]) => p >= 1)?.[0];
  }

  /** The data this judge decides from (for another judge that must stop where this one would). */
  spec(): SplitJudgeSpec {
    return { expect: this.expect, sizes: this.sizes, uncertain: this.uncertain };
  }

  /** The verdict, once reached. */
  get verdict(): 'pass' | 'fail' | undefined {
    return this.result?.verdict;
  }

  /**
   * Whether the answer to a request started now could still count, `started` requests having been started: not once
   * the verdict is in, nor past the cap, nor past the number at which a pending verdict falls due (a certain
   * expectation's planned number, a failure's minimum), so a check sends no request it will not judge.
   */
  wants(started: number): boolean {
    if (this.result || started >= this.sizes.cap) return false;
    if (this.failure) return started < this.failAt();
    if (this.certain !== undefined) return started < Math.min(this.sizes.planned, this.sizes.cap);
    return true;
  }

  private failAt(): number {
    return Math.min(this.sizes.minToFail, this.sizes.planned, this.sizes.cap);
  }

  /** Counts one answer's class; judges it unless the verdict is already in. */
  add(name: string): void {
    this.counts.set(name, (this.counts.get(name) ?? 0) + 1);
    this.n++;
    if (this.result) return;
    const n = this.n;
    if (!this.failure) this.failure = this.findFailure(name, n);
    if (this.failure) {
      if (n >= this.failAt()) this.result = { verdict: 'fail', decision: this.failure.decision, at: this.failure.at };
      return;
    }
    if (this.certain !== undefined) {
      if (n >= Math.min(this.sizes.planned, this.sizes.cap)) this.result = { verdict: 'pass', decision: 'all', at: n };
      return;
    }
    if (this.uncertain.every((c) => this.isSettled(c.plan, this.counts.get(c.name) ?? 0, n))) {
      this.result = { verdict: 'pass', decision: 'settled', at: n };
    } else if (n >= this.sizes.cap) {
      this.result = { verdict: 'pass', decision: 'cap', at: n };
    }
  }

  private findFailure(name: string, n: number): SplitJudge['failure'] {
    const p = this.expect[name] ?? 0;
    if (p <= 0 || (this.certain !== undefined && name !== this.certain))
      return { decision: 'impossible', at: n, classes: new Set([name]) };
    const rejected = this.uncertain.filter((c) => {
      const k = this.counts.get(c.name) ?? 0;
      const row = Math.min(n, c.plan.cap);
      return k < c.plan.rejectBelow[row]! || k > c.plan.rejectAbove[row]!;
    });
    if (rejected.length > 0) return { decision: 'rejected', at: n, classes: new Set(rejected.map((c) => c.name)) };
    return undefined;
  }

  private isSettled(plan: ClassPlan, k: number, n: number): boolean {
    return n < plan.cap && k >= plan.settledFrom[n]! && k <= plan.settledTo[n]!;
  }
}
