/**
 * An environment worker: a thread holding many learners' simulated environments, driven by its supervisor's
 * requests. Every turn of its event loop is attributed to one environment (the one whose request, timer or
 * immediate runs) in a buffer the supervisor reads, so when the loop is stuck the supervisor knows whose
 * command holds it, and can stop the thread without asking it anything.
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { LabEnvironment, TerminalChannel } from '../../contract.ts';
import type { SimEnvironment as SimEnvironmentClass } from '../sim/environment.ts';
import type { SimLimits } from '../sim/limits.ts';
import type { SimTerminal } from '../sim/shell/terminal.ts';
import {
  SLOT_BEAT,
  SLOT_CPU,
  SLOT_ENV,
  type EnvironmentRecipe,
  type JournalEntry,
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
}

const setup = workerData as WorkerSetup;
const port = parentPort!;
const slots = new Float64Array(setup.shared);
let current = -1;

/** Marks that the loop now runs `env`'s code (-1: the worker's own). */
function enter(env: number): void {
  current = env;
  slots[SLOT_ENV] = env;
}

// Timers carry the environment that scheduled them, so their callbacks (and the promise chains those start)
// are charged to it. Patched before the simulator is loaded: just-bash keeps its own reference to setTimeout.
const raw = { setTimeout, setInterval, setImmediate };
type Callback = (...args: unknown[]) => void;
function attributed(fn: Callback): Callback {
  const owner = current;
  return (...args) => {
    enter(owner);
    fn(...args);
  };
}
Object.assign(globalThis, {
  setTimeout: (fn: Callback, ms?: number, ...args: unknown[]) => raw.setTimeout(attributed(fn), ms, ...args),
  setInterval: (fn: Callback, ms?: number, ...args: unknown[]) => raw.setInterval(attributed(fn), ms, ...args),
  setImmediate: (fn: Callback, ...args: unknown[]) => raw.setImmediate(attributed(fn), ...args),
});
function beat(): void {
  enter(-1);
  const cpu = process.threadCpuUsage();
  slots[SLOT_CPU] = cpu.user + cpu.system;
  slots[SLOT_BEAT] = Date.now();
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

function post(message: WorkerMessage): void {
  port.postMessage(message);
}

function make(id: number, recipe: EnvironmentRecipe): Held {
  const env = new SimEnvironment({
    lab: recipe.lab,
    seed: recipe.seed,
    clock: setup.clock,
    limits,
    ...(recipe.shared ? { startingState: sharedStartingState(startingStates, recipe.lab) } : {}),
  });
  const h: Held = { env, terminals: new Map(), calls: new Map() };
  held.set(id, h);
  return h;
}

function open(id: number, h: Held, term: number, cols: number, muted: boolean): SimTerminal {
  const terminal = (h.env as LabEnvironment).openTerminal({ cols, rows: 24 }) as TerminalChannel as SimTerminal;
  const entry = { terminal, muted };
  h.terminals.set(term, entry);
  terminal.onOutput((data) => {
    if (!entry.muted) post({ type: 'output', env: id, term, data });
  });
  terminal.onStart((line) => {
    if (!entry.muted) post({ type: 'running', env: id, term, line });
  });
  terminal.onCommand((record) => {
    if (!entry.muted) post({ type: 'command', env: id, term, record, now: h.env.now().getTime() });
  });
  return terminal;
}

/** Rebuilds an environment from its journal, with time warped and every terminal silent until the end. */
async function restore(id: number, recipe: EnvironmentRecipe, journal: JournalEntry[]): Promise<number[]> {
  const h = make(id, recipe);
  await h.env.prepare();
  const codes: number[] = [];
  await h.env.warp(async () => {
    for (const entry of journal) {
      if (entry.kind === 'terminal') open(id, h, entry.term, entry.cols, true);
      else if (entry.kind === 'line') codes.push((await h.terminals.get(entry.term)?.terminal.replay(entry.line)) ?? 1);
      else codes.push((await h.env.runScript(entry.script)).exitCode);
    }
  });
  for (const entry of h.terminals.values()) entry.muted = false;
  return codes;
}

function need(id: number): Held {
  const h = held.get(id);
  if (!h) throw new Error(`no environment ${id} in this worker`);
  return h;
}

async function handle(id: number, request: WorkerRequest): Promise<unknown> {
  switch (request.op) {
    case 'create':
      make(request.env, request.recipe);
      return null;
    case 'restore':
      return restore(request.env, request.recipe, request.journal);
    case 'prepare':
      return need(request.env).env.prepare();
    case 'reset':
      return need(request.env).env.reset();
    case 'dispose': {
      const h = held.get(request.env);
      held.delete(request.env);
      await h?.env.dispose();
      return null;
    }
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
    case 'abort':
      held.get(request.env)?.calls.get(request.call)?.abort();
      return null;
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
  }
}

function dispatch(call: WorkerCall): void {
  enter(call.request.env);
  const respond = (reply: { ok: true; value: unknown } | { ok: false; error: string }) => {
    const h = held.get(call.request.env);
    post({ type: 'reply', id: call.id, ...reply, ...(h ? { now: h.env.now().getTime() } : {}) });
  };
  handle(call.id, call.request).then(
    (value) => respond({ ok: true, value: value ?? null }),
    (error: unknown) => respond({ ok: false, error: error instanceof Error ? error.message : String(error) }),
  );
}

port.removeAllListeners('message');
port.on('message', dispatch);
for (const call of early.splice(0)) dispatch(call);
beat();
post({ type: 'ready' });
