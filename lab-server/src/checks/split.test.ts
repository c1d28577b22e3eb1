import { describe, expect, it } from 'vitest';
import {
  DEFAULT_SPLIT_TEST,
  binomialCdf,
  binomialPmf,
  binomialSurvival,
  judgeLook,
  perTestAlpha,
  plannedLooks,
  sequentialSplit,
  twoSidedPValue,
} from './split.ts';
import { createRandom } from '../backends/sim/random.ts';

/** A fake route: each request lands in a class drawn with the true shares. */
function drawer(truth: Record<string, number>, random: () => number) {
  const entries = Object.entries(truth);
  return async (count: number) =>
    Array.from({ length: count }, () => {
      let u = random();
      for (const [name, p] of entries) {
        if (u < p) return name;
        u -= p;
      }
      return entries[entries.length - 1]![0];
    });
}

async function simulate(
  truth: Record<string, number>,
  expected: Record<string, number>,
  initial: number,
  runs: number,
  seed: number,
  options = DEFAULT_SPLIT_TEST,
) {
  const random = createRandom(seed).next;
  const looks = plannedLooks(initial, initial * 4);
  let failures = 0;
  let requests = 0;
  for (let i = 0; i < runs; i++) {
    const r = await sequentialSplit(drawer(truth, random), expected, looks, options);
    if (r.verdict === 'fail') failures++;
    requests += r.n;
  }
  return { failureRate: failures / runs, meanRequests: requests / runs };
}

describe('binomial helpers', () => {
  it('sum to one and agree with known values', () => {
    let total = 0;
    for (let k = 0; k <= 50; k++) total += binomialPmf(50, k, 0.3);
    expect(total).toBeCloseTo(1, 12);
    expect(binomialPmf(10, 5, 0.5)).toBeCloseTo(252 / 1024, 12);
    expect(binomialCdf(10, 2, 0.5)).toBeCloseTo(56 / 1024, 12);
    expect(binomialSurvival(10, 8, 0.5)).toBeCloseTo(56 / 1024, 12);
    expect(twoSidedPValue(10, 5, 0.5)).toBe(1);
  });

  it('plans looks by doubling up to the limit', () => {
    expect(plannedLooks(100, 400)).toEqual([100, 200, 400]);
    expect(plannedLooks(200, 1000)).toEqual([200, 400, 800, 1000]);
    expect(plannedLooks(100, 100)).toEqual([100]);
  });
});

describe('the false-failure bound, computed exactly', () => {
  // For each look, the probability under H0 of landing in the rejection region, summed over looks and
  // classes, must stay below alpha (the union bound the design relies on).
  it.each([
    [{ v1: 0.5, v3: 0.5 }, 100],
    [{ v1: 0.5, v3: 0.5 }, 200],
    [{ v1: 0.8, v3: 0.2 }, 100],
    [{ v1: 0.9, v3: 0.1 }, 100],
    [{ v1: 1 / 3, v2: 1 / 3, v3: 1 / 3 }, 150],
  ])('%j starting at %i requests', (expected, initial) => {
    const looks = plannedLooks(initial, initial * 4);
    const level = perTestAlpha(expected, looks.length, DEFAULT_SPLIT_TEST);
    let bound = 0;
    for (const n of looks) {
      for (const p of Object.values(expected)) {
        for (let k = 0; k <= n; k++) if (twoSidedPValue(n, k, p) < level) bound += binomialPmf(n, k, p);
      }
    }
    expect(bound).toBeLessThan(1e-6);
    expect(bound).toBeGreaterThan(0); // the test can fail at all
  });
});

describe('judging one look', () => {
  it('fails at once when a class expected never occurs, or one expected always misses', () => {
    expect(
      judgeLook(
        new Map([
          ['v1', 99],
          ['v3', 1],
        ]),
        { v1: 1 },
        0,
        1,
      ).verdict,
    ).toBe('fail');
    expect(
      judgeLook(
        new Map([
          ['v1', 99],
          ['other', 1],
        ]),
        { v1: 1 },
        0,
        1,
      ).verdict,
    ).toBe('fail');
    expect(judgeLook(new Map([['v1', 100]]), { v1: 1 }, 0, 3).verdict).toBe('pass');
  });

  it('fails 80/20 when 50/50 is expected, and passes a fair 50/50', () => {
    expect(
      judgeLook(
        new Map([
          ['v1', 160],
          ['v3', 40],
        ]),
        { v1: 0.5, v3: 0.5 },
        0,
        3,
      ).verdict,
    ).toBe('fail');
    expect(
      judgeLook(
        new Map([
          ['v1', 101],
          ['v3', 99],
        ]),
        { v1: 0.5, v3: 0.5 },
        0,
        3,
      ).verdict,
    ).toBe('pass');
  });

  it('asks for more requests when the counts are ambiguous, and passes at the last look unless rejected', () => {
    const ambiguous = new Map([
      ['v1', 64],
      ['v3', 36],
    ]);
    expect(judgeLook(ambiguous, { v1: 0.5, v3: 0.5 }, 0, 3).verdict).toBe('continue');
    expect(judgeLook(ambiguous, { v1: 0.5, v3: 0.5 }, 2, 3).verdict).toBe('pass');
  });
});

describe('simulated with a seeded random source', () => {
  it('never fails a right 50/50 setup in 20,000 runs', async () => {
    const r = await simulate({ v1: 0.5, v3: 0.5 }, { v1: 0.5, v3: 0.5 }, 100, 20_000, 1);
    expect(r.failureRate).toBe(0);
    expect(r.meanRequests).toBeLessThan(260);
  });

  it('keeps the false-failure rate under alpha when alpha is made large enough to observe', async () => {
    const alpha = 0.02;
    const runs = 10_000;
    const r = await simulate({ v1: 0.5, v3: 0.5 }, { v1: 0.5, v3: 0.5 }, 100, runs, 2, {
      ...DEFAULT_SPLIT_TEST,
      alpha,
    });
    // Observed failures stay within alpha plus three standard deviations of the sampling noise.
    expect(r.failureRate).toBeLessThan(alpha + 3 * Math.sqrt((alpha * (1 - alpha)) / runs));
    expect(r.failureRate).toBeGreaterThan(0);
  });

  it('tells 80/20 from 50/50 every time', async () => {
    for (const initial of [100, 200]) {
      const r = await simulate({ v1: 0.8, v3: 0.2 }, { v1: 0.5, v3: 0.5 }, initial, 5_000, 3);
      expect(r.failureRate).toBe(1);
    }
  });

  it('tells a third each of three versions from 50/50', async () => {
    const r = await simulate({ v1: 1 / 3, v2: 1 / 3, v3: 1 / 3 }, { v1: 0.5, v3: 0.5 }, 100, 2_000, 4);
    expect(r.failureRate).toBe(1);
  });

  it('passes right uneven and three-way splits', async () => {
    expect((await simulate({ v1: 0.8, v3: 0.2 }, { v1: 0.8, v3: 0.2 }, 100, 5_000, 5)).failureRate).toBe(0);
    expect(
      (await simulate({ a: 1 / 3, b: 1 / 3, c: 1 / 3 }, { a: 1 / 3, b: 1 / 3, c: 1 / 3 }, 150, 3_000, 6)).failureRate,
    ).toBe(0);
  });
});
