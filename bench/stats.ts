/** Small statistics and timing helpers for the benchmarks. */

/** The q-quantile (0..1) of samples, by the nearest-rank method. */
export function quantile(samples: readonly number[], q: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

/** Median and p95 of a set of timings, in ms. */
export interface LatencySummary {
  samples: number;
  medianMs: number;
  p95Ms: number;
}

/** Summarises timings. */
export function summarize(samples: readonly number[]): LatencySummary {
  return { samples: samples.length, medianMs: round(quantile(samples, 0.5)), p95Ms: round(quantile(samples, 0.95)) };
}

/** Runs `task` `times` times in sequence and returns each duration in ms. */
export async function time(times: number, task: (i: number) => Promise<unknown>): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < times; i++) {
    const start = performance.now();
    await task(i);
    out.push(performance.now() - start);
  }
  return out;
}

/** Rounds to 2 decimals. */
export function round(n: number): number {
  return Math.round(n * 100) / 100;
}
