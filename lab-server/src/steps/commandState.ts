/**
 * The state a command left, as an automatic check looks at it: the command history up to that command and the
 * clock are answered here, and anything else (objects, logs, requests) from a frozen copy that the backend makes
 * only when a check first asks for it (`LabEnvironment.frozen`). After most commands the open steps that are judged
 * read only the command history (a `ran` check, or an `all` whose `ran` part fails first), and the others failed on
 * this state already (`JudgedStates`): freezing the state was a worker round trip, and a copy of the cluster in the
 * worker, that nothing read. When the state is no longer kept, the checks look at the live environment, once it
 * has settled, as they did when `frozen` answered nothing.
 */
import type {
  CommandRecord,
  ContainerRef,
  ExecResult,
  FrozenEnvironment,
  HttpOrigin,
  HttpRequest,
  HttpResult,
  HttpSeriesOptions,
  HttpSeriesResult,
  K8sObject,
  LabEnvironment,
  ObjectQuery,
  ObjectRef,
  ScriptResult,
  TerminalChannel,
} from '../contract.ts';
import { runHttpSeries } from '../traffic/series.ts';

/** Where the checks look once they need more than the history: the frozen copy, or the live environment. */
type Target = { env: FrozenEnvironment; frozen: true } | { env: LabEnvironment; frozen: false };

/** The commands of `history` up to the one of `record` (as the backends' frozen states keep them). */
export function historyUpTo(history: CommandRecord[], record: CommandRecord): CommandRecord[] {
  const upTo = history.lastIndexOf(record);
  return upTo >= 0 ? history.slice(0, upTo + 1) : history.filter((h) => h.at <= record.at);
}

/** The state `record` left, key `key`, when `live` can freeze states (undefined: it cannot, judge it live). */
export function commandState(live: LabEnvironment, record: CommandRecord, key: number): CommandState | undefined {
  const freeze = live.frozen?.bind(live);
  return freeze ? new CommandState(live, freeze, record, key) : undefined;
}

/** The state command `record` left in `live` (whose backend can freeze states), frozen on first need. */
export class CommandState implements FrozenEnvironment {
  readonly labId: string;
  readonly #live: LabEnvironment;
  readonly #freeze: NonNullable<LabEnvironment['frozen']>;
  readonly #record: CommandRecord;
  readonly #key: number;
  #history: CommandRecord[] | undefined;
  #target: Promise<Target> | undefined;
  /** Where the checks look, once known. */
  #made: Target | undefined;
  #disposed = false;

  /** `freeze`: the live environment's `frozen`. */
  constructor(live: LabEnvironment, freeze: NonNullable<LabEnvironment['frozen']>, record: CommandRecord, key: number) {
    this.labId = live.labId;
    this.#live = live;
    this.#freeze = freeze;
    this.#record = record;
    this.#key = key;
  }

  /**
   * The key of the state the checks see (for `JudgedStates`): the command's, or undefined once the live environment
   * stands in for it (never the same twice).
   */
  get key(): number | undefined {
    return this.#made?.frozen === false ? undefined : this.#key;
  }

  /** True once a frozen copy was asked of the backend (for tests and the bench). */
  get froze(): boolean {
    return this.#target !== undefined;
  }

  /** The frozen copy, made on first call; the live environment (settled first) when the state is gone. */
  #env(): Promise<LabEnvironment> {
    if (this.#disposed) return Promise.reject(new Error('this frozen state has been closed'));
    this.#target ??= this.#freeze(this.#record)
      .catch(() => undefined)
      .then(async (frozen): Promise<Target> => {
        if (frozen) return (this.#made = { env: frozen, frozen: true });
        this.#made = { env: this.#live, frozen: false };
        await this.#live.settled?.().catch(() => undefined);
        return this.#made;
      });
    return this.#target.then((t) => t.env);
  }

  history(): CommandRecord[] {
    this.#history ??= historyUpTo(this.#live.history(), this.#record);
    return this.#made?.frozen === false ? this.#live.history() : [...this.#history];
  }

  /** The frozen copy's clock once made (as before), else the live environment's: the same clock. */
  now(): Date {
    return this.#made?.frozen ? this.#made.env.now() : this.#live.now();
  }

  /**
   * A frozen state is fixed and was frozen with its controllers idle: nothing is left to take effect. The live
   * environment standing in for a state gone is waited for, as a check on it would (the first time, in `#env`).
   */
  async settled(signal?: AbortSignal): Promise<void> {
    if (this.#made?.frozen === false) await this.#live.settled?.(signal);
  }

  prepare(): Promise<void> {
    return Promise.resolve();
  }

  reset(): Promise<void> {
    return Promise.reject(new Error('a frozen state cannot be reset'));
  }

  openTerminal(): TerminalChannel {
    throw new Error('a frozen state has no terminal');
  }

  async runScript(script: string, options?: { signal?: AbortSignal; observe?: boolean }): Promise<ScriptResult> {
    return (await this.#env()).runScript(script, options);
  }

  async get(ref: ObjectRef): Promise<K8sObject | null> {
    return (await this.#env()).get(ref);
  }

  async list(query: ObjectQuery): Promise<K8sObject[]> {
    return (await this.#env()).list(query);
  }

  async exec(
    target: ContainerRef,
    argv: string[],
    options?: { stdin?: string; timeoutMs?: number },
  ): Promise<ExecResult> {
    return (await this.#env()).exec(target, argv, options);
  }

  async logs(target: ContainerRef, options?: { sinceTime?: string; tail?: number }): Promise<string> {
    return (await this.#env()).logs(target, options);
  }

  async http(origin: HttpOrigin, request: HttpRequest): Promise<HttpResult> {
    return (await this.#env()).http(origin, request);
  }

  /** In one call where the environment offers it, else the check's own loop over `http` (as the check would). */
  async httpSeries(
    origin: HttpOrigin,
    request: HttpRequest,
    options: HttpSeriesOptions,
    signal?: AbortSignal,
  ): Promise<HttpSeriesResult> {
    const env = await this.#env();
    if (env.httpSeries) return env.httpSeries(origin, request, options, signal);
    return runHttpSeries({ http: (o, r) => env.http(o, r), ...(signal ? { signal } : {}) }, origin, request, options);
  }

  /**
   * Judged: the backend may forget this state and the earlier ones. Only a frozen copy can say so (the contract has
   * no other way); a state never frozen stays kept until the backend's bound pushes it out.
   */
  async judged(): Promise<void> {
    if (this.#made?.frozen) await this.#made.env.judged();
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    const made = await this.#target?.catch(() => undefined);
    if (made?.frozen) await made.env.dispose();
  }
}
