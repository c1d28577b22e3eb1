/**
 * Join attempts per client address, in a sliding minute. Wrong codes are limited tightly, so codes cannot be
 * guessed by brute force; joins as a whole only loosely, because a whole class often shares one address
 * (a venue's Wi-Fi behind NAT, a company proxy) and must be able to join in the same minute.
 */
import { HttpError } from '../server/http.ts';

/** The two limits, per address and minute. */
export interface JoinLimits {
  /** Wrong or expired codes before the address is refused (default 10). */
  failuresPerMinute?: number;
  /** Join attempts of any kind before the address is refused (default 300). */
  joinsPerMinute?: number;
}

const MINUTE = 60_000;

/** Sliding-minute counters of attempts and of failures per key. */
export class JoinLimiter {
  readonly failuresPerMinute: number;
  readonly joinsPerMinute: number;
  readonly #attempts = new Map<string, number[]>();
  readonly #failures = new Map<string, number[]>();

  constructor(limits: JoinLimits = {}) {
    this.failuresPerMinute = limits.failuresPerMinute ?? 10;
    this.joinsPerMinute = limits.joinsPerMinute ?? 300;
  }

  /** Counts an attempt from `key`; throws 429 when the address is over either limit. */
  admit(key: string, now = Date.now()): void {
    if (recent(this.#failures, key, now).length >= this.failuresPerMinute) {
      throw new HttpError(429, `too many wrong join codes from this address; wait a minute and try again`, {
        code: 'join.tooManyWrong',
      });
    }
    const attempts = recent(this.#attempts, key, now);
    if (attempts.length >= this.joinsPerMinute) {
      throw new HttpError(429, `too many join attempts from this address; wait a minute and try again`, {
        code: 'join.tooMany',
      });
    }
    attempts.push(now);
    this.#sweep(now);
  }

  /** Counts a wrong (unknown or expired) code from `key`. */
  failed(key: string, now = Date.now()): void {
    recent(this.#failures, key, now).push(now);
  }

  // Addresses seen once must not pile up for the life of the server.
  #sweep(now: number): void {
    for (const map of [this.#attempts, this.#failures]) {
      if (map.size <= 10_000) continue;
      for (const [k, v] of map) if (v.every((t) => now - t >= MINUTE)) map.delete(k);
    }
  }
}

/** The key's times within the last minute (stored back, so callers can push onto it). */
function recent(map: Map<string, number[]>, key: string, now: number): number[] {
  const times = (map.get(key) ?? []).filter((t) => now - t < MINUTE);
  map.set(key, times);
  return times;
}
