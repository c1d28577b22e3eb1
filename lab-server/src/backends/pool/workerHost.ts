/**
 * One environment worker as its supervisor sees it: the thread, its calls in flight, and the shared buffer
 * that says whether its event loop still turns and whose code it runs. When the thread dies (stopped for
 * holding its loop too long, out of memory, crashed), every call in flight fails with `WorkerGone`.
 */
import { Worker } from 'node:worker_threads';
import type { SimLimits } from '../sim/limits.ts';
import {
  SHARED_BYTES,
  SLOT_BEAT,
  SLOT_CPU,
  SLOT_ENV,
  SLOT_TURN,
  type WorkerEvent,
  type WorkerMessage,
  type WireRequest,
  type WorkerCall,
  type WorkerReply,
  type WorkerRequest,
} from './protocol.ts';
import type { Lab } from '../../labs/schema.ts';
import type { WorkerSetup } from './worker.ts';

/** Each lab object's key on the wire (the same lab object, the same key, in every worker). */
const labKeys = new WeakMap<Lab, number>();
let nextLabKey = 1;

/** A call failed because its worker died; `culprit` is the environment whose code held the worker, if known. */
export class WorkerGone extends Error {
  readonly culprit: number | undefined;
  readonly reason: 'stuck' | 'memory' | 'crash';
  /** What the supervisor saw (the CPU a stuck turn took, a crash's error), for the server's log. */
  readonly detail: string | undefined;
  constructor(reason: 'stuck' | 'memory' | 'crash', culprit: number | undefined, detail?: string) {
    super(`the lab's worker stopped (${reason})`);
    this.name = 'WorkerGone';
    this.reason = reason;
    this.culprit = culprit;
    this.detail = detail;
  }
}

/**
 * The CPU milliseconds one turn of a worker's loop has taken: from the turn's start (`start`, read from the shared
 * slots when the supervisor asked) to `usageUs`, the thread's CPU time when the answer was taken; 0 when the worker
 * has moved on to another turn since (`turnNow`): the CPU time in between was spent in several turns.
 */
export function turnCpuMs(start: { turn: number; cpuUs: number }, turnNow: number, usageUs: number): number {
  if (turnNow !== start.turn) return 0;
  return Math.max(0, (usageUs - start.cpuUs) / 1000);
}

/** How workers are made. */
export interface WorkerHostOptions {
  clock: 'real' | 'virtual';
  limits: Partial<SimLimits>;
  /** Heap of one worker in MiB (its environments together). */
  heapMb: number;
  beatMs: number;
  /** A turn of one environment's code longer than this (CPU ms) is reported. */
  longTurnMs: number;
}

/** What a worker's supervisor hears from it. */
export interface WorkerHostHandlers {
  event: (event: WorkerEvent) => void;
  /** One environment's code held the thread for `ms` of CPU in one turn (`busy`: it was busy before it). */
  long: (env: number, ms: number, busy: boolean) => void;
  exit: (host: WorkerHost, gone: WorkerGone) => void;
}

interface Pending {
  resolve: (value: unknown) => void;
  reject: (error: Error) => void;
  env: number;
}

/** One worker thread. */
export class WorkerHost {
  readonly id: number;
  readonly quarantine: boolean;
  readonly environments = new Set<number>();
  readonly #worker: Worker;
  readonly #slots: Float64Array;
  readonly #pending = new Map<number, Pending>();
  readonly ready: Promise<void>;
  #nextCall = 1;
  #loaded = false;
  #gone: WorkerGone | undefined;
  #stopping: WorkerGone | undefined;
  readonly #handlers: WorkerHostHandlers;
  /** Keys of the labs this worker has been sent (see `WireRecipe`). */
  readonly #labsSent = new Set<number>();
  #replies = 0;

  constructor(id: number, quarantine: boolean, options: WorkerHostOptions, handlers: WorkerHostHandlers) {
    this.id = id;
    this.quarantine = quarantine;
    this.#handlers = handlers;
    const shared = new SharedArrayBuffer(SHARED_BYTES);
    this.#slots = new Float64Array(shared);
    this.#slots[SLOT_ENV] = -1;
    this.#slots[SLOT_BEAT] = Date.now();
    const setup: WorkerSetup = {
      shared,
      clock: options.clock,
      limits: options.limits,
      beatMs: options.beatMs,
      longTurnMs: options.longTurnMs,
      quarantine,
    };
    this.#worker = new Worker(new URL('./worker.ts', import.meta.url), {
      workerData: setup,
      resourceLimits: { maxOldGenerationSizeMb: options.heapMb, maxYoungGenerationSizeMb: 96 },
      stdout: false,
      stderr: false,
    });
    this.#worker.unref();
    this.ready = new Promise((resolve, reject) => {
      const onMessage = (message: WorkerMessage) => {
        if (message.type === 'ready') {
          this.#worker.off('message', onMessage);
          this.#loaded = true;
          resolve();
        }
      };
      this.#worker.on('message', onMessage);
      this.#worker.once('exit', () => reject(this.#gone ?? new WorkerGone('crash', undefined)));
    });
    this.ready.catch(() => undefined);
    this.#worker.on('message', (message: WorkerMessage) => this.#receive(message));
    this.#worker.on('error', (error: Error & { code?: string }) => {
      const memory = error.code === 'ERR_WORKER_OUT_OF_MEMORY';
      this.#gone ??= new WorkerGone(memory ? 'memory' : 'crash', this.runningEnvironment(), error.message);
    });
    this.#worker.on('exit', () => {
      const gone = this.#gone ?? this.#stopping ?? new WorkerGone('crash', this.runningEnvironment());
      this.#gone = gone;
      for (const p of this.#pending.values()) p.reject(gone);
      this.#pending.clear();
      this.#handlers.exit(this, gone);
    });
  }

  /** True once the thread has exited. */
  get dead(): boolean {
    return this.#gone !== undefined;
  }

  /** Milliseconds of wall time since the worker's event loop last turned (0 while it still loads). */
  stalledFor(now = Date.now()): number {
    return this.#loaded ? now - this.#slots[SLOT_BEAT]! : 0;
  }

  /** Milliseconds of CPU the thread has used since it started (0 once it has exited). */
  async cpuMs(): Promise<number> {
    if (this.#gone) return 0;
    try {
      const usage = await this.#worker.cpuUsage();
      return (usage.user + usage.system) / 1000;
    } catch {
      return 0; // exited meanwhile
    }
  }

  /**
   * Milliseconds of the thread's CPU time since its event loop last turned: what the current turn has taken. 0 when
   * that turn ended while the answer was on its way: on a loaded machine the answer can come late, and the CPU the
   * thread used meanwhile belongs to later turns, maybe of other environments (or of the same one, taking turns
   * as it should), never to one turn that held the thread.
   */
  async heldCpuMs(): Promise<number> {
    if (this.#gone) return 0;
    const start = { turn: this.#slots[SLOT_TURN]!, cpuUs: this.#slots[SLOT_CPU]! };
    try {
      const usage = await this.#worker.cpuUsage();
      return turnCpuMs(start, this.#slots[SLOT_TURN]!, usage.user + usage.system);
    } catch {
      return 0; // exited meanwhile
    }
  }

  /** Turns the worker's event loop has taken (each attributed to one environment or to the worker itself). */
  get turns(): number {
    return this.#slots[SLOT_TURN]!;
  }

  /** The environment whose code the worker runs now (undefined: its own or none). */
  runningEnvironment(): number | undefined {
    const env = this.#slots[SLOT_ENV]!;
    return env >= 0 ? env : undefined;
  }

  /** Sends a request; resolves with the worker's answer and the environment's clock. */
  call(request: WorkerRequest): { id: number; result: Promise<{ value: unknown; now?: number }> } {
    const id = this.#nextCall++;
    if (this.#gone) return { id, result: Promise.reject(this.#gone) };
    const result = new Promise<{ value: unknown; now?: number }>((resolve, reject) => {
      this.#pending.set(id, { resolve: resolve as (v: unknown) => void, reject, env: request.env });
    });
    this.#worker.postMessage({ id, request: this.#wire(request) } satisfies WorkerCall);
    return { id, result };
  }

  /** Sends a request that needs no answer (keystrokes). */
  tell(request: WorkerRequest): void {
    if (this.#gone) return;
    this.#worker.postMessage({ id: 0, request: this.#wire(request) } satisfies WorkerCall);
  }

  /** The request as it crosses: a recipe's lab goes the first time only (the port keeps order, so it comes first). */
  #wire(request: WorkerRequest): WireRequest {
    if (!('recipe' in request)) return request;
    const { lab, ...rest } = request.recipe;
    let labKey = labKeys.get(lab);
    if (labKey === undefined) labKeys.set(lab, (labKey = nextLabKey++));
    const first = !this.#labsSent.has(labKey);
    this.#labsSent.add(labKey);
    return { ...request, recipe: { ...rest, labKey, ...(first ? { lab } : {}) } };
  }

  /** Stops the thread (V8 interrupts even a loop that never yields); pending calls fail with `gone`. */
  stop(gone: WorkerGone): void {
    if (this.#gone || this.#stopping) return;
    this.#stopping = gone;
    void this.#worker.terminate();
  }

  /** Replies the worker has posted (each a message to this thread; tests count them). */
  get replies(): number {
    return this.#replies;
  }

  #receive(message: WorkerMessage): void {
    if (message.type === 'ready') return;
    if (message.type === 'reply') {
      this.#replies++;
      this.#settle(message);
    } else if (message.type === 'long') this.#handlers.long(message.env, message.ms, message.busy);
    else this.#handlers.event(message);
  }

  #settle(reply: WorkerReply): void {
    if (reply.id === 0) return;
    const p = this.#pending.get(reply.id);
    if (!p) return;
    this.#pending.delete(reply.id);
    if (reply.ok) p.resolve({ value: reply.value, now: reply.now });
    else p.reject(new Error(reply.error));
  }
}
