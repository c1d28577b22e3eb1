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

/** The timings pressed within one stretch of a run: when it began (s from the start), how many, their p50 and p95. */
export interface PressedWindow {
  fromS: number;
  pressed: number;
  p50Ms: number;
  p95Ms: number;
}

/**
 * Timings grouped by when they were pressed (`atS`, seconds from the start of the run), in windows of `windowS`
 * seconds, empty windows left out: where in a run a queue built up, and how long what was pressed then waited.
 */
export function byPressTime(timings: readonly { atS: number; ms: number }[], windowS: number): PressedWindow[] {
  if (!(windowS > 0)) throw new Error(`bench: a window of ${windowS} s`);
  const windows = new Map<number, number[]>();
  for (const { atS, ms } of timings) {
    const from = Math.floor(atS / windowS) * windowS;
    let list = windows.get(from);
    if (!list) windows.set(from, (list = []));
    list.push(ms);
  }
  return [...windows]
    .sort(([a], [b]) => a - b)
    .map(([fromS, list]) => ({
      fromS,
      pressed: list.length,
      p50Ms: round(quantile(list, 0.5)),
      p95Ms: round(quantile(list, 0.95)),
    }));
}
