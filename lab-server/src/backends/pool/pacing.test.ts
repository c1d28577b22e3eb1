import { describe, expect, it } from 'vitest';
import { RestLedger, pacingDelayMs } from './pacing.ts';

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

describe('RestLedger', () => {
  let now = 0;
  const ledger = () => new RestLedger({ memoryMs: 1_000, now: () => now });

  it('rests a first busy slice for its own cost only, at the share', () => {
    now = 0;
    // 300 ms of the environment's past (commands long before) are not owed: only the 5 ms slice.
    expect(ledger().restMs(1, 305, 5, 1 / 5)).toBeCloseTo(20);
  });

  it('counts what the environment cost between two slices (its flushes, its wake-ups) in the next rest', () => {
    now = 0;
    const l = ledger();
    l.restMs(1, 5, 5, 1 / 5); // slice 1: 5 ms, rests 20 ms
    now = 26;
    // Slice 2 cost 5 ms, but 1.5 ms of the environment's turns ran in between (after rest 1 was measured).
    expect(l.restMs(1, 11.5, 5, 1 / 5)).toBeCloseTo(26);
  });

  it('keeps environments apart and starts anew after a long pause or once forgotten', () => {
    now = 0;
    const l = ledger();
    l.restMs(1, 5, 5, 1 / 5);
    l.restMs(2, 100, 5, 1 / 5);
    now = 20;
    expect(l.restMs(2, 104, 4, 1 / 5)).toBeCloseTo(16);
    now = 5_000;
    expect(l.restMs(1, 500, 5, 1 / 5)).toBeCloseTo(20);
    l.forget(1);
    now = 5_010;
    expect(l.restMs(1, 600, 5, 1 / 5)).toBeCloseTo(20);
  });

  it('rests at the share given at each slice: a tenth of a core rests nine times the cost', () => {
    now = 0;
    const l = ledger();
    expect(l.restMs(1, 5, 5, 1 / 10)).toBeCloseTo(45);
    now = 50;
    expect(l.restMs(1, 10, 5, 1 / 5)).toBeCloseTo(20);
  });
});
