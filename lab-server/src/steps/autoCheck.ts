/**
 * When a learner's environment is checked in the background. After a command or an Apply, the scheduler waits
 * for a quiet moment (`debounceMs`: a burst of typed lines makes one evaluation), then runs one evaluation of the
 * open steps. It never runs two evaluations of one environment at once: a new command aborts the running one,
 * waits for it to stop, and starts afresh after the next quiet moment. Each environment has a CPU budget
 * (`budgetMs` of evaluation per `windowMs`); past it, the next evaluation waits until the window has room.
 * Server-wide, a `Gate` bounds how many environments are evaluated at once.
 */
import type { TriggerScope } from './triggers.ts';

/** What an evaluation is asked to do: how far the triggers reach and when the first of them happened. */
export interface EvaluationRequest {
  scope: TriggerScope;
  /**
   * When the latest command of the burst ran (environment clock): no command came after it (one would have
   * aborted the evaluation), so an outcome that holds now held from then, and the next command is the next step's.
   */
  heldAt: Date;
  signal: AbortSignal;
}

/** The scheduler's knobs. */
export interface AutoCheckOptions {
  /** Quiet time after the last trigger before evaluating (default 400 ms). */
  debounceMs?: number;
  /** Evaluation time one environment may use per window (default 6 s per 60 s: a tenth of a core). */
  budgetMs?: number;
  windowMs?: number;
  /** Extra evaluations after a `cluster` trigger, for environments whose changes take effect later (ms after). */
  followUpsMs?: readonly number[];
  /** Server-wide limit on evaluations at once. */
  gate?: Gate;
  /** Wall clock (ms), for the budget; tests give a fake one. */
  now?: () => number;
}

/** A counting semaphore: at most `limit` holders at once, the others wait in order. */
export class Gate {
  readonly limit: number;
  #held = 0;
  #waiting: (() => void)[] = [];

  constructor(limit: number) {
    this.limit = limit;
  }

  /** Waits for a place; the returned function gives it back. Rejects if `signal` aborts first. */
  async acquire(signal: AbortSignal): Promise<() => void> {
    signal.throwIfAborted();
    if (this.#held < this.limit) {
      this.#held++;
      return this.#releaser();
    }
    await new Promise<void>((resolve, reject) => {
      const wake = () => {
        signal.removeEventListener('abort', onAbort);
        resolve();
      };
      const onAbort = () => {
        this.#waiting = this.#waiting.filter((w) => w !== wake);
        reject(signal.reason);
      };
      this.#waiting.push(wake);
      signal.addEventListener('abort', onAbort, { once: true });
    });
    return this.#releaser();
  }

  /** Places taken now. */
  get held(): number {
    return this.#held;
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      // The place passes straight to the next waiter.
      if (next) next();
      else this.#held--;
    };
  }
}

/** Two requests as one: the wider scope, the later time (what holds now held since the latest command). */
function merge(
  a: { scope: TriggerScope; heldAt: Date } | undefined,
  b: { scope: TriggerScope; heldAt: Date } | undefined,
): { scope: TriggerScope; heldAt: Date } | undefined {
  if (!a || !b) return a ?? b;
  return {
    scope: a.scope === 'cluster' || b.scope === 'cluster' ? 'cluster' : 'action',
    heldAt: new Date(Math.max(a.heldAt.getTime(), b.heldAt.getTime())),
  };
}

/** One environment's background checks. */
export class AutoCheckScheduler {
  readonly #evaluate: (request: EvaluationRequest) => Promise<void>;
  readonly #debounceMs: number;
  readonly #budgetMs: number;
  readonly #windowMs: number;
  readonly #followUpsMs: readonly number[];
  readonly #gate: Gate | undefined;
  readonly #now: () => number;
  #pending: { scope: TriggerScope; heldAt: Date; followUp?: boolean } | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #followUps: ReturnType<typeof setTimeout>[] = [];
  #running:
    | { controller: AbortController; done: Promise<void>; request: { scope: TriggerScope; heldAt: Date } }
    | undefined;
  /** Evaluations of the window: when each started and how long it ran (ms). */
  #spent: { at: number; ms: number }[] = [];
  #paused = 0;
  #disposed = false;
  /** Evaluations started (for tests and the bench). */
  evaluations = 0;

  constructor(evaluate: (request: EvaluationRequest) => Promise<void>, options: AutoCheckOptions = {}) {
    this.#evaluate = evaluate;
    this.#debounceMs = options.debounceMs ?? 400;
    this.#budgetMs = options.budgetMs ?? 6_000;
    this.#windowMs = options.windowMs ?? 60_000;
    this.#followUpsMs = options.followUpsMs ?? [];
    this.#gate = options.gate;
    this.#now = options.now ?? (() => performance.now());
  }

  /** A command or an Apply happened at `at` (environment clock): aborts a running evaluation and debounces. */
  trigger(scope: TriggerScope, at: Date): void {
    if (this.#disposed) return;
    // What an aborted evaluation was asked is asked again, with the new command.
    const running = this.#running && !this.#running.controller.signal.aborted ? this.#running.request : undefined;
    this.#pending = merge(merge(this.#pending, running), { scope, heldAt: at });
    this.#running?.controller.abort(new Error('a newer command'));
    for (const t of this.#followUps.splice(0)) clearTimeout(t);
    if (this.#paused === 0) this.#arm(this.#debounceMs);
  }

  /**
   * Runs `task` with no evaluation running (a learner's Check, Solve, a reset): the running one is aborted and
   * awaited first; triggers arriving meanwhile are kept and evaluated after.
   */
  async pause<T>(task: () => Promise<T>): Promise<T> {
    this.#paused++;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const running = this.#running;
    if (running && !running.controller.signal.aborted) this.#pending = merge(this.#pending, running.request);
    running?.controller.abort(new Error('paused'));
    await running?.done;
    try {
      return await task();
    } finally {
      this.#paused--;
      if (this.#paused === 0 && this.#pending) this.#arm(this.#debounceMs);
    }
  }

  /** Forgets pending triggers (the environment was reset: nothing typed before counts). */
  clear(): void {
    this.#pending = undefined;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const t of this.#followUps.splice(0)) clearTimeout(t);
  }

  /** Stops for good: no more evaluations, the running one aborted. */
  async dispose(): Promise<void> {
    this.#disposed = true;
    this.clear();
    this.#running?.controller.abort(new Error('disposed'));
    await this.#running?.done;
  }

  /** True while an evaluation runs. */
  get running(): boolean {
    return this.#running !== undefined;
  }

  /** True while a trigger waits for its evaluation. */
  get pending(): boolean {
    return this.#pending !== undefined;
  }

  /** Evaluation time spent in the current window (ms). */
  get spentMs(): number {
    this.#forget();
    return this.#spent.reduce((sum, s) => sum + s.ms, 0);
  }

  #forget(): void {
    const horizon = this.#now() - this.#windowMs;
    while (this.#spent.length > 0 && this.#spent[0]!.at + this.#spent[0]!.ms < horizon) this.#spent.shift();
  }

  /** How long until the budget has room (0 when it has). */
  #budgetWaitMs(): number {
    if (this.spentMs < this.#budgetMs) return 0;
    // The oldest evaluation leaves the window at its end; wait for that.
    const oldest = this.#spent[0]!;
    return Math.max(1, oldest.at + oldest.ms + this.#windowMs - this.#now());
  }

  #arm(ms: number): void {
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => void this.#fire(), ms);
    this.#timer.unref?.();
  }

  async #fire(): Promise<void> {
    this.#timer = undefined;
    if (this.#disposed || this.#paused > 0 || !this.#pending) return;
    // Never two at once: a running evaluation (already aborted by the trigger) is waited for first.
    if (this.#running) {
      await this.#running.done;
      if (this.#timer || this.#paused > 0) return;
    }
    const wait = this.#budgetWaitMs();
    if (wait > 0) return this.#arm(wait);
    const request = this.#pending;
    if (!request) return;
    this.#pending = undefined;
    const controller = new AbortController();
    const done = this.#run(request, controller);
    this.#running = { controller, done, request };
    await done;
    if (this.#running?.done === done) this.#running = undefined;
  }

  async #run(
    request: { scope: TriggerScope; heldAt: Date; followUp?: boolean },
    controller: AbortController,
  ): Promise<void> {
    let release: (() => void) | undefined;
    try {
      release = await this.#gate?.acquire(controller.signal);
    } catch {
      // Aborted while waiting for a place: a newer trigger will run instead.
      return;
    }
    const started = this.#now();
    this.evaluations++;
    try {
      await this.#evaluate({ scope: request.scope, heldAt: request.heldAt, signal: controller.signal });
    } catch (error) {
      if (!controller.signal.aborted) console.error('labs: an automatic check failed:', error);
    } finally {
      this.#spent.push({ at: started, ms: this.#now() - started });
      release?.();
      // Finished: a trigger from now on starts a new evaluation instead of repeating this one.
      if (this.#running?.controller === controller) this.#running = undefined;
    }
    // A real cluster takes seconds to apply a change: look again a few times unless something newer came.
    if (request.scope === 'cluster' && !request.followUp && !controller.signal.aborted && !this.#disposed) {
      for (const ms of this.#followUpsMs) {
        const t = setTimeout(() => {
          if (this.#pending || this.#running) return;
          this.#pending = { scope: 'cluster', heldAt: request.heldAt, followUp: true };
          void this.#fire();
        }, ms);
        t.unref?.();
        this.#followUps.push(t);
      }
    }
  }
}
