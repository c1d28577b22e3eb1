/** Join attempts per client address, in a sliding minute, so join codes cannot be guessed by brute force. */
import { HttpError } from '../server/http.ts';

/** A per-key limit of attempts per minute. */
export class JoinLimiter {
  readonly perMinute: number;
  readonly #attempts = new Map<string, number[]>();

  constructor(perMinute = 10) {
    this.perMinute = perMinute;
  }

  /** Counts an attempt from `key`; throws 429 when over the limit. */
  take(key: string, now = Date.now()): void {
    const recent = (this.#attempts.get(key) ?? []).filter((t) => now - t < 60_000);
    if (recent.length >= this.perMinute) {
      this.#attempts.set(key, recent);
      throw new HttpError(429, `too many join attempts from this address; wait a minute and try again`);
    }
    recent.push(now);
    this.#attempts.set(key, recent);
    if (this.#attempts.size > 10_000) for (const [k, v] of this.#attempts) if (v.every((t) => now - t >= 60_000)) this.#attempts.delete(k);
  }
}
