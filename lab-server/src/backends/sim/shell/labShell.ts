/**
 * One shell of the lab (a terminal's, or a script's): runs whole command lines on just-bash with the
 * simulator's commands, carrying bash's state from line to line, within the environment's limits.
 */
import { Bash, type CustomCommand, type IFileSystem } from 'just-bash';
import type { SimLimits } from '../limits.ts';
import type { SimClock } from '../types.ts';
import { createSleepCommand } from './commands/sleep/index.ts';
import { createTimeoutCommand } from './commands/timeout/index.ts';
import { completeness } from './completeness.ts';
import { initialState, readState, wrapLine, type ShellState } from './shellState.ts';
import { createTimeKeywordCommands } from './timeKeyword.ts';

/** just-bash's own commands the lab shell offers; the rest of its set (python, js, sqlite, network) stays off. */
export const BUILTIN_COMMANDS = [
  'echo',
  'cat',
  'printf',
  'ls',
  'mkdir',
  'rmdir',
  'touch',
  'rm',
  'cp',
  'mv',
  'ln',
  'chmod',
  'pwd',
  'readlink',
  'head',
  'tail',
  'wc',
  'stat',
  'grep',
  'fgrep',
  'egrep',
  'rg',
  'sed',
  'awk',
  'sort',
  'uniq',
  'comm',
  'cut',
  'paste',
  'tr',
  'rev',
  'nl',
  'fold',
  'expand',
  'unexpand',
  'strings',
  'split',
  'column',
  'join',
  'tee',
  'find',
  'basename',
  'dirname',
  'tree',
  'du',
  'env',
  'printenv',
  'alias',
  'unalias',
  'history',
  'xargs',
  'true',
  'false',
  'clear',
  'bash',
  'sh',
  'jq',
  'base64',
  'diff',
  'date',
  'sleep',
  'timeout',
  'time',
  'seq',
  'expr',
  'md5sum',
  'sha1sum',
  'sha256sum',
  'file',
  'help',
  'which',
  'tac',
  'hostname',
  'whoami',
  'od',
  'gzip',
  'gunzip',
  'zcat',
  'tar',
  'yq',
] as const;

/** What a command line printed (stdout and stderr in order) and its status. */
export interface LineResult {
  output: string;
  exitCode: number;
}

/** How a shell is made. */
export interface LabShellOptions {
  /** The environment's file system, shared by all its shells. */
  fs: IFileSystem;
  /** kubectl, istioctl, curl, python3...: made by the caller around `io`. */
  commands: CustomCommand[];
  /** Set while a line runs: where streaming commands (`kubectl logs -f`) write. */
  io: { stream?: ((text: string) => void) | undefined };
  /** The environment's clock: `sleep` and `timeout` wait on it and move it on. */
  clock: SimClock & { readonly virtual: boolean; advance(ms: number): Promise<void> };
  limits: SimLimits;
  home: string;
  env: Record<string, string>;
  /** Unique per shell: names the directory its state is kept in. */
  id: string;
}

/** A shell whose state carries over between lines. */
export class LabShell {
  readonly #options: LabShellOptions;
  readonly #bash: Bash;
  readonly #stateDir: string;
  #state: ShellState;
  #signal: AbortSignal | undefined;
  readonly #timeKeyword: ReturnType<typeof createTimeKeywordCommands>;

  constructor(options: LabShellOptions) {
    this.#options = options;
    this.#stateDir = `/.labs/shells/${options.id}`;
    this.#state = initialState(options.home);
    // `time` reads the environment's clock (see timeKeyword.ts).
    this.#timeKeyword = createTimeKeywordCommands(options.clock);
    this.#bash = new Bash({
      fs: options.fs,
      cwd: options.home,
      env: { HOME: options.home, PATH: '/usr/local/bin:/usr/bin:/bin', TERM: 'xterm-256color', ...options.env },
      commands: [...BUILTIN_COMMANDS],
      // `sleep` and `timeout` on the environment's clock replace just-bash's (which wait on the host's timers).
      customCommands: [
        createSleepCommand(options.clock, options.limits.sleepRealMs, options.io),
        createTimeoutCommand(options.clock),
        ...options.commands,
        ...this.#timeKeyword.commands,
      ],
      // `sleep` follows the environment's clock (virtual in tests) and stops on Ctrl-C.
      sleep: (ms) => options.clock.sleep(ms, this.#signal).catch(() => undefined),
      // Sizes are checked before strings are built (a `printf '%60000000s'` is refused, not computed).
      executionLimits: {
        maxCommandCount: 100_000,
        maxLoopIterations: 100_000,
        maxCallDepth: 200,
        maxStringLength: options.limits.stringBytes,
        maxHeredocSize: options.limits.stringBytes,
        // Counts what redirections write too (files, the state dump): the file system bounds that; the terminal's
        // share is cut at `outputChars` below.
        maxOutputSize: 4 * options.limits.fileSystemBytes,
        maxInputBytes: options.limits.fileSystemBytes,
        maxLiveBytes: 16 * options.limits.stringBytes,
        maxFileSystemBytes: options.limits.fileSystemBytes,
        maxSourceBytes: 2 * options.limits.keptStateBytes + options.limits.stringBytes,
        maxArrayElements: 100_000,
        maxBraceExpansionResults: 10_000,
      },
      processInfo: { pid: 4242, ppid: 1, uid: 0, gid: 0 },
    });
  }

  /** Back to the state of a new shell (variables, functions, aliases, directory, `$?`), for reuse by another script. */
  reset(): this {
    this.#state = initialState(this.#options.home);
    return this;
  }

  /** `$?` of the last line. */
  get status(): number {
    return this.#state.status;
  }

  /** The working directory. */
  get cwd(): string {
    return this.#state.cwd;
  }

  /** Runs one whole command line (possibly several physical lines). */
  async run(
    line: string,
    options: { signal?: AbortSignal; stream?: (text: string) => void } = {},
  ): Promise<LineResult> {
    const verdict = completeness(line);
    if (verdict.kind === 'error') {
      this.#state = { ...this.#state, status: 2 };
      return { output: `bash: ${verdict.message.replace(/^Parse error at \d+:\d+: /, '')}\n`, exitCode: 2 };
    }
    const timeout = new AbortController();
    const timer = setTimeout(() => timeout.abort(), this.#options.limits.commandTimeMs);
    const signal = options.signal ? AbortSignal.any([options.signal, timeout.signal]) : timeout.signal;
    this.#signal = signal;
    this.#timeKeyword.reset();
    this.#options.io.stream = options.stream;
    try {
      await this.#options.fs.mkdir(this.#stateDir, { recursive: true });
      const result = await this.#bash.exec(wrapLine(line, this.#state, this.#stateDir), { rawScript: true, signal });
      // A full file system, in bash's words rather than the in-memory file system's.
      let output = (result.stdout + result.stderr).replace(
        /^ENOSPC: in-memory filesystem byte limit exceeded \(\d+ bytes\)$/m,
        'bash: write error: No space left on device',
      );
      const dump = await this.#readDump();
      this.#state = readState(dump, line, this.#state);
      const dropped = this.#boundState();
      let exitCode = dump.status !== undefined ? this.#state.status : result.exitCode;
      if (timeout.signal.aborted) {
        output +=
          `\nlab shell: stopped after ${Math.round(this.#options.limits.commandTimeMs / 1000)} ` +
          `s, the longest one command may run here\n`;
        exitCode = 124;
      } else if (options.signal?.aborted) {
        exitCode = 130;
      }
      if (dropped) output += dropped;
      if (output.length > this.#options.limits.outputChars) {
        output =
          `${output.slice(0, this.#options.limits.outputChars)}\n[lab shell: ` +
          `output cut at ${this.#options.limits.outputChars} characters]\n`;
      }
      this.#state = { ...this.#state, status: exitCode };
      // Virtual time stands still between sleeps; a command still takes a moment of it, so that whatever happens
      // after a command (a step marked done, the next command) is later than the command on the clock.
      if (this.#options.clock.virtual) await this.#options.clock.advance(1);
      return { output, exitCode };
    } finally {
      clearTimeout(timer);
      this.#signal = undefined;
      this.#options.io.stream = undefined;
    }
  }

  /**
   * Keeps what carries to the next line within `keptStateBytes`: every line re-declares it, so a 32 MiB
   * variable would cost every later command. The largest variables go first; the learner is told which.
   */
  #boundState(): string | undefined {
    const limit = this.#options.limits.keptStateBytes;
    const size = (l: string) => l.length;
    let total =
      this.#state.variables.reduce((n, l) => n + size(l), 0) +
      [...this.#state.functions.values()].reduce((n, l) => n + size(l), 0) +
      this.#state.aliases.reduce((n, l) => n + size(l), 0);
    if (total <= limit) return undefined;
    const dropped: string[] = [];
    const bySize = [...this.#state.variables].sort((a, b) => b.length - a.length);
    const gone = new Set<string>();
    for (const l of bySize) {
      if (total <= limit) break;
      gone.add(l);
      total -= l.length;
      dropped.push(`$${/^declare -\S+ ([A-Za-z_][A-Za-z0-9_]*)/.exec(l)?.[1] ?? '?'} (${l.length} bytes)`);
    }
    this.#state = { ...this.#state, variables: this.#state.variables.filter((l) => !gone.has(l)) };
    return (
      `lab shell: not kept for the next command: ${dropped.join(', ')}; what ` +
      `carries from one command to the next is limited to ${limit} bytes\n`
    );
  }

  async #readDump(): Promise<{ vars?: string; functions?: string; aliases?: string; cwd?: string; status?: string }> {
    const read = async (name: string) => {
      const path = `${this.#stateDir}/${name}`;
      if (!(await this.#options.fs.exists(path))) return undefined;
      const text = await this.#options.fs.readFile(path);
      await this.#options.fs.rm(path, { force: true });
      return text;
    };
    return {
      vars: await read('vars'),
      functions: await read('functions'),
      aliases: await read('aliases'),
      cwd: await read('cwd'),
      status: await read('status'),
    };
  }
}
