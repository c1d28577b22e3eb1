/** How the supervisor measures one turn of a worker's loop. */
import { describe, expect, it } from 'vitest';
import { turnCpuMs } from './workerHost.ts';

describe('turnCpuMs', () => {
  it('counts the CPU of the turn that was running when the supervisor asked', () => {
    expect(turnCpuMs({ turn: 41, cpuUs: 5_000_000 }, 41, 7_500_000)).toBe(2_500);
  });

  it('counts nothing once the worker has taken another turn (a late answer on a loaded machine)', () => {
    // 3 s of CPU went by, but in turns that each gave the thread back: nobody held it.
    expect(turnCpuMs({ turn: 41, cpuUs: 5_000_000 }, 57, 8_000_000)).toBe(0);
  });
});
