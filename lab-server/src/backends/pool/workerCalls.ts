/**
 * What every environment living in a worker (a learner's, a frozen state's) answers alike: reads and traffic are
 * one call each to its worker, and its clock is the worker's, as last reported.
 */
import type {
  ContainerRef,
  ExecResult,
  HttpOrigin,
  HttpRequest,
  HttpResult,
  HttpSeriesOptions,
  HttpSeriesResult,
  K8sObject,
  ObjectQuery,
  ObjectRef,
} from '../../contract.ts';
import type { WorkerRequest } from './protocol.ts';

/** A request to a worker before it is addressed to an environment (distributed, so each variant keeps its fields). */
export type EnvironmentRequest = WorkerRequest extends infer R
  ? R extends WorkerRequest
    ? Omit<R, 'env'>
    : never
  : never;

/** The worker's clock, as its replies and events report it. */
export class WorkerClock {
  readonly #clock: 'real' | 'virtual';
  #offset: number;
  #reportedAt = Date.now();

  /** `now`: the worker's clock when this environment was made (ms since the epoch), if known. */
  constructor(clock: 'real' | 'virtual', now?: number) {
    this.#clock = clock;
    this.#offset = now === undefined ? 0 : now - this.#reportedAt;
  }

  get kind(): 'real' | 'virtual' {
    return this.#clock;
  }

  /** The worker said its clock reads `now` (ms since the epoch); undefined says nothing. */
  reported(now: number | undefined): void {
    if (now !== undefined) this.#offset = now - (this.#reportedAt = Date.now());
  }

  /** Real time runs on between reports; a virtual clock (tests) stands still until the next one. */
  now(): Date {
    return new Date(this.#clock === 'virtual' ? this.#reportedAt + this.#offset : Date.now() + this.#offset);
  }
}

/** Names the series this thread sends (`op: 'httpSeries'`), for stopping one. */
let lastSeries = 0;

/** Reads and traffic of an environment in a worker: each one call through `call` (a traffic check's series too). */
export abstract class WorkerEnvironmentCalls {
  /** Sends `request` to this environment's worker and answers its value. */
  protected abstract call(request: EnvironmentRequest): Promise<unknown>;

  async get(ref: ObjectRef): Promise<K8sObject | null> {
    return (await this.call({ op: 'get', ref })) as K8sObject | null;
  }

  /** The worker's name for the objects now: the environment lives there, and is rebuilt there under a new one. */
  async objectsRevision(): Promise<string | undefined> {
    return ((await this.call({ op: 'objectsRevision' })) as string | null) ?? undefined;
  }

  async list(query: ObjectQuery): Promise<K8sObject[]> {
    return (await this.call({ op: 'list', query })) as K8sObject[];
  }

  async exec(
    target: ContainerRef,
    argv: string[],
    options: { stdin?: string; timeoutMs?: number } = {},
  ): Promise<ExecResult> {
    return (await this.call({ op: 'exec', target, argv, options })) as ExecResult;
  }

  async logs(target: ContainerRef, options: { sinceTime?: string; tail?: number } = {}): Promise<string> {
    return (await this.call({ op: 'logs', target, options })) as string;
  }

  async http(origin: HttpOrigin, request: HttpRequest): Promise<HttpResult> {
    return (await this.call({ op: 'http', origin, request })) as HttpResult;
  }

  /**
   * A traffic check's requests in one call: the worker runs the check's loop beside the environment. `signal` answers
   * at once (the check is over) and tells the worker to start no more of the series' requests.
   */
  async httpSeries(
    origin: HttpOrigin,
    request: HttpRequest,
    options: HttpSeriesOptions,
    signal?: AbortSignal,
  ): Promise<HttpSeriesResult> {
    signal?.throwIfAborted();
    const id = ++lastSeries;
    const series = this.call({ op: 'httpSeries', origin, request, options, series: id }) as Promise<HttpSeriesResult>;
    if (!signal) return series;
    let onAbort = () => {};
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => {
        this.call({ op: 'stopSeries', series: id }).catch(() => undefined);
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      return await Promise.race([series, aborted]);
    } finally {
      signal.removeEventListener('abort', onAbort);
      series.catch(() => undefined);
    }
  }
}
