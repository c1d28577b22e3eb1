/**
 * The scheduling priority of the calling thread. Linux gives each thread its own nice value (setpriority with
 * a thread id changes that thread only), so a worker thread can step back for the others without a process of
 * its own: the quarantine worker runs its noisy environments only on CPU time the rest of the server leaves.
 */
import { execFileSync } from 'node:child_process';
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
    const tid = threadId(procThreadSelf);
    if (tid === undefined) return false;
    setPriority(tid, nice);
    return true;
  } catch {
    return false;
  }
}

/** The kernel's id of the calling thread: `/proc/thread-self` links to `<pid>/task/<tid>`. */
function threadId(procThreadSelf: string): number | undefined {
  const tid = Number(readlinkSync(procThreadSelf).split('/').pop());
  return Number.isInteger(tid) && tid > 0 ? tid : undefined;
}

/**
 * Puts the calling thread in Linux's SCHED_IDLE class; true when it did. A nice value only weighs a thread
 * (nice 19 still gets ~1.5 % against a nice-0 thread, and a waking nice-0 thread may wait for the niced one's
 * slice to end); a SCHED_IDLE thread is preempted at once by any normal thread that wakes, so the quarantine
 * worker's loop delays no learner's command on a machine with no idle core. Node has no call for it:
 * util-linux's `chrt --idle --pid 0 TID` (a thread may lower its own class without privileges). Where that is
 * missing or refused the thread keeps its nice value: a missing nicety, not a failure.
 */
export function idleThisThread(procThreadSelf = '/proc/thread-self', chrt = 'chrt'): boolean {
  try {
    const tid = threadId(procThreadSelf);
    if (tid === undefined) return false;
    execFileSync(chrt, ['--idle', '--pid', '0', String(tid)], { stdio: 'ignore', timeout: 5_000 });
    return true;
  } catch {
    return false;
  }
}
