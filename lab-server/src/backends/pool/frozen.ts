/**
 * A frozen state of a pooled environment, as the server sees it: an environment the worker made from the state a
 * command left (`SimEnvironment.freeze`), beside the live one and on the same worker. Checks read it and send it
 * requests as they would the live one; nothing they do reaches the learner's environment.
 */
import type { CommandRecord, FrozenEnvironment, ScriptResult, TerminalChannel } from '../../contract.ts';
import type { WorkerRequest } from './protocol.ts';
import { type EnvironmentRequest, WorkerClock, WorkerEnvironmentCalls } from './workerCalls.ts';
import type { WorkerHost } from './workerHost.ts';

/** A frozen state living in a worker as environment `id`. */
export class FrozenPoolEnvironment extends WorkerEnvironmentCalls implements FrozenEnvironment {
  readonly labId: string;
  readonly #host: WorkerHost;
  readonly #id: number;
  readonly #history: CommandRecord[];
  readonly #clock: WorkerClock;
  readonly #judged: () => void;
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
    const { value, now } = await this.#host.call({ ...request, env: this.#id } as WorkerRequest).result;
    this.#clock.reported(now);
    return value;
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

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    await this.call({ op: 'dispose' }).catch(() => undefined);
    this.#disposed = true;
  }
}
