/**
 * The `sim` backend off the server's event loop: learners' environments live in a pool of worker threads under
 * a supervisor (this file). The server, the checks and the CLI see the same `LabBackend` contract; each call is
 * a message to the worker holding the environment, so a learner's command never runs on the front's thread.
 *
 * Sharing a worker is fair by design: a lab shell's loops give the thread back every few milliseconds
 * (sim/shell/scheduler.ts), so the environments of one worker take turns. What cannot be cut into turns (one
 * large YAML document to parse, one long string operation) is handled here. The worker reports every turn in
 * which one environment's own code (what its learner typed or applied; never the server's work on its behalf, such
 * as a Check's hundreds of requests) held the thread longer than `longTurnMs` of CPU. The environment moves to the
 * quarantine worker at its next pause between commands, and holds the thread of nobody else from then on, when
 * - it was already busy when that turn began (it had held the thread a lot in the last seconds: a loop, a paste
 *   of thousands of lines): heavy and uncuttable at once, it would stall the others again and again; or
 * - its long turns add up to `quarantineAfterMs` (a sum that halves every minute): one `sed` over a long line
 *   does it alone, a few large manifests do it together, and a lesson's commands, which rarely take 20 ms of
 *   CPU in one turn, never do.
 *
 * The supervisor also watches every worker's event loop. A loop held longer than `sliceLimitMs` by one
 * environment's code (a runaway command) gets its thread stopped; the environments it held are rebuilt in a
 * fresh worker from their journals, without the command that broke it, and the culprit moves to the
 * quarantine worker. Each worker's heap is capped (`heapMb`); running out stops only that worker, and its
 * environments are rebuilt the same way.
 */
import { availableParallelism } from 'node:os';
import type { EnvironmentSpec, LabBackend, LabEnvironment } from '../../contract.ts';
import type { Lab } from '../../labs/schema.ts';
import type { SimLimits } from '../sim/limits.ts';
import { PoolEnvironment, type Placement } from './environment.ts';
import type { WorkerEvent } from './protocol.ts';
import { WorkerGone, WorkerHost } from './workerHost.ts';

/** Options of the pooled simulator. */
export interface PoolBackendOptions {
  clock?: 'real' | 'virtual';
  seed?: number;
  limits?: Partial<SimLimits>;
  /** General workers (default: the machine's cores, at least 2). */
  workers?: number;
  /** Longest time one environment may hold a worker's event loop (default 2 s). */
  sliceLimitMs?: number;
  /**
   * A turn of one environment's code longer than this (CPU ms) counts against it (default 25 ms: over a light
   * environment's 20 ms slice, which a turn cut at its first yield point after the slice overruns only a little)...
   */
  longTurnMs?: number;
  /** ...and once its long turns add up to this (halving every minute), it moves to quarantine (default 150 ms). */
  quarantineAfterMs?: number;
  /** Heap of each worker in MiB (default 768). */
  heapMb?: number;
  /** How often the watchdog looks (default 100 ms). */
  watchMs?: number;
  /**
   * Start the general workers now rather than at the first environment (`labs serve`): loading the simulator
   * takes a worker about a second of CPU, which a class joining at once would otherwise wait for.
   */
  warm?: boolean;
}

/** The pool's own state, for tests and the bench. */
export interface PoolStats {
  workers: number;
  restarts: number;
  quarantined: number;
  /** Environments ever placed on a quarantine worker (moved for long turns or stopped as runaway). */
  quarantinedTotal: number;
  environments: number;
}

/** A `LabBackend` whose environments run in worker threads. */
export interface PoolBackend extends LabBackend {
  stats(): PoolStats;
  /** CPU milliseconds the general (not quarantine) workers alive now have used: a clock for fairness benches. */
  generalCpuMs(): Promise<number>;
  /** Resolves once every general worker has loaded the simulator (started now if none was). */
  ready(): Promise<void>;
  /**
   * Runs a throwaway environment of each chapter through a learner's first minutes in every worker (the quarantine one too), so the
   * first learners find the code compiled and the chapters' starting states made; answers each worker's CPU ms.
   */
  warm(labs: readonly Lab[]): Promise<number[]>;
}

/** True for the pooled simulator (the server warms it before it listens). */
export function isPoolBackend(backend: LabBackend): backend is PoolBackend {
  return typeof (backend as Partial<PoolBackend>).warm === 'function';
}

/** Makes the pooled simulator backend. */
export function createPoolBackend(options: PoolBackendOptions = {}): PoolBackend {
  const hostOptions = {
    clock: options.clock ?? 'real',
    limits: options.limits ?? {},
    heapMb: options.heapMb ?? 768,
    beatMs: 25,
    longTurnMs: options.longTurnMs ?? 25,
  } as const;
  const sliceLimitMs = options.sliceLimitMs ?? 2_000;
  const quarantineAfterMs = options.quarantineAfterMs ?? 150;
  const generalCount = options.workers ?? Math.max(2, availableParallelism());
  const environments = new Map<number, PoolEnvironment>();
  const general: (WorkerHost | undefined)[] = Array.from({ length: generalCount }, () => undefined);
  let quarantine: WorkerHost | undefined;
  let nextWorker = 1;
  let nextEnv = 1;
  /** Warm-ups' environments are numbered down from -2 (-1 is a worker's own turns): nobody's, never charged. */
  let nextWarm = -2;
  let restarts = 0;
  let quarantinedTotal = 0;
  let closed = false;

  const onEvent = (event: WorkerEvent) => environments.get(event.env)?.receive(event);
  const onLong = (id: number, ms: number, busy: boolean) => {
    const env = environments.get(id);
    if (!env || env.quarantined) return;
    if (env.noise.add(ms) >= quarantineAfterMs || busy) env.moveToQuarantineWhenIdle();
  };
  const onExit = (host: WorkerHost, gone: WorkerGone) => {
    if (closed) return;
    restarts++;
    // The operator's record of why learners saw a restart (and the bench's, which counts them).
    console.error(
      `labs: lab worker ${host.id} stopped (${gone.reason}` +
        `${gone.culprit !== undefined ? `, environment ${gone.culprit}` : ''}` +
        `${gone.detail ? `: ${gone.detail}` : ''}); rebuilding its ${host.environments.size} environments`,
    );
    const index = general.indexOf(host);
    if (index >= 0) general[index] = undefined;
    if (quarantine === host) quarantine = undefined;
    for (const id of host.environments) environments.get(id)?.lost(gone);
    host.environments.clear();
  };
  const spawn = (isQuarantine: boolean) =>
    new WorkerHost(nextWorker++, isQuarantine, hostOptions, { event: onEvent, long: onLong, exit: onExit });
  /** Every general worker alive, a new one where one is missing or dead. */
  const generalWorkers = (): WorkerHost[] => {
    for (let i = 0; i < general.length; i++) if (!general[i] || general[i]!.dead) general[i] = spawn(false);
    return general as WorkerHost[];
  };
  /**
   * The quarantine worker, started if missing. Started with the general ones when the pool is warm: loading the
   * simulator costs a second of CPU (its code compiled on helper threads that run at normal priority), and the
   * first move to quarantine comes when a learner already loads the server.
   */
  const quarantineWorker = (): WorkerHost => {
    if (!quarantine || quarantine.dead) quarantine = spawn(true);
    return quarantine;
  };
  /** Every worker: the general ones and the quarantine one. */
  const allWorkers = (): WorkerHost[] => [...generalWorkers(), quarantineWorker()];
  if (options.warm) allWorkers();

  const placement: Placement = {
    sliceLimitMs,
    nextId: () => nextEnv++,
    async place(env) {
      if (closed) throw new Error('the lab backend is closed');
      let host: WorkerHost;
      if (env.quarantined) {
        if (!env.countedInQuarantine) quarantinedTotal++;
        env.countedInQuarantine = true;
        host = quarantineWorker();
      } else {
        host = generalWorkers().reduce((a, b) => (b.environments.size < a.environments.size ? b : a));
      }
      host.environments.add(env.id);
      await host.ready;
      return host;
    },
    forget(env) {
      environments.delete(env.id);
      env.host?.environments.delete(env.id);
    },
  };

  // The watchdog: on the server's thread, which no learner's command ever holds. A loop that has not turned
  // for a while is asked how much CPU its current turn took; only CPU time counts against an environment.
  const watchMs = options.watchMs ?? 100;
  const lookAfterMs = Math.min(250, sliceLimitMs / 2);
  const looking = new Set<WorkerHost>();
  const look = async (host: WorkerHost) => {
    const culprit = host.runningEnvironment();
    const held = await host.heldCpuMs();
    if (host.dead || culprit === undefined || host.runningEnvironment() !== culprit) return;
    if (held > sliceLimitMs) host.stop(new WorkerGone('stuck', culprit, `one turn took ${Math.round(held)} ms of CPU`));
  };
  const watchdog = setInterval(() => {
    const now = Date.now();
    for (const host of [...general, quarantine]) {
      if (!host || host.dead || looking.has(host) || host.stalledFor(now) <= lookAfterMs) continue;
      looking.add(host);
      void look(host).finally(() => looking.delete(host));
    }
    // A move waits for a pause between commands (and a second without keys); most happen when a call ends,
    // this catches the rest.
    for (const env of environments.values()) if (env.moveWanted && env.idle) env.moveToQuarantine();
  }, watchMs);
  watchdog.unref();

  return {
    name: 'sim',
    async createEnvironment(spec: EnvironmentSpec): Promise<LabEnvironment> {
      const chosen = spec.seed ?? options.seed;
      const seed = chosen ?? Math.floor(Math.random() * 2 ** 32);
      const recipe = { lab: spec.lab, owner: spec.owner, seed, shared: chosen === undefined };
      const env = new PoolEnvironment(nextEnv++, recipe, placement, hostOptions.clock);
      environments.set(env.id, env);
      return env;
    },
    stats() {
      return {
        workers: general.filter((h) => h && !h.dead).length + (quarantine && !quarantine.dead ? 1 : 0),
        restarts,
        quarantined: [...environments.values()].filter((e) => e.quarantined).length,
        quarantinedTotal,
        environments: environments.size,
      };
    },
    async generalCpuMs() {
      const live = general.filter((h): h is WorkerHost => h !== undefined && !h.dead);
      return (await Promise.all(live.map((h) => h.cpuMs()))).reduce((a, b) => a + b, 0);
    },
    async ready() {
      if (closed) return;
      await Promise.all(allWorkers().map((h) => h.ready));
    },
    async warm(labs) {
      if (closed) return [];
      return Promise.all(
        allWorkers().map(async (host) => {
          await host.ready;
          let cpuMs = 0;
          for (const lab of labs) {
            const recipe = { lab, owner: 'warm-up', seed: 1, shared: true };
            // A warm-up that fails (a chapter whose solution breaks) costs its time and nothing else.
            const value = await host
              .call({ op: 'warm', env: nextWarm--, recipe })
              .result.then((r) => r.value)
              .catch(() => 0);
            cpuMs += typeof value === 'number' ? value : 0;
          }
          return Math.round(cpuMs);
        }),
      );
    },
    async close() {
      // Workers are stopped, not asked: one may be stuck in a learner's command.
      closed = true;
      environments.clear();
      clearInterval(watchdog);
      for (const host of [...general, quarantine]) host?.stop(new WorkerGone('crash', undefined));
    },
  };
}
