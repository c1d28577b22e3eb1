/**
 * Racing work against the simulated clock. Besides the outcomes, the promise jobs a race takes are pinned: concurrent
 * requests interleave by them (a traffic check sends several at once), so the goldens depend on their number.
 */
import { describe, expect, it } from 'vitest';
import { SimulationClock } from '../clock.ts';
import { TIMED_OUT, withTimeout } from './timeouts.ts';

/** Promise jobs (a chain of `await`s beside it) until `settled` settles, counted from now. */
async function jobsUntil(settled: Promise<unknown>): Promise<number> {
  let done = false;
  settled.then(
    () => (done = true),
    () => (done = true),
  );
  let jobs = 0;
  while (!done) {
    await null;
    jobs++;
  }
  return jobs;
}

describe('withTimeout', () => {
  it("hands back the work's value, and its caller goes on as many jobs later as a Promise.race's did", async () => {
    const clock = new SimulationClock('virtual', 0);
    const raced = withTimeout(clock, 1000, undefined, async () => 'done');
    const jobs = jobsUntil(raced);
    expect(await raced).toBe('done');
    expect(await jobs).toBe(3);
    // Work that waits twice first: the same count after it, two more in all.
    const slower = withTimeout(clock, 1000, undefined, async () => {
      await null;
      await null;
      return 'later';
    });
    const slowerJobs = jobsUntil(slower);
    expect(await slower).toBe('later');
    expect(await slowerJobs).toBe(5);
    expect(clock.pending).toBe(0);
  });

  it('without a limit, hands back the work itself under the caller signal', async () => {
    const clock = new SimulationClock('virtual', 0);
    const parent = new AbortController().signal;
    let seen: AbortSignal | undefined;
    const work = async (signal: AbortSignal | undefined) => {
      seen = signal;
      return 1;
    };
    const raced = withTimeout(clock, undefined, parent, work);
    const jobs = jobsUntil(raced);
    expect(await raced).toBe(1);
    expect(seen).toBe(parent);
    expect(await jobs).toBe(3);
  });

  it('returns TIMED_OUT when the clock passes the limit, aborting the work, as many jobs after the abort as before', async () => {
    const clock = new SimulationClock('virtual', 0);
    let afterAbort: Promise<number> | undefined;
    const raced = withTimeout(clock, 10, undefined, (signal) => {
      signal?.addEventListener('abort', () => (afterAbort = jobsUntil(raced)), { once: true });
      return clock.sleep(100, signal).then(() => 'slept');
    });
    expect(await raced).toBe(TIMED_OUT);
    expect(clock.now()).toBe(10);
    expect(await afterAbort).toBe(4);
    expect(clock.pending).toBe(0);
  });

  it("rethrows the work's own failure, and the caller's abort", async () => {
    const clock = new SimulationClock('virtual', 0);
    await expect(
      withTimeout(clock, 10, undefined, async () => {
        throw new Error('broken');
      }),
    ).rejects.toThrow('broken');
    const parent = new AbortController();
    const raced = withTimeout(clock, 1000, parent.signal, (signal) => clock.sleep(100, signal));
    parent.abort();
    await expect(raced).rejects.toMatchObject({ name: 'AbortError' });
    expect(clock.pending).toBe(0);
  });
});
