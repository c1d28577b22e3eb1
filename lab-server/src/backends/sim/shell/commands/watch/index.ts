/**
 * `watch` (procps-ng): reruns a command every interval on the environment's clock, redrawing the screen, until
 * Ctrl-C (or `-g`/`-e` end it). It needs the terminal; in a script (no terminal) it fails as procps' watch does
 * without one. In a learner's terminal each interval takes real time, so "watch the pods come up" behaves.
 */
import { defineCommand, type Command } from 'just-bash';
import type { SimCommandHost } from '../../../types.ts';
import { highlightChanges } from './differences.ts';
import { parseWatchArgs, WATCH_USAGE } from './options.ts';

function header(intervalS: number, command: string, now: Date): string {
  const date = now
    .toUTCString()
    .replace(
      /^(\w+), (\d+) (\w+) (\d+) ([\d:]+) GMT$/,
      (_m, d, day, mon, y, t) => `${d} ${mon} ${String(Number(day)).padStart(2, ' ')} ${t} ${y}`,
    );
  return `Every ${intervalS.toFixed(1)}s: ${command}    istio-labs: ${date}\n\n`;
}

/** The `watch` command; `host.stream` is the terminal while a line runs. */
export function createWatchCommand(host: Pick<SimCommandHost, 'clock' | 'stream'>): Command {
  return defineCommand('watch', async (args, ctx) => {
    const o = parseWatchArgs(args);
    if ('error' in o) return { stdout: '', stderr: `${o.error}${WATCH_USAGE}`, exitCode: 1 };
    if (o.help) return { stdout: WATCH_USAGE, stderr: '', exitCode: 0 };
    if (o.version) return { stdout: 'watch from procps-ng 4.0.4\n', stderr: '', exitCode: 0 };
    if (o.command.length === 0) return { stdout: '', stderr: WATCH_USAGE, exitCode: 1 };
    const command = o.command.join(' ');
    const stream = host.stream;
    if (!stream) return { stdout: '', stderr: 'Error opening terminal: unknown.\n', exitCode: 1 };
    if (!ctx.exec) return { stdout: '', stderr: 'watch: cannot run commands here\n', exitCode: 1 };
    let previous: string | undefined;
    while (!ctx.signal?.aborted) {
      const result = await ctx.exec(command, { cwd: ctx.cwd, ...(ctx.signal ? { signal: ctx.signal } : {}) });
      const output = `${result.stdout}${result.stderr}`;
      const shown = o.differences && previous !== undefined ? highlightChanges(previous, output) : output;
      stream(`\x1b[H\x1b[2J${o.title ? header(o.intervalS, command, new Date(host.clock.now())) : ''}${shown}`);
      if (o.exitOnChange && previous !== undefined && previous !== output) break;
      if (o.exitOnError && result.exitCode !== 0) {
        stream('\ncommand exit with a non-zero status, press a key to exit');
        return { stdout: '', stderr: '', exitCode: 8 };
      }
      previous = output;
      try {
        await host.clock.sleep(o.intervalS * 1000, ctx.signal);
      } catch {
        break;
      }
    }
    return { stdout: '', stderr: '', exitCode: 0 };
  });
}
