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
