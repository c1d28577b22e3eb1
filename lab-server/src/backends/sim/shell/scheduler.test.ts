import { describe, expect, it, vi } from 'vitest';
import { SimulationClock } from '../clock.ts';
import { COUNTED_SLICE, pause, setShellSchedulerHost, sliceOver, threadCpuMs } from './scheduler.ts';

describe('slices on a virtual clock', () => {
  it('end every COUNTED_SLICE yield points of that clock, however long the wall time between them', () => {
    const clock = new SimulationClock('virtual');
    const other = new SimulationClock('virtual');
    const ends: number[] = [];
    for (let i = 1; i <= 3 * COUNTED_SLICE; i++) {
      // Wall time passes (a loaded machine); the slices of a virtual clock do not follow it.
      const wall = performance.now();
      if (i % 50 === 0) while (performance.now() - wall < 6) {}
      if (sliceOver(clock)) ends.push(i);
      // Another environment's yield points count for that environment only.
      sliceOver(other);
    }
    expect(ends).toEqual([COUNTED_SLICE, 2 * COUNTED_SLICE, 3 * COUNTED_SLICE]);
  });
});

describe('pause', () => {
  it("rests as long as the host asks before the shell's next slice", async () => {
    vi.useFakeTimers();
    try {
      setShellSchedulerHost({ turnStartedAt: () => performance.now(), cpuMs: () => 0, restMs: () => 30 });
      let resumed = false;
      const paused = pause().then(() => {
        resumed = true;
      });
      await vi.advanceTimersByTimeAsync(29);
      expect(resumed).toBe(false);
      await vi.advanceTimersByTimeAsync(1);
      await paused;
      expect(resumed).toBe(true);
    } finally {
      setShellSchedulerHost({ turnStartedAt: () => performance.now(), cpuMs: threadCpuMs });
      vi.useRealTimers();
    }
  });

  it('never rests on a virtual clock, whose slices do not follow wall time', async () => {
    vi.useFakeTimers();
    try {
      setShellSchedulerHost({ turnStartedAt: () => performance.now(), cpuMs: () => 0, restMs: () => 30 });
      let resumed = false;
      const paused = pause(new SimulationClock('virtual')).then(() => {
        resumed = true;
      });
      await vi.advanceTimersByTimeAsync(1);
      await paused;
      expect(resumed).toBe(true);
    } finally {
      setShellSchedulerHost({ turnStartedAt: () => performance.now(), cpuMs: threadCpuMs });
      vi.useRealTimers();
    }
  });
});
