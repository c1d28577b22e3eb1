/** Weighted destinations (ISTIO-BEHAVIOR.md): relative weights, independent draws, weight 0 gets nothing. */
import { describe, expect, it } from 'vitest';
import { pickWeighted } from './routeRules.ts';
import { seededRandom } from './testing/fakeCluster.ts';

/** Pearson's chi-square statistic of observed counts against expected shares. */
function chiSquare(counts: number[], shares: number[]): number {
  const n = counts.reduce((a, b) => a + b, 0);
  return counts.reduce((sum, c, i) => (shares[i] === 0 ? sum : sum + (c - n * shares[i]) ** 2 / (n * shares[i])), 0);
}

/** Critical values of chi-square at p = 0.001 by degrees of freedom. */
const CRITICAL_0_001: Record<number, number> = { 1: 10.828, 2: 13.816, 3: 16.266 };

function draw(weights: (number | undefined)[], n: number, seed: number): number[] {
  const random = seededRandom(seed);
  const counts = weights.map(() => 0);
  const dests = weights.map((weight) => ({ weight }));
  for (let i = 0; i < n; i++) counts[pickWeighted(dests, random)]++;
  return counts;
}

describe('weighted draw', () => {
  it.each([
    [
      [50, 50],
      [0.5, 0.5],
    ],
    [
      [80, 20],
      [0.8, 0.2],
    ],
    [
      [1, 2, 1],
      [0.25, 0.5, 0.25],
    ],
    [
      [90, 10],
      [0.9, 0.1],
    ],
    [
      [3, 3, 3],
      [1 / 3, 1 / 3, 1 / 3],
    ],
  ])('weights %j follow shares %j (chi-square, p = 0.001)', (weights, shares) => {
    const counts = draw(weights, 20_000, 1234);
    const statistic = chiSquare(counts, shares);
    expect(statistic).toBeLessThan(CRITICAL_0_001[weights.length - 1]);
  });

  it('tells 50/50 from 80/20', () => {
    const counts = draw([80, 20], 2_000, 99);
    expect(chiSquare(counts, [0.5, 0.5])).toBeGreaterThan(CRITICAL_0_001[1]);
  });

  it('weight 0 gets nothing; a lone destination gets everything', () => {
    expect(draw([100, 0], 5_000, 5)).toEqual([5_000, 0]);
    expect(draw([0, 100, 0], 5_000, 5)).toEqual([0, 5_000, 0]);
    expect(draw([undefined], 100, 5)).toEqual([100]);
  });

  it('each request is an independent draw, not round-robin', () => {
    const random = seededRandom(3);
    const seq = Array.from({ length: 200 }, () => pickWeighted([{ weight: 50 }, { weight: 50 }], random));
    const repeats = seq.filter((v, i) => i > 0 && v === seq[i - 1]).length;
    // Round-robin would never repeat; independent fair draws repeat about half the time.
    expect(repeats).toBeGreaterThan(60);
    expect(repeats).toBeLessThan(140);
  });
});
