/**
 * The slices of a worker's long served work (traffic checks' request series), one per turn of the event loop,
 * oldest work first. A series gives the thread back every few milliseconds; had each slice waited on its own
 * `setImmediate`, the loop's check phase would run one slice of every series waiting (a class pressing Check
 * at once: hundreds), back to back, before the next learner's command got the thread. Here one slice runs per
 * turn, so a command waits for one slice at most, and the oldest check is served first: each check finishes as
 * soon as it can instead of all of them finishing late together (the same work, a lower mean wait).
 */

/** One waiting slice. */
interface Waiting {
  /** Lower goes first: the order in which the work began. */
  order: number;
  resume: () => void;
}

/** Runs waiting slices one per turn of the event loop, lowest order first. */
export class SliceQueue {
  readonly #schedule: (run: () => void) => void;
  /** Sorted by order; short (one entry per series running on this thread). */
  readonly #waiting: Waiting[] = [];
  #scheduled = false;

  /** `schedule` runs a callback in a later turn of the loop (the thread's own `setImmediate`). */
  constructor(schedule: (run: () => void) => void) {
    this.#schedule = schedule;
  }

  /** How many slices wait now. */
  get size(): number {
    return this.#waiting.length;
  }

  /** Resolves when it is this slice's turn; `beforeResume` runs first, in that turn (to charge it to its owner). */
  wait(order: number, beforeResume?: () => void): Promise<void> {
    return new Promise((resolve) => {
      const entry: Waiting = {
        order,
        resume: () => {
          beforeResume?.();
          resolve();
        },
      };
      let at = this.#waiting.length;
      while (at > 0 && this.#waiting[at - 1]!.order > order) at--;
      this.#waiting.splice(at, 0, entry);
      this.#next();
    });
  }

  #next(): void {
    if (this.#scheduled || this.#waiting.length === 0) return;
    this.#scheduled = true;
    this.#schedule(() => {
      this.#scheduled = false;
      const first = this.#waiting.shift();
      // The next slice waits for the next turn: whatever arrived meanwhile (a command, a timer) runs between.
      this.#next();
      first?.resume();
    });
  }
}
