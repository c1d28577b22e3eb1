/**
 * One shell of the lab (a terminal's, or a script's): runs whole command lines on just-bash with the
 * simulator's commands, carrying bash's state from line to line, within the environment's limits.
 */
import { randomUUID } from 'node:crypto';
import { Bash, defineCommand, type CustomCommand, type IFileSystem } from 'just-bash';
import type { SimLimits } from '../limits.ts';
import type { SimClock } from '../types.ts';
import { createSleepCommand } from './commands/sleep/index.ts';
import { createTimeoutCommand } from './commands/timeout/index.ts';
import { completeness } from './completeness.ts';
import { isLaidOut, withoutLayoutWrites } from './fsTemplate.ts';
import { environmentCpuMs, pause, sliceOver, type TimeHolder } from './scheduler.ts';
import {
  DUMP_FILE,
  initialState,
  KEPT_COMMAND,
  keptValues,
  leavesStateAlone,
  readDump,
  readState,
  wrapLine,
  type Dump,
  type ShellState,
} from './shellState.ts';
import { createTimeKeywordCommands } from './timeKeyword.ts';
import { STREAM_AWARE_COMMANDS } from './orderedOutput.ts';
import { withOutputSink } from './outputSink.ts';
import { DEFENSE_IN_DEPTH, holdSandbox } from './sandboxHold.ts';
import { streamOrderPlugin } from './streamOrder.ts';
import { withYieldPoint, yieldPointsPlugin } from './yieldPoints.ts';

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

/** The in-memory file system's full-disk message, reworded as bash words a failed write. */
const NO_SPACE = /^ENOSPC: in-memory filesystem byte limit exceeded \(\d+ bytes\)$/gm;

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
  /** The environment's clock: `sleep` and `timeout` wait on it and move it on; it stands still while the shell pauses. */
  clock: SimClock & TimeHolder & { readonly virtual: boolean; advance(ms: number): Promise<void> };
  limits: SimLimits;
  home: string;
  env: Record<string, string>;
  /** Unique per shell: names the directory its state is kept in. */
  id: string;
}

/** What may stop a running line, and which did. */
interface LineStops {
  /** Where the environment's CPU count stood when the line began. */
  cpuAtStart: number;
  stop: AbortController;
  timedOut: boolean;
  overBudget: boolean;
}

/** Fresh shells' `declare -p` lines, by how the shells are made (home, environment): learned once per thread. */
const freshLines = new Map<string, ReadonlySet<string>>();

/** A shell whose state carries over between lines. */
export class LabShell {
  readonly #options: LabShellOptions;
  readonly #bash: Bash;
  readonly #stateDir: string;
  #state: ShellState;
  #signal: AbortSignal | undefined;
  /** The running line's stops: where its environment's CPU count stood when it began, its stop, and why it stopped. */
  #budget: LineStops | undefined;
  readonly #timeKeyword: ReturnType<typeof createTimeKeywordCommands>;
  /** This shell's `ShellState.mark`. */
  readonly #mark: string;
  /** Rewrites the scripts a line runs inside itself; the line itself is rewritten before (shellState.ts). */
  readonly #streamOrder = streamOrderPlugin(STREAM_AWARE_COMMANDS);
  /** Every command this shell offers (just-bash's own and the custom ones): each has its stub in /bin and /usr/bin. */
  readonly commandNames: ReadonlySet<string>;
  /** The running line's output so far (outputSink.ts): shown at once when the line streams, else kept. */
  #sink: { stream: ((text: string) => void) | undefined; kept: string; chars: number; cut: boolean } | undefined;

  constructor(options: LabShellOptions) {
    this.#options = options;
    this.#stateDir = `/.labs/shells/${options.id}`;
    // 122 random bits from node's pooled entropy (a randomBytes call per shell cost a system call).
    this.#mark = `__labs_kept_${randomUUID().replaceAll('-', '')}`;
    this.#state = initialState(options.home, this.#mark);
    // `time` reads the environment's clock (see timeKeyword.ts).
    this.#timeKeyword = createTimeKeywordCommands(options.clock);
    // Every loop iteration reads this file, which the shell answers itself: its yield point (yieldPoints.ts).
    const turn = `${this.#stateDir}/turn`;
    // `sleep` and `timeout` on the environment's clock replace just-bash's (which wait on the host's timers).
    const customCommands = [
      createSleepCommand(options.clock, options.limits.sleepRealMs, options.io),
      createTimeoutCommand(options.clock),
      ...options.commands,
      ...this.#timeKeyword.commands,
      this.#unchangedCommand(),
    ];
    this.commandNames = new Set([...BUILTIN_COMMANDS, ...customCommands.map((c) => c.name)]);
    // A file system copied from a template holds the stubs and /dev, /proc already (fsTemplate.ts): writing them
    // again was most of what making a shell cost.
    const fs = isLaidOut(options.fs, this.commandNames) ? withoutLayoutWrites(options.fs) : options.fs;
    this.#bash = new Bash({
      fs: withOutputSink(
        withYieldPoint(fs, turn, () => this.#checkpoint()),
        `${this.#stateDir}/out`,
        (text) => this.#write(text),
      ),
      cwd: options.home,
      env: { HOME: options.home, PATH: '/usr/local/bin:/usr/bin:/bin', TERM: 'xterm-256color', ...options.env },
      commands: [...BUILTIN_COMMANDS],
      customCommands,
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
      defenseInDepth: DEFENSE_IN_DEPTH,
    });
    this.#bash.registerTransformPlugin(yieldPointsPlugin(turn));
    // Scripts run inside a line (`bash -c`, `timeout 5 sh -c ...`) keep their commands' order too.
    this.#bash.registerTransformPlugin(this.#streamOrder);
  }

  /**
   * The dump's `KEPT_COMMAND`: marks each big value the line left as it was handed over (the same string), so that
   * `declare -p` prints the mark, not the value. It sees the line's own variables (just-bash hands host commands
   * the running shell's variables).
   */
  #unchangedCommand(): CustomCommand {
    return defineCommand(KEPT_COMMAND, async (_args, ctx) => {
      for (const [name, kept] of this.#state.values)
        if (ctx.env.get(name) === kept.value) ctx.env.set(name, this.#mark);
      return { stdout: '', stderr: '', exitCode: 0 };
    });
  }

  /** A finished command's output (outputSink.ts): to the terminal now, or kept for the line's result; cut at the limit. */
  #write(text: string): void {
    const sink = this.#sink;
    if (!sink || sink.cut) return;
    const room = this.#options.limits.outputChars - sink.chars;
    const shown = text.length > room ? text.slice(0, Math.max(0, room)) : text;
    if (shown.length < text.length) sink.cut = true;
    sink.chars += shown.length;
    const fixed = shown.replace(NO_SPACE, 'bash: write error: No space left on device');
    if (sink.stream) sink.stream(fixed);
    else sink.kept += fixed;
  }

  /** A loop's yield point: stops the line once its CPU budget is spent, else lets others run when its slice is over. */
  async #checkpoint(): Promise<void> {
    const budget = this.#budget;
    if (budget && environmentCpuMs() - budget.cpuAtStart > this.#options.limits.commandCpuMs) {
      budget.overBudget = true;
      budget.stop.abort();
    } else if (this.sliceOver()) await this.pause();
  }

  /** True when this shell's turn has lasted its slice (scheduler.ts). */
  sliceOver(): boolean {
    return sliceOver(this.#options.clock);
  }

  /** Lets the thread's other environments run for a turn (this environment's clock stands still meanwhile). */
  pause(): Promise<void> {
    return pause(this.#options.clock);
  }

  /** Back to the state of a new shell (variables, functions, aliases, directory, `$?`), for reuse by another script. */
  reset(): this {
    this.#state = initialState(this.#options.home, this.#mark, this.#state.fresh);
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
    options: { signal?: AbortSignal; stream?: (text: string) => void; terminal?: boolean } = {},
  ): Promise<LineResult> {
    const verdict = completeness(line);
    if (verdict.kind === 'error') {
      this.#state = { ...this.#state, status: 2 };
      return { output: `bash: ${verdict.message.replace(/^Parse error at \d+:\d+: /, '')}\n`, exitCode: 2 };
    }
    // One controller stops the line, whoever stops it (the time limit, the CPU budget, the caller's signal): a
    // combined signal (`AbortSignal.any`) costs a few percent of a short line.
    const budget: LineStops = {
      cpuAtStart: environmentCpuMs(),
      stop: new AbortController(),
      timedOut: false,
      overBudget: false,
    };
    const timer = setTimeout(() => {
      budget.timedOut = true;
      budget.stop.abort();
    }, this.#options.limits.commandTimeMs);
    const callerStop = () => budget.stop.abort();
    if (options.signal?.aborted) callerStop();
    else options.signal?.addEventListener('abort', callerStop);
    const signal = budget.stop.signal;
    this.#signal = signal;
    this.#budget = budget;
    this.#timeKeyword.reset();
    this.#options.io.stream = options.stream;
    try {
      // A long line costs several steps (checked, parsed, run, its state read back): each may start a new turn.
      if (this.sliceOver()) await this.pause();
      await this.#options.fs.mkdir(this.#stateDir, { recursive: true });
      if (this.#state.fresh.size === 0) await this.#learnFresh();
      const sink = { stream: options.stream, kept: '', chars: 0, cut: false };
      this.#sink = sink;
      // A script's output is captured, not a terminal's (curl, istioctl print no colours into it).
      // A line that cannot change the state is run without the dump that reads the state back.
      const stateless = leavesStateAlone(line, this.#state);
      const script = wrapLine(line, this.#state, this.#stateDir, options.terminal ?? true, !stateless);
      const env = keptValues(this.#state);
      this.#streamOrder.skipNext();
      holdSandbox();
      const result = await this.#bash.exec(script, { rawScript: true, signal, ...(env ? { env } : {}) });
      if (this.sliceOver()) await this.pause();
      // What commands printed went through the sink; what is left here did not (a line run as typed). A full file
      // system is worded as bash words it rather than as the in-memory file system does (once per failed write).
      let output = `${sink.kept}${(result.stdout + result.stderr).replace(NO_SPACE, 'bash: write error: No space left on device')}`;
      let exitCode = result.exitCode;
      let dropped: string | undefined;
      if (!stateless) {
        const dump = await this.#readDump(line);
        this.#state = readState(dump, line, this.#state, result.env);
        dropped = this.#boundState();
        if (dump.status !== undefined) exitCode = this.#state.status;
      }
      if (budget.timedOut) {
        output +=
          `\nlab shell: stopped after ${Math.round(this.#options.limits.commandTimeMs / 1000)} ` +
          `s, the longest one command may run here\n`;
        exitCode = 124;
      } else if (budget.overBudget) {
        const cpuSeconds = Math.round(this.#options.limits.commandCpuMs / 100) / 10;
        output += `\nlab shell: stopped: this command used ${cpuSeconds} s of the lab's CPU time, the most one command may use here\n`;
        exitCode = 124;
      } else if (options.signal?.aborted) {
        exitCode = 130;
      }
      if (dropped) output += dropped;
      const limit = this.#options.limits.outputChars;
      // Streamed output counts too: what is left of the limit after it.
      const streamed = sink.stream ? sink.chars : 0;
      if (sink.cut || streamed + output.length > limit)
        output = `${output.slice(0, Math.max(0, limit - streamed))}\n[lab shell: output cut at ${limit} characters]\n`;
      this.#state = { ...this.#state, status: exitCode };
      // Virtual time stands still between sleeps; a command still takes a moment of it, so that whatever happens
      // after a command (a step marked done, the next command) is later than the command on the clock.
      if (this.#options.clock.virtual) await this.#options.clock.advance(1);
      return { output, exitCode };
    } finally {
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', callerStop);
      this.#signal = undefined;
      this.#budget = undefined;
      this.#options.io.stream = undefined;
      this.#sink = undefined;
    }
  }

  /**
   * Keeps what carries to the next line within `keptStateBytes`: every line re-declares it, so a 32 MiB
   * variable would cost every later command. The largest variables go first; the learner is told which.
   */
  #boundState(): string | undefined {
    const limit = this.#options.limits.keptStateBytes;
    const state = this.#state;
    // A value counts as the `declare` line it stands for (its quoting aside).
    const variables = [
      ...state.variables.map((l) => ({
        name: /^declare -\S+ ([A-Za-z_][A-Za-z0-9_]*)/.exec(l)?.[1] ?? '?',
        size: l.length,
        l,
      })),
      ...[...state.values].map(([name, kept]) => ({ name, size: kept.value.length + name.length + 14, l: undefined })),
    ];
    let total =
      variables.reduce((n, v) => n + v.size, 0) +
      [...state.functions.values()].reduce((n, l) => n + l.length, 0) +
      state.aliases.reduce((n, l) => n + l.length, 0);
    if (total <= limit) return undefined;
    const dropped: string[] = [];
    const gone = new Set<string>();
    for (const v of variables.sort((a, b) => b.size - a.size)) {
      if (total <= limit) break;
      gone.add(v.name);
      total -= v.size;
      dropped.push(`$${v.name} (${v.size} bytes)`);
    }
    this.#state = {
      ...state,
      variables: state.variables.filter((l) => !gone.has(/^declare -\S+ ([A-Za-z_][A-Za-z0-9_]*)/.exec(l)?.[1] ?? '?')),
      values: new Map([...state.values].filter(([name]) => !gone.has(name))),
    };
    return (
      `lab shell: not kept for the next command: ${dropped.join(', ')}; what ` +
      `carries from one command to the next is limited to ${limit} bytes\n`
    );
  }

  /** Learns what a fresh shell's variables are (see `ShellState.fresh`): one line that runs nothing, once per thread. */
  async #learnFresh(): Promise<void> {
    const key = JSON.stringify([this.#options.home, this.#options.env]);
    let fresh = freshLines.get(key);
    if (!fresh) {
      const start = initialState(this.#options.home, this.#mark);
      this.#streamOrder.skipNext();
      await this.#bash.exec(wrapLine(':', start, this.#stateDir), { rawScript: true });
      fresh = new Set(readState(await this.#readDump(':'), ':', start).variables);
      if (fresh.size > 0) freshLines.set(key, fresh);
    }
    // A shell that ran nothing yet has the fresh shell's variables (nothing to restore, nothing to unset).
    const untouched = this.#state.variables.length === 0 && this.#state.values.size === 0;
    this.#state = { ...this.#state, fresh, ...(untouched ? { variables: [...fresh] } : {}) };
  }

  async #readDump(line: string): Promise<Dump> {
    const path = `${this.#stateDir}/${DUMP_FILE}`;
    if (!(await this.#options.fs.exists(path))) return {};
    const text = await this.#options.fs.readFile(path);
    await this.#options.fs.rm(path, { force: true });
    return readDump(text, line, this.#state);
  }
}
