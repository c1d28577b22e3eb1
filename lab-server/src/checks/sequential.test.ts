import { describe, expect, it } from 'vitest';
import { SequentialSplit, lookPlan, operating, sequentialPlan, type ClassPlan } from './sequential.ts';
import { DEFAULT_SPLIT_TEST, judgeLook, plannedLooks } from './split.ts';
import { createRandom } from '../backends/sim/random.ts';

/** Draws a class name with the true shares. */
function drawer(truth: Record<string, number>, random: () => number): () => string {
  const entries = Object.entries(truth);
  return () => {
    let u = random();
    for (const [name, p] of entries) {
      if (u < p) return name;
      u -= p;
    }
    return entries[entries.length - 1]![0];
  };
}

/** Runs the sequential test (as the traffic check does, one answer at a time) `runs` times on seeded draws. */
function simulate(
  truth: Record<string, number>,
  expected: Record<string, number>,
  planned: number,
  runs: number,
  seed: number,
): { passRate: number; failRate: number; meanRequests: number } {
  const draw = drawer(truth, createRandom(seed).next);
  let passes = 0;
  let requests = 0;
  for (let i = 0; i < runs; i++) {
    const judge = new SequentialSplit(expected, { planned, cap: planned * 4, minToFail: 1 });
    while (judge.verdict === undefined) judge.add(draw());
    const outcome = judge.outcome();
    if (outcome.verdict === 'pass') passes++;
    requests += outcome.n;
  }
  return { passRate: passes / runs, failRate: 1 - passes / runs, meanRequests: requests / runs };
}

/** The two plans of a two-class split (the second count is n - k, so one walk decides): new and old. */
function plansFor(p: number, planned: number): { sequential: ClassPlan; old: ClassPlan } {
  return {
    sequential: sequentialPlan(p, { cap: planned * 4, minPass: Math.ceil(planned / 2), tests: 1 }),
    // The old test spread alpha over both classes (m = 2) and its three looks.
    old: lookPlan(p, plannedLooks(planned, planned * 4), 2),
  };
}

const passOf = (o: { passEarly: number; passAtCap: number }) => o.passEarly + o.passAtCap;

describe('the old three-look test, as a plan', () => {
  // The exact comparisons below run the old test as a plan: it must decide exactly as `judgeLook` did.
  it.each([
    [0.5, 200],
    [0.8, 100],
  ])('decides like judgeLook for share %d from %i requests, at every look and count', (p, planned) => {
    const looks = plannedLooks(planned, planned * 4);
    const plan = lookPlan(p, looks, 2);
    looks.forEach((n, i) => {
      for (let k = 0; k <= n; k++) {
        const look = judgeLook(
          new Map([
            ['a', k],
            ['b', n - k],
          ]),
          { a: p, b: 1 - p },
          i,
          looks.length,
        );
        const rejected = k < plan.rejectBelow[n]! || k > plan.rejectAbove[n]!;
        const settled = k >= plan.settledFrom[n]! && k <= plan.settledTo[n]!;
        const verdict = rejected ? 'fail' : settled || i === looks.length - 1 ? 'pass' : 'continue';
        expect(verdict, `n=${n} k=${k}`).toBe(look.verdict);
      }
    });
  });
});

describe('error rates, computed exactly over every path', () => {
  const { alpha, beta, delta } = DEFAULT_SPLIT_TEST;
  // Two-class splits: the lesson's 50/50 step (200 planned), and 50/50, 80/20, 90/10 from 100.
  const cases: [number, number][] = [
    [0.5, 200],
    [0.5, 100],
    [0.8, 100],
    [0.9, 100],
  ];

  it.each(cases)('share %d from %i planned: a right split fails below alpha, less often than before', (p, planned) => {
    const { sequential, old } = plansFor(p, planned);
    const now = operating(sequential, p).fail;
    expect(now).toBeLessThanOrEqual(alpha);
    expect(now).toBeLessThanOrEqual(operating(old, p).fail);
    expect(now).toBeGreaterThan(0); // the test can fail at all
  });

  it.each(cases)(
    'share %d from %i planned: a share delta away settles early below beta over the whole run',
    (p, planned) => {
      const { sequential } = plansFor(p, planned);
      for (const q of [p + delta, p - delta]) {
        if (q > 0 && q < 1) expect(operating(sequential, q).passEarly).toBeLessThanOrEqual(beta);
      }
    },
  );

  // Just outside the tolerance (delta away and more) a pass is false; just inside, a fail is (the right share
  // most of all). The lesson's step and 80/20: the sequential test errs no more often than the old one on either side.
  it.each([
    [0.5, 200],
    [0.8, 100],
  ])(
    'share %d from %i planned: errs no more often than the old test, just inside and outside the tolerance',
    (p, planned) => {
      const { sequential, old } = plansFor(p, planned);
      for (const off of [delta, delta + 0.01, delta + 0.02, delta + 0.05, delta + 0.1, delta + 0.2]) {
        for (const q of [p + off, p - off]) {
          if (q <= 0 || q >= 1) continue;
          // (1e-15: far out both are below it, where sums of tiny floats differ in their last digits.)
          expect(passOf(operating(sequential, q)), `pass at ${q}`).toBeLessThanOrEqual(
            passOf(operating(old, q)) + 1e-15,
          );
        }
      }
      for (const q of [p, p + 0.05, p - 0.05]) {
        expect(operating(sequential, q).fail, `fail at ${q}`).toBeLessThanOrEqual(operating(old, q).fail);
      }
    },
  );

  it.each(cases)('share %d from %i planned: a right split needs fewer requests on average', (p, planned) => {
    const { sequential, old } = plansFor(p, planned);
    expect(operating(sequential, p).meanN).toBeLessThan(operating(old, p).meanN);
  });

  it('the lesson step: 247 requests on average before, 212 now; a far-off split fails far sooner', () => {
    const { sequential, old } = plansFor(0.5, 200);
    expect(Math.round(operating(old, 0.5).meanN)).toBe(247);
    expect(Math.round(operating(sequential, 0.5).meanN)).toBe(212);
    expect(operating(sequential, 0.8).meanN).toBeLessThan(100);
    expect(operating(old, 0.8).meanN).toBeGreaterThanOrEqual(200);
  });
});

describe('simulated with a seeded random source, as the check judges its answers', () => {
  const fifty = { v1: 0.5, v3: 0.5 };

  it('never fails a right 50/50 split in 20,000 runs, and sends fewer requests than the old test', () => {
    const r = simulate(fifty, fifty, 200, 20_000, 1);
    expect(r.failRate).toBe(0);
    const { old } = plansFor(0.5, 200);
    expect(r.meanRequests).toBeLessThan(operating(old, 0.5).meanN - 20);
  });

  // The simulation runs the judge the check uses; it must agree with the exact figures (within four standard
  // deviations of its noise, or 3 runs in 20,000), and those are no worse than the old test's.
  const runs = 20_000;
  const agrees = (observed: number, exact: number) =>
    expect(Math.abs(observed - exact)).toBeLessThanOrEqual(
      Math.max(3 / runs, 4 * Math.sqrt((exact * (1 - exact)) / runs)),
    );

  it.each([0.35, 0.34, 0.65, 0.66])(
    'passes a split just outside the tolerance (v1 at %d) no more often than before',
    (share) => {
      const r = simulate({ v1: share, v3: 1 - share }, fifty, 200, runs, Math.round(share * 1000));
      const { sequential, old } = plansFor(0.5, 200);
      const exact = passOf(operating(sequential, share));
      agrees(r.passRate, exact);
      expect(exact).toBeLessThanOrEqual(passOf(operating(old, share)));
      expect(r.passRate).toBeLessThan(0.003);
    },
  );

  it.each([0.45, 0.55])('fails a split just inside the tolerance (v1 at %d) no more often than before', (share) => {
    const r = simulate({ v1: share, v3: 1 - share }, fifty, 200, runs, Math.round(share * 1000));
    const { sequential, old } = plansFor(0.5, 200);
    const exact = operating(sequential, share).fail;
    agrees(r.failRate, exact);
    expect(exact).toBeLessThanOrEqual(operating(old, share).fail);
  });

  it('fails 80/20 and an even three-way spread every time when 50/50 is expected', () => {
    expect(simulate({ v1: 0.8, v3: 0.2 }, fifty, 200, 5_000, 3).failRate).toBe(1);
    expect(simulate({ v1: 1 / 3, v2: 1 / 3, v3: 1 / 3 }, fifty, 200, 2_000, 4).failRate).toBe(1);
  });

  it('passes right uneven and three-way splits', () => {
    expect(simulate({ v1: 0.8, v3: 0.2 }, { v1: 0.8, v3: 0.2 }, 100, 5_000, 5).failRate).toBe(0);
    const third = { a: 1 / 3, b: 1 / 3, c: 1 / 3 };
    expect(simulate(third, third, 150, 3_000, 6).failRate).toBe(0);
  });
});

describe('one run, answer by answer', () => {
  it('fails at the first answer a certain expectation rules out, after the minimum to show the shares', () => {
    const judge = new SequentialSplit({ v3: 1 }, { planned: 100, cap: 400, minToFail: 32 });
    judge.add('v3');
    judge.add('v1');
    expect(judge.verdict).toBeUndefined();
    for (let i = 0; i < 30; i++) judge.add('v3');
    expect(judge.verdict).toBe('fail');
    const outcome = judge.outcome();
    expect(outcome).toMatchObject({ decision: 'impossible', decidedAt: 2, n: 32 });
    expect(outcome.classes.find((c) => c.name === 'v1')).toMatchObject({ count: 1, rejected: true });
  });

  it('passes a certain expectation only at the planned number of answers', () => {
    const judge = new SequentialSplit({ v3: 1 }, { planned: 100, cap: 400, minToFail: 32 });
    for (let i = 0; i < 99; i++) judge.add('v3');
    expect(judge.verdict).toBeUndefined();
    judge.add('v3');
    expect(judge.outcome()).toMatchObject({ verdict: 'pass', decision: 'all', n: 100 });
  });

  it('rejects all-v1 when 50/50 is expected within a few dozen answers', () => {
    const judge = new SequentialSplit({ v1: 0.5, v3: 0.5 }, { planned: 200, cap: 800, minToFail: 1 });
    let n = 0;
    while (judge.verdict === undefined) {
      judge.add('v1');
      n++;
    }
    expect(judge.outcome()).toMatchObject({ verdict: 'fail', decision: 'rejected' });
    expect(n).toBeLessThan(40);
  });

  it('counts answers that arrive after the verdict without judging them', () => {
    const judge = new SequentialSplit({ v3: 1 }, { planned: 10, cap: 40, minToFail: 1 });
    judge.add('v1');
    expect(judge.verdict).toBe('fail');
    judge.add('v3');
    judge.add('v3');
    expect(judge.outcome()).toMatchObject({ verdict: 'fail', decidedAt: 1, n: 3 });
  });
});
