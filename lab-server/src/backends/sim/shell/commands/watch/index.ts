/**
 * `watch` (procps): reruns a command every interval, redrawing the screen, until Ctrl-C. It needs the
 * terminal; in a script (no terminal) it fails as procps' watch does without one.
 */
import { defineCommand, type Command } from 'just-bash';
import type { SimCommandHost } from '../../../types.ts';

const USAGE =
  '\nUsage:\n watch [options] command\n\nOptions:\n  -n, --interval <secs>  ' +
  'seconds to wait between updates\n  -t, --no-title         turn off header\n';

function header(intervalS: number, command: string, now: Date): string {
  const date = now
    .toUTCString()
    .replace(
      /^(\w+), (\d+) (\w+) (\d+) ([\d:]+) GMT$/,
      (_m, d, day, mon, y, t) => `${d} ${mon} ${String(day).padStart(2, ' ')} ${t} ${y}`,
    );
  return `Every ${intervalS.toFixed(1)}s: ${command}    istio-labs: ${date}\n\n`;
}

/** The `watch` command; `host.stream` is the terminal while a line runs. */
export function createWatchCommand(host: SimCommandHost): Command {
  return defineCommand('watch', async (args, ctx) => {
    let interval = 2;
    let title = true;
    let i = 0;
    for (; i < args.length; i++) {
      const a = args[i]!;
      if (a === '-n' || a === '--interval') interval = Number(args[++i]);
      else if (a.startsWith('-n') && a.length > 2) interval = Number(a.slice(2));
      else if (a.startsWith('--interval=')) interval = Number(a.slice(11));
      else if (a === '-t' || a === '--no-title') title = false;
      else if (a === '--') {
        i++;
        break;
      } else if (a.startsWith('-'))
        return { stdout: '', stderr: `watch: invalid option -- '${a.replace(/^-+/, '')}'${USAGE}`, exitCode: 1 };
      else break;
    }
    const command = args.slice(i).join(' ');
    if (!command) return { stdout: '', stderr: `watch: no command given${USAGE}`, exitCode: 1 };
    if (!Number.isFinite(interval) || interval < 0.1) interval = 0.1;
    const stream = host.stream;
    if (!stream) return { stdout: '', stderr: 'Error opening terminal: unknown.\n', exitCode: 1 };
    if (!ctx.exec) return { stdout: '', stderr: 'watch: cannot run commands here\n', exitCode: 1 };
    while (!ctx.signal?.aborted) {
      const result = await ctx.exec(command, { cwd: ctx.cwd, ...(ctx.signal ? { signal: ctx.signal } : {}) });
      stream(
        `\x1b[H\x1b[2J${title ? header(interval, command, new Date(host.clock.now())) : ''}${result.stdout}${result.stderr}`,
      );
      try {
        await host.clock.sleep(interval * 1000, ctx.signal);
      } catch {
        break;
      }
    }
    return { stdout: '', stderr: '', exitCode: 0 };
  });
}
