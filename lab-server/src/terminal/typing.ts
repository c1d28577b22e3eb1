/**
 * Types a script into a terminal line by line, as a learner would, and waits for each command to finish:
 * Solve uses it so the learner sees the solution run in their own terminal, and `labs verify` so the
 * solutions run exactly as Solve runs them. A line either completes a command (the terminal reports a
 * `CommandRecord`) or leaves the shell waiting for more (a `> ` continuation prompt: an open heredoc,
 * quote, loop or `{`); the next line is typed only then.
 */
import type { CommandRecord, TerminalChannel } from '../contract.ts';

/** Result of typing a script. */
export interface TypedScript {
  records: CommandRecord[];
  /** Exit status of the last command (0 when there was none). */
  exitCode: number;
  /** True when a line got neither a result nor a continuation prompt in time. */
  timedOut: boolean;
}

/** Options for `typeScript`. */
export interface TypingOptions {
  /** Longest wait for one line (a `kubectl wait` may take a while). */
  lineTimeoutMs?: number;
  signal?: AbortSignal;
}

// CSI/OSC escapes, so prompts are recognised whatever colours the shell uses.
const ANSI = /\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[@-Z\\-_]/g;

/** Plain text of terminal output. */
export function stripAnsi(text: string): string {
  return text.replace(ANSI, '').replace(/\r/g, '');
}

/** Types `script` into `terminal`; resolves when its last command finished. */
export async function typeScript(
  terminal: TerminalChannel,
  script: string,
  options: TypingOptions = {},
): Promise<TypedScript> {
  const records: CommandRecord[] = [];
  let continuing = false;
  for (const line of script.replace(/\r\n/g, '\n').replace(/\n+$/, '').split('\n')) {
    if (options.signal?.aborted) break;
    // Outside a multi-line command, blank and comment lines run nothing and produce no record.
    if (!continuing && (line.trim() === '' || line.trim().startsWith('#'))) continue;
    const outcome = await typeLine(terminal, line, options);
    if (outcome.kind === 'timeout') return { records, exitCode: records.at(-1)?.exitCode ?? 1, timedOut: true };
    if (outcome.kind === 'done') records.push(outcome.record);
    continuing = outcome.kind === 'continue';
  }
  return { records, exitCode: records.at(-1)?.exitCode ?? 0, timedOut: false };
}

type LineOutcome = { kind: 'done'; record: CommandRecord } | { kind: 'continue' } | { kind: 'timeout' };

function typeLine(terminal: TerminalChannel, line: string, options: TypingOptions): Promise<LineOutcome> {
  return new Promise((resolve) => {
    let seen = '';
    let settleTimer: NodeJS.Timeout | undefined;
    const finish = (outcome: LineOutcome) => {
      clearTimeout(timer);
      clearTimeout(settleTimer);
      offOutput();
      offCommand();
      options.signal?.removeEventListener('abort', onAbort);
      resolve(outcome);
    };
    const onAbort = () => finish({ kind: 'timeout' });
    const offCommand = terminal.onCommand((record) => finish({ kind: 'done', record }));
    const offOutput = terminal.onOutput((data) => {
      seen += data;
      clearTimeout(settleTimer);
      // A continuation prompt must stay the last thing shown for a moment (not a command's own output).
      if (/(^|\n)> $/.test(stripAnsi(seen))) settleTimer = setTimeout(() => finish({ kind: 'continue' }), 30);
    });
    const timer = setTimeout(() => finish({ kind: 'timeout' }), options.lineTimeoutMs ?? 180_000);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    terminal.write(`${line}\r`);
  });
}
