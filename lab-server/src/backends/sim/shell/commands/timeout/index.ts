/**
 * `timeout` (coreutils) on the environment's clock: runs a command and stops it when the duration has passed,
 * exiting 124 (`timeout 1 sleep 5`), or the command's own status when it finished in time. Ctrl-C stops both.
 * Signals are simulated: the command is aborted, and `--preserve-status` reports 128 + the signal's number.
 */
import { defineCommand, latin1FromBytes, type Command } from 'just-bash';
import { parseDuration, quoted } from '../sleep/duration.ts';
import type { SleepClock } from '../sleep/index.ts';
import { childEnv } from '../../orderedOutput.ts';

const TRY = "Try 'timeout --help' for more information.\n";

const HELP = `Usage: timeout [OPTION] DURATION COMMAND [ARG]...
  or:  timeout [OPTION]
Start COMMAND, and kill it if still running after DURATION.

  -k, --kill-after=DURATION  also send a KILL signal if COMMAND is still running this long after the initial signal
  -s, --signal=SIGNAL        specify the signal to be sent on timeout; SIGNAL may be a name like 'HUP' or a number
      --preserve-status      exit with the same status as COMMAND, even when the command times out
      --foreground           when not running timeout directly from a shell prompt, allow COMMAND to read from the TTY
  -v, --verbose              diagnose to stderr any signal sent upon timeout
      --help                 display this help and exit

If the command times out, and --preserve-status is not set, then exit with status 124.
`;

const SIGNALS: Record<string, number> = { HUP: 1, INT: 2, QUIT: 3, KILL: 9, USR1: 10, USR2: 12, ALRM: 14, TERM: 15 };

/** The signal's name and number, or undefined when unknown. */
function signalOf(text: string): { name: string; number: number } | undefined {
  const name = text.toUpperCase().replace(/^SIG/, '');
  if (SIGNALS[name] !== undefined) return { name, number: SIGNALS[name] };
  const n = Number(text);
  const found = Object.entries(SIGNALS).find(([, v]) => v === n);
  return found ? { name: found[0], number: n } : undefined;
}

function quote(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

function usage(message: string) {
  return { stdout: '', stderr: `timeout: ${message}\n${TRY}`, exitCode: 125 };
}

/** Makes `timeout` on `clock`. */
export function createTimeoutCommand(clock: SleepClock): Command {
  return defineCommand('timeout', async (args, ctx) => {
    let signal = { name: 'TERM', number: 15 };
    let preserve = false;
    let verbose = false;
    let i = 0;
    for (; i < args.length; i++) {
      const a = args[i]!;
      if (a === '--help') return { stdout: HELP, stderr: '', exitCode: 0 };
      if (a === '--') {
        i++;
        break;
      }
      if (!a.startsWith('-') || a === '-') break;
      if (a === '--preserve-status') preserve = true;
      else if (a === '--foreground') continue;
      else if (a === '-v' || a === '--verbose') verbose = true;
      else if (a === '-s' || a === '--signal' || a.startsWith('--signal=') || (a.startsWith('-s') && a.length > 2)) {
        const value = a.startsWith('--signal=')
          ? a.slice(9)
          : a.length > 2 && !a.startsWith('--')
            ? a.slice(2)
            : args[++i];
        if (value === undefined) return usage(`option requires an argument -- 's'`);
        const found = signalOf(value);
        if (!found) return usage(`${quoted(value)}: invalid signal`);
        signal = found;
      } else if (
        a === '-k' ||
        a === '--kill-after' ||
        a.startsWith('--kill-after=') ||
        (a.startsWith('-k') && a.length > 2)
      ) {
        const value = a.startsWith('--kill-after=')
          ? a.slice(13)
          : a.length > 2 && !a.startsWith('--')
            ? a.slice(2)
            : args[++i];
        if (value === undefined) return usage(`option requires an argument -- 'k'`);
        if (parseDuration(value) === undefined) return usage(`invalid time interval ${quoted(value)}`);
      } else return usage(`unrecognized option '${a}'`);
    }
    const duration = args[i];
    if (duration === undefined) return usage('missing operand');
    const ms = parseDuration(duration);
    if (ms === undefined) return usage(`invalid time interval ${quoted(duration)}`);
    const command = args.slice(i + 1);
    if (command.length === 0) return usage(`missing operand after ${quoted(duration)}`);
    if (!ctx.exec) return { stdout: '', stderr: 'timeout: cannot run commands here\n', exitCode: 125 };

    const stop = new AbortController();
    const timer = new AbortController();
    const outer = ctx.signal;
    const onOuter = () => stop.abort();
    outer?.addEventListener('abort', onOuter, { once: true });
    let timedOut = false;
    // A zero duration disables the timeout, as in coreutils.
    if (ms > 0 && ms !== Number.POSITIVE_INFINITY)
      clock.sleep(ms, timer.signal).then(
        () => {
          timedOut = true;
          stop.abort();
        },
        () => undefined,
      );
    try {
      const result = await ctx.exec(command.map(quote).join(' '), {
        cwd: ctx.cwd,
        // What it runs inherits its exported variables (where its streams go among them).
        env: childEnv(ctx),
        signal: stop.signal,
        ...(ctx.stdin !== undefined ? { stdin: latin1FromBytes(ctx.stdin), stdinKind: 'bytes' as const } : {}),
      });
      if (!timedOut) {
        if (outer?.aborted) return { stdout: result.stdout, stderr: '', exitCode: 130 };
        return { stdout: result.stdout, stderr: result.stderr, exitCode: result.exitCode };
      }
      const stderr = verbose ? `timeout: sending signal ${signal.name} to command ${quoted(command[0]!)}\n` : '';
      // The aborted shell's own "execution aborted" line is not something a killed process prints.
      const own = result.stderr.replace(/^bash: execution aborted\n?/m, '');
      return { stdout: result.stdout, stderr: own + stderr, exitCode: preserve ? 128 + signal.number : 124 };
    } finally {
      timer.abort();
      outer?.removeEventListener('abort', onOuter);
    }
  });
}
