/**
 * What one command line leaves behind for the next, as in bash: variables (exported or not, arrays),
 * functions, aliases, the working directory and `$?`. just-bash starts every `exec` fresh, so each line runs
 * inside a wrapper that first restores this state and afterwards writes it to files the shell reads back.
 */
import { parse, serialize, type ScriptNode, type StatementNode } from 'just-bash';
import { LineMemo } from './lineMemo.ts';
import { STREAM_AWARE_COMMANDS } from './orderedOutput.ts';
import { splitCommandNames } from './splitCommandName.ts';
import { orderStreams } from './streamOrder.ts';
import { rewriteTimeKeyword } from './timeKeyword.ts';

/**
 * A big plain variable (no attribute but `export`): carried as its value, handed to the next line as a variable
 * the line starts with, not as text it parses. A kept 1 MiB variable then costs the lines after it nothing.
 */
export interface KeptValue {
  value: string;
  exported: boolean;
}

/** A variable's `declare -p` line longer than this is kept as a value when it can be (see `KeptValue`). */
export const KEPT_AS_VALUE_CHARS = 4096;

/** The carried-over state of one shell. */
export interface ShellState {
  /** `declare -p` lines of the learner's variables (except those in `values`). */
  variables: string[];
  /** Big plain variables, by name. */
  values: Map<string, KeptValue>;
  /** Function name to its definition's source. */
  functions: Map<string, string>;
  /** `alias` lines. */
  aliases: string[];
  cwd: string;
  status: number;
  /**
   * Unique per shell, unguessable: the dump writes it in place of a big value the line did not change
   * (`KEPT_COMMAND`), so `declare -p` does not print the value again on every line.
   */
  mark: string;
  /**
   * The `declare -p` lines of a fresh shell of the same making (`HOME`, `PATH`, `HOSTNAME`...): every line starts
   * with them, so only the lines that differ are restored (and the names that were unset are unset).
   */
  fresh: ReadonlySet<string>;
}

const NOTHING: ReadonlySet<string> = new Set();

/** The command of the dump that puts the shell's `mark` in place of every big value the line left unchanged. */
export const KEPT_COMMAND = '__labs_unchanged';

/** A fresh shell's state. */
export function initialState(cwd: string, mark = '', fresh = NOTHING): ShellState {
  return { variables: [...fresh], values: new Map(), functions: new Map(), aliases: [], cwd, status: 0, mark, fresh };
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
 * A line as it runs, from its key (`rewriteKey`): names split, `time` and streams rewritten. The key holds all the
 * rewrite depends on: the shell's directory, whether the output is a terminal, the functions defined, the line.
 */
function rewrite(key: string): string {
  const [dir, terminal, functions, ...rest] = key.split('\n');
  return orderStreams(rewriteTimeKeyword(splitCommandNames(rest.join('\n')), 'bash'), {
    merged: true,
    terminal: terminal === '1',
    scratch: `${dir}/pipe-stderr`,
    writers: STREAM_AWARE_COMMANDS,
    functions: new Set(functions ? functions.split(' ') : []),
    // Answered by the shell's file system (outputSink.ts): each finished command's output is shown at once.
    sink: `${dir}/out`,
  });
}

function rewriteKey(line: string, state: ShellState, dir: string, terminal: boolean): string {
  return `${dir}\n${terminal ? 1 : 0}\n${[...state.functions.keys()].join(' ')}\n${line}`;
}

/** A function's body runs with its caller's streams, told through the environment (streamOrder.ts). */
const inheriting = new LineMemo((source: string) =>
  orderStreams(source, { merged: false, terminal: false, writers: STREAM_AWARE_COMMANDS, inherited: true }),
);

/** Rewritten recent lines: each rewrite parses the line (three times when it has `$` and `time`). */
const rewritten = new LineMemo(rewrite);

/** The variables a line starts with, besides the restored ones: the big values of `state` (see `KeptValue`). */
export function keptValues(state: ShellState): Record<string, string> | undefined {
  if (state.values.size === 0) return undefined;
  const env: Record<string, string> = Object.create(null) as Record<string, string>;
  for (const [name, kept] of state.values) env[name] = kept.value;
  return env;
}

/**
 * The script that runs `line` with `state` restored (its `keptValues` set beforehand) and dumps the new state into
 * `dir`; `terminal` says whether the line's output goes to a terminal (the learner's) or is captured (a script's, a
 * check's).
 */
export function wrapLine(line: string, state: ShellState, dir: string, terminal = true, dump = true): string {
  const restore = restoreBlock(state);
  const ordered = rewritten.get(rewriteKey(line, state, dir, terminal));
  const sep = separator(state);
  // `$?` after the restore block is 0 (its `cd` succeeds); a subshell sets any other status (subshells cost the most
  // of anything here). The dump's status file is what the caller reads, so the script's own exit code is not reset.
  // A line that leaves the state as it was (`leavesStateAlone`) runs after the same restore, with nothing after it:
  // its status is the script's. It does not read `$?` either.
  if (!dump) return `{\n${restore}\n} >/dev/null 2>&1\n{\n${ordered}\n} 2>&1`;
  return [
    `{\n${restore}\n} >/dev/null 2>&1`,
    ...(state.status !== 0 ? [`(exit ${state.status})`] : []),
    // stderr joins stdout here so the terminal shows both in the order they were written.
    `{\n${ordered}\n} 2>&1`,
    '__labs_status=$?',
    // One file, in sections `readDump` splits: the status and variables, then functions and aliases when the line
    // can have changed them, then the directory (last: a directory's name may hold a newline).
    `{ ${state.values.size > 0 && state.mark ? `${KEPT_COMMAND}; ` : ''}echo $__labs_status; declare -p; ` +
      `${changesDefinitions(line, state) ? `echo ${sep}; declare -F; echo ${sep}; alias; ` : ''}echo ${sep}; pwd; } ` +
      `> ${dir}/${DUMP_FILE} 2>/dev/null`,
  ].join('\n');
}

/** The last restore block made from each state's variables, with the rest of the state it was made from. */
const restores = new WeakMap<
  readonly string[],
  { text: string } & Pick<ShellState, 'values' | 'functions' | 'aliases' | 'cwd' | 'fresh'>
>();

/**
 * The commands that put `state` back in a fresh shell. Lines that leave the state alone leave the same one for the
 * next line (only `$?` differs), which then finds its block made.
 */
function restoreBlock(state: ShellState): string {
  const made = restores.get(state.variables);
  if (
    made &&
    made.values === state.values &&
    made.functions === state.functions &&
    made.aliases === state.aliases &&
    made.cwd === state.cwd &&
    made.fresh === state.fresh
  )
    return made.text;
  const text = [
    ...restoredVariables(state),
    ...[...state.values].filter(([, kept]) => kept.exported).map(([name]) => `export ${name}`),
    ...[...state.functions.values()].map((source) => inheriting.get(source)),
    ...state.aliases,
    'shopt -s expand_aliases',
    `cd ${quote(state.cwd)}`,
  ].join('\n');
  const { values, functions, aliases, cwd, fresh } = state;
  restores.set(state.variables, { text, values, functions, aliases, cwd, fresh });
  return text;
}

/**
 * Commands that change nothing of the shell's state (variables, functions, aliases, directory) and run no other
 * command: a line of one of them with plain words needs no dump of the state after it.
 */
const STATELESS_COMMANDS = new Set([
  'kubectl',
  'istioctl',
  'curl',
  'echo',
  'cat',
  'ls',
  'pwd',
  'head',
  'tail',
  'wc',
  'grep',
  'sort',
  'uniq',
  'cut',
  'tr',
  'diff',
  'date',
  'whoami',
  'hostname',
  'seq',
  'base64',
  'jq',
  'yq',
  'tree',
  'stat',
  'file',
  'mkdir',
  'touch',
  'rm',
  'cp',
  'mv',
]);

/**
 * One token of a plain line: blanks, an operator between commands (`|`, `||`, `&&`, `;`), or a plain word (letters,
 * digits, `-_./:,=@%+`, quoted text without `$`, backquotes, backslashes or `!`). Anything else (a redirection, `&`,
 * an expansion, a glob, a comment, a newline outside quotes) is not plain.
 */
const PLAIN_TOKEN = /[ \t]+|(\|\||&&|[|;])|((?:[A-Za-z0-9_\-./:,=@%+]|'[^']*'|"[^"$`\\!]*")+)/y;

/** The command names of `line` when it is plain commands joined by operators (see `PLAIN_TOKEN`), else undefined. */
function plainCommands(line: string): string[] | undefined {
  const names: string[] = [];
  let expectName = true;
  for (let at = 0; at < line.length; ) {
    PLAIN_TOKEN.lastIndex = at;
    const token = PLAIN_TOKEN.exec(line);
    if (!token) return undefined;
    at = PLAIN_TOKEN.lastIndex;
    if (token[1]) {
      if (expectName) return undefined;
      expectName = true;
    } else if (token[2] !== undefined && expectName) {
      names.push(token[2]);
      expectName = false;
    }
  }
  return expectName ? undefined : names;
}

/**
 * Whether `line` cannot change the shell's state: plain commands of `STATELESS_COMMANDS` (see `PLAIN_TOKEN`), alone
 * or joined by `|`, `||`, `&&` or `;`, none of them an alias or a function of `state`. Such a line is run without
 * the dump (`wrapLine`), and the caller keeps the state as it was but for `$?`.
 */
export function leavesStateAlone(line: string, state: ShellState): boolean {
  const names = plainCommands(line);
  if (!names) return false;
  for (const name of names)
    if (
      !STATELESS_COMMANDS.has(name) ||
      state.functions.has(name) ||
      state.aliases.some((a) => a.startsWith(`alias ${name}=`))
    )
      return false;
  return true;
}

/**
 * Whether `line` may define or remove functions or aliases: only then does the dump list them (two commands less on
 * every other line). Any function may (a function can define one), and so may any line that names a command through
 * an expansion, sources a file, evals, or says `function`, `unset`, `alias`, `unalias` or has a `(`.
 */
export function changesDefinitions(line: string, state: ShellState): boolean {
  return state.functions.size > 0 || DEFINING.test(line);
}

const DEFINING = /[($`]|\b(function|unset|alias|unalias|source|eval|exec|builtin|command)\b|(^|[\s;&|{])\.(\s|$)/;

/** What restores the variables of `state` in a fresh shell: the lines that differ from its own, and unsets. */
function restoredVariables(state: ShellState): string[] {
  if (state.fresh.size === 0) return state.variables;
  const lines = state.variables.filter((l) => !state.fresh.has(l));
  const names = new Set([...state.variables.map(variableName), ...state.values.keys()]);
  for (const l of state.fresh) {
    const name = variableName(l);
    if (name && !names.has(name)) lines.push(`unset ${name}`);
  }
  return lines;
}

function variableName(declaration: string): string {
  return /^declare -\S+ ([A-Za-z_][A-Za-z0-9_]*)/.exec(declaration)?.[1] ?? '';
}

/** The file in a shell's directory the wrapper dumps the state into. */
export const DUMP_FILE = 'state';

/** What a wrapped line dumped, by section; no status when the dump was not written whole. */
export interface Dump {
  vars?: string;
  functions?: string;
  aliases?: string;
  cwd?: string;
  status?: string;
  /** The line could not change functions or aliases: the previous ones stand. */
  unchanged?: boolean;
}

/**
 * The sections of the dump file's `text`, written by `line` wrapped with `state`; functions and aliases as they were
 * when the line could not change them.
 */
export function readDump(text: string | undefined, line: string, state: ShellState): Dump {
  if (text === undefined) return {};
  const sep = separator(state);
  const sections: string[][] = [[]];
  for (const l of text.split('\n')) {
    if (l === sep) sections.push([]);
    else sections.at(-1)!.push(l);
  }
  const full = changesDefinitions(line, state);
  if (sections.length !== (full ? 4 : 2)) return {};
  const [head, ...rest] = sections.map((lines) => lines.join('\n'));
  const cut = head!.indexOf('\n');
  const status = cut < 0 ? head! : head!.slice(0, cut);
  const vars = cut < 0 ? '' : head!.slice(cut + 1);
  const cwd = rest.at(-1)!;
  if (!full) return { status, vars, cwd, unchanged: true };
  return { status, vars, functions: rest[0]!, aliases: rest[1]!, cwd };
}

/** The line between two sections of the dump: the shell's mark (nobody can write it by chance). */
function separator(state: ShellState): string {
  return state.mark || '__labs_dump_section';
}

/**
 * Reads back the state a wrapped line dumped; `line` supplies the source of functions it defined, `env` (the
 * variables as the line left them, just-bash's result) the values of big plain variables.
 */
export function readState(
  dump: Dump,
  line: string,
  previous: ShellState,
  env: Readonly<Record<string, string>> = {},
): ShellState {
  if (dump.status === undefined) return previous;
  const variables: string[] = [];
  const values = new Map<string, KeptValue>();
  for (const l of (dump.vars ?? '').split('\n')) {
    const m = /^declare -(\S+) ([A-Za-z_][A-Za-z0-9_]*|\?)(=|$)/.exec(l);
    if (!m || m[1]!.includes('r') || NOT_CARRIED.has(m[2]!) || m[2]!.startsWith('__labs')) continue;
    const [, flags, name] = m;
    const unchanged = previous.mark && previous.values.get(name!);
    if (unchanged && l === `declare -${flags} ${name}="${previous.mark}"`) {
      if (flags === '-' || flags === 'x') values.set(name!, { value: unchanged.value, exported: flags === 'x' });
      // The line gave it an attribute (`declare -i x`): carried as text from now on.
      else variables.push(`declare -${flags} ${name}=${quote(unchanged.value)}`);
      continue;
    }
    const value = Object.hasOwn(env, name!) ? env[name!] : undefined;
    if (l.length > KEPT_AS_VALUE_CHARS && (flags === '-' || flags === 'x') && m[3] === '=' && value !== undefined)
      values.set(name!, { value, exported: flags === 'x' });
    // just-bash drops quoting in `declare -a A=(...)`; a declaration then a plain assignment keeps it.
    else variables.push(l.replace(/^declare -(\S+) ([A-Za-z_][A-Za-z0-9_]*)=\(/, 'declare -$1 $2; $2=('));
  }
  if (dump.unchanged) {
    return {
      ...previous,
      variables,
      values,
      cwd: dump.cwd?.trim() || previous.cwd,
      status: Number(dump.status.trim()) || 0,
    };
  }
  const defined = new Set(
    (dump.functions ?? '')
      .split('\n')
      .map((l) => /^declare -f (\S+)/.exec(l)?.[1])
      .filter(Boolean) as string[],
  );
  // Only a line that defines a function has sources to read (a parse of the line): `f() ...`, `function f ...`.
  const written = /\(|\bfunction\b/.test(line) ? sources.get(line) : NO_SOURCES;
  const functions = new Map<string, string>();
  for (const name of defined) {
    const source = written.get(name) ?? previous.functions.get(name);
    if (source) functions.set(name, source);
  }
  return {
    variables,
    values,
    mark: previous.mark,
    fresh: previous.fresh,
    functions,
    aliases: (dump.aliases ?? '').split('\n').filter((l) => l.startsWith('alias ')),
    cwd: dump.cwd?.trim() || previous.cwd,
    status: Number(dump.status.trim()) || 0,
  };
}

const NO_SOURCES: ReadonlyMap<string, string> = new Map();
/** Function sources of recent lines. */
const sources = new LineMemo(functionSources);

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
