/**
 * How the lab shells of one thread share it. just-bash's interpreter is async but never lets the event loop
 * turn by itself (its awaits are on settled promises), so a shell loop would hold the thread until it ends.
 * Every loop iteration of a lab shell passes a yield point (see yieldPoints.ts) that asks this scheduler
 * whether its turn has lasted long enough; if so it gives the thread back with a macrotask, and the other
 * environments' messages and timers run before it goes on: round robin between environments, in slices.
 *
 * The host of the thread says when a turn starts and how much CPU the running environment has used (an
 * environment worker attributes each turn to one environment). Without a host, every turn counts from the
 * last yield and the thread's own CPU time stands for the environment's.
 */
import { DefenseInDepthBox } from 'just-bash';

/** What a thread hosting lab shells tells them. */
export interface ShellSchedulerHost {
  /** `performance.now()` when the turn of the event loop that runs now began (host code: never hidden from scripts). */
  turnStartedAt(): number;
  /** Milliseconds of CPU the environment running now has used so far (only differences count; never hidden). */
  cpuMs(): number;
  /** How long the environment running now may keep the thread in one turn (ms); default `SLICE_MS`. */
  sliceMs?(): number;
  /**
   * How long the environment running now should rest before its next slice (ms; default 0: only until the
   * loop's next check phase). A host throttles a busy environment this way, so it leaves CPU to the others.
   */
  restMs?(): number;
}

/** The longest a shell keeps the thread before it lets others run (wall time of one turn). */
export const SLICE_MS = 5;

// Taken before any script runs: just-bash's defense in depth hides timing functions from code that runs inside a
// script (which the yield points are), and these are the host's own measures, out of the scripts' reach.
const wallNow = performance.now.bind(performance);
const threadCpuUsage = process.threadCpuUsage.bind(process);

/** Milliseconds of CPU this thread has used (host code: callable from inside a script). */
export function threadCpuMs(): number {
  const usage = threadCpuUsage();
  return (usage.user + usage.system) / 1000;
}

let resumedAt = wallNow();
let host: ShellSchedulerHost = { turnStartedAt: () => resumedAt, cpuMs: threadCpuMs };

/** Installs the thread's host (an environment worker does, before any shell runs). */
export function setShellSchedulerHost(next: ShellSchedulerHost): void {
  host = next;
}

/** CPU milliseconds the running environment has used so far. */
export function environmentCpuMs(): number {
  return host.cpuMs();
}

/** Yield points a shell on a virtual clock passes between two pauses (see `sliceOver`). */
export const COUNTED_SLICE = 200;
const passed = new WeakMap<object, number>();

function runsVirtually(clock: object | undefined): clock is object {
  return (clock as { virtual?: unknown } | undefined)?.virtual === true;
}

/**
 * True when the running turn has lasted its slice: the shell should `pause()` at its next yield point. On a
 * clock that runs virtually (tests, and the building of an environment) a slice is `COUNTED_SLICE` yield points
 * of that environment instead of wall time: where a command gives the thread away decides what its own
 * controllers see meanwhile, and that must not depend on how busy the machine is.
 */
export function sliceOver(clock?: object): boolean {
  if (runsVirtually(clock)) {
    const count = (passed.get(clock) ?? 0) + 1;
    passed.set(clock, count >= COUNTED_SLICE ? 0 : count);
    return count >= COUNTED_SLICE;
  }
  return wallNow() - Math.max(host.turnStartedAt(), resumedAt) >= (host.sliceMs?.() ?? SLICE_MS);
}

/**
 * A clock that must not move on while a shell of its environment is paused: a virtual clock jumps to its next
 * timer when the program is idle, and a shell taking turns is not idle.
 */
export interface TimeHolder {
  /** Holds the clock until the returned function is called. */
  hold(): () => void;
}

function isTimeHolder(clock: object | undefined): clock is TimeHolder {
  return typeof (clock as Partial<TimeHolder> | undefined)?.hold === 'function';
}

/**
 * Gives the thread back until the event loop's next check phase: messages and timers that arrived meanwhile
 * run first; `clock` (the environment's) stands still meanwhile. The macrotask is the host's machinery, so it
 * is made as trusted code (just-bash forbids timers to the scripts it runs).
 */
export function pause(clock?: object): Promise<void> {
  const release = isTimeHolder(clock) ? clock.hold() : undefined;
  const rest = runsVirtually(clock) ? 0 : (host.restMs?.() ?? 0);
  return new Promise((resolve) => {
    const resume = () => {
      resumedAt = wallNow();
      release?.();
      resolve();
    };
    DefenseInDepthBox.runTrusted(() => (rest > 0 ? setTimeout(resume, rest) : setImmediate(resume)));
  });
}
