/**
 * `time` as BusyBox's applet runs it inside the curl and sleep images (`kubectl exec ... -- time curl ...`):
 * `time [-vpa] [-o FILE] [-f FMT] PROG ARGS`, the report on stderr (or FILE), PROG's exit status passed on.
 * Elapsed time comes from the environment's clock, so a `/delay/5` reads `0m 5.0Xs` in tests too.
 */
import { decodeBytesToUtf8, defineCommand, type Command } from 'just-bash';
import type { SimClock } from '../../../types.ts';
import { busyboxReport } from './format.ts';
import { childEnv } from '../../orderedOutput.ts';

/** BusyBox's usage text, printed when PROG is missing or an option is unknown. */
export const BUSYBOX_TIME_USAGE =
  'BusyBox v1.37.0 (2025-08-05 16:40:33 UTC) multi-call binary.\n\n' +
  'Usage: time [-vpa] [-o FILE] PROG ARGS\n\n' +
  'Run PROG, display resource usage when it exits\n\n' +
  '\t-v\tVerbose\n\t-p\tPOSIX output format\n\t-f FMT\tCustom format\n\t-o FILE\tWrite result to FILE\n' +
  '\t-a\tAppend (else overwrite)\n';

/** Shell-quotes one word so PROG and its arguments reach the sub-shell unchanged (and `time` is never a keyword there). */
export function shellWord(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A `-f FMT` format: `%e %E %x %C %U %S %%`, backslash `\n \t \\`; other directives print 0. */
function customReport(fmt: string, elapsedMs: number, exitCode: number, command: string[]): string {
  const ms = Math.max(0, Math.floor(elapsedMs));
  let out = '';
  for (let i = 0; i < fmt.length; i++) {
    const ch = fmt[i];
    if (ch === '%' && i + 1 < fmt.length) {
      const d = fmt[++i];
      if (d === '%') out += '%';
      else if (d === 'e') out += `${Math.floor(ms / 1000)}.${String(Math.floor(ms / 10) % 100).padStart(2, '0')}`;
      else if (d === 'E') out += busyboxReport(ms, 0, 'default', command).split('\n')[0]!.slice('real\t'.length);
      else if (d === 'x') out += String(exitCode);
      else if (d === 'C') out += command.join(' ');
      else if (d === 'U' || d === 'S') out += '0.00';
      else if (d === 'u' || d === 'T') out += '0m 0.00s';
      else out += '0';
    } else if (ch === '\\' && i + 1 < fmt.length) {
      const e = fmt[++i];
      out += e === 'n' ? '\n' : e === 't' ? '\t' : e === '\\' ? '\\' : `\\${e}`;
    } else out += ch;
  }
  return `${exitCode !== 0 ? `Command exited with non-zero status ${exitCode}\n` : ''}${out}\n`;
}

/** The applet. */
export function createBusyboxTimeCommand(clock: SimClock): Command {
  return defineCommand('time', async (args, ctx) => {
    let format: 'default' | 'posix' | 'verbose' = 'default';
    let custom: string | undefined = ctx.env.get('TIME');
    let outputFile: string | undefined;
    let append = false;
    let i = 0;
    // getopt32 "+vpao:f:": options up to the first non-option word, bundles allowed.
    for (; i < args.length; i++) {
      const a = args[i]!;
      if (a === '--') {
        i++;
        break;
      }
      if (!a.startsWith('-') || a === '-') break;
      for (let j = 1; j < a.length; j++) {
        const letter = a[j]!;
        if (letter === 'v') format = 'verbose';
        else if (letter === 'p') format = 'posix';
        else if (letter === 'a') append = true;
        else if (letter === 'o' || letter === 'f') {
          const value = a.slice(j + 1) || args[++i];
          if (value === undefined)
            return {
              stdout: '',
              stderr: `time: option requires an argument -- '${letter}'\n${BUSYBOX_TIME_USAGE}`,
              exitCode: 1,
            };
          if (letter === 'o') outputFile = value;
          else custom = value;
          break;
        } else
          return { stdout: '', stderr: `time: unrecognized option: ${letter}\n${BUSYBOX_TIME_USAGE}`, exitCode: 1 };
      }
      if (format !== 'default') custom = undefined;
    }
    const command = args.slice(i);
    if (command.length === 0) return { stdout: '', stderr: BUSYBOX_TIME_USAGE, exitCode: 1 };
    if (!ctx.exec) return { stdout: '', stderr: 'time: cannot run commands here\n', exitCode: 1 };

    const started = clock.now();
    const result = await ctx.exec(command.map(shellWord).join(' '), {
      cwd: ctx.cwd,
      // What it runs inherits its exported variables (where its streams go among them).
      env: childEnv(ctx),
      stdin: decodeBytesToUtf8(ctx.stdin),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
    const elapsed = clock.now() - started;
    let stderr = result.stderr;
    // BusyBox execs PROG itself: a missing one is its own message, not a shell's.
    if (result.exitCode === 127 && /command not found|: not found/.test(stderr))
      stderr = `time: can't execute '${command[0]}': No such file or directory\n`;
    const report =
      custom !== undefined && format === 'default'
        ? customReport(custom, elapsed, result.exitCode, command)
        : busyboxReport(elapsed, result.exitCode, format, command);
    if (outputFile !== undefined) {
      const path = ctx.fs.resolvePath(ctx.cwd, outputFile);
      try {
        if (append && (await ctx.fs.exists(path))) await ctx.fs.appendFile(path, report);
        else await ctx.fs.writeFile(path, report);
      } catch {
        return {
          stdout: result.stdout,
          stderr: `${stderr}time: can't open '${outputFile}': No such file or directory\n`,
          exitCode: 1,
        };
      }
      return { stdout: result.stdout, stderr, exitCode: result.exitCode };
    }
    return { stdout: result.stdout, stderr: stderr + report, exitCode: result.exitCode };
  });
}
