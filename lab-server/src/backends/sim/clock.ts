/**
 * The simulator's clock. Learners get real time; tests get virtual time, which stands still unless a sleep moves
 * it (sleeps fire in time order as soon as the program is otherwise idle), so what a test sees never depends on
 * how busy the machine is. A real clock can also run virtually for a while (`warp`), so that
 * bringing an environment to its starting state (pods starting, rollouts) costs no wall time: the
 * environment's clock simply ends up a few seconds ahead of the wall clock, as if it had been started earlier.
 */
import { DefenseInDepthBox } from 'just-bash';
import type { SimClock } from './types.ts';

interface Timer {
  at: number;
  seq: number;
  fire: () => void;
}

/** How the clock advances. */
export type ClockMode = 'real' | 'virtual';

/** A `SimClock` that runs in real or virtual time. */
export class SimulationClock implements SimClock {
  #offset: number;
  /** Virtual mode's time: it moves only when a sleep's timer fires. */
  #virtualNow: number;
  #mode: ClockMode;
  #warps = 0;
  #timers: Timer[] = [];
  #seq = 0;
  #handle: NodeJS.Timeout | NodeJS.Immediate | undefined;
  #handleKind: 'timeout' | 'immediate' | undefined;
  /** When a real clock's wake-up (`#handleKind` 'timeout') is due; NaN when none is armed. */
  #armedAt = Number.NaN;
  /** Shells of this environment taking turns (shell/scheduler.ts): virtual time must not jump meanwhile. */
  #held = 0;

  constructor(mode: ClockMode, start?: number) {
    this.#mode = mode;
    this.#offset = (start ?? Date.now()) - Date.now();
    this.#virtualNow = start ?? Date.now();
  }

  /** True while sleeps fire as soon as the program is idle. */
  get virtual(): boolean {
    return this.#mode === 'virtual' || this.#warps > 0;
  }

  now(): number {
    return this.#mode === 'virtual' ? this.#virtualNow : Date.now() + this.#offset;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      const abortError = () => {
        // Cancelled sleeps are routine and nobody reads their stack.
        const limit = Error.stackTraceLimit;
        Error.stackTraceLimit = 0;
        try {
          return Object.assign(new Error('The operation was aborted'), { name: 'AbortError' });
        } finally {
          Error.stackTraceLimit = limit;
        }
      };
      if (signal?.aborted) return reject(abortError());
      const onAbort = () => {
        cancel();
        reject(abortError());
      };
      const cancel = this.after(ms, () => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /**
   * Calls `fire` once `ms` pass on this clock, in the same order as sleeps; the returned function cancels it.
   * A timeout race uses it directly: no signal, listener or error per cancelled timer (one per proxy hop).
   */
  after(ms: number, fire: () => void): () => void {
    const timer: Timer = { at: this.now() + Math.max(0, ms), seq: this.#seq++, fire };
    // Timers stay sorted by time, then by order of creation: the new one goes after every timer due no later.
    let low = 0;
    let high = this.#timers.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (this.#timers[mid]!.at <= timer.at) low = mid + 1;
      else high = mid;
    }
    this.#timers.splice(low, 0, timer);
    const cancel = () => {
      const at = this.#timers.indexOf(timer);
      if (at >= 0) this.#timers.splice(at, 1);
      if (this.virtual) {
        this.#schedule(at === 0);
        return;
      }
      // A real clock's wake-up stays armed, even with nothing left to wait for: firing early, it finds nothing due and
      // re-arms for the earliest timer, if any. Most timers are a race's time limit, cancelled when the work wins, and
      // clearing and setting one of Node's timers each time cost more than the race. With nothing left waiting, the
      // wake-up no longer holds the process open.
      if (this.#timers.length === 0 && this.#handleKind === 'timeout') (this.#handle as NodeJS.Timeout).unref();
    };
    // A real clock's wake-up armed no later than the new timer serves it too (held open again, if it was let go).
    if (!this.virtual && this.#handleKind === 'timeout' && this.#armedAt <= timer.at) {
      (this.#handle as NodeJS.Timeout).ref();
      return cancel;
    }
    this.#schedule(low === 0);
    return cancel;
  }

  /** Sets the time (an environment started from a shared state takes over its clock's lead); no sleep may be waiting. */
  jumpTo(time: number): void {
    if (this.#timers.length > 0) throw new Error('clock: cannot jump while sleeps are waiting');
    // A real clock's wake-up left armed (see `after`) is due in the old time: moved ahead, it would fire late.
    this.#cancelHandle();
    this.#offset = time - Date.now();
    this.#virtualNow = time;
  }

  /** Runs `task` with time running virtually (a real clock jumps ahead instead of waiting). */
  async warp<T>(task: () => Promise<T>): Promise<T> {
    this.#warps++;
    this.#schedule();
    try {
      return await task();
    } finally {
      this.#warps--;
      this.#schedule();
    }
  }

  /** Moves the clock on by `ms` at once; timers due meanwhile fire in time order (a long `sleep`'s rest). */
  async advance(ms: number): Promise<void> {
    if (!(ms > 0)) return;
    await this.warp(() => this.sleep(ms));
  }

  /** Holds virtual time still while a shell of this environment gives others a turn (it is not idle). */
  hold(): () => void {
    this.#held++;
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#held--;
    };
  }

  /** Timers waiting (for tests and `idle` checks). */
  get pending(): number {
    return this.#timers.length;
  }

  /** Stops every pending timer (environment disposed). */
  dispose(): void {
    this.#cancelHandle();
    this.#timers = [];
  }

  #cancelHandle(): void {
    if (this.#handleKind === 'timeout') clearTimeout(this.#handle as NodeJS.Timeout);
    if (this.#handleKind === 'immediate') clearImmediate(this.#handle as NodeJS.Immediate);
    this.#handle = undefined;
    this.#handleKind = undefined;
    this.#armedAt = Number.NaN;
  }

  /**
   * Arms the wake-up for the earliest timer. A real clock already armed for an unchanged earliest timer keeps
   * its wake-up (`headChanged` false); virtual time always re-arms, so a sleep fires only once nothing else runs.
   */
  #schedule(headChanged = true): void {
    if (!headChanged && this.#handleKind === 'timeout' && !this.virtual) return;
    // Sleeps are asked for from inside the shell, where just-bash forbids timers to the script: the clock is
    // the host's machinery, so its own timer is made as trusted code (otherwise the sleep silently never waits).
    DefenseInDepthBox.runTrusted(() => this.#arm());
  }

  #arm(): void {
    this.#cancelHandle();
    const next = this.#timers[0];
    if (!next) return;
    if (this.virtual) {
      // Fire once nothing else is runnable: pending I/O callbacks and promise chains go first.
      this.#handleKind = 'immediate';
      this.#handle = setImmediate(() => this.#fireNext(true));
    } else {
      this.#handleKind = 'timeout';
      this.#armedAt = next.at;
      // Kept referenced: a process waiting on the clock (a `/delay/5` in `labs verify`) must not exit mid-wait.
      // Disposing the environment clears every timer, so nothing holds a finished process open.
      this.#handle = setTimeout(() => this.#fireNext(false), Math.max(0, next.at - this.now()));
    }
  }

  #fireNext(jump: boolean): void {
    this.#handle = undefined;
    this.#handleKind = undefined;
    this.#armedAt = Number.NaN;
    const next = this.#timers[0];
    if (!next) return;
    // A shell of this environment is between two turns: the program is not idle, look again next time.
    if (jump && this.#held > 0) {
      this.#schedule();
      return;
    }
    if (jump && next.at > this.now()) {
      if (this.#mode === 'virtual') this.#virtualNow = next.at;
      else this.#offset += next.at - this.now();
    }
    if (next.at <= this.now()) {
      this.#timers.shift();
      next.fire();
    }
    this.#schedule();
  }
}
