/** Per-environment limits of the simulator: what one learner may use, so one cannot starve the others. */

/** Limits of one environment. */
export interface SimLimits {
  /** Objects in the simulated cluster (the learner's and the starting state's together). */
  maxObjects: number;
  /** Wall-clock time one command line may run before it is stopped. */
  commandTimeMs: number;
  /** Characters one command line may print; the rest is dropped with a notice. */
  outputChars: number;
  /** Lines kept in a terminal's history. */
  historyLines: number;
  /** Characters one input line may have (a pasted manifest is several lines, each counted alone). */
  inputLineChars: number;
  /** Longest real wait of one `sleep` in a terminal; beyond it the clock jumps by the rest. */
  sleepRealMs: number;
}

/** The defaults: generous for every lesson, small enough for 200 learners on one machine. */
export const DEFAULT_LIMITS: SimLimits = {
  maxObjects: 2000,
  commandTimeMs: 10 * 60_000,
  outputChars: 1_000_000,
  historyLines: 500,
  inputLineChars: 100_000,
  sleepRealMs: 30_000,
};
