/**
 * An environment worker: a thread holding many learners' simulated environments, driven by its supervisor's
 * requests. Every turn of its event loop is attributed to one environment (the one whose request, timer or
 * immediate runs) in a buffer the supervisor reads, so when the loop is stuck the supervisor knows whose
 * command holds it, and can stop the thread without asking it anything.
 */
import { availableParallelism } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';
import type { LabEnvironment, TerminalChannel } from '../../contract.ts';
import type { SimEnvironment as SimEnvironmentClass } from '../sim/environment.ts';
import type { SimLimits } from '../sim/limits.ts';
import type { SimTerminal } from '../sim/shell/terminal.ts';
import { DecayingSum } from './decayingSum.ts';
import { ForegroundFirst } from './foregroundFirst.ts';
import { RestLedger, pacingDelayMs } from './pacing.ts';
import { QUIET_SERVER_SHARE, ServerLoad, busyShare, othersFraction } from './serverLoad.ts';
import { SliceQueue } from './sliceQueue.ts';
import { SeriesStops } from './seriesStops.ts';
import { niceThisThread, QUARANTINE_NICE } from './threadPriority.ts';
import {
  SLOT_BEAT,
  SLOT_CPU,
  SLOT_ENV,
  SLOT_TURN,
  type Detached,
  type EnvironmentRecipe,
  type JournalEntry,
  type RebuildClock,
  type WireRequest,
  type WorkerCall,
  type WorkerMessage,
  type WorkerRequest,
} from './protocol.ts';

/** What the supervisor hands a new worker. */
export interface WorkerSetup {
  shared: SharedArrayBuffer;
  clock: 'real' | 'virtual';
  limits: Partial<SimLimits>;
  /** How often the loop marks that it turned. */
  beatMs: number;
  /** A turn of one environment's code longer than this (CPU ms) is reported to the supervisor. */
  longTurnMs: number;
  /** The quarantine worker: it runs at the lowest thread priority, on CPU time the rest of the server leaves. */
  quarantine: boolean;
}

const setup = workerData as WorkerSetup;
const port = parentPort!;
if (setup.quarantine) niceThisThread(QUARANTINE_NICE);
const slots = new Float64Array(setup.shared);
let current = -1;

// Every turn of the loop is charged to one environment: CPU time from the start of one turn to the start of the
// next. The charges give each command line its CPU budget (the shell asks for its environment's count), and a
// turn that held the thread long is reported, so the supervisor can move a noisy environment out of the way.
// Taken before any script runs: just-bash's defense in depth hides timing functions from code inside scripts.
const threadCpuUsage = process.threadCpuUsage.bind(process);
const wallNow = performance.now.bind(performance);
const threadCpuMs = () => {
  const usage = threadCpuUsage();
  return (usage.user + usage.system) / 1000;
};
const charged = new Map<number, number>();
/** Environments being built (the chapter's setup, a rebuild from the journal): their long turns are not theirs. */
const building = new Map<number, number>();
/** Whether the turn running now is part of building an environment. */
let turnBuilding = false;
let turnCpu = threadCpuMs();
let turnWall = wallNow();

// Slices as a fair scheduler gives them: an environment that has used little CPU lately (a learner typing a
// command now and then) finishes its command in one turn; one that keeps the thread busy (a loop, a paste of
// thousands of lines) gets short turns, so the others' commands wait behind it as little as possible.
const recent = new Map<number, DecayingSum>();
const RECENT_HALF_LIFE_MS = 2_000;
const BUSY_RECENT_MS = 200;
// A lesson's command costs 1 to 5 ms of CPU, so 20 ms still finishes nearly every one in a single turn, while what
// a learner who has not yet been busy can hold the thread for stays near what the others' commands take.
const LIGHT_SLICE_MS = 20;
const BUSY_SLICE_MS = 5;
// A busy environment also rests between its slices, as a pod under a CPU limit is throttled: it may use at most
// a share of a core while it stays busy. Without the rest, one loop or paste keeps its worker's thread running flat
// out, and on a machine with as many cores as workers that thread's CPU is taken from the other workers and the
// front, so every other learner waits longer (not only those sharing its worker). The share is a fifth on a quiet
// server and shrinks to a tenth as the rest of the server gets busy (serverLoad.ts): at a third, one loop or flood
// among 200 learners added 370 to 490 ms of the server's CPU a second (the garbage its strings leave is collected on
// V8's helper threads too, uncounted here) on a machine the 200 already kept half busy, and the others' p95 rose 1.5
// to 3.4 times. One A/B pair among 200 (7 December, idle machine): a busy loop 2.03x at a third, 1.62x at a fifth; a
// 100 KB printf loop 2.81x and 1.42x; an echo loop 2.75x and 1.52x. At a tenth (8 December, 4 ABBA rounds each, four
// runs): a busy loop 1.13x to 1.68x, the printf loop 0.85x to 1.19x, the echo loop 1.26x to 1.70x. A learner's loop
// of a second of CPU takes 5 s alone, 10 s in a busy class.
const processCpuUsage = process.cpuUsage.bind(process);
const serverLoad = new ServerLoad({
  cpuMs: () => {
    const usage = processCpuUsage();
    return (usage.user + usage.system) / 1000;
  },
  now: wallNow,
});
const CORES = availableParallelism();

/**
 * The share of a core `env` may use while busy: what the server's other work (its CPU lately, less this
 * environment's own here and the front's relay of its output) leaves of the machine decides it (serverLoad.ts).
 */
function shareOf(env: number): number {
  const ownRecentMs = (recent.get(env)?.value ?? 0) + (recentOutput.get(env)?.value ?? 0);
  return busyShare(
    othersFraction({ serverCores: serverLoad.cores, ownRecentMs, halfLifeMs: RECENT_HALF_LIFE_MS, cores: CORES }),
  );
}

// A check's traffic (`http`, a request each) is paced as the shell's loops rest: an environment whose recent CPU use
// stands above its share of a core waits, before its next request, until it is back under it (a fifth; a learner's
// own Checks in a busy class, a tenth: see `paceMs`). One learner pressing Check again and again (four at once: ~800
// requests) then takes that share of its worker, not all of it.
const PACED_OPS = new Set<WorkerRequest['op']>(['http', 'httpSeries']);
// The pace reads the server's work for the environment alone, over a short memory: one Check (a few hundred
// requests, 60 to 90 ms of CPU; the sum may reach 144 ms at a fifth) goes at full speed, but a burst of them (four
// at once, again and again) is held to the share from its first quarter-second on, rather than after a second of a
// full core that every learner on the machine would wait through.
const SERVED_HALF_LIFE_MS = 500;
const recentServed = new Map<number, DecayingSum>();

/**
 * How long `env`'s request `op` waits before it runs (see `pacing.ts`). A learner's own Checks (`learners`) are
 * paced at the share their loops rest at, shrinking in a busy class (serverLoad.ts): four Checks at once, again and
 * again, raised the others' p95 2.09x at a fifth and 1.47x to 1.72x at a tenth among 200 learners (8 December 2026).
 * The automatic checks and everything else the server asks for keep a fifth whatever the load, as before: among
 * 1,000 learners, with them paced at a tenth too (and their slices cut by wall time), they fell behind the class in
 * two runs of three. At a fifth they fell behind in one run of three as well, so these runs do not tell which change
 * did what (docs/classroom.md, the thirteenth pass); a fifth is what the class was measured on before.
 */
function paceMs(env: number, op: WorkerRequest['op'], learners: boolean): number {
  if (setup.clock !== 'real' || !PACED_OPS.has(op)) return 0;
  return pacingDelayMs(recentServed.get(env)?.value ?? 0, {
    share: learners ? shareOf(env) : QUIET_SERVER_SHARE,
    halfLifeMs: SERVED_HALF_LIFE_MS,
  });
}

// Output costs where it goes (the front's relay, the learner's socket and browser), not only where it is made: a
// terminal's output counts, at this rate, toward a sum of its own beside the environment's recent CPU, so an
// output flood gets the short slices and the rests of a busy loop, for its output as for its CPU. (The sum is kept
// apart from `recent`: what moves an environment to quarantine is CPU only.)
const OUTPUT_MS_PER_KIB = 1 / 8;
const recentOutput = new Map<number, DecayingSum>();
// Each command line also costs the front, whatever it cost here: its output batch, the record's message, a journal
// row, an event and the automatic check it may trigger. Ten thousand `echo x` lines typed ahead cost the front thread
// 56 to 166 ms of CPU a second when only their few bytes of output counted; a line is counted as this much output.
// (0.5 ms at the rate above: a learner's command a second adds nothing a busy learner would notice.)
const COMMAND_FRONT_KIB = 4;
/** Output of the turn running now, in CPU-equivalent ms. */
let turnOutputMs = 0;
/** Each environment's output so far, in CPU-equivalent ms (what its rests answer for, with `charged`). */
const outputCharged = new Map<number, number>();

/** Counts `chars` of output of `env` (and the rest its turn takes). */
function chargeOutput(env: number, chars: number): void {
  const ms = (chars / 1024) * OUTPUT_MS_PER_KIB;
  turnOutputMs += ms;
  outputCharged.set(env, (outputCharged.get(env) ?? 0) + ms);
  let sum = recentOutput.get(env);
  if (!sum) recentOutput.set(env, (sum = new DecayingSum(RECENT_HALF_LIFE_MS, wallNow)));
  sum.add(ms);
}

/** True when `env` is busy (below) or its output lately would have cost as much. */
function busyOrFlooding(env: number): boolean {
  return busy(env) || (recent.get(env)?.value ?? 0) + (recentOutput.get(env)?.value ?? 0) > BUSY_RECENT_MS;
}

/** True when `env` has held the thread a lot lately (a loop, a paste of thousands of lines). */
function busy(env: number): boolean {
  return (recent.get(env)?.value ?? 0) > BUSY_RECENT_MS;
}

// A busy environment's rest answers for everything it cost this thread since its previous rest (see `RestLedger`):
// counting the slice alone, an `echo` loop used 230 ms of its worker a second, not the fifth of a core (200 ms) it
// is held to, since its output's flushes and wake-ups ran between its slices (`bench/loopShare.ts`: 167 ms after).
const rests = new RestLedger({ memoryMs: 1_000, now: wallNow });

/** How long `env`, running now and busy, rests before its next slice (ms). */
function restOf(env: number): number {
  const sliceMs = threadCpuMs() - turnCpu;
  const costMs = (charged.get(env) ?? 0) + sliceMs + (outputCharged.get(env) ?? 0);
  return rests.restMs(env, costMs, sliceMs + turnOutputMs, shareOf(env));
}

// What the learner runs (keys into a terminal, an Apply's script) is the learner's own work; everything else a
// worker does for an environment (a check's requests, reads and logs, the Preview, a frozen state's copy) the
// server asks for on the learner's behalf. Both count toward pacing and slices; only the learner's own turns count
// toward quarantine: a learner pressing Check on a traffic step (hundreds of requests) or reading a long log must
// not end up on the quarantine worker, whose low priority would slow every command they type after.
const OWN_OPS = new Set<WorkerRequest['op']>(['write', 'runScript', 'open', 'resize', 'redraw', 'close']);
/** The learner's own CPU lately, per environment (a subset of `recent`): what "busy" means for quarantine. */
const recentOwn = new Map<number, DecayingSum>();
/** Whether the turn running now is the server's work for the environment rather than the learner's own. */
let turnServed = false;

/**
 * Marks that the loop now runs `env`'s code (-1: the worker's own), closing the turn that ran before. `served`:
 * the turn is work the server asked for (see `OWN_OPS`).
 */
function enter(env: number, served = false): void {
  const cpu = threadCpuMs();
  const spent = cpu - turnCpu;
  if (current >= 0) {
    charged.set(current, (charged.get(current) ?? 0) + spent);
    let sum = recent.get(current);
    if (!sum) recent.set(current, (sum = new DecayingSum(RECENT_HALF_LIFE_MS, wallNow)));
    let own = recentOwn.get(current);
    if (!own) recentOwn.set(current, (own = new DecayingSum(RECENT_HALF_LIFE_MS, wallNow)));
    const wasBusy = own.value > BUSY_RECENT_MS;
    // Building an environment is the lab's own work, not the learner's: it makes nobody busy.
    if (!turnBuilding) sum.add(spent);
    if (!turnBuilding && !turnServed) own.add(spent);
    if (turnServed) {
      let served = recentServed.get(current);
      if (!served) recentServed.set(current, (served = new DecayingSum(SERVED_HALF_LIFE_MS, wallNow)));
      served.add(spent);
    }
    if (spent >= setup.longTurnMs && !turnBuilding && !turnServed)
      port.postMessage({ type: 'long', env: current, ms: spent, busy: wasBusy } satisfies WorkerMessage);
  }
  turnCpu = cpu;
  turnOutputMs = 0;
  turnWall = wallNow();
  turnBuilding = building.has(env);
  turnServed = served;
  current = env;
  slots[SLOT_ENV] = env;
  slots[SLOT_CPU] = cpu * 1000;
  slots[SLOT_BEAT] = Date.now();
  slots[SLOT_TURN] = slots[SLOT_TURN]! + 1;
}

// Timers carry the environment that scheduled them, so their callbacks (and the promise chains those start)
// are charged to it. Patched before the simulator is loaded: just-bash keeps its own reference to setTimeout.
const raw = { setTimeout, setInterval, setImmediate };
type Callback = (...args: unknown[]) => void;
function attributed(fn: Callback): Callback {
  const owner = current;
  const served = turnServed;
  return (...args) => {
    enter(owner, served);
    fn(...args);
  };
}
Object.assign(globalThis, {
  setTimeout: (fn: Callback, ms?: number, ...args: unknown[]) => raw.setTimeout(attributed(fn), ms, ...args),
  setInterval: (fn: Callback, ms?: number, ...args: unknown[]) => raw.setInterval(attributed(fn), ms, ...args),
  setImmediate: (fn: Callback, ...args: unknown[]) => raw.setImmediate(attributed(fn), ...args),
});
/** A turn of the worker's own: the supervisor sees the loop turn even when no environment has work. */
function beat(): void {
  enter(-1);
}
raw.setInterval(beat, setup.beatMs).unref();
beat();

// Calls that arrive while the simulator loads wait for it (the listener also keeps the thread alive meanwhile).
const early: WorkerCall[] = [];
port.on('message', (call: WorkerCall) => early.push(call));

const { SimEnvironment } = (await import('../sim/environment.ts')) as {
  SimEnvironment: typeof SimEnvironmentClass;
};
const { DEFAULT_LIMITS } = await import('../sim/limits.ts');
const { setShellSchedulerHost } = await import('../sim/shell/scheduler.ts');
setShellSchedulerHost({
  turnStartedAt: () => turnWall,
  cpuMs: () => (charged.get(current) ?? 0) + threadCpuMs() - turnCpu,
  sliceMs: () => (busyOrFlooding(current) ? BUSY_SLICE_MS : LIGHT_SLICE_MS),
  restMs: () => (setup.clock === 'real' && busyOrFlooding(current) ? restOf(current) : 0),
});
const { sharedStartingState } = await import('../sim/index.ts');
const { StartingStates } = await import('../sim/startingStates.ts');
/** Chapters' starting states made in this worker, shared by its environments (see sim/startingStates.ts). */
const startingStates = new StartingStates();
const limits: SimLimits = { ...DEFAULT_LIMITS, ...setup.limits };

interface Held {
  env: SimEnvironmentClass;
  terminals: Map<number, { terminal: SimTerminal; muted: boolean }>;
  calls: Map<number, AbortController>;
}
const held = new Map<number, Held>();

/** Environments made from a kept state (`op: 'fork'`), and whose they are: their turns are charged to that one. */
const forkOf = new Map<number, number>();

/** Makes environment `forkId` from the state command `key` of `id` left; its clock then (ms), or null when gone. */
async function fork(id: number, key: number, forkId: number): Promise<number | null> {
  const parent = held.get(id);
  // Only the key matters: the server keeps the history the frozen state answers with.
  const copy = await parent?.env.frozen({ line: '', exitCode: 0, at: new Date(0).toISOString(), state: key });
  if (!parent || !copy) return null;
  held.set(forkId, { env: copy, terminals: new Map(), calls: new Map() });
  forkOf.set(forkId, id);
  return copy.now().getTime();
}

function post(message: WorkerMessage): void {
  port.postMessage(message);
}

/** `clock`: a rebuild's, whose clock takes over the one it replaces (see `restore`). */
function make(id: number, recipe: EnvironmentRecipe, clock?: RebuildClock): Held {
  const env = new SimEnvironment({
    lab: recipe.lab,
    seed: recipe.seed,
    clock: setup.clock,
    limits,
    ...(clock ? { clockAt: clock.startedAt, setupLeadMs: clock.setupLeadMs } : {}),
    ...(recipe.shared ? { startingState: sharedStartingState(startingStates, recipe.lab) } : {}),
  });
  const h: Held = { env, terminals: new Map(), calls: new Map() };
  held.set(id, h);
  return h;
}

/** Output waiting to be posted: a paste echoes key by key, and one message per key would cost more than the keys. */
const OUTPUT_BATCH_CHARS = 64 * 1024;

function open(id: number, h: Held, term: number, cols: number, muted: boolean): SimTerminal {
  const terminal = (h.env as LabEnvironment).openTerminal({ cols, rows: 24 }) as TerminalChannel as SimTerminal;
  const entry = { terminal, muted };
  h.terminals.set(term, entry);
  let batch = '';
  let flushing = false;
  // Output goes out at the end of the turn, or before the terminal's next event so the order holds.
  const flush = () => {
    flushing = false;
    if (batch === '') return;
    const data = batch;
    batch = '';
    if (!entry.muted) post({ type: 'output', env: id, term, data });
  };
  terminal.onOutput((data) => {
    if (entry.muted) return;
    chargeOutput(id, data.length);
    batch += data;
    if (batch.length >= OUTPUT_BATCH_CHARS) flush();
    else if (!flushing) {
      flushing = true;
      raw.setImmediate(flush);
    }
  });
  terminal.onStart((line) => {
    flush();
    if (!entry.muted) post({ type: 'running', env: id, term, line });
  });
  terminal.onCommand((record) => {
    flush();
    if (entry.muted) return;
    chargeOutput(id, COMMAND_FRONT_KIB * 1024);
    // The record carries the state its command left (kept by the environment), for checks that come later.
    post({ type: 'command', env: id, term, record, now: h.env.now().getTime() });
  });
  return terminal;
}

/**
 * Rebuilds an environment from its journal, with time warped and every terminal silent until the end. With `clock`,
 * on the clock of the environment it replaces: each entry runs when it first ran, and the clock ends where that
 * one's stands, so a request replayed is logged when it was first sent (a step's check counts what came since the
 * step began; replayed all at once, earlier steps' requests would count for the current one).
 */
async function restore(id: number, recipe: EnvironmentRecipe, journal: JournalEntry[], clock?: RebuildClock) {
  const h = make(id, recipe, clock);
  await h.env.prepare();
  const codes: number[] = [];
  const catchUp = async (at: number | undefined) => {
    const behind = at === undefined ? 0 : at - h.env.now().getTime();
    if (behind > 0) await h.env.advanceClock(behind);
  };
  await h.env.warp(async () => {
    for (const entry of journal) {
      await catchUp(entry.at);
      if (entry.kind === 'terminal') open(id, h, entry.term, entry.cols, true);
      else if (entry.kind === 'line') codes.push((await h.terminals.get(entry.term)?.terminal.replay(entry.line)) ?? 1);
      else codes.push((await h.env.runScript(entry.script)).exitCode);
    }
    await catchUp(clock?.now);
  });
  for (const entry of h.terminals.values()) entry.muted = false;
  return codes;
}

/** How many steps' solutions a warm-up runs: enough to compile what applying and routing take. */
const WARM_STEPS = 3;

/**
 * Compiles the code a learner's first minutes run, and makes the chapter's starting state, before any learner
 * waits for it: the first environment of a cold worker took ~330 ms to the prompt against ~3 ms later. The
 * environment is dropped after; its work is nobody's (a negative id is never charged).
 */
async function warm(id: number, recipe: EnvironmentRecipe): Promise<number> {
  const cpu = threadCpuMs();
  const h = make(id, recipe);
  try {
    await h.env.prepare();
    // With time warped, as a rebuild runs: a solution's waits (a rollout, a sleep) take no wall time.
    await h.env.warp(async () => {
      const terminal = open(id, h, 1, 80, true);
      await terminal.replay('kubectl get pods');
      for (const step of recipe.lab.steps.slice(0, WARM_STEPS)) if (step.solution) await h.env.runScript(step.solution);
      const preview = recipe.lab.preview;
      if (preview) await h.env.http({ kind: 'outside' }, { url: preview.url, headers: preview.headers });
    });
  } finally {
    await dispose(id);
  }
  return threadCpuMs() - cpu;
}

async function dispose(id: number): Promise<void> {
  const h = held.get(id);
  held.delete(id);
  charged.delete(id);
  recent.delete(id);
  recentOutput.delete(id);
  outputCharged.delete(id);
  rests.forget(id);
  recentOwn.delete(id);
  recentServed.delete(id);
  forkOf.delete(id);
  await h?.env.dispose();
}

function need(id: number): Held {
  const h = held.get(id);
  if (!h) throw new Error(`no environment ${id} in this worker`);
  return h;
}

/** Requests that build an environment from the lab's own scripts or its journal rather than run a learner's input. */
const BUILDING_OPS = new Set<WorkerRequest['op']>(['create', 'restore', 'prepare', 'reset', 'warm']);

async function handle(id: number, request: WorkerRequest): Promise<unknown> {
  if (!BUILDING_OPS.has(request.op)) return serve(id, request);
  building.set(request.env, (building.get(request.env) ?? 0) + 1);
  turnBuilding = true;
  try {
    return await serve(id, request);
  } finally {
    const left = building.get(request.env)! - 1;
    if (left > 0) building.set(request.env, left);
    else building.delete(request.env);
  }
}

async function serve(id: number, request: WorkerRequest): Promise<unknown> {
  switch (request.op) {
    case 'create': {
      const h = make(request.env, request.recipe);
      if (!request.prepare) return null;
      await h.env.prepare();
      // How far setting up ran the clock ahead of the wall clock, measured here (a reply can wait in a queue).
      return h.env.now().getTime() - Date.now();
    }
    case 'restore':
      return restore(request.env, request.recipe, request.journal, request.clock);
    case 'warm':
      return warm(request.env, request.recipe);
    case 'prepare':
      return need(request.env).env.prepare();
    case 'reset':
      return need(request.env).env.reset();
    case 'dispose':
      await dispose(request.env);
      return null;
    case 'detach': {
      const h = held.get(request.env);
      if (!h || h.calls.size > 0) return null;
      const untyped: Detached = [];
      for (const [term, { terminal }] of h.terminals) {
        const keys = terminal.untypedInput();
        if (keys === undefined) return null;
        untyped.push([term, keys]);
      }
      await dispose(request.env);
      return untyped;
    }
    case 'fork':
      return fork(request.env, request.state, request.fork);
    case 'judged':
      held.get(request.env)?.env.judgedUpTo(request.state);
      return null;
    case 'open':
      open(request.env, need(request.env), request.term, request.cols, false);
      return null;
    case 'write':
      need(request.env).terminals.get(request.term)?.terminal.write(request.data);
      return null;
    case 'resize':
      need(request.env).terminals.get(request.term)?.terminal.resize(request.cols);
      return null;
    case 'redraw':
      need(request.env).terminals.get(request.term)?.terminal.redraw(request.notice);
      return null;
    case 'close': {
      const h = need(request.env);
      h.terminals.get(request.term)?.terminal.close();
      h.terminals.delete(request.term);
      return null;
    }
    case 'runScript': {
      const h = need(request.env);
      const controller = new AbortController();
      h.calls.set(id, controller);
      try {
        return await h.env.runScript(request.script, { signal: controller.signal });
      } finally {
        h.calls.delete(id);
      }
    }
    case 'settled': {
      const h = need(request.env);
      const controller = new AbortController();
      h.calls.set(id, controller);
      try {
        await h.env.settled(controller.signal);
        return null;
      } finally {
        h.calls.delete(id);
      }
    }
    case 'abort':
      held.get(request.env)?.calls.get(request.call)?.abort();
      return null;
    case 'objectsRevision':
      return (await need(request.env).env.objectsRevision()) ?? null;
    case 'get':
      return need(request.env).env.get(request.ref);
    case 'list':
      return need(request.env).env.list(request.query);
    case 'exec':
      return need(request.env).env.exec(request.target, request.argv, request.options);
    case 'logs':
      return need(request.env).env.logs(request.target, request.options);
    case 'http':
      return need(request.env).env.http(request.origin, request.request);
    case 'httpSeries':
      return series(id, request.env, request);
    case 'hurry':
      hurry(request.env);
      return null;
    case 'stopSeries': {
      const key = `${request.env}:${request.series}`;
      seriesStops.stop(key, new Error('the check is over'));
      return null;
    }
  }
}

/**
 * A traffic check's requests, run here by the check's own loop (`SimEnvironment.httpSeries`): each request paced as
 * a single `http` call would be (a busy environment's requests wait, so its Checks take a share of this thread, not
 * all of it), the series cut into slices, stopped by `stopSeries`, and seen as running (`detach` keeps the
 * environment meanwhile).
 */
/** Series running or waiting for their pace, for `stopSeries` (see seriesStops.ts). */
const seriesStops = new SeriesStops();
/** Their slices, one per turn of the loop, the oldest series first (see sliceQueue.ts). */
const seriesSlices = new SliceQueue((run) => raw.setImmediate(run));
// A background series (an automatic check) waits, before each request, while a learner's own series that began
// before it still runs (foregroundFirst.ts), and otherwise takes its turn in the order it began. It used to count as
// begun 5 s later than it did, so that a class pressing Check at once had their Checks go first. But a learner's
// Check now stands on what the automatic check after their last change measured (`JudgedStates.knownPass`): put
// behind the Checks, the automatic checks of the learners about to press Check were not done when they did, and
// those Checks measured it all again, which kept the next ones waiting in turn. Among 1,000 learners typing (16
// automatic checks at once), the Check's p95 read 0.10, 0.23, 4.1, 3.6 and 2.1 s in five runs with 5 s, and 0.20,
// 0.08 and 1.1 s in three without (docs/classroom.md, the eleventh pass).
const seriesOrder = new ForegroundFirst();

/**
 * The background series running for each learner's environment (a frozen state's, for its owner): a learner whose
 * Check waits for one (`op: 'hurry'`) has it run as their own from then on.
 */
const backgroundSeries = new Map<number, Set<() => void>>();

/**
 * How many of each learner's own series (their Checks, not automatic ones) run now. A learner running more than one
 * at once (four Checks pressed together: ~800 requests) takes short slices, as a busy loop does: with a Check's
 * usual slices, the others' commands on this worker waited up to 20 ms behind each of them.
 */
const foregroundSeries = new Map<number, number>();
const countForeground = (owner: number, by: 1 | -1) => {
  const n = (foregroundSeries.get(owner) ?? 0) + by;
  if (n > 0) foregroundSeries.set(owner, n);
  else foregroundSeries.delete(owner);
};

/** Runs `owner`'s background series as the learner's own: their Check is waiting for them. */
function hurry(owner: number): void {
  for (const promote of backgroundSeries.get(owner) ?? []) promote();
}

async function series(id: number, env: number, request: Extract<WorkerRequest, { op: 'httpSeries' }>) {
  const h = need(env);
  const owner = forkOf.get(env) ?? env;
  const key = `${env}:${request.series}`;
  const controller = seriesStops.begin(key);
  // Oldest first, by when the series began.
  const order = wallNow();
  let background = request.options.background === true;
  let ended = background ? undefined : seriesOrder.begin(order);
  if (!background) countForeground(owner, 1);
  // Ends a background series' wait for the learners' series when it is hurried.
  const hurried = new AbortController();
  const promote = () => {
    if (!background) return;
    background = false;
    ended = seriesOrder.begin(order);
    countForeground(owner, 1);
    hurried.abort();
  };
  const promotions = backgroundSeries.get(owner) ?? new Set();
  if (background) backgroundSeries.set(owner, promotions.add(promote));
  const waitSignal = background ? AbortSignal.any([controller.signal, hurried.signal]) : controller.signal;
  h.calls.set(id, controller);
  try {
    // One wait for the whole series, not one per loop: its `concurrency` loops (8 for a check) all ask before each
    // request, and each asking for its own timer or slice made 8 wake-ups where one serves (a paced check took 61
    // turns of the loop, 5.5 unpaced). The loops that ask meanwhile join the wait; they all go on in the same turn.
    let waiting: Promise<void> | undefined;
    const join = (wait: Promise<void>) => {
      waiting = wait.then(() => {
        waiting = undefined;
      });
      return waiting;
    };
    return await h.env.httpSeries(request.origin, request.request, request.options, controller.signal, () => {
      if (waiting) return waiting;
      // First, before any pace: the loops that join a wait all go on after it without asking again.
      const clear = background && setup.clock === 'real' ? seriesOrder.whenClear(order, waitSignal) : undefined;
      // A wait ended by a stop goes on at once: the series' loops see the stop before their next request, and a
      // stopped automatic check must not take a turn in the slice queue first.
      if (clear)
        return join(
          clear.then(() =>
            controller.signal.aborted ? undefined : seriesSlices.wait(order, () => enter(owner, true)),
          ),
        );
      const ms = paceMs(owner, 'http', !background);
      // The global timers: their callbacks, and the requests they let go, are charged to this environment.
      if (ms > 0) return join(new Promise<void>((resolve) => setTimeout(resolve, ms)));
      // A simulated request runs in promise jobs only: without a break, a whole series (hundreds of requests, tens
      // to hundreds of ms) would be one turn, holding up every other environment here and counting as a long turn
      // toward quarantine. It takes slices as a shell loop does; virtual time (tests) keeps one turn, as in-process.
      // A thread's CPU time in a turn never exceeds the turn's wall time: its CPU clock (a system call, ~2.4 us in a
      // worker, asked before each request) is read only once the turn has run a slice's length on the wall clock.
      if (setup.clock !== 'real') return undefined;
      // A background series, which nobody waits on, takes short slices: the learners' commands wait behind each.
      // So do a busy learner's, and those of a learner running several at once.
      const slice =
        background || busy(owner) || (foregroundSeries.get(owner) ?? 0) > 1 ? BUSY_SLICE_MS : LIGHT_SLICE_MS;
      if (wallNow() - turnWall >= slice && threadCpuMs() - turnCpu >= slice)
        return join(seriesSlices.wait(order, () => enter(owner, true)));
      return undefined;
    });
  } finally {
    if (!background) countForeground(owner, -1);
    ended?.();
    promotions.delete(promote);
    if (promotions.size === 0 && backgroundSeries.get(owner) === promotions) backgroundSeries.delete(owner);
    h.calls.delete(id);
    seriesStops.end(key);
  }
}

/** Labs by their wire key (see `WireRecipe`): each sent once, shared by every environment of the chapter here. */
const labs = new Map<number, EnvironmentRecipe['lab']>();

/** The request with its recipe's lab filled in from the labs sent earlier. */
function unwire(request: WireRequest): WorkerRequest {
  if (!('recipe' in request)) return request;
  const { labKey, lab: sent, ...rest } = request.recipe;
  if (sent) labs.set(labKey, sent);
  const lab = labs.get(labKey);
  if (!lab) throw new Error(`lab ${labKey} was never sent to this worker`);
  return { ...request, recipe: { ...rest, lab } };
}

function dispatch(wired: WorkerCall): void {
  let call: { id: number; request: WorkerRequest };
  try {
    call = { id: wired.id, request: unwire(wired.request) };
  } catch (error) {
    post({ type: 'reply', id: wired.id, ok: false, error: error instanceof Error ? error.message : String(error) });
    return;
  }
  const owner = forkOf.get(call.request.env) ?? call.request.env;
  const request = call.request;
  const wait = paceMs(owner, request.op, request.op === 'httpSeries' && request.options.background !== true);
  if (wait > 0) {
    const seriesKey = request.op === 'httpSeries' ? `${request.env}:${request.series}` : undefined;
    if (seriesKey) seriesStops.wait(seriesKey);
    raw.setTimeout(() => {
      // `need` may throw in `series` (the environment went meanwhile): the kept stop goes either way.
      if (seriesKey && !held.has(request.env)) seriesStops.drop(seriesKey);
      run(owner, call);
    }, wait);
    return;
  }
  run(owner, call);
}

/** Runs a call as `owner`'s work and posts its reply. */
function run(owner: number, call: { id: number; request: WorkerRequest }): void {
  enter(owner, !OWN_OPS.has(call.request.op));
  const respond = (reply: { ok: true; value: unknown } | { ok: false; error: string }) => {
    // A call sent with `tell` (id 0: keystrokes, a frozen state's dispose) waits for no answer: posting one anyway
    // cost a message back to the front for every message a learner's page sent.
    if (call.id === 0) return;
    const h = held.get(call.request.env);
    post({ type: 'reply', id: call.id, ...reply, ...(h ? { now: h.env.now().getTime() } : {}) });
  };
  handle(call.id, call.request).then(
    (value) => respond({ ok: true, value: value ?? null }),
    (error: unknown) => respond({ ok: false, error: error instanceof Error ? error.message : String(error) }),
  );
}

// A promise one environment's code left rejected must not stop the thread every other environment here runs on.
process.on('unhandledRejection', (reason) => {
  console.error(
    `labs: worker: an environment left a rejected promise: ${reason instanceof Error ? reason.message : reason}`,
  );
});

port.removeAllListeners('message');
port.on('message', dispatch);
for (const call of early.splice(0)) dispatch(call);
beat();
post({ type: 'ready' });
