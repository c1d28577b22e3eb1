/**
 * The `sim` backend off the server's event loop: learners' environments live in a pool of worker threads under
 * a supervisor (this file). The server, the checks and the CLI see the same `LabBackend` contract; each call is
 * a message to the worker holding the environment, so a learner's command never runs on the front's thread.
 *
 * The supervisor watches every worker's event loop. A loop held longer than `sliceLimitMs` by one environment's
 * code (a runaway command) gets its thread stopped; the environments it held are rebuilt in a fresh worker from
 * their journals, without the command that broke it, and the culprit moves to a quarantine worker of its own so
 * its next runaway stalls nobody else. An environment that keeps holding its worker's loop for shorter spells
 * (noisy, not yet runaway) is moved there too, once it is idle. Each worker's heap is capped (`heapMb`); running
 * out stops only that worker, and its environments are rebuilt the same way.
 */
import { availableParallelism } from 'node:os';
import type { EnvironmentSpec, LabBackend, LabEnvironment } from '../../contract.ts';
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
  /** A hold longer than this counts against the environment (default 250 ms)... */
  noisyMs?: number;
  /** ...and once its holds add up to this, it moves to the quarantine worker (default 1.5 s). */
  quarantineAfterMs?: number;
  /** Heap of each worker in MiB (default 768). */
  heapMb?: number;
  /** How often the watchdog looks (default 100 ms). */
  watchMs?: number;
}

/** The pool's own state, for tests and the bench. */
export interface PoolStats {
  workers: number;
  restarts: number;
  quarantined: number;
  environments: number;
}

/** A `LabBackend` whose environments run in worker threads. */
export interface PoolBackend extends LabBackend {
  stats(): PoolStats;
}

/** Makes the pooled simulator backend. */
export function createPoolBackend(options: PoolBackendOptions = {}): PoolBackend {
  const hostOptions = {
    clock: options.clock ?? 'real',
    limits: options.limits ?? {},
    heapMb: options.heapMb ?? 768,
    beatMs: 25,
  } as const;
  const sliceLimitMs = options.sliceLimitMs ?? 2_000;
  const noisyMs = options.noisyMs ?? 250;
  const quarantineAfterMs = options.quarantineAfterMs ?? 1_500;
  const generalCount = options.workers ?? Math.max(2, availableParallelism());
  const environments = new Map<number, PoolEnvironment>();
  const general: (WorkerHost | undefined)[] = Array.from({ length: generalCount }, () => undefined);
  let quarantine: WorkerHost | undefined;
  let nextWorker = 1;
  let nextEnv = 1;
  let restarts = 0;
  let closed = false;

  const onEvent = (event: WorkerEvent) => environments.get(event.env)?.receive(event);
  const onExit = (host: WorkerHost, gone: WorkerGone) => {
    if (closed) return;
    restarts++;
    const index = general.indexOf(host);
    if (index >= 0) general[index] = undefined;
    if (quarantine === host) quarantine = undefined;
    for (const id of host.environments) environments.get(id)?.lost(gone);
    host.environments.clear();
  };
  const spawn = (isQuarantine: boolean) =>
    new WorkerHost(nextWorker++, isQuarantine, hostOptions, { event: onEvent, exit: onExit });

  const placement: Placement = {
    sliceLimitMs,
    async place(env) {
      if (closed) throw new Error('the lab backend is closed');
      let host: WorkerHost;
      if (env.quarantined) {
        if (!quarantine || quarantine.dead) quarantine = spawn(true);
        host = quarantine;
      } else {
        for (let i = 0; i < general.length; i++) if (!general[i] || general[i]!.dead) general[i] = spawn(false);
        host = general.reduce((a, b) => (b!.environments.size < a!.environments.size ? b : a))!;
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
  const looking = new Set<WorkerHost>();
  const look = async (host: WorkerHost) => {
    const culprit = host.runningEnvironment();
    const held = await host.heldCpuMs();
    if (host.dead || culprit === undefined || host.runningEnvironment() !== culprit) return;
    if (held > sliceLimitMs) return host.stop(new WorkerGone('stuck', culprit));
    const env = environments.get(culprit);
    if (env && !host.quarantine && held > noisyMs) {
      env.heldMs += watchMs;
      if (env.heldMs >= quarantineAfterMs) pendingMoves.add(env);
    }
  };
  const watchdog = setInterval(() => {
    const now = Date.now();
    for (const host of [...general, quarantine]) {
      if (!host || host.dead || looking.has(host) || host.stalledFor(now) <= noisyMs) continue;
      looking.add(host);
      void look(host).finally(() => looking.delete(host));
    }
    for (const env of pendingMoves) {
      if (!environments.has(env.id) || env.quarantined) pendingMoves.delete(env);
      else if (env.idle) {
        pendingMoves.delete(env);
        env.moveToQuarantine();
      }
    }
  }, watchMs);
  watchdog.unref();
  const pendingMoves = new Set<PoolEnvironment>();

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
        environments: environments.size,
      };
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
