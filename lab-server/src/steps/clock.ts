/**
 * When each step of a lab began, in one environment's life: the one "step started" rule that the server's
 * checks, `labs verify` and the golden recorder share. `ran` and `logs` checks look only at what happened
 * since their step began, so a command typed for an earlier step never counts for a later one.
 *
 * The rule: a step began when the latest earlier step was done in this environment's life (its check
 * passed, or a step without a check ran its solution), else when the environment reached its starting
 * state (made, restored or reset). Times are on the environment's clock.
 */

/** Step ids in lesson order, and what this environment's life has seen of them. */
export class StepClock {
  readonly #stepIds: readonly string[];
  #startedAt: Date;
  readonly #done = new Map<string, Date>();

  /**
   * `earlier`: steps done before this process knew the environment (a server restarted and rebuilt it from its
   * journal); only those done after `startedAt` count, as they belong to this environment's life.
   */
  constructor(stepIds: readonly string[], startedAt: Date, earlier: ReadonlyMap<string, Date> = new Map()) {
    this.#stepIds = stepIds;
    this.#startedAt = startedAt;
    for (const [id, at] of earlier) if (at > startedAt) this.#done.set(id, at);
  }

  /** When the environment reached its starting state. */
  get startedAt(): Date {
    return this.#startedAt;
  }

  /** When the step began (see the rule above). An unknown step began with the environment. */
  began(stepId: string): Date {
    const index = this.#stepIds.indexOf(stepId);
    let latest = this.#startedAt;
    for (const id of this.#stepIds.slice(0, Math.max(0, index))) {
      const at = this.#done.get(id);
      if (at && at > latest) latest = at;
    }
    return latest;
  }

  /** Records that a step was done at `at`; the first time counts, later passes change nothing. */
  markDone(stepId: string, at: Date): void {
    if (!this.#done.has(stepId)) this.#done.set(stepId, at);
  }

  /** When the step was done in this environment's life, if it was. */
  doneAt(stepId: string): Date | undefined {
    return this.#done.get(stepId);
  }

  /** The environment went back to its starting state at `at`: no step is done in its new life. */
  reset(at: Date): void {
    this.#startedAt = at;
    this.#done.clear();
  }
}
