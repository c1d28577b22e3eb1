/** Per-environment limits of the simulator: what one learner may use, so one cannot starve the others. */
import { LOG_CHARS_PER_ENVIRONMENT } from './cluster/logs.ts';

/** Limits of one environment. */
export interface SimLimits {
  /** Objects in the simulated cluster (the learner's and the starting state's together). */
  maxObjects: number;
  /** Bytes of the objects clients wrote to the simulated cluster (its quota, besides the 1 MiB per object). */
  maxObjectBytes: number;
  /** Wall-clock time one command line may run before it is stopped. */
  commandTimeMs: number;
  /** CPU time one command line may use (its environment's share of its thread) before it is stopped. */
  commandCpuMs: number;
  /** Characters one command line may print; the rest is dropped with a notice. */
  outputChars: number;
  /** Lines kept in a terminal's history. */
  historyLines: number;
  /** Characters one input line may have (a pasted manifest is several lines, each counted alone). */
  inputLineChars: number;
  /** Longest real wait of one `sleep` in a terminal; beyond it the clock jumps by the rest. */
  sleepRealMs: number;
  /** Bytes of one string the shell builds (a `printf` width, an expansion, a heredoc), checked before it is built. */
  stringBytes: number;
  /** Bytes of the environment's file system (the samples included). */
  fileSystemBytes: number;
  /** Bytes of variables, functions and aliases carried from one command line to the next. */
  keptStateBytes: number;
  /** Keys typed ahead while a command runs (a paste included); more are dropped with a notice. */
  typeAheadChars: number;
  /** Characters of container logs kept, all the environment's containers together; over it, the oldest lines go first. */
  logChars: number;
}

/** The defaults: generous for every lesson, small enough for 200 learners on one machine. */
export const DEFAULT_LIMITS: SimLimits = {
  maxObjects: 2000,
  maxObjectBytes: 16 * 1024 * 1024,
  commandTimeMs: 10 * 60_000,
  commandCpuMs: 20_000,
  outputChars: 1024 * 1024,
  historyLines: 500,
  inputLineChars: 100_000,
  sleepRealMs: 30_000,
  stringBytes: 1024 * 1024,
  fileSystemBytes: 32 * 1024 * 1024,
  keptStateBytes: 1024 * 1024,
  typeAheadChars: 256 * 1024,
  logChars: LOG_CHARS_PER_ENVIRONMENT,
};
