/**
 * Test doubles for the mesh's tests: the in-memory cluster kubectl's tests use too (no admission, no controllers),
 * and the production clock and random source set up for reproducible records.
 */
import { SimulationClock } from '../../clock.ts';
import { createRandom } from '../../random.ts';
import type { RandomSource } from '../../types.ts';

export { FakeSimCluster as FakeCluster } from '../../cluster/testing/fakeSimCluster.ts';

/** The simulator's own clock in virtual mode, started at a fixed time so records are reproducible. */
export class VirtualClock extends SimulationClock {
  constructor(start = Date.UTC(2026, 10, 24, 10, 2, 43)) {
    super('virtual', start);
  }
}

/** The simulator's own seeded random source. */
export function seededRandom(seed = 42): RandomSource {
  return createRandom(seed);
}
