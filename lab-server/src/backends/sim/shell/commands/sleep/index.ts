/**
 * `sleep` (coreutils) on the environment's clock. The clock moves on by the whole duration, so pods age and
 * rollouts finish as they would; in a learner's terminal the real wait is capped (a `sleep 600` should not hold
 * the terminal for ten minutes) and the terminal says so; in tests the virtual clock jumps without waiting.
 * Ctrl-C stops it at once and nothing stays behind (the clock's timer and the abort listener are both removed).
 */
import { defineCommand, type Command } from 'just-bash';
import { parseDuration, quoted, seconds } from './duration.ts';

/** The clock `sleep` waits on. */
export interface SleepClock {
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Moves the clock on by `ms` without waiting (timers due meanwhile fire in order). */
  advance(ms: number): Promise<void>;
  /** True when time is virtual (tests, setup): no real waiting at all. */
  readonly virtual: boolean;
}

const HELP = `Usage: sleep NUMBER[SUFFIX]...
  or:  sleep OPTION
Pause for NUMBER seconds, where NUMBER is an integer or floating-point.
SUFFIX may be 's','m','h', or 'd', for seconds, minutes, hours, days.
With multiple arguments, pause for the sum of their values.

      --help        display this help and exit
`;

const TRY = "Try 'sleep --help' for more information.\n";

/** Milliseconds to sleep, or the error coreutils prints. */
export function sleepDuration(args: string[]): { ms: number } | { error: string } {
  const operands = args[0] === '--' ? args.slice(1) : args;
  if (operands.length === 0) return { error: `sleep: missing operand\n${TRY}` };
  let total = 0;
  const bad: string[] = [];
  for (const a of operands) {
    const ms = parseDuration(a);
    if (ms === undefined) bad.push(`sleep: invalid time interval ${quoted(a)}\n`);
    else total += ms;
  }
  if (bad.length > 0) return { error: `${bad.join('')}${TRY}` };
  return { ms: total };
}

/**
 * Makes `sleep`; `realLimitMs` is the longest real wait in a learner's terminal; `io.stream` (set while a
 * terminal line runs) shows the notice before the wait rather than after it.
 */
export function createSleepCommand(
  clock: SleepClock,
  realLimitMs: number,
  io: { stream?: ((text: string) => void) | undefined },
): Command {
  return defineCommand('sleep', async (args, ctx) => {
    if (args[0] === '--help') return { stdout: HELP, stderr: '', exitCode: 0 };
    if (args[0]?.startsWith('-') && args[0] !== '--' && parseDuration(args[0]) === undefined)
      return { stdout: '', stderr: `sleep: invalid option -- '${args[0].replace(/^-+/, '')}'\n${TRY}`, exitCode: 1 };
    const parsed = sleepDuration(args);
    if ('error' in parsed) return { stdout: '', stderr: parsed.error, exitCode: 1 };
    const { ms } = parsed;
    let stderr = '';
    try {
      if (clock.virtual || ms <= realLimitMs || ms === Number.POSITIVE_INFINITY) {
        // `sleep infinity` waits until Ctrl-C (or the command time limit), moving nothing on.
        await clock.sleep(ms === Number.POSITIVE_INFINITY ? 2 ** 31 - 1 : ms, ctx.signal);
      } else {
        const notice =
          `sleep: the lab waits ${seconds(realLimitMs)} of real time at most; ` +
          `its clock moves on the other ${seconds(ms - realLimitMs)} at once\n`;
        if (io.stream) io.stream(notice);
        else stderr = notice;
        await clock.sleep(realLimitMs, ctx.signal);
        await clock.advance(ms - realLimitMs);
      }
    } catch {
      // Interrupted: the shell reports 130 for Ctrl-C, 124 for its own time limit.
      return { stdout: '', stderr: '', exitCode: 130 };
    }
    return { stdout: '', stderr, exitCode: 0 };
  });
}
