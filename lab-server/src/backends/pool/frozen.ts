/**
 * A frozen state of a pooled environment, as the server sees it: an environment the worker made from the state a
 * command left (`SimEnvironment.freeze`), beside the live one and on the same worker. Checks read it and send it
 * requests as they would the live one; nothing they do reaches the learner's environment.
 */
import type {
  CommandRecord,
  ContainerRef,
  ExecResult,
  FrozenEnvironment,
  HttpOrigin,
  HttpRequest,
  HttpResult,
  K8sObject,
  ObjectQuery,
  ObjectRef,
  ScriptResult,
  TerminalChannel,
} from '../../contract.ts';
import type { WorkerRequest } from './protocol.ts';
import type { WorkerHost } from './workerHost.ts';

type Request = WorkerRequest extends infer R ? (R extends WorkerRequest ? Omit<R, 'env'> : never) : never;

/** A frozen state living in a worker as environment `id`. */
export class FrozenPoolEnvironment implements FrozenEnvironment {
  readonly labId: string;
  readonly #host: WorkerHost;
  readonly #id: number;
  readonly #history: CommandRecord[];
  readonly #clock: 'real' | 'virtual';
  readonly #judged: () => void;
  #offset: number;
  #reportedAt = Date.now();
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
    this.labId = options.labId;
    this.#host = options.host;
    this.#id = options.id;
    this.#history = options.history;
    this.#clock = options.clock;
    this.#judged = options.judged;
    this.#offset = options.now - this.#reportedAt;
  }

  async #call(request: Request): Promise<unknown> {
    if (this.#disposed) throw new Error('this frozen state has been closed');
    const { value, now } = await this.#host.call({ ...request, env: this.#id } as WorkerRequest).result;
    if (now !== undefined) this.#offset = now - (this.#reportedAt = Date.now());
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
    return (await this.#call({ op: 'runScript', script })) as ScriptResult;
  }

  async get(ref: ObjectRef): Promise<K8sObject | null> {
    return (await this.#call({ op: 'get', ref })) as K8sObject | null;
  }

  async list(query: ObjectQuery): Promise<K8sObject[]> {
    return (await this.#call({ op: 'list', query })) as K8sObject[];
  }

  async exec(
    target: ContainerRef,
    argv: string[],
    options: { stdin?: string; timeoutMs?: number } = {},
  ): Promise<ExecResult> {
    return (await this.#call({ op: 'exec', target, argv, options })) as ExecResult;
  }

  async logs(target: ContainerRef, options: { sinceTime?: string; tail?: number } = {}): Promise<string> {
    return (await this.#call({ op: 'logs', target, options })) as string;
  }

  async http(origin: HttpOrigin, request: HttpRequest): Promise<HttpResult> {
    return (await this.#call({ op: 'http', origin, request })) as HttpResult;
  }

  history(): CommandRecord[] {
    return [...this.#history];
  }

  now(): Date {
    return new Date(this.#clock === 'virtual' ? this.#reportedAt + this.#offset : Date.now() + this.#offset);
  }

  async judged(): Promise<void> {
    this.#judged();
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    await this.#call({ op: 'dispose' }).catch(() => undefined);
    this.#disposed = true;
  }
}
