/** Racing work against the simulated clock, with cancellation passed down to the work. */
import { getEventListeners } from 'node:events';
import type { SimClock } from '../types.ts';
import { isAbort } from './wire.ts';

/** The marker a timed-out race returns. */
export const TIMED_OUT: unique symbol = Symbol('timed out');

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
  parent?.addEventListener('abort', onAbort, { once: true });
  let timedOut = false;
  let cancelTimer: () => void = () => {};
  try {
    const running = work(controller.signal);
    const timer = new Promise<typeof TIMED_OUT>((resolve) => {
      // The callback runs one promise job after the timer fires, as a sleep's continuation would.
      cancelTimer = clock.after(ms, () =>
        queueMicrotask(() => {
          timedOut = true;
          controller.abort();
          resolve(TIMED_OUT);
        }),
      );
    });
    try {
      return await Promise.race([running, timer]);
    } catch (error) {
      if (timedOut && isAbort(error)) return TIMED_OUT;
      throw error;
    } finally {
      running.catch(() => {});
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
