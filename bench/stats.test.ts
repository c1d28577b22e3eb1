import { describe, expect, it } from 'vitest';
import { byPressTime, quantile } from './stats.ts';

describe('bench statistics', () => {
  it('takes the nearest-rank quantile', () => {
    const samples = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(quantile(samples, 0.95)).toBe(95);
    expect(quantile(samples, 0.5)).toBe(50);
    expect(quantile([], 0.5)).toBeNaN();
  });

  it('groups timings by when they were pressed, in order, leaving empty windows out', () => {
    const timings = [
      { atS: 61.2, ms: 9000 },
      { atS: 3.5, ms: 40 },
      { atS: 4.9, ms: 60 },
      { atS: 60, ms: 7000 },
      { atS: 64.99, ms: 8000 },
    ];
    expect(byPressTime(timings, 5)).toEqual([
      { fromS: 0, pressed: 2, p50Ms: 40, p95Ms: 60 },
      { fromS: 60, pressed: 3, p50Ms: 8000, p95Ms: 9000 },
    ]);
    expect(byPressTime([], 5)).toEqual([]);
    expect(() => byPressTime(timings, 0)).toThrow(/window of 0 s/);
  });
});
