/** Racing work against the simulated clock, with cancellation passed down to the work. */
import { getEventListeners } from 'node:events';
import type { SimClock } from '../types.ts';
import { isAbort } from './wire.ts';

/** The marker a timed-out race returns. */
export const TIMED_OUT: unique symbol = Symbol('timed out');

/** A listener's options: made once, not per race. */
const ONCE = Object.freeze({ once: true });

const noop = () => {};

/** Why a race's signal fires once the race is decided. */
const SETTLED = Object.assign(new Error('The race is over'), { name: 'AbortError' });

/**
 * Runs `work` with a signal that fires when `ms` pass on `clock` or when `parent` fires; returns TIMED_OUT in the
 * first case, rethrows the abort in the second. `ms` undefined or <= 0 means no limit.
 */
export async function withTimeout<T>(
  clock: SimClock,
  ms: number | undefined,
  parent: AbortSignal | undefined,
  work: (signal: AbortSignal | undefined) => Promise<T>,
): Promise<T | typeof TIMED_OUT> {
  // No limit: the work runs under the caller's signal (none when the caller has none); a race, a controller and
  // its cleanup would change nothing.
  if (!ms || ms <= 0) return work(parent);
  const controller = new AbortController();
  const onAbort = () => controller.abort(parent?.reason);
  if (parent?.aborted) controller.abort(parent.reason);
  parent?.addEventListener('abort', onAbort, ONCE);
  let timedOut = false;
  let cancelTimer: () => void = noop;
  try {
    const running = work(controller.signal);
    // One promise that the work and the timer race to settle: the same jobs, in the same order, as `Promise.race` of
    // the work and a timer promise, without the timer's promise, the list, its iterator and a second reaction. The
    // work's outcome settles it one job after the work settles (as the race's reaction did); the timer's one job
    // after it aborts the work (as the timer promise's reaction did). Concurrent requests interleave by these jobs.
    const decided = new Promise<T | typeof TIMED_OUT>((resolve, reject) => {
      running.then(resolve, reject);
      // The callback runs one promise job after the timer fires, as a sleep's continuation would.
      cancelTimer = clock.after(ms, () =>
        queueMicrotask(() => {
          timedOut = true;
          controller.abort();
          queueMicrotask(() => resolve(TIMED_OUT));
        }),
      );
    });
    try {
      return await decided;
    } catch (error) {
      if (timedOut && isAbort(error)) return TIMED_OUT;
      throw error;
    } finally {
      running.catch(noop);
    }
  } finally {
    parent?.removeEventListener('abort', onAbort);
    cancelTimer();
    // Cancels anything the work left waiting. A given reason spares building a DOMException; with nothing left
    // listening (the usual end of a hop: every sleep and inner race removed its listener) there is nothing to cancel,
    // and aborting would only build and dispatch an event nobody receives (a few microseconds a hop).
    const signal = controller.signal;
    if (!signal.aborted && getEventListeners(signal, 'abort').length > 0) controller.abort(SETTLED);
  }
}
