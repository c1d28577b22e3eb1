/**
 * How much of a core a busy environment's own work may use, given how busy the rest of the server is. A learner's
 * loop or output flood is held to a share of a core (its worker's rests between slices), and so is the traffic of
 * their own Checks (its pace; the automatic checks keep a fifth: worker.ts, `paceMs`). On a quiet server that share
 * costs nobody much, but in a class that already keeps the machine busy, every millisecond the loop takes is one the
 * others' commands wait for a core: there the share shrinks, as a fair scheduler gives a busy task what the others
 * leave rather than a fixed slice. Among 200 learners typing, the others' p95 rose by about 3 times the share (7
 * December 2026: a third 2.03x, a fifth 1.62x, for a busy loop); at a tenth (8 December) a busy loop read 1.13x to
 * 1.68x and the printf flood 0.85x to 1.19x.
 */

/** The share of a core a busy environment gets on a quiet server (what it always got before: see worker.ts). */
export const QUIET_SERVER_SHARE = 1 / 5;
/** ...and on a busy one. */
export const BUSY_SERVER_SHARE = 1 / 10;
/** The others' use of the machine (a fraction of its cores) up to which the quiet share holds, */
export const QUIET_BELOW = 0.1;
/** ...and from which the busy share does (a line between). */
export const BUSY_FROM = 0.3;

/**
 * The share of a core a busy environment may use while the rest of the server uses `othersFraction` of the
 * machine's cores (0: idle, 1: every core).
 */
export function busyShare(othersFraction: number): number {
  if (!(othersFraction > QUIET_BELOW)) return QUIET_SERVER_SHARE;
  if (othersFraction >= BUSY_FROM) return BUSY_SERVER_SHARE;
  const along = (othersFraction - QUIET_BELOW) / (BUSY_FROM - QUIET_BELOW);
  return QUIET_SERVER_SHARE + (BUSY_SERVER_SHARE - QUIET_SERVER_SHARE) * along;
}

/**
 * The share of the machine's `cores` the rest of the server uses: the process's use lately (`serverCores`, see
 * `ServerLoad`) less the busy environment's own, read from its decaying sum of recent CPU (`ownRecentMs`, halving
 * every `halfLifeMs`: a steady rate r, in CPU ms per ms, holds r x halfLifeMs / ln 2).
 */
export function othersFraction(options: {
  serverCores: number;
  ownRecentMs: number;
  halfLifeMs: number;
  cores: number;
}): number {
  const ownCores = (options.ownRecentMs * Math.LN2) / options.halfLifeMs;
  return Math.max(0, options.serverCores - ownCores) / Math.max(1, options.cores);
}

/**
 * The server process's CPU use lately, in cores (every thread: the front, each worker, V8's helpers), as one worker
 * sees it: CPU time over wall time between samples at least `sampleMs` apart, averaged with a half-life. Read as
 * often as wanted: a read between samples costs nothing but a clock.
 */
export class ServerLoad {
  readonly #cpuMs: () => number;
  readonly #now: () => number;
  readonly #halfLifeMs: number;
  readonly #sampleMs: number;
  #lastCpuMs: number;
  #lastAt: number;
  #cores = 0;

  constructor(options: { cpuMs: () => number; now: () => number; halfLifeMs?: number; sampleMs?: number }) {
    this.#cpuMs = options.cpuMs;
    this.#now = options.now;
    this.#halfLifeMs = options.halfLifeMs ?? 1_000;
    this.#sampleMs = options.sampleMs ?? 250;
    this.#lastCpuMs = this.#cpuMs();
    this.#lastAt = this.#now();
  }

  /** Cores the process used lately. */
  get cores(): number {
    const at = this.#now();
    const elapsed = at - this.#lastAt;
    if (elapsed >= this.#sampleMs) {
      const cpuMs = this.#cpuMs();
      const rate = Math.max(0, cpuMs - this.#lastCpuMs) / elapsed;
      const kept = 0.5 ** (elapsed / this.#halfLifeMs);
      this.#cores = this.#cores * kept + rate * (1 - kept);
      this.#lastCpuMs = cpuMs;
      this.#lastAt = at;
    }
    return this.#cores;
  }
}
