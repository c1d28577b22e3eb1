/**
 * Which series of a worker go first: the learners' own Checks before automatic checks (background series), which
 * nobody waits on. A series has an order (when it began; a background one as if it began some seconds later). A
 * background series waits, before each of its requests, while a learner's series of a lower order is still running,
 * and goes on when the last such one ends. Only series that began before it hold it back, so however long Checks
 * keep coming, an automatic check waits at most for those begun within those few seconds after it.
 */
/** A background series waiting for the learners' series of a lower order. */
interface Waiter {
  order: number;
  go: () => void;
}

export class ForegroundFirst {
  /** Orders of the learners' series running now (begun, not ended). */
  readonly #running = new Map<number, number>();
  /** Background series waiting, each until no running series has a lower order. */
  #waiting: Waiter[] = [];

  /** Notes that a learner's series of `order` began; the returned function notes that it ended. */
  begin(order: number): () => void {
    this.#running.set(order, (this.#running.get(order) ?? 0) + 1);
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      const left = (this.#running.get(order) ?? 1) - 1;
      if (left > 0) this.#running.set(order, left);
      else this.#running.delete(order);
      this.#release();
    };
  }

  /**
   * For a background series of `order`: a wait while a learner's series of a lower order runs, else undefined. The
   * wait ends early when `signal` aborts: a stopped series must end at once (a learner's Check waits for the
   * automatic check it stopped, and would otherwise wait behind every other learner's Check).
   */
  whenClear(order: number, signal?: AbortSignal): Promise<void> | undefined {
    if (!(this.#lowest() < order) || signal?.aborted) return undefined;
    return new Promise((resolve) => {
      const waiter: Waiter = {
        order,
        go: () => {
          signal?.removeEventListener('abort', stop);
          resolve();
        },
      };
      const stop = () => {
        this.#waiting = this.#waiting.filter((w) => w !== waiter);
        resolve();
      };
      signal?.addEventListener('abort', stop, { once: true });
      this.#waiting.push(waiter);
    });
  }

  /** How many background series wait now. */
  get waiting(): number {
    return this.#waiting.length;
  }

  #lowest(): number {
    let lowest = Infinity;
    for (const order of this.#running.keys()) if (order < lowest) lowest = order;
    return lowest;
  }

  #release(): void {
    if (this.#waiting.length === 0) return;
    const lowest = this.#lowest();
    const still: Waiter[] = [];
    for (const w of this.#waiting) {
      if (w.order > lowest) still.push(w);
      else w.go();
    }
    this.#waiting = still;
  }
}
