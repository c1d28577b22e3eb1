/**
 * Keeps just-bash's defense-in-depth box switched on while a thread runs lab shell lines back to back.
 *
 * Every `exec` activates the box, and the box patches the host's globals (Function, eval, timers, process,
 * Promise.prototype.then, intrinsics) when its first activation starts and puts them back when its last one ends.
 * A line costs one `exec`, so a thread running one line after another patched and restored them on every line:
 * about half of a simple command's CPU. Holding one more activation from a line's start until no line has begun for
 * a moment keeps the patches on between lines; each `exec` still runs inside its own sandboxed context (the box
 * blocks exactly what it blocked before). Between lines host code runs with the patches on but outside any
 * sandboxed context, where they let everything through, as it already did whenever two lines overlapped.
 */
import { DefenseInDepthBox } from 'just-bash';

/** The box's settings, the same for every lab shell (just-bash refuses shells of the thread with other settings). */
export const DEFENSE_IN_DEPTH = true;

/** How long the box stays on after the last line began, when no other line begins (ms). */
export const HOLD_MS = 100;

// The host's own timer and clock, taken before any script runs (the box hides both from code inside scripts).
const hostSetTimeout = globalThis.setTimeout;
const wallNow = performance.now.bind(performance);

let held: { deactivate(): void } | undefined;
let lastLineAt = 0;

/**
 * Switches the box on (if it is off) and keeps it on until no line has begun for `HOLD_MS`: the lines that begin
 * meanwhile (the next typed line, the next line of a script, another learner's) find it on and do not patch again.
 */
export function holdSandbox(): void {
  lastLineAt = wallNow();
  if (held) return;
  held = DefenseInDepthBox.getInstance(DEFENSE_IN_DEPTH).activate();
  checkLater();
}

function checkLater(): void {
  // Unreferenced: a hold never keeps a process alive.
  DefenseInDepthBox.runTrusted(() => hostSetTimeout(releaseWhenIdle, HOLD_MS).unref());
}

function releaseWhenIdle(): void {
  if (wallNow() - lastLineAt < HOLD_MS) checkLater();
  else releaseSandbox();
}

/** Lets go of the hold now: the box switches off unless a line is running (its own activation keeps it on). */
export function releaseSandbox(): void {
  const hold = held;
  held = undefined;
  hold?.deactivate();
}

/** Whether this thread holds the box on between lines. */
export function sandboxHeld(): boolean {
  return held !== undefined;
}
