import { describe, expect, it } from 'vitest';
import { SimulationClock } from '../clock.ts';
import { COUNTED_SLICE, sliceOver } from './scheduler.ts';

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
