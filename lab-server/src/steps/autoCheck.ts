/**
 * When a learner's environment is checked in the background. After a command or an Apply, the scheduler waits
 * for a quiet moment (`debounceMs`: a burst of typed lines makes one evaluation), then runs one evaluation of the
 * open steps. It never runs two evaluations of one environment at once. Each environment has a CPU budget
 * (`budgetMs` of evaluation per `windowMs`); past it, the next evaluation waits until the window has room.
 * Server-wide, a `Gate` bounds how many environments are evaluated at once.
 *
 * Under load an evaluation may wait its turn for a long time, and the learner goes on meanwhile. A trigger that
 * comes with a frozen state (`FrozenState`: the environment as that command left it, which the simulator keeps)
 * is judged on that state whenever its turn comes, so a step reached and replaced before the turn still counts:
 * such triggers queue in order, one evaluation each, and a newer one replaces a waiting one only when it names
 * the same state (the command changed nothing the checks read). A trigger without one (a real cluster, or a state
 * no longer kept) is judged on the live environment: it cancels a running or waiting live evaluation, which would
 * only look at the newer state anyway. At most `maxQueued` states wait per environment; past that the oldest two
 * are judged as one (on the later state), which bounds the CPU and memory one learner's burst of commands costs.
 */
import type { CommandRecord } from '../contract.ts';
import type { TriggerScope } from './triggers.ts';

/** The environment as one command left it, kept by the backend (`LabEnvironment.frozen`). */
export interface FrozenState {
  /** Equal keys name the same state (a command that changed nothing keeps its predecessor's). */
  key: number;
  record: CommandRecord;
}

/** What an evaluation is asked to do: how far the triggers reach and when the first of them happened. */
export interface EvaluationRequest {
  scope: TriggerScope;
  /**
   * When the latest command of the burst ran (environment clock): no command came after it that changed what the
   * evaluation looks at (the state is frozen, or a newer command would have aborted it), so an outcome that holds
   * held from then, and the next command is the next step's.
   */
  heldAt: Date;
  /** The frozen state to judge; absent: judge the live environment. */
  state?: FrozenState;
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
  /** Frozen states waiting per environment (default 4); past it the two oldest are judged as one. */
  maxQueued?: number;
  /** Wall clock (ms), for the budget; tests give a fake one. */
  now?: () => number;
}

/** A counting semaphore: at most `limit` holders at once, the others wait in order. */
export class Gate {
  readonly limit: number;
  #held = 0;
  /** Waiters in order; one whose signal aborted stays, marked, until it reaches the front (see `acquire`). */
  #waiting: { wake: () => void; gone: boolean }[] = [];

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
      const waiter = {
        wake: () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
        gone: false,
      };
      // Marked, not removed: removing it scanned the queue, and a thousand learners pressing Check at once each
      // abort a waiting evaluation (a quadratic cost on the front thread); a release skips the marked ones.
      const onAbort = () => {
        waiter.gone = true;
        reject(signal.reason);
      };
      this.#waiting.push(waiter);
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
      let next = this.#waiting.shift();
      while (next?.gone) next = this.#waiting.shift();
      // The place passes straight to the next waiter.
      if (next) next.wake();
      else this.#held--;
    };
  }
}

/** A trigger waiting for its evaluation. */
interface Pending {
  scope: TriggerScope;
  heldAt: Date;
  state?: FrozenState;
  followUp?: boolean;
}

/**
 * Two requests as one: the wider scope and the later state (its record has the longer history). What holds in a
 * state two commands shared held from the first of them; otherwise only since the latest command.
 */
function merge(a: Pending, b: Pending): Pending {
  const later = b.heldAt.getTime() >= a.heldAt.getTime() ? b : a;
  const earlier = later === b ? a : b;
  const shared = a.state !== undefined && a.state.key === b.state?.key;
  return {
    scope: a.scope === 'cluster' || b.scope === 'cluster' ? 'cluster' : 'action',
    heldAt: shared ? earlier.heldAt : later.heldAt,
    ...(later.state ? { state: later.state } : {}),
  };
}

/** How `pause` treats the evaluation running when it is called. */
export interface PauseOptions {
  /**
   * Let it finish instead of stopping it (a learner's Check, which may stand on what it finds): stopped, its requests
   * so far would be lost and the state judged again after.
   */
  finishRunning?: boolean;
  /** Called when `task` waits for the running evaluation to finish (to run it as the learner's own work). */
  onWait?: () => void;
}

/** One environment's background checks. */
export class AutoCheckScheduler {
  readonly #evaluate: (request: EvaluationRequest) => Promise<void>;
  readonly #debounceMs: number;
  readonly #budgetMs: number;
  readonly #windowMs: number;
  readonly #followUpsMs: readonly number[];
  readonly #gate: Gate | undefined;
  readonly #maxQueued: number;
  readonly #now: () => number;
  /** Triggers waiting for their evaluation, oldest first (at most one without a frozen state, and it is last). */
  #queue: Pending[] = [];
  #timer: ReturnType<typeof setTimeout> | undefined;
  #followUps: ReturnType<typeof setTimeout>[] = [];
  /** The evaluation running, or waiting for a place (`evaluating` once it has one). */
  #running: { controller: AbortController; done: Promise<void>; request: Pending; evaluating: boolean } | undefined;
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
    this.#maxQueued = Math.max(1, options.maxQueued ?? 4);
    this.#now = options.now ?? (() => performance.now());
  }

  /**
   * A command or an Apply happened at `at` (environment clock), leaving `state` when the backend froze it:
   * queued in order (see the module's comment), debounced.
   */
  trigger(scope: TriggerScope, at: Date, state?: FrozenState): void {
    if (this.#disposed) return;
    let incoming: Pending = { scope, heldAt: at, ...(state ? { state } : {}) };
    // A live evaluation (running or waiting) would look at a state that is gone: the newest one replaces it.
    const running = this.#running;
    if (running && !running.request.state && !running.controller.signal.aborted) {
      incoming = merge(running.request, incoming);
      running.controller.abort(new Error('a newer command'));
    }
    const live = this.#queue.filter((p) => !p.state);
    this.#queue = this.#queue.filter((p) => p.state);
    for (const p of live) incoming = merge(p, incoming);
    const last = this.#queue.at(-1);
    if (last && incoming.state && last.state?.key === incoming.state.key)
      this.#queue[this.#queue.length - 1] = merge(last, incoming);
    else this.#queue.push(incoming);
    // Bounded: the two oldest states are judged as one, on the later of them.
    while (this.#queue.length > this.#maxQueued) this.#queue.splice(0, 2, merge(this.#queue[0]!, this.#queue[1]!));
    for (const t of this.#followUps.splice(0)) clearTimeout(t);
    if (this.#paused === 0) this.#arm(this.#debounceMs);
  }

  /**
   * Runs `task` with no evaluation running (a learner's Check, Solve, a reset): the running one is aborted and
   * awaited first (and asked again after), or, with `finishRunning`, let finish; triggers arriving meanwhile are kept
   * and evaluated after.
   */
  async pause<T>(task: () => Promise<T>, options: PauseOptions = {}): Promise<T> {
    this.#paused++;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const running = this.#running;
    // One still waiting for a place would hold the task up behind other environments' evaluations: stopped instead.
    if (running?.evaluating && !running.controller.signal.aborted && options.finishRunning) options.onWait?.();
    else if (running && !running.controller.signal.aborted) {
      // A frozen state is judged first, as it came; a live request goes last, with any live one waiting.
      if (running.request.state) this.#queue.unshift(running.request);
      else {
        const live = this.#queue.at(-1)?.state ? undefined : this.#queue.pop();
        this.#queue.push(live ? merge(running.request, live) : running.request);
      }
      running.controller.abort(new Error('paused'));
    }
    await running?.done;
    try {
      return await task();
    } finally {
      this.#paused--;
      if (this.#paused === 0 && this.#queue.length > 0) this.#arm(this.#debounceMs);
    }
  }

  /** Forgets pending triggers (the environment was reset: nothing typed before counts). */
  clear(): void {
    this.#queue = [];
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
    return this.#queue.length > 0;
  }

  /** Triggers waiting for their evaluation. */
  get queued(): number {
    return this.#queue.length;
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
    if (this.#disposed || this.#paused > 0 || this.#queue.length === 0) return;
    // Never two at once: a running evaluation is waited for first (it starts the next when it ends).
    if (this.#running) return;
    const wait = this.#budgetWaitMs();
    if (wait > 0) return this.#arm(wait);
    const request = this.#queue.shift()!;
    const controller = new AbortController();
    const running = { controller, done: Promise.resolve(), request, evaluating: false };
    this.#running = running;
    const done = this.#run(request, controller, () => {
      running.evaluating = true;
    });
    running.done = done;
    await done;
    if (this.#running?.done === done) this.#running = undefined;
    // States still waiting were debounced already: the next starts now (unless a fresh trigger is being debounced).
    if (this.#queue.length > 0 && !this.#timer && this.#paused === 0 && !this.#disposed) this.#arm(0);
  }

  /** `placed`: called once the evaluation has its place and begins. */
  async #run(request: Pending, controller: AbortController, placed: () => void): Promise<void> {
    let release: (() => void) | undefined;
    try {
      release = await this.#gate?.acquire(controller.signal);
    } catch {
      // Aborted while waiting for a place: what it was asked is queued again or replaced by a newer trigger.
      return;
    }
    placed();
    const started = this.#now();
    this.evaluations++;
    try {
      await this.#evaluate({
        scope: request.scope,
        heldAt: request.heldAt,
        ...(request.state ? { state: request.state } : {}),
        signal: controller.signal,
      });
    } catch (error) {
      if (!controller.signal.aborted) console.error('labs: an automatic check failed:', error);
    } finally {
      this.#spent.push({ at: started, ms: this.#now() - started });
      release?.();
    }
    // A real cluster takes seconds to apply a change: look again a few times unless something newer came.
    if (request.scope === 'cluster' && !request.followUp && !controller.signal.aborted && !this.#disposed) {
      for (const ms of this.#followUpsMs) {
        const t = setTimeout(() => {
          if (this.#queue.length > 0 || this.#running) return;
          this.#queue.push({ scope: 'cluster', heldAt: request.heldAt, followUp: true });
          void this.#fire();
        }, ms);
        t.unref?.();
        this.#followUps.push(t);
      }
    }
  }
}
