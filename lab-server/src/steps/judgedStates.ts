/**
 * Which steps the automatic checks already found failing on which state. A state (`CommandRecord.state`) is the
 * objects and log lines a command left, and a command that changes nothing names the state before it again: judged
 * again, it would say the same for every step but those whose check reads the command history (a `ran` check,
 * which each new command changes). After a learner's read-only commands (`kubectl get`, `ls`, `cat`) an automatic
 * check then costs only those, not a read of every sidecar's log for each step that observes traffic.
 */
import type { ResolvedStep } from '../labs/load.ts';
import { readsCommandHistory } from './triggers.ts';

/** Failed judgements by step, each on one state, for the step as it began then. */
export class JudgedStates {
  /** Step id to `state@began` (ms): the last state its check failed on. */
  readonly #failed = new Map<string, string>();

  /** True when judging `step` on `state` again would say what it said: failed, on that state, since the same start. */
  knownToFail(step: ResolvedStep, state: number | undefined, began: Date): boolean {
    if (state === undefined || !step.check || readsCommandHistory(step.check)) return false;
    return this.#failed.get(step.id) === `${state}@${began.getTime()}`;
  }

  /** `step`'s check failed on `state` (undefined: the live environment, which is never the same twice). */
  failed(step: ResolvedStep, state: number | undefined, began: Date): void {
    if (state === undefined) this.#failed.delete(step.id);
    else this.#failed.set(step.id, `${state}@${began.getTime()}`);
  }
}
