import { describe, expect, it } from 'vitest';
import { DecayingSum } from './decayingSum.ts';

describe('DecayingSum', () => {
  it('adds up, and halves every half-life', () => {
    let now = 0;
    const sum = new DecayingSum(60_000, () => now);
    expect(sum.add(300)).toBe(300);
    expect(sum.add(200)).toBe(500);
    now = 60_000;
    expect(sum.value).toBeCloseTo(250);
    now = 120_000;
    expect(sum.add(100)).toBeCloseTo(225);
  });
});
