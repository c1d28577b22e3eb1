/** Racing work against the simulated clock, with cancellation passed down to the work. */
import type { SimClock } from '../types.ts';
import { isAbort } from './wire.ts';

/** The marker a timed-out race returns. */
export const TIMED_OUT: unique symbol = Symbol('timed out');

/**
 * Runs `work` with a signal that fires when `ms` pass on `clock` or when `parent` fires; returns TIMED_OUT in the
 * first case, rethrows the abort in the second. `ms` undefined or <= 0 means no limit.
 */
export async function withTimeout<T>(
  clock: SimClock,
  ms: number | undefined,
  parent: AbortSignal | undefined,
  work: (signal: AbortSignal) => Promise<T>,
): Promise<T | typeof TIMED_OUT> {
  const controller = new AbortController();
  const onAbort = () => controller.abort(parent?.reason);
  if (parent?.aborted) controller.abort(parent.reason);
  parent?.addEventListener('abort', onAbort, { once: true });
  let timedOut = false;
  try {
    const running = work(controller.signal);
    if (!ms || ms <= 0) return await running;
    const timer = clock.sleep(ms, controller.signal).then(
      (): typeof TIMED_OUT => {
        timedOut = true;
        controller.abort();
        return TIMED_OUT;
      },
      () => new Promise<never>(() => {}),
    );
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
    if (!controller.signal.aborted) controller.abort();
  }
}
