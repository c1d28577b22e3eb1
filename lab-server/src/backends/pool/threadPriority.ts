/**
 * The scheduling priority of the calling thread. Linux gives each thread its own nice value (setpriority with
 * a thread id changes that thread only), so a worker thread can step back for the others without a process of
 * its own: the quarantine worker runs its noisy environments only on CPU time the rest of the server leaves.
 */
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';

/** The niceness of the quarantine worker: the lowest priority there is (19), so it takes only idle CPU. */
export const QUARANTINE_NICE = 19;

/**
 * Sets the calling thread's nice value; true when it did. Elsewhere than Linux (no `/proc/thread-self`) or
 * when the system refuses, the thread keeps its priority: a missing nicety, not a failure.
 */
export function niceThisThread(nice: number, procThreadSelf = '/proc/thread-self'): boolean {
  try {
    // `/proc/thread-self` links to `<pid>/task/<tid>`.
    const tid = Number(readlinkSync(procThreadSelf).split('/').pop());
    if (!Number.isInteger(tid) || tid <= 0) return false;
    setPriority(tid, nice);
    return true;
  } catch {
    return false;
  }
}
