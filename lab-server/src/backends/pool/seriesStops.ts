/**
 * The stop signals of a worker's traffic-check series, by `env:series`. A series may wait for its environment's
 * pace before it begins (`worker.ts` `dispatch`); a stop that comes meanwhile (the check is over: the learner's page
 * went, the Check was stopped) must reach it, or the series would begin afterwards and send every request it plans.
 */
export class SeriesStops {
  /** Series begun and not yet ended. */
  readonly #running = new Map<string, AbortController>();
  /** Series waiting to begin: their stop, kept until they begin (or are dropped). */
  readonly #waiting = new Map<string, AbortController>();

  /** Notes that series `key` waits before it begins. */
  wait(key: string): void {
    this.#waiting.set(key, new AbortController());
  }

  /** Forgets a waiting series that will never begin (its environment went meanwhile). */
  drop(key: string): void {
    this.#waiting.delete(key);
  }

  /** Series `key` begins: its signal, already aborted when it was stopped while it waited. */
  begin(key: string): AbortController {
    const controller = this.#waiting.get(key) ?? new AbortController();
    this.#waiting.delete(key);
    this.#running.set(key, controller);
    return controller;
  }

  /** Series `key` ended. */
  end(key: string): void {
    this.#running.delete(key);
  }

  /** Stops series `key`, running or waiting; a series unknown here (ended already) is left alone. */
  stop(key: string, reason: Error): void {
    (this.#running.get(key) ?? this.#waiting.get(key))?.abort(reason);
  }

  /** Series known here, running or waiting (for tests: nothing outlives its series). */
  get size(): number {
    return this.#running.size + this.#waiting.size;
  }
}
