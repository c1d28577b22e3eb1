/**
 * Messages between the pool's supervisor (the server's thread) and an environment worker. Plain data only:
 * they cross threads by structured clone. Requests carry an id and get exactly one reply; terminal output and
 * finished command lines flow back as events.
 */
import type {
  CommandRecord,
  ContainerRef,
  HttpOrigin,
  HttpRequest,
  HttpSeriesOptions,
  ObjectQuery,
  ObjectRef,
} from '../../contract.ts';
import type { Lab } from '../../labs/schema.ts';

/** One input that changed an environment, kept so the environment can be rebuilt elsewhere. */
/** `at`: when it began on the environment's clock (ms since the epoch), for a rebuild to replay it then. */
export type JournalEntry =
  | { kind: 'terminal'; term: number; cols: number; at?: number }
  | { kind: 'line'; term: number; line: string; at?: number }
  | { kind: 'script'; script: string; at?: number };

/**
 * The clock of an environment being rebuilt: when its journal began (made or reset), where it stands now (ms), and
 * how far its setup ran it ahead of the wall clock (a rebuild that sets up on its own starts that much earlier).
 */
export interface RebuildClock {
  startedAt: number;
  now: number;
  setupLeadMs: number;
}

/** What makes an environment in a worker (the same seed gives the same simulated randomness). */
export interface EnvironmentRecipe {
  lab: Lab;
  owner: string;
  seed: number;
  /** Nobody chose the seed: the environment starts from the chapter's shared starting state (sim/startingStates.ts). */
  shared?: boolean;
}

/** A request to a worker, addressed to one environment. */
export type WorkerRequest =
  /**
   * Makes the environment; with `prepare`, prepares it too (one pass through the worker's queue, not two) and answers
   * how far setting up ran its clock ahead of the wall clock (ms).
   */
  | { op: 'create'; env: number; recipe: EnvironmentRecipe; prepare?: boolean }
  | { op: 'prepare' | 'reset' | 'dispose'; env: number }
  /**
   * Disposes the environment if nothing of it runs, answering each terminal's untyped input (`Detached`); answers
   * null, and keeps it, while a line or a call runs. Keys sent before it are in the answer: the port keeps order.
   */
  | { op: 'detach'; env: number }
  | { op: 'restore'; env: number; recipe: EnvironmentRecipe; journal: JournalEntry[]; clock?: RebuildClock }
  /**
   * Runs a throwaway environment of the chapter through a learner's first minutes (its terminal, a command, the
   * steps' solutions, the Preview's request) and drops it; answers the CPU ms it took. `env` is negative: no learner's.
   */
  | { op: 'warm'; env: number; recipe: EnvironmentRecipe }
  | { op: 'open'; env: number; term: number; cols: number; rows: number }
  | { op: 'write'; env: number; term: number; data: string }
  | { op: 'resize'; env: number; term: number; cols: number; rows: number }
  | { op: 'close'; env: number; term: number }
  | { op: 'redraw'; env: number; term: number; notice: string }
  | { op: 'runScript'; env: number; script: string }
  /** Answers once the environment's simulated cluster has converged (`LabEnvironment.settled`); abortable. */
  | { op: 'settled'; env: number }
  /** Makes environment `fork` from a state `env` kept (`CommandRecord.state`); answers false when it is gone. */
  | { op: 'fork'; env: number; state: number; fork: number }
  /** `env`'s states up to `state` have been judged: forget them. */
  | { op: 'judged'; env: number; state: number }
  /** The name of `env`'s objects now (`LabEnvironment.objectsRevision`); null before it has a cluster. */
  | { op: 'objectsRevision'; env: number }
  | { op: 'abort'; env: number; call: number }
  | { op: 'get'; env: number; ref: ObjectRef }
  | { op: 'list'; env: number; query: ObjectQuery }
  | {
      op: 'exec';
      env: number;
      target: ContainerRef;
      argv: string[];
      options: { stdin?: string; timeoutMs?: number };
    }
  | { op: 'logs'; env: number; target: ContainerRef; options: { sinceTime?: string; tail?: number } }
  | { op: 'http'; env: number; origin: HttpOrigin; request: HttpRequest }
  /**
   * A traffic check's requests, judged and classified in the worker (`LabEnvironment.httpSeries`): one call. `series`
   * names it for `stopSeries` (chosen by the sender, unique per environment).
   */
  | {
      op: 'httpSeries';
      env: number;
      origin: HttpOrigin;
      request: HttpRequest;
      options: HttpSeriesOptions;
      series: number;
    }
  /**
   * The learner waits for `env`'s background series now (their Check waits for the automatic check running): those
   * series, its frozen states' included, run as the learner's own from now on.
   */
  | { op: 'hurry'; env: number }
  /** The check sending series `series` is over: no more of its requests start. */
  | { op: 'stopSeries'; env: number; series: number };

/** Each terminal's keys typed and not run yet, by terminal id, of an environment that left its worker. */
export type Detached = [term: number, keys: string][];

/**
 * A recipe as it crosses to a worker: the lab itself (tens of KB) the first time that worker sees it, then its key
 * only. Cloned for every environment, the lab cost both threads a structured clone per join, and the worker a copy.
 */
export type WireRecipe = Omit<EnvironmentRecipe, 'lab'> & { labKey: number; lab?: Lab };
type Wired<R> = R extends { recipe: EnvironmentRecipe } ? Omit<R, 'recipe'> & { recipe: WireRecipe } : R;
/** A request as it crosses to a worker. */
export type WireRequest = Wired<WorkerRequest>;

/** A request as sent: with its call id. */
export interface WorkerCall {
  id: number;
  request: WireRequest;
}

/** The answer to one call; `now` is the environment's clock at the time (ms since the epoch). */
export type WorkerReply =
  | { type: 'reply'; id: number; ok: true; value: unknown; now?: number }
  | { type: 'reply'; id: number; ok: false; error: string; now?: number };

/** Something an environment's terminal did. */
export type WorkerEvent =
  | { type: 'output'; env: number; term: number; data: string }
  | { type: 'command'; env: number; term: number; record: CommandRecord; now: number }
  | { type: 'running'; env: number; term: number; line: string };

/** One environment's code held the worker's thread for `ms` of CPU in one turn of its loop. */
export interface LongTurn {
  type: 'long';
  env: number;
  ms: number;
  /** The environment was already busy when the turn began: it had held the thread a lot in the last seconds. */
  busy: boolean;
}

/** Everything a worker posts. */
export type WorkerMessage = WorkerReply | WorkerEvent | LongTurn | { type: 'ready' };

/**
 * Layout of the buffer a worker shares with its supervisor: the environment whose code runs now, and when the
 * worker's event loop last turned, in wall time and in the thread's CPU time (microseconds), and how many turns
 * it has taken, written at the start of every turn. CPU time since the last turn is what one environment's code
 * has taken in one go; wall time alone would also count the moments a busy machine did not run the thread at all.
 * The turn count tells the supervisor whether the turn it measured is still the one it started measuring.
 */
export const SLOT_ENV = 0;
export const SLOT_BEAT = 1;
export const SLOT_CPU = 2;
export const SLOT_TURN = 3;
/** Bytes of the shared buffer: four float64 slots. */
export const SHARED_BYTES = 32;
