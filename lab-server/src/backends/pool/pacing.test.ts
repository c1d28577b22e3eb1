import { describe, expect, it } from 'vitest';
import { pacingDelayMs } from './pacing.ts';

describe('pacingDelayMs', () => {
  const options = { share: 1 / 3, halfLifeMs: 2_000 };
  const limit = 2_000 / 3 / Math.LN2;

  it('lets an environment under its share go at once', () => {
    expect(pacingDelayMs(0, options)).toBe(0);
    expect(pacingDelayMs(limit * 0.99, options)).toBe(0);
  });

  it('holds one above it until its recent use has decayed back to the share', () => {
    expect(pacingDelayMs(limit * 2, options)).toBeCloseTo(2_000); // one half-life
    expect(pacingDelayMs(limit * 4, options)).toBeCloseTo(4_000);
    // After the wait, the sum (halved per half-life) is back at the limit.
    const delay = pacingDelayMs(limit * 3, options);
    expect(limit * 3 * 0.5 ** (delay / 2_000)).toBeCloseTo(limit);
  });
});
