import { describe, expect, it } from 'vitest';
import { compareInterleaved, roundOrder } from './interleaved.ts';
import { quantile, round } from './stats.ts';

/** `n` latencies of a window, evenly spread from `low` to `high` ms (deterministic). */
const window = (n: number, low: number, high: number) =>
  Array.from({ length: n }, (_, i) => low + ((high - low) * i) / (n - 1));

/** Runs `rounds` rounds in the ABBA order on a machine whose latencies grow by `drift` per window; no noise at all. */
function driftingRounds(rounds: number, drift: number) {
  const quiet: number[][] = [];
  const noisy: number[][] = [];
  let slot = 0;
  for (let r = 0; r < rounds; r++)
    for (const kind of roundOrder(r)) {
      const speed = 1 + drift * slot++;
      (kind === 'quiet' ? quiet : noisy).push(window(200, 5 * speed, 30 * speed));
    }
  return { quiet, noisy };
}

describe('interleaved comparison of quiet and noisy windows', () => {
  it('alternates the order of each round: quiet first, then noisy first (ABBA)', () => {
    expect([0, 1, 2, 3].map(roundOrder)).toEqual([
      ['quiet', 'noisy'],
      ['noisy', 'quiet'],
      ['quiet', 'noisy'],
      ['noisy', 'quiet'],
    ]);
  });

  it('compares each round within itself and averages the rounds geometrically; each kind pooled for its p95', () => {
    const quiet = [window(100, 1, 10), window(100, 1, 100)];
    const noisy = [window(100, 1, 20), window(100, 1, 50)];
    const c = compareInterleaved(quiet, noisy);
    const p95 = (w: number[]) => quantile(w, 0.95);
    const rounds = [p95(noisy[0]!) / p95(quiet[0]!), p95(noisy[1]!) / p95(quiet[1]!)];
    expect(c.perRound).toEqual(rounds.map(round));
    expect(c.ratio).toBeCloseTo(Math.sqrt(rounds[0]! * rounds[1]!), 2);
    expect(c.quietP95).toBe(p95([...quiet[0]!, ...quiet[1]!]));
    expect(c.noisyP95).toBe(p95([...noisy[0]!, ...noisy[1]!]));
  });

  it('reads no effect from a steady drift of the machine, where a quiet window just before reads one', () => {
    // 10 % slower every window and no noise: the first round alone (quiet, then noisy) reads 1.1x, and so would
    // rounds that all put the quiet window first (1.08x); four rounds in ABBA order read within 2 % of no effect.
    const { quiet, noisy } = driftingRounds(4, 0.1);
    expect(compareInterleaved([quiet[0]!], [noisy[0]!]).ratio).toBeGreaterThanOrEqual(1.1);
    const c = compareInterleaved(quiet, noisy);
    expect(Math.abs(c.ratio - 1)).toBeLessThan(0.02);
  });

  it('still reads a real effect: the noisy windows twice as slow read about 2x', () => {
    const { quiet, noisy } = driftingRounds(4, 0.1);
    const c = compareInterleaved(
      quiet,
      noisy.map((w) => w.map((ms) => ms * 2)),
    );
    expect(c.ratio).toBeGreaterThan(1.9);
    expect(c.ratio).toBeLessThan(2.1);
  });

  it('refuses windows that do not pair into rounds, or a window with no sample', () => {
    expect(() => compareInterleaved([[1]], [])).toThrow(/do not make rounds/);
    expect(() => compareInterleaved([[]], [[1]])).toThrow(/no sample/);
    expect(() => compareInterleaved([[1], [2]], [[1], []])).toThrow(/no sample/);
  });
});
