/**
 * A frozen state of a pooled environment, as the server sees it: an environment the worker made from the state a
 * command left (`SimEnvironment.freeze`), beside the live one and on the same worker. Checks read it and send it
 * requests as they would the live one; nothing they do reaches the learner's environment.
 *
 * Until a check sends it something that can change it (a request, an exec, a script), a frozen state is fixed: it
 * was frozen with its controllers idle, so a read answers the same every time. Its reads are then answered once
 * each (`ReadCache`): an automatic check after every command read the same pods and sidecar logs up to four times
 * (two observing steps, each counting since the step began and then before it), each read a round trip to the
 * worker and a copy both ways; the front thread's share of a typed command was mostly these.
 */
import type { CommandRecord, FrozenEnvironment, ScriptResult, TerminalChannel } from '../../contract.ts';
import type { WorkerRequest } from './protocol.ts';
import { type EnvironmentRequest, WorkerClock, WorkerEnvironmentCalls } from './workerCalls.ts';
import type { WorkerHost } from './workerHost.ts';

/** Requests that only read: a fixed state answers each the same every time. */
const READ_OPS = new Set<EnvironmentRequest['op']>(['get', 'list', 'logs']);
/** Requests that leave something behind in the state (log lines, objects, the random sequence's place). */
const CHANGING_OPS = new Set<EnvironmentRequest['op']>(['http', 'httpSeries', 'exec', 'runScript']);
/** Distinct reads kept per frozen state (a check reads a few pods' logs; this only bounds a pathological one). */
const MAX_CACHED_READS = 256;

/**
 * An answer as kept: strings and null as they are (immutable), objects as their JSON, which each caller parses into
 * its own copy (a check may change what it was given). Reads answer Kubernetes objects, which are JSON by nature,
 * and parsing JSON costs a fraction of a structured clone (which took most of the front thread's time saved).
 */
type Kept = { value: string | null } | { json: string };

function keep(value: unknown): Kept {
  return typeof value === 'string' || value === null ? { value } : { json: JSON.stringify(value) };
}

function unkeep(kept: Kept): unknown {
  return 'json' in kept ? JSON.parse(kept.json) : kept.value;
}

/**
 * The answers of a fixed state's reads, by request. The caller gets its own copy of an object answer (a check may
 * change what it was given); a read that failed is not kept (the next one asks again).
 */
export class ReadCache {
  readonly #answers = new Map<string, Promise<Kept>>();
  #fixed = true;

  /** The answer to `request`, asked of the worker through `ask` only the first time while the state is fixed. */
  read(request: EnvironmentRequest, ask: () => Promise<unknown>): Promise<unknown> {
    if (CHANGING_OPS.has(request.op)) {
      this.#fixed = false;
      this.#answers.clear();
    }
    if (!this.#fixed || !READ_OPS.has(request.op)) return ask();
    const key = JSON.stringify(request);
    const kept = this.#answers.get(key);
    if (kept) return kept.then(unkeep);
    const answer = ask();
    if (this.#answers.size < MAX_CACHED_READS) {
      // What is kept is taken as the answer came: the first caller may change the object it gets.
      const copy = answer.then(keep);
      this.#answers.set(key, copy);
      copy.catch(() => this.#answers.delete(key));
    }
    return answer;
  }

  /** Distinct reads answered so far (for tests). */
  get size(): number {
    return this.#answers.size;
  }
}

/** A frozen state living in a worker as environment `id`. */
export class FrozenPoolEnvironment extends WorkerEnvironmentCalls implements FrozenEnvironment {
  readonly labId: string;
  readonly #host: WorkerHost;
  readonly #id: number;
  readonly #history: CommandRecord[];
  readonly #clock: WorkerClock;
  readonly #judged: () => void;
  readonly #reads = new ReadCache();
  #disposed = false;

  constructor(options: {
    labId: string;
    host: WorkerHost;
    id: number;
    /** The live environment's commands up to the one that left this state. */
    history: CommandRecord[];
    clock: 'real' | 'virtual';
    /** The frozen environment's clock when it was made (ms since the epoch). */
    now: number;
    judged: () => void;
  }) {
    super();
    this.labId = options.labId;
    this.#host = options.host;
    this.#id = options.id;
    this.#history = options.history;
    this.#clock = new WorkerClock(options.clock, options.now);
    this.#judged = options.judged;
  }

  protected async call(request: EnvironmentRequest): Promise<unknown> {
    if (this.#disposed) throw new Error('this frozen state has been closed');
    return this.#reads.read(request, async () => {
      const { value, now } = await this.#host.call({ ...request, env: this.#id } as WorkerRequest).result;
      this.#clock.reported(now);
      return value;
    });
  }

  /** Made ready by the worker already. */
  prepare(): Promise<void> {
    return Promise.resolve();
  }

  reset(): Promise<void> {
    return Promise.reject(new Error('a frozen state cannot be reset'));
  }

  openTerminal(): TerminalChannel {
    throw new Error('a frozen state has no terminal');
  }

  async runScript(script: string): Promise<ScriptResult> {
    return (await this.call({ op: 'runScript', script })) as ScriptResult;
  }

  history(): CommandRecord[] {
    return [...this.#history];
  }

  now(): Date {
    return this.#clock.now();
  }

  async judged(): Promise<void> {
    this.#judged();
  }

  /** Told, not asked: nothing waits for a frozen state to go (the worker drops it in order, after the reads). */
  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#host.tell({ op: 'dispose', env: this.#id });
    this.#disposed = true;
  }
}
