/**
 * Chapters' starting states, shared by the environments made from them. The first environment of a chapter runs
 * the chapter's setup (Istio, Bookinfo, pods starting...) and leaves a snapshot of the settled result; the next
 * ones start from that snapshot instead of setting up again: they share its frozen objects and copy only what
 * they change (the store replaces objects, never edits them). Environments asking while the first one is still
 * setting up wait for its snapshot rather than each setting up on their own.
 *
 * A snapshot is as if the environment had been made when the snapshot was taken (its clock keeps the same lead on
 * the wall clock), so a snapshot is used for `maxAgeMs` only: after that the next environment sets up afresh.
 */
import type { ClusterSnapshot } from './cluster/index.ts';

/** A chapter's prepared, settled state. */
export interface StartingState {
  readonly cluster: ClusterSnapshot;
  /** How far ahead of the wall clock the environment's clock was (setting up runs time forward). */
  readonly clockLeadMs: number;
  /** Where the environment's random sequence was (environments with the same seed continue from there). */
  readonly randomPosition: number;
  /** Wall-clock time the snapshot was taken. */
  readonly takenAt: number;
}

/** One environment's way to its chapter's starting state. */
export interface StartingStateSource {
  /**
   * A snapshot to start from, waiting for one being taken; undefined means "set up yourself and `offer` the
   * result" (or `withdraw` when that fails).
   */
  take(): Promise<StartingState | undefined>;
  /** The snapshot of a setup this environment ran (after `take` resolved undefined). */
  offer(state: StartingState): void;
  /** This environment's setup failed: those waiting for it set up on their own. */
  withdraw(): void;
  /** A snapshot ready now, if any; nothing is claimed (an environment that will not offer its own asks this). */
  ready?(): StartingState | undefined;
}

/** Snapshots by key (chapter, its setup, and the seed when environments are seeded). */
export class StartingStates {
  readonly #ready = new Map<string, StartingState>();
  readonly #pending = new Map<string, Promise<StartingState | undefined>>();
  readonly #maxAgeMs: number;
  readonly #maxKept: number;

  constructor(options: { maxAgeMs?: number; maxKept?: number } = {}) {
    this.#maxAgeMs = options.maxAgeMs ?? 60_000;
    this.#maxKept = options.maxKept ?? 16;
  }

  /** How many snapshots are kept now (fresh or not). */
  get size(): number {
    return this.#ready.size;
  }

  /** The source of one environment whose starting state is identified by `key`. */
  source(key: string): StartingStateSource {
    let settle: ((state: StartingState | undefined) => void) | undefined;
    const finish = (state: StartingState | undefined) => {
      if (state) this.#keep(key, state);
      if (!settle) return;
      this.#pending.delete(key);
      settle(state);
      settle = undefined;
    };
    return {
      take: async () => {
        const ready = this.#fresh(key);
        if (ready) return ready;
        const pending = this.#pending.get(key);
        if (pending) {
          const state = await pending;
          if (state) return state;
          // The one being made failed: this environment tries (and may make it for others).
          return this.#fresh(key) ?? this.#claim(key, (s) => (settle = s));
        }
        return this.#claim(key, (s) => (settle = s));
      },
      offer: (state) => finish(state),
      withdraw: () => finish(undefined),
      ready: () => this.#fresh(key),
    };
  }

  /** Marks `key` as being made by the caller (others wait for it) and tells the caller to set up. */
  #claim(key: string, keepSettle: (settle: (state: StartingState | undefined) => void) => void): undefined {
    if (!this.#pending.has(key)) this.#pending.set(key, new Promise((resolve) => keepSettle(resolve)));
    return undefined;
  }

  #fresh(key: string): StartingState | undefined {
    const state = this.#ready.get(key);
    if (state && Date.now() - state.takenAt <= this.#maxAgeMs) return state;
    if (state) this.#ready.delete(key);
    return undefined;
  }

  #keep(key: string, state: StartingState): void {
    this.#ready.delete(key);
    while (this.#ready.size >= this.#maxKept) this.#ready.delete(this.#ready.keys().next().value!);
    this.#ready.set(key, state);
  }
}
