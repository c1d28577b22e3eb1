/**
 * Comparing the others' latency with and without one noisy learner on a machine whose speed drifts. Two windows in a
 * row, quiet then noisy, compare the drift as much as the noise: on the 2-core bench machine two quiet 20 s windows
 * in a row read p95s of 24.7 and 82.8 ms with nothing else running (`bench/_drift.ts`-style runs, 7 December 2026),
 * a 3.4x "effect" of nobody. So the fairness noises run in rounds that alternate quiet and noisy windows in the order
 * ABBA (quiet-noisy, noisy-quiet, ...). Each round compares its two windows, side by side in time, and the rounds'
 * ratios are averaged geometrically (ratios multiply): a drift that is steady over the rounds makes one round read
 * high and the next low by as much, and cancels. (Pooling every window of a kind before one p95 does not cancel it:
 * the slowest window decides a pooled p95.) A control that runs the same rounds with a learner who joins and does
 * nothing measures what the method itself reads when there is no noise.
 */
import { quantile, round } from './stats.ts';

/** What each window of round `index` (from 0) holds, in order: even rounds quiet first, odd rounds noisy first. */
export function roundOrder(index: number): readonly ['quiet', 'noisy'] | readonly ['noisy', 'quiet'] {
  return index % 2 === 0 ? (['quiet', 'noisy'] as const) : (['noisy', 'quiet'] as const);
}

/** The pooled comparison of the windows of every round. */
export interface InterleavedComparison {
  /** p95 of every quiet window's samples together, in ms. */
  quietP95: number;
  /** p95 of every noisy window's samples together, in ms. */
  noisyP95: number;
  /** The geometric mean of the rounds' ratios, to 2 decimals: what the noise does to the others' p95. */
  ratio: number;
  /** Each round's own ratio (its noisy window's p95 over its quiet window's), to 2 decimals: how much they scatter. */
  perRound: number[];
}

/**
 * Compares the quiet and noisy windows of each round (one array of ms per window, the same number of each, round by
 * round): each round's p95 ratio, their geometric mean, and each kind's p95 with its windows pooled. Throws when the
 * rounds do not pair or a window has no sample.
 */
export function compareInterleaved(quiet: readonly number[][], noisy: readonly number[][]): InterleavedComparison {
  if (quiet.length !== noisy.length || quiet.length === 0)
    throw new Error(`bench: ${quiet.length} quiet and ${noisy.length} noisy windows do not make rounds`);
  if ([...quiet, ...noisy].some((w) => w.length === 0)) throw new Error('bench: a window has no sample');
  const ratios = quiet.map((q, i) => quantile(noisy[i]!, 0.95) / Math.max(1e-9, quantile(q, 0.95)));
  const geometricMean = Math.exp(ratios.reduce((sum, r) => sum + Math.log(r), 0) / ratios.length);
  return {
    quietP95: quantile(quiet.flat(), 0.95),
    noisyP95: quantile(noisy.flat(), 0.95),
    ratio: round(geometricMean),
    perRound: ratios.map(round),
  };
}
