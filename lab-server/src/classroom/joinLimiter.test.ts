/** The join limiter: wrong codes limited tightly, joins loosely, both in a sliding minute per address. */
import { describe, expect, it } from 'vitest';
import type { HttpError } from '../server/http.ts';
import { JoinLimiter } from './joinLimiter.ts';

function status(work: () => void): number {
  try {
    work();
    return 200;
  } catch (error) {
    return (error as HttpError).status;
  }
}

describe('JoinLimiter', () => {
  it('refuses an address after too many wrong codes, whatever it tries next, until a minute has passed', () => {
    const limiter = new JoinLimiter({ failuresPerMinute: 2, joinsPerMinute: 100 });
    for (let i = 0; i < 2; i++) {
      limiter.admit('10.0.0.1', 1000);
      limiter.failed('10.0.0.1', 1000);
    }
    expect(status(() => limiter.admit('10.0.0.1', 2000))).toBe(429);
    // Another address is not affected.
    expect(status(() => limiter.admit('10.0.0.2', 2000))).toBe(200);
    expect(status(() => limiter.admit('10.0.0.1', 1000 + 60_000))).toBe(200);
  });

  it('lets a whole class join from one address but not without end', () => {
    const limiter = new JoinLimiter({ failuresPerMinute: 10, joinsPerMinute: 40 });
    for (let i = 0; i < 40; i++) expect(status(() => limiter.admit('nat', 5000 + i))).toBe(200);
    expect(status(() => limiter.admit('nat', 6000))).toBe(429);
    expect(() => limiter.admit('nat', 6000)).toThrow('too many join attempts from this address');
    expect(status(() => limiter.admit('nat', 5000 + 60_000))).toBe(200);
  });
});
