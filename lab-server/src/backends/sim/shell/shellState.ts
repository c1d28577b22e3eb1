/**
 * What one command line leaves behind for the next, as in bash: variables (exported or not, arrays),
 * functions, aliases, the working directory and `$?`. just-bash starts every `exec` fresh, so each line runs
 * inside a wrapper that first restores this state and afterwards writes it to files the shell reads back.
 */
import { parse, serialize, type ScriptNode, type StatementNode } from 'just-bash';
import { STREAM_AWARE_COMMANDS } from './orderedOutput.ts';
import { splitCommandNames } from './splitCommandName.ts';
import { orderStreams } from './streamOrder.ts';
import { rewriteTimeKeyword } from './timeKeyword.ts';

/** The carried-over state of one shell. */
export interface ShellState {
  /** `declare -p` lines of the learner's variables. */
  variables: string[];
  /** Function name to its definition's source. */
  functions: Map<string, string>;
  /** `alias` lines. */
  aliases: string[];
  cwd: string;
  status: number;
}

/** A fresh shell's state. */
export function initialState(cwd: string): ShellState {
  return { variables: [], functions: new Map(), aliases: [], cwd, status: 0 };
}

// Set by the shell itself or meaningless to carry (bash recomputes them).
const NOT_CARRIED = new Set([
  '?',
  'PIPESTATUS',
  'BASHOPTS',
  'SHELLOPTS',
  'PWD',
  'PPID',
  'BASHPID',
  'RANDOM',
  'LINENO',
  'SECONDS',
  'OPTIND',
  'IFS',
]);

function quote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * The script that runs `line` with `state` restored and dumps the new state into `dir`; `terminal` says whether
 * the line's output goes to a terminal (the learner's) or is captured (a script's, a check's).
 */
export function wrapLine(line: string, state: ShellState, dir: string, terminal = true): string {
  const restore = [
    ...state.variables,
    // A function's body runs with its caller's streams, told through the environment (streamOrder.ts).
    ...[...state.functions.values()].map((source) =>
      orderStreams(source, { merged: false, terminal: false, writers: STREAM_AWARE_COMMANDS, inherited: true }),
    ),
    ...state.aliases,
    'shopt -s expand_aliases',
    `cd ${quote(state.cwd)}`,
  ].join('\n');
  const ordered = orderStreams(rewriteTimeKeyword(splitCommandNames(line), 'bash'), {
    merged: true,
    terminal,
    scratch: `${dir}/pipe-stderr`,
    writers: STREAM_AWARE_COMMANDS,
    functions: new Set(state.functions.keys()),
    // Answered by the shell's file system (outputSink.ts): each finished command's output is shown at once.
    sink: `${dir}/out`,
  });
  // `$?` after the restore block is 0 (its `cd` succeeds); a subshell sets any other status (subshells cost the most
  // of anything here). The dump's status file is what the caller reads, so the script's own exit code is not reset.
  return [
    `{\n${restore}\n} >/dev/null 2>&1`,
    ...(state.status !== 0 ? [`(exit ${state.status})`] : []),
    // stderr joins stdout here so the terminal shows both in the order they were written.
    `{\n${ordered}\n} 2>&1`,
    '__labs_status=$?',
    `{ declare -p > ${dir}/vars; declare -F > ${dir}/functions; alias > ${dir}/aliases; ` +
      `pwd > ${dir}/cwd; echo $__labs_status > ${dir}/status; } 2>/dev/null`,
  ].join('\n');
}

/** Reads back the state a wrapped line dumped; `line` supplies the source of functions it defined. */
export function readState(
  dump: { vars?: string; functions?: string; aliases?: string; cwd?: string; status?: string },
  line: string,
  previous: ShellState,
): ShellState {
  if (dump.status === undefined) return previous;
  const variables = (dump.vars ?? '')
    .split('\n')
    .filter((l) => {
      const m = /^declare -(\S+) ([A-Za-z_][A-Za-z0-9_]*|\?)(=|$)/.exec(l);
      return m && !m[1]!.includes('r') && !NOT_CARRIED.has(m[2]!) && !m[2]!.startsWith('__labs');
    })
    // just-bash drops quoting in `declare -a A=(...)`; a declaration then a plain assignment keeps it.
    .map((l) => l.replace(/^declare -(\S+) ([A-Za-z_][A-Za-z0-9_]*)=\(/, 'declare -$1 $2; $2=('));
  const defined = new Set(
    (dump.functions ?? '')
      .split('\n')
      .map((l) => /^declare -f (\S+)/.exec(l)?.[1])
      .filter(Boolean) as string[],
  );
  const fresh = functionSources(line);
  const functions = new Map<string, string>();
  for (const name of defined) {
    const source = fresh.get(name) ?? previous.functions.get(name);
    if (source) functions.set(name, source);
  }
  return {
    variables,
    functions,
    aliases: (dump.aliases ?? '').split('\n').filter((l) => l.startsWith('alias ')),
    cwd: dump.cwd?.trim() || previous.cwd,
    status: Number(dump.status.trim()) || 0,
  };
}

/** Source text of every function a command line defines at its top level (`f() { ...; }`). */
export function functionSources(line: string): Map<string, string> {
  const found = new Map<string, string>();
  let script: ScriptNode;
  try {
    script = parse(line);
  } catch {
    return found;
  }
  const visit = (statements: StatementNode[]) => {
    for (const statement of statements) {
      for (const pipeline of statement.pipelines) {
        for (const command of pipeline.commands) {
          if (command.type === 'FunctionDef') {
            const single: ScriptNode = {
              type: 'Script',
              statements: [
                {
                  type: 'Statement',
                  pipelines: [{ type: 'Pipeline', commands: [command], negated: false }],
                  operators: [],
                  background: false,
                },
              ],
            } as ScriptNode;
            found.set(command.name, serialize(single));
          }
        }
      }
    }
  };
  visit(script.statements);
  return found;
}
