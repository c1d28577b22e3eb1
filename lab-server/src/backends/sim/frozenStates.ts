/**
 * The states an environment's commands left, a few kept (`SimEnvironment.frozen`): automatic checks judge a
 * command's state when their turn comes, which under load is after the learner has gone on. A state is a
 * `StartingState` (frozen objects shared with the live cluster, so it costs its maps, not its objects); a command
 * that changed nothing keeps its predecessor's key. The checks say when they have judged a state; when they fall
 * behind, the oldest states go first.
 */
import { randomInt } from 'node:crypto';
import { sameLogs } from './cluster/logs.ts';
import type { StartingState } from './startingStates.ts';

/** True when two states hold the same objects and the same log lines (a command that changed nothing). */
export function sameState(a: StartingState, b: StartingState): boolean {
  return a.cluster.store.version === b.cluster.store.version && sameLogs(a.cluster.logs, b.cluster.logs);
}

/** Kept states by key, oldest first. */
export class FrozenStates {
  readonly #max: number;
  readonly #kept = new Map<number, StartingState>();
  /**
   * Keys start at a random number: a check that remembers what it judged on a key must never meet the same key for
   * another state, and an environment rebuilt elsewhere (a worker replaced) keeps its checks but starts its states again.
   */
  #next = randomInt(1, 2 ** 47);
  #last: number | undefined;

  constructor(max = 6) {
    this.#max = max;
  }

  /** Keeps `state` (when there is one); its key, or the previous key when nothing changed since. */
  keep(state: StartingState | undefined): number | undefined {
    if (!state) return undefined;
    const last = this.#last !== undefined ? this.#kept.get(this.#last) : undefined;
    if (last && sameState(last, state)) return this.#last;
    const key = this.#next++;
    this.#kept.set(key, state);
    this.#last = key;
    for (const old of this.#kept.keys()) if (this.#kept.size > this.#max) this.#kept.delete(old);
    return key;
  }

  /** The state of `key`, if still kept. */
  get(key: number): StartingState | undefined {
    return this.#kept.get(key);
  }

  /**
   * States up to `key` have been judged: forgotten, but for the latest. A command that changes nothing names the
   * latest state again, and a check told that it judged that state already need not judge it again.
   */
  judged(key: number): void {
    for (const k of this.#kept.keys()) if (k <= key && k !== this.#last) this.#kept.delete(k);
  }

  /** States kept now. */
  get size(): number {
    return this.#kept.size;
  }

  /** Forgets every state (the environment was reset). */
  clear(): void {
    this.#kept.clear();
    this.#last = undefined;
  }
}
