/**
 * Pacing of a busy environment's check traffic. An environment's recent CPU use is a sum that halves every
 * `halfLifeMs`; used at a steady rate r (CPU ms per ms) it holds r x halfLifeMs / ln 2. Above the sum a steady
 * `share` of a core would hold, the environment's next request waits until the sum has decayed back to it.
 */

/** How long a request of an environment whose recent CPU sum is `recentMs` waits (0: at once). */
export function pacingDelayMs(recentMs: number, options: { share: number; halfLifeMs: number }): number {
  const limit = (options.share * options.halfLifeMs) / Math.LN2;
  return recentMs > limit ? options.halfLifeMs * Math.log2(recentMs / limit) : 0;
}

/**
 * What a busy environment's rests answer for: everything it cost its thread since its previous rest (the slice that
 * ends now, and the turns between two slices: its output's flush, the timer that wakes it, a check's requests), not
 * only the slice. A rest measured longer than `memoryMs` ago begins a new run of busy slices: what the environment
 * did before it (a command a minute ago) is not owed, only the slice that ends now.
 */
export class RestLedger {
  readonly #memoryMs: number;
  readonly #now: () => number;
  /** Per environment: its cost so far (ms) and the time, when its last rest was measured. */
  readonly #last = new Map<number, { costMs: number; at: number }>();

  constructor(options: { memoryMs: number; now: () => number }) {
    this.#memoryMs = options.memoryMs;
    this.#now = options.now;
  }

  /**
   * The rest `env` takes now (ms), given what it has cost so far in all (`costMs`, only differences count) and what
   * the slice ending now cost (`sliceMs`, part of `costMs`): at `share` of a core (the share it may use now: see
   * serverLoad.ts), the rest is (1 / share - 1) times the cost.
   */
  restMs(env: number, costMs: number, sliceMs: number, share: number): number {
    const at = this.#now();
    const last = this.#last.get(env);
    this.#last.set(env, { costMs, at });
    const owed = last && at - last.at < this.#memoryMs ? costMs - last.costMs : sliceMs;
    return Math.max(0, owed) * (1 / share - 1);
  }

  /** Forgets `env` (disposed). */
  forget(env: number): void {
    this.#last.delete(env);
  }
}
