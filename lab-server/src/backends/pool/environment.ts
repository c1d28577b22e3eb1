/**
 * A learner's environment living in a worker, as the server sees it: every contract call is a message to the
 * worker that holds it. The environment keeps its journal here, on the server's side, so when its worker dies
 * it is rebuilt in another one (without the command that killed the worker) while its terminals stay open.
 */
import type {
  CommandRecord,
  FrozenEnvironment,
  LabEnvironment,
  ScriptResult,
  TerminalChannel,
  TerminalOptions,
} from '../../contract.ts';
import { DecayingSum } from './decayingSum.ts';
import { FrozenPoolEnvironment } from './frozen.ts';
import { EnvironmentJournal } from './journal.ts';
import { notices } from './notices.ts';
import type { Detached, EnvironmentRecipe, RebuildClock, WorkerEvent, WorkerRequest } from './protocol.ts';
import { type EnvironmentRequest, WorkerClock, WorkerEnvironmentCalls } from './workerCalls.ts';
import { WorkerGone, type WorkerHost } from './workerHost.ts';

/** What an environment needs from its supervisor. */
export interface Placement {
  /** A live worker for this environment (a quarantine worker when it has held a worker too long). */
  place(env: PoolEnvironment): Promise<WorkerHost>;
  forget(env: PoolEnvironment): void;
  /** The longest a worker's loop may be held, for the messages. */
  readonly sliceLimitMs: number;
  /** A new id for an environment made in a worker (a frozen state's). */
  nextId(): number;
}

/** One terminal of a pooled environment. */
class PoolTerminal implements TerminalChannel {
  readonly term: number;
  readonly #env: PoolEnvironment;
  readonly #output = new Set<(data: string) => void>();
  readonly #commands = new Set<(record: CommandRecord) => void>();
  /** The line running now, if any (it gets a record of its own if the worker dies under it). */
  running: string | undefined;
  /** A line typed again after a restart another environment caused (it is typed again once only). */
  rerun: string | undefined;
  closed = false;

  constructor(env: PoolEnvironment, term: number) {
    this.#env = env;
    this.term = term;
  }

  write(data: string): void {
    if (this.closed) return;
    this.#env.tell({ op: 'write', term: this.term, data });
  }

  resize(cols: number, rows: number): void {
    if (!this.closed) this.#env.tell({ op: 'resize', term: this.term, cols, rows });
  }

  onOutput(listener: (data: string) => void): () => void {
    this.#output.add(listener);
    return () => this.#output.delete(listener);
  }

  onCommand(listener: (record: CommandRecord) => void): () => void {
    this.#commands.add(listener);
    return () => this.#commands.delete(listener);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.#env.tell({ op: 'close', term: this.term });
    this.#env.terminalClosed(this);
    this.#output.clear();
    this.#commands.clear();
  }

  output(data: string): void {
    for (const l of this.#output) l(data);
  }

  command(record: CommandRecord): void {
    this.running = undefined;
    this.rerun = undefined;
    for (const l of this.#commands) l(record);
  }
}

/** A `LabEnvironment` whose simulator runs in a worker. */
export class PoolEnvironment extends WorkerEnvironmentCalls implements LabEnvironment {
  readonly labId: string;
  readonly id: number;
  readonly recipe: EnvironmentRecipe;
  /** Set once this environment has held a worker too long: it lives on a quarantine worker from then on. */
  quarantined = false;
  /** CPU milliseconds of this environment's long turns lately (they halve every minute). */
  readonly noise = new DecayingSum(60_000);
  /** Set once the supervisor counted this environment among those it quarantined. */
  countedInQuarantine = false;
  /** Set when the environment should move to the quarantine worker at its next pause between commands. */
  moveWanted = false;
  host: WorkerHost | undefined;
  readonly #placement: Placement;
  readonly #journal = new EnvironmentJournal();
  readonly #terminals = new Map<number, PoolTerminal>();
  readonly #history: CommandRecord[] = [];
  #ready: Promise<void>;
  #nextTerm = 1;
  #disposed = false;
  #busy = 0;
  /** A move to the quarantine worker is under way. */
  #moving = false;

  /** The worker's clock: real time runs on between its reports, virtual time (tests) stands still. */
  readonly #clock: WorkerClock;
  /** When the journal began on that clock (made or reset): a rebuild replays it from then (`RebuildClock`). */
  #journalStartedAt: number | undefined;
  /** How far the environment's setup ran its clock ahead of the wall clock (ms). */
  #setupLeadMs = 0;

  constructor(id: number, recipe: EnvironmentRecipe, placement: Placement, clock: 'real' | 'virtual' = 'real') {
    super();
    this.id = id;
    this.#clock = new WorkerClock(clock);
    this.labId = recipe.lab.id;
    this.recipe = recipe;
    this.#placement = placement;
    this.#ready = this.#start();
    this.#ready.catch(() => undefined);
  }

  /**
   * Makes the environment in its worker and prepares it in the same request: every server prepares an environment
   * it makes, and a class joining at once would otherwise wait its turn in the worker twice.
   */
  async #start(): Promise<void> {
    const host = await this.#placement.place(this);
    this.host = host;
    const made = await host.call({ op: 'create', env: this.id, recipe: this.recipe, prepare: true }).result;
    this.#clock.reported(made.now);
    this.#journalStartedAt = made.now;
    if (typeof made.value === 'number') this.#setupLeadMs = Math.max(0, made.value);
  }

  /** Where a rebuild's clock starts and ends: this environment's, so what it replays happens when it first did. */
  #rebuildClock(): RebuildClock | undefined {
    const startedAt = this.#journalStartedAt;
    return startedAt === undefined
      ? undefined
      : { startedAt, now: this.now().getTime(), setupLeadMs: this.#setupLeadMs };
  }

  /** Calls the worker; after a worker died under it, waits for the rebuild and tries once more. */
  protected async call(request: EnvironmentRequest, retry = true): Promise<unknown> {
    if (this.#disposed) throw new Error('this lab environment has been closed');
    this.#moveIfWanted();
    await this.#ready.catch(() => undefined);
    const host = this.host!;
    this.#busy++;
    try {
      const { value, now } = await host.call({ ...request, env: this.id } as WorkerRequest).result;
      this.#clock.reported(now);
      return value;
    } catch (error) {
      if (!(error instanceof WorkerGone) || !retry) throw error;
      await this.#ready.catch(() => undefined);
      return this.call(request, false);
    } finally {
      this.#busy--;
    }
  }

  /** Sends keystrokes and the like; they wait for a rebuild in progress. */
  tell(request: EnvironmentRequest): void {
    void this.#ready.then(
      () => this.host?.tell({ ...request, env: this.id } as WorkerRequest),
      () => undefined,
    );
  }

  /**
   * True when nothing of this environment runs as far as the server knows (a quarantine move waits for this).
   * Keys on their way to the old worker, a line that has not said it started yet, are the worker's to see: the
   * move asks it to let the environment go (`detach`), which it refuses while anything runs.
   */
  get idle(): boolean {
    return this.#busy === 0 && [...this.#terminals.values()].every((t) => t.running === undefined);
  }

  /** An event from the worker. */
  receive(event: WorkerEvent): void {
    const terminal = this.#terminals.get(event.term);
    if (!terminal || terminal.closed) return;
    if (event.type === 'output') terminal.output(event.data);
    else if (event.type === 'running') terminal.running = event.line;
    else {
      this.#clock.reported(event.now);
      this.#journal.lineFinished(event.term, event.record.line, event.record.exitCode, Date.parse(event.record.at));
      this.#history.push(event.record);
      if (this.#history.length > 1000) this.#history.shift();
      terminal.command(event.record);
      this.#moveIfWanted();
    }
  }

  /**
   * The worker holding this environment died. Terminals get a word on what happened; the environment is rebuilt
   * from its journal in another worker (a quarantine one when its own command held the worker), and calls waiting
   * on it go on there. The line that was running is the learner's loss only when it was the cause: a command that
   * another environment's stopped with it is typed again after the rebuild (once; if that is stopped too, or the
   * command was the cause, it gets a record of its own and the learner is told).
   */
  lost(gone: WorkerGone): void {
    if (this.#disposed) return;
    const mine = gone.culprit === this.id;
    if (mine) this.quarantined = true;
    const message = notices(gone.reason, mine, this.#placement.sliceLimitMs);
    const at = this.now().toISOString();
    const again = new Map<number, string>();
    for (const t of this.#terminals.values()) {
      const line = t.running;
      if (line !== undefined && !mine && t.rerun !== line) {
        again.set(t.term, line);
        t.running = undefined;
        t.rerun = line;
        t.output(message.rerun);
        continue;
      }
      if (line !== undefined) t.command({ line, exitCode: mine ? 124 : 137, at });
      t.output(message.stopped);
    }
    this.#ready = this.#rebuild(message.rebuilt, again);
    this.#ready.catch(() => undefined);
  }

  /** Asks for a move to the quarantine worker: now if nothing of this environment runs, else at its next pause. */
  moveToQuarantineWhenIdle(): void {
    if (this.quarantined || this.#disposed) return;
    this.moveWanted = true;
    this.#moveIfWanted();
  }

  #moveIfWanted(): void {
    if (this.moveWanted && this.idle) this.moveToQuarantine();
  }

  /**
   * Moves this environment to a quarantine worker (it kept holding its worker's loop), with what its terminals
   * had typed and not run. When its worker finds something of it running after all, it stays, and the move is
   * tried again at its next pause.
   */
  moveToQuarantine(): void {
    if (this.quarantined || this.#disposed || this.#moving) return;
    this.#moving = true;
    const old = this.host;
    this.#ready = this.#ready.then(async () => {
      try {
        const untyped = old ? ((await old.call({ op: 'detach', env: this.id }).result).value as Detached | null) : [];
        if (untyped === null) return;
        this.moveWanted = false;
        this.quarantined = true;
        old?.environments.delete(this.id);
        await this.#rebuild('', new Map(), new Map(untyped));
      } finally {
        this.#moving = false;
      }
    });
    this.#ready.catch(() => undefined);
  }

  async #rebuild(
    notice: string,
    again: ReadonlyMap<number, string> = new Map(),
    untyped: ReadonlyMap<number, string> = new Map(),
  ): Promise<void> {
    const host = await this.#placement.place(this);
    this.host = host;
    let incomplete = this.#journal.overflowed;
    try {
      const clock = this.#rebuildClock();
      const journal = [...this.#journal.entries];
      const restored = host.call({
        op: 'restore',
        env: this.id,
        recipe: this.recipe,
        journal,
        ...(clock ? { clock } : {}),
      });
      this.#clock.reported((await restored.result).now);
    } catch (error) {
      if (!(error instanceof WorkerGone)) throw error;
      // The journal itself breaks a worker: start over from the chapter's starting state.
      incomplete = true;
      this.#journal.reset();
      const again = await this.#placement.place(this);
      this.host = again;
      const clock = this.#rebuildClock();
      const restore = {
        op: 'restore' as const,
        env: this.id,
        recipe: this.recipe,
        journal: [...this.#journal.entries],
        ...(clock ? { clock } : {}),
      };
      this.#clock.reported((await again.call(restore).result).now);
    }
    const host2 = this.host;
    for (const t of this.#terminals.values()) {
      host2.tell({ op: 'redraw', env: this.id, term: t.term, notice: incomplete ? notices.incomplete : notice });
      // Typed again as the learner typed it: echoed, run, recorded and journalled like any line.
      const line = again.get(t.term);
      if (line !== undefined)
        host2.tell({ op: 'write', env: this.id, term: t.term, data: `${line.replace(/\n/g, '\r')}\r` });
      const keys = untyped.get(t.term);
      if (keys) host2.tell({ op: 'write', env: this.id, term: t.term, data: keys });
    }
  }

  terminalClosed(terminal: PoolTerminal): void {
    this.#terminals.delete(terminal.term);
  }

  /** Made prepared (see `#start`), and rebuilt prepared after a worker died under it. */
  async prepare(): Promise<void> {
    if (this.#disposed) throw new Error('this lab environment has been closed');
    try {
      await this.#ready;
    } catch (error) {
      // The worker died under the start: `lost` has begun the rebuild by now.
      if (!(error instanceof WorkerGone)) throw error;
      await this.#ready;
    }
  }

  async reset(): Promise<void> {
    await this.call({ op: 'reset' });
    this.#journal.reset();
    this.#journalStartedAt = this.now().getTime();
  }

  openTerminal(options: TerminalOptions): TerminalChannel {
    const term = this.#nextTerm++;
    const terminal = new PoolTerminal(this, term);
    this.#terminals.set(term, terminal);
    this.#journal.terminalOpened(term, options.cols, this.now().getTime());
    this.tell({ op: 'open', term, cols: options.cols, rows: options.rows });
    return terminal;
  }

  runScript(script: string, options: { signal?: AbortSignal; observe?: boolean } = {}): Promise<ScriptResult> {
    return this.#runScript(script, options, true);
  }

  /** Runs a script; one that another environment's runaway stopped runs again once, after the rebuild. */
  async #runScript(
    script: string,
    options: { signal?: AbortSignal; observe?: boolean },
    retry: boolean,
  ): Promise<ScriptResult> {
    if (this.#disposed) throw new Error('this lab environment has been closed');
    this.#moveIfWanted();
    // A rebuild that failed (its worker stopped again) is retried by the next loss; this script starts after it.
    await this.#ready.catch(() => undefined);
    const host = this.host!;
    const startedAt = this.now().getTime();
    const { id, result } = host.call({ op: 'runScript', env: this.id, script });
    const onAbort = () => host.tell({ op: 'abort', env: this.id, call: id });
    options.signal?.addEventListener('abort', onAbort, { once: true });
    this.#busy++;
    try {
      const { value, now } = await result;
      this.#clock.reported(now);
      if (!options.observe) this.#journal.scriptRun(script, startedAt);
      return value as ScriptResult;
    } catch (error) {
      if (!(error instanceof WorkerGone)) throw error;
      const mine = error.culprit === this.id;
      if (!mine && retry && !options.signal?.aborted) return this.#runScript(script, options, false);
      return { output: notices(error.reason, mine, this.#placement.sliceLimitMs).script, exitCode: mine ? 124 : 137 };
    } finally {
      this.#busy--;
      options.signal?.removeEventListener('abort', onAbort);
    }
  }

  /**
   * Waits, in the worker, until the simulated cluster has converged. Without it a check could not know that
   * waiting changes nothing, and a failing check would retry until its answer stopped changing (seconds).
   */
  async settled(signal?: AbortSignal): Promise<void> {
    if (this.#disposed) throw new Error('this lab environment has been closed');
    signal?.throwIfAborted();
    this.#moveIfWanted();
    await this.#ready.catch(() => undefined);
    const host = this.host!;
    const { id, result } = host.call({ op: 'settled', env: this.id });
    const onAbort = () => host.tell({ op: 'abort', env: this.id, call: id });
    signal?.addEventListener('abort', onAbort, { once: true });
    this.#busy++;
    try {
      const { now } = await result;
      this.#clock.reported(now);
    } finally {
      this.#busy--;
      signal?.removeEventListener('abort', onAbort);
    }
  }

  history(): CommandRecord[] {
    return [...this.#history];
  }

  /** Tells the worker to run this environment's background series as the learner's own (`LabEnvironment.hurry`). */
  hurry(): void {
    const host = this.host;
    if (!this.#disposed && host && !host.dead) host.tell({ op: 'hurry', env: this.id });
  }

  /** The state a command left, made into an environment beside this one in its worker (see `frozen.ts`). */
  async frozen(record: CommandRecord): Promise<FrozenEnvironment | undefined> {
    const state = record.state;
    if (state === undefined || this.#disposed) return undefined;
    await this.#ready.catch(() => undefined);
    // States live in the worker that kept them: one rebuilt elsewhere since answers that they are gone.
    const host = this.host;
    if (!host || host.dead) return undefined;
    const id = this.#placement.nextId();
    let now: unknown;
    try {
      ({ value: now } = await host.call({ op: 'fork', env: this.id, state, fork: id }).result);
    } catch {
      return undefined;
    }
    if (typeof now !== 'number') return undefined;
    const upTo = this.#history.indexOf(record);
    return new FrozenPoolEnvironment({
      labId: this.labId,
      host,
      id,
      history: upTo >= 0 ? this.#history.slice(0, upTo + 1) : this.#history.filter((h) => h.at <= record.at),
      clock: this.#clock.kind,
      now,
      judged: () => host.tell({ op: 'judged', env: this.id, state }),
    });
  }

  now(): Date {
    return this.#clock.now();
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    await this.call({ op: 'dispose' }).catch(() => undefined);
    this.#disposed = true;
    for (const t of this.#terminals.values()) t.closed = true;
    this.#terminals.clear();
    this.#placement.forget(this);
  }
}
