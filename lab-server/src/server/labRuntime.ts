/**
 * The live side of sessions: one environment per (session, lab), made on demand and prepared from the
 * chapter's starting state, with one long-lived terminal whose output is batched, kept in a bounded
 * scrollback (replayed when the page reconnects) and offered to observers.
 */
import { DecayingSum } from '../backends/pool/decayingSum.ts';
import { pacingDelayMs } from '../backends/pool/pacing.ts';
import type { LabBackend, LabEnvironment, TerminalChannel } from '../contract.ts';
import type { LoadedLab } from '../labs/load.ts';
import { AutoCheckScheduler, type AutoCheckOptions, type PauseOptions } from '../steps/autoCheck.ts';
import type { CheckStepOptions } from '../steps/check.ts';
import { commandState } from '../steps/commandState.ts';
import { JudgedStates } from '../steps/judgedStates.ts';
import { StepSession, type StepCheck } from '../steps/session.ts';
import { triggerOf } from '../steps/triggers.ts';
import type { LabServerEvents } from './events.ts';
import { HttpError } from './http.ts';
import { Scrollback } from './scrollback.ts';
import type { ProgressStore } from './stores.ts';

/**
 * A learner's Checks may take this share of the wall time lately (a sum halving every `CHECK_HALF_LIFE_MS`): one
 * pressing Check again and again (a traffic check sends ~200 requests, and four may be in flight) waits before each
 * next one, so the others' commands keep their pace; a Check now and then never waits.
 */
export const CHECK_SHARE = 1 / 10;
export const CHECK_HALF_LIFE_MS = 3_000;

/** How the runtime is set up. */
export interface LabRuntimeOptions {
  backend: LabBackend;
  labs: ReadonlyMap<string, LoadedLab>;
  events: LabServerEvents;
  progress: ProgressStore;
  /** Characters of terminal output kept for replay (default 256 KiB). */
  scrollbackLimit?: number;
  /** Output is gathered this long before it is sent (default 5 ms). */
  batchMs?: number;
  /** Called after `prepare()` of a new environment, e.g. to replay a learner's journal after a restart. */
  restoreEnvironment?: (sessionId: string, lab: string, env: LabEnvironment) => Promise<void>;
  /** Environments unused this long, with no terminal attached, are disposed (default 30 min; journals keep them). */
  idleMs?: number | undefined;
  /** Live environments at most (default 400); making one more fails with 503. */
  maxEnvironments?: number | undefined;
  /**
   * Automatic checks: after every command or Apply, the open steps are checked in the background and each that
   * holds is passed to `record`. Absent: no automatic checks.
   */
  autoChecks?: AutoCheckOptions & {
    /** How the background checks run (their bounds). */
    check?: Omit<CheckStepOptions, 'retry' | 'signal'>;
    record: (instance: LabInstance, step: string, checked: StepCheck) => Promise<void>;
  };
}

/** Live environments a server holds when not told otherwise (`LabRuntimeOptions.maxEnvironments`). */
export const DEFAULT_MAX_ENVIRONMENTS = 400;

/** Looks again this long after a change on an environment that cannot say when its changes took effect. */
const REAL_CLUSTER_FOLLOW_UPS_MS = [2_000, 5_000, 10_000];

/** One learner's environment of one lab, with its terminal. */
export class LabInstance {
  readonly sessionId: string;
  readonly lab: LoadedLab;
  readonly env: LabEnvironment;
  readonly terminal: TerminalChannel;
  readonly scrollback: Scrollback;
  /** The lab's steps in this environment: when each began, which are done, check and solve. */
  readonly steps: StepSession;
  /** Background checks after commands and Apply (absent when the server runs none). */
  readonly auto: AutoCheckScheduler | undefined;
  lastUsed = Date.now();
  /** Sockets (or other viewers) attached now. */
  attached = 0;
  #listeners = new Set<(data: string) => void>();
  #pending = '';
  #timer: NodeJS.Timeout | undefined;
  #queue: Promise<unknown> = Promise.resolve();
  #offs: (() => void)[] = [];
  /** Wall time this learner's Checks took lately (see `CHECK_SHARE`). */
  readonly #checking = new DecayingSum(CHECK_HALF_LIFE_MS);
  #paced: Promise<unknown> = Promise.resolve();
  /** Steps the automatic checks found failing on a state: not judged again on it (steps/judgedStates.ts). */
  readonly #judged = new JudgedStates();

  constructor(
    sessionId: string,
    lab: LoadedLab,
    env: LabEnvironment,
    events: LabServerEvents,
    options: {
      scrollbackLimit: number;
      batchMs: number;
      earlier?: ReadonlyMap<string, Date>;
      autoChecks?: LabRuntimeOptions['autoChecks'];
    },
  ) {
    this.sessionId = sessionId;
    this.lab = lab;
    this.env = env;
    this.steps = new StepSession(lab, env, options.earlier);
    const auto = options.autoChecks;
    this.auto = auto
      ? new AutoCheckScheduler(
          async ({ scope, heldAt, state, signal }) => {
            // The state the command left when the backend keeps states (judged whenever the turn comes, frozen only
            // when a check reads more than the command history), else the live one.
            const frozen = state ? commandState(this.env, state.record, state.key) : undefined;
            const judged = this.#judged;
            // The live environment's objects are named before it is looked at: a change meanwhile leaves the passes
            // under a name the objects no longer have, so no Check stands on them.
            const liveObjects = frozen ? undefined : await this.#objectsNow();
            try {
              const passes = await this.steps.evaluateOpen(scope, heldAt, { ...auto.check, signal }, frozen ?? env, {
                states: judged,
                // Read at each judgement: the live environment stands in once the state is found gone.
                get state() {
                  return frozen?.key;
                },
                get objects() {
                  if (!frozen) return liveObjects;
                  return frozen.key === undefined ? undefined : state?.record.objects;
                },
              });
              for (const { step, check } of passes) await auto.record(this, step.id, check);
              if (!signal.aborted) await frozen?.judged();
            } finally {
              await frozen?.dispose().catch(() => undefined);
            }
          },
          { followUpsMs: env.settled ? [] : REAL_CLUSTER_FOLLOW_UPS_MS, ...auto },
        )
      : undefined;
    this.scrollback = new Scrollback(options.scrollbackLimit);
    this.terminal = env.openTerminal({ cols: 80, rows: 24 });
    this.#offs.push(
      this.terminal.onOutput((data) => {
        this.#pending += data;
        this.#timer ??= setTimeout(() => this.#flush(events), options.batchMs);
      }),
    );
    this.#offs.push(
      this.terminal.onCommand((record) => {
        events.emit('command', { sessionId, lab: lab.id, record });
        const scope = triggerOf(record.line);
        // The state to judge is the one the command left: it ended now, on the environment's clock.
        const state = record.state !== undefined ? { key: record.state, record } : undefined;
        if (scope) this.auto?.trigger(scope, this.env.now(), state);
      }),
    );
  }

  /**
   * Runs a learner's own action on the steps (Check, Solve, reset) with no background check running, and in
   * turn with every other such task of this instance.
   */
  solo<T>(task: () => Promise<T>, options: PauseOptions = {}): Promise<T> {
    return this.auto ? this.auto.pause(() => this.exclusive(task), options) : this.exclusive(task);
  }

  /**
   * Runs a learner's Check in its turn (`solo`), after a pause when their Checks have lately taken more than
   * `CHECK_SHARE` of the time; the time it takes counts toward the next.
   */
  paced<T>(task: () => Promise<T>): Promise<T> {
    // The pause is taken outside `solo`, so an Apply or a reset never waits behind it; paced Checks queue among
    // themselves, so each next pause counts the Check before it.
    const run = this.#paced
      .then(async () => {
        const wait = pacingDelayMs(this.#checking.value, { share: CHECK_SHARE, halfLifeMs: CHECK_HALF_LIFE_MS });
        if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
      })
      .then(() =>
        this.solo(
          async () => {
            const started = Date.now();
            try {
              return await task();
            } finally {
              this.#checking.add(Date.now() - started);
            }
          },
          {
            // The automatic check running is let finish, as the learner's own work (`hurry`), rather than stopped
            // and run again after: the Check usually stands on what it measures (`check`).
            finishRunning: true,
            onWait: () => this.env.hurry?.(),
          },
        ),
      );
    this.#paced = run.catch(() => undefined);
    return run;
  }

  /**
   * The learner's Check of a step: an automatic check's pass when it measured these very objects (nothing created,
   * changed or deleted since, `JudgedStates.knownPass`), else the check run now. Run it in `paced`.
   */
  async check(stepId: string, options: CheckStepOptions): Promise<StepCheck> {
    const { step } = this.steps.get(stepId);
    const known = this.#judged.knownPass(step, this.steps.began(stepId));
    // Asked only when there is a pass to stand on: a round trip to the worker otherwise spared.
    if (!known || known.objects !== (await this.#objectsNow())) return this.steps.check(stepId, options);
    const { outcome, at } = known.checked;
    return { outcome: { ...outcome, attempts: 0, durationMs: 0 }, at: this.env.now(), measuredAt: at };
  }

  /** The name of the live environment's objects now, where its backend has one. */
  async #objectsNow(): Promise<string | undefined> {
    return this.env.objectsRevision?.().catch(() => undefined);
  }

  /** Subscribes to batched output; returns the unsubscribe function. */
  onOutput(listener: (data: string) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Runs `task` after every earlier task of this instance (checks, Solve, Apply, reset never interleave). */
  exclusive<T>(task: () => Promise<T>): Promise<T> {
    this.lastUsed = Date.now();
    const run = this.#queue.then(task, task);
    this.#queue = run.catch(() => undefined);
    return run;
  }

  /** Writes a line of our own into the terminal's view (not to the shell), e.g. after a reset. */
  notice(text: string, events: LabServerEvents): void {
    this.#pending += text;
    this.#flush(events);
  }

  #flush(events: LabServerEvents): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    const data = this.#pending;
    this.#pending = '';
    if (data === '') return;
    this.scrollback.append(data);
    for (const l of this.#listeners) l(data);
    events.emit('output', { sessionId: this.sessionId, lab: this.lab.id, data });
  }

  async dispose(): Promise<void> {
    await this.auto?.dispose();
    clearTimeout(this.#timer);
    for (const off of this.#offs) off();
    this.#listeners.clear();
    this.terminal.close();
    await this.env.dispose();
  }
}

/** All live instances, keyed by session and lab. */
export class LabRuntime {
  readonly options: LabRuntimeOptions;
  #instances = new Map<string, Promise<LabInstance>>();
  #reaper: NodeJS.Timeout;

  constructor(options: LabRuntimeOptions) {
    this.options = options;
    this.#reaper = setInterval(() => void this.#reap(), Math.min(60_000, Math.max(1_000, this.#idleMs / 4)));
    this.#reaper.unref();
  }

  /** The instance of a session's lab, made and prepared on first use. */
  instance(sessionId: string, labId: string): Promise<LabInstance> {
    const key = `${sessionId}/${labId}`;
    let found = this.#instances.get(key);
    if (!found && this.#instances.size >= (this.options.maxEnvironments ?? DEFAULT_MAX_ENVIRONMENTS))
      return Promise.reject(
        new HttpError(503, 'this lab server is full (every lab environment is in use); try again in a few minutes', {
          code: 'server.full',
        }),
      );
    if (!found) {
      found = this.#create(sessionId, labId);
      this.#instances.set(key, found);
      found.catch(() => this.#instances.delete(key));
    }
    return found.then((i) => {
      i.lastUsed = Date.now();
      return i;
    });
  }

  /** The instance if it exists already (never makes one). */
  async existing(sessionId: string, labId: string): Promise<LabInstance | undefined> {
    return this.#instances.get(`${sessionId}/${labId}`)?.catch(() => undefined);
  }

  /** Brings a session's lab back to its starting state; its terminal stays, with a line saying so. */
  async reset(sessionId: string, labId: string): Promise<void> {
    const instance = await this.instance(sessionId, labId);
    await instance.solo(async () => {
      instance.auto?.clear();
      await instance.env.reset();
      instance.steps.reset();
      await this.options.progress.recordReset(sessionId, labId, instance.env.now().toISOString());
      instance.notice(
        "\r\n\x1b[33m[environment reset to the chapter's starting state / 실습 환경을 처음 상태로 되돌렸습니다]\x1b[0m\r\n",
        this.options.events,
      );
    });
    this.options.events.emit('reset', { sessionId, lab: labId });
  }

  /** Disposes every environment of a session. */
  async closeSession(sessionId: string): Promise<void> {
    const keys = [...this.#instances.keys()].filter((k) => k.startsWith(`${sessionId}/`));
    for (const key of keys) {
      const p = this.#instances.get(key)!;
      this.#instances.delete(key);
      await p.then(
        (i) => i.dispose(),
        () => undefined,
      );
    }
    this.options.events.emit('session-closed', { sessionId });
  }

  /** Number of live environments. */
  get size(): number {
    return this.#instances.size;
  }

  /** Disposes everything. */
  async close(): Promise<void> {
    clearInterval(this.#reaper);
    const all = [...this.#instances.values()];
    this.#instances.clear();
    await Promise.all(
      all.map((p) =>
        p.then(
          (i) => i.dispose(),
          () => undefined,
        ),
      ),
    );
  }

  async #create(sessionId: string, labId: string): Promise<LabInstance> {
    const lab = this.options.labs.get(labId);
    if (!lab) throw new Error(`unknown lab "${labId}"`);
    const env = await this.options.backend.createEnvironment({ lab, owner: sessionId });
    try {
      await env.prepare();
      await this.options.restoreEnvironment?.(sessionId, labId, env);
    } catch (error) {
      await env.dispose().catch(() => undefined);
      throw error;
    }
    const instance = new LabInstance(sessionId, lab, env, this.options.events, {
      scrollbackLimit: this.options.scrollbackLimit ?? 256 * 1024,
      batchMs: this.options.batchMs ?? 5,
      earlier: await this.#earlierPasses(sessionId, labId),
      autoChecks: this.options.autoChecks,
    });
    this.options.events.emit('environment-created', { sessionId, lab: labId, env });
    return instance;
  }

  /** Steps of the lab recorded as passed, for an environment rebuilt after a restart (see `StepClock`). */
  async #earlierPasses(sessionId: string, labId: string): Promise<Map<string, Date>> {
    const recorded = (await this.options.progress.progress(sessionId))[labId] ?? {};
    const earlier = new Map<string, Date>();
    for (const [step, p] of Object.entries(recorded)) if (p.passedAt) earlier.set(step, new Date(p.passedAt));
    return earlier;
  }

  get #idleMs(): number {
    return this.options.idleMs ?? 30 * 60_000;
  }

  async #reap(): Promise<void> {
    const idleMs = this.#idleMs;
    for (const [key, p] of this.#instances) {
      const i = await p.catch(() => undefined);
      if (i && i.attached === 0 && Date.now() - i.lastUsed > idleMs) {
        this.#instances.delete(key);
        await i.dispose().catch(() => undefined);
      }
    }
  }
}
