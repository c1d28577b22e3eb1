/**
 * What the automatic checks already found, and on what. A state (`CommandRecord.state`) is the objects and log
 * lines a command left, and a command that changes nothing names the state before it again: judged again, it would
 * say the same for every step but those whose check reads the command history (a `ran` check, which each new
 * command changes). After a learner's read-only commands (`kubectl get`, `ls`, `cat`) an automatic check then costs
 * only those, not a read of every sidecar's log for each step that observes traffic.
 *
 * A pass is kept with the objects it was measured on (`LabEnvironment.objectsRevision`): a learner pressing Check
 * on a step an automatic check passed, with no object changed since, is answered with that measurement instead of
 * sending the same few hundred requests again (`knownPass`). Most learners do exactly that: they apply, see the
 * step pass by itself, and press Check to see why.
 */
import type { ResolvedStep } from '../labs/load.ts';
import type { StepCheck } from './session.ts';
import { followsFromObjects, readsCommandHistory } from './triggers.ts';

/** A pass an automatic check measured: on which objects, for which check and step start. */
interface KnownPass {
  objects: string;
  /** The check as it was judged (each API's step has its own check object). */
  check: NonNullable<ResolvedStep['check']>;
  began: number;
  checked: StepCheck;
}

/** Judgements by step: the last failure's state, the last pass's objects. */
export class JudgedStates {
  /** Step id to `state@began` (ms): the last state its check failed on. */
  readonly #failed = new Map<string, string>();
  /** Step id to its last measured pass. */
  readonly #passed = new Map<string, KnownPass>();

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

  /**
   * `step`'s check passed on the objects named `objects` (undefined: not known which, as when a state was gone and
   * the live environment moved on meanwhile). Only a check that follows from the objects is kept.
   */
  passed(step: ResolvedStep, objects: string | undefined, began: Date, checked: StepCheck): void {
    if (objects === undefined || !step.check || !followsFromObjects(step.check)) return;
    this.#passed.set(step.id, { objects, check: step.check, began: began.getTime(), checked });
  }

  /**
   * The pass last measured for `step`'s check since the same start, and the name of the objects it was measured
   * on: while the live environment's objects keep that name, the check run again would find the same.
   */
  knownPass(step: ResolvedStep, began: Date): { objects: string; checked: StepCheck } | undefined {
    const known = this.#passed.get(step.id);
    if (!known || known.check !== step.check || known.began !== began.getTime()) return undefined;
    return { objects: known.objects, checked: known.checked };
  }
}
