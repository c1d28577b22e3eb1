/**
 * Where each command of a line writes, read from the line's pipes and redirections, so the terminal shows what a
 * real one shows. just-bash returns stdout and stderr apart at every level, so:
 * - every command whose stderr goes where its stdout goes gets `2>&1` in front of its own redirections (the same
 *   place, but now written in order with the other commands' output: `echo one; ls /nope; echo three`);
 * - a command writing into a pipe sends its stderr to the terminal, not down the pipe. just-bash has no descriptor
 *   that stays the terminal inside a pipeline, so such commands append their stderr to a scratch file, shown (and
 *   removed) as soon as the pipeline ends: `kubectl exec ... | grep X; echo next` shows kubectl's complaint before
 *   `next`, as bash does (the pipeline's exit status is kept, PIPESTATUS is not);
 * - a command that writes both streams itself (kubectl, curl: `writers`) is told, by a variable set on it alone
 *   (orderedOutput.ts), whether its two streams end in one place and whether its stdout is the terminal, so it can
 *   keep its own writes in order (`curl -v`'s verbose lines around the body) and print what curl prints to a TTY.
 * Redirections are followed as bash applies them, left to right (`2>&1 >f` keeps stderr on the terminal,
 * `>f 2>&1` sends both to f); a group's or loop's redirections apply to every command inside it.
 */
import { parse, serialize, type TransformPlugin } from 'just-bash';
import { CARRIERS, STREAMS_VARIABLE, streamsValue } from './orderedOutput.ts';
import { hasHeredocs } from './completeness.ts';

type Node = { type?: string; [key: string]: unknown };

/** A place output goes to; the same object means the same place. */
interface Sink {
  readonly name: string;
}

/** Where stdout (1), stderr (2) and any other open descriptor of a command write. */
type Descriptors = Map<number, Sink>;

/** How a line's top level is wired, and what the rewrite may use. */
export interface StreamOrderOptions {
  /** The line's stdout and stderr reach one place (a terminal, a `2>&1`): `false` keeps them apart. */
  merged: boolean;
  /** The line's stdout is a terminal (the learner's, or a container's TTY). */
  terminal: boolean;
  /** A file where piped commands' stderr waits for its pipeline's end; without it that stderr comes last. */
  scratch?: string;
  /** Commands that keep their own writes in order when told where their streams go. */
  writers: ReadonlySet<string>;
  /**
   * Functions the shell already knows (defined on earlier lines): like the commands that run others (`CARRIERS`),
   * they are told so the commands inside them inherit where their caller's streams go.
   */
  functions?: ReadonlySet<string>;
  /**
   * The script runs inside a process whose streams are its own, told through the environment (`bash -c`, a function
   * body, `timeout`'s command): its commands inherit the variable, and those with redirections of their own are told
   * what changes, relative to it, at run time. `merged`, `terminal`, `scratch` and `sink` do not apply then.
   */
  inherited?: boolean;
  /**
   * A file whose writes the shell shows at once (outputSink.ts): every command writing to the line's own stdout
   * and stderr is sent there, so what it printed is shown when it ends, before what later commands stream.
   */
  sink?: string;
}

function redirection(fd: number, operator: string, target: string): Node {
  return { type: 'Redirection', fd, operator, target: { type: 'Word', parts: [{ type: 'Literal', value: target }] } };
}

/** The word's text when it is plain literal text (a file name, a descriptor number), else undefined. */
function literalText(word: unknown): string | undefined {
  const parts = (word as { parts?: Node[] } | undefined)?.parts;
  if (!Array.isArray(parts) || parts.length === 0) return undefined;
  let text = '';
  for (const part of parts) {
    if (part.type !== 'Literal' && part.type !== 'SingleQuoted' && part.type !== 'Escaped') return undefined;
    text += String(part.value);
  }
  return text;
}

/** The descriptors after `redirections`, applied left to right as bash does. */
function redirected(before: Descriptors, redirections: unknown): Descriptors {
  const fds = new Map(before);
  if (!Array.isArray(redirections)) return fds;
  for (const r of redirections as Node[]) {
    if (r.type !== 'Redirection' || r.fdVariable || (r.target as Node | undefined)?.type === 'HereDoc') continue;
    const operator = String(r.operator);
    const target = literalText(r.target);
    const fd = typeof r.fd === 'number' ? r.fd : undefined;
    const file = (): Sink => ({ name: target ?? 'file' });
    if (operator === '>' || operator === '>|' || operator === '>>') {
      const to = fd ?? 1;
      if (target === '/dev/stdout' || target === '/dev/stderr') {
        const same = fds.get(target === '/dev/stdout' ? 1 : 2);
        if (same) fds.set(to, same);
      } else fds.set(to, file());
    } else if (operator === '&>' || operator === '&>>') {
      const sink = file();
      fds.set(1, sink).set(2, sink);
    } else if (operator === '>&') {
      const source = target !== undefined && /^\d+$/.test(target) ? fds.get(Number(target)) : undefined;
      if (fd === undefined && target !== undefined && !/^\d+-?$|^-$/.test(target)) {
        const sink = file();
        fds.set(1, sink).set(2, sink);
      } else if (target === '-') fds.set(fd ?? 1, { name: 'closed' });
      else fds.set(fd ?? 1, source ?? { name: 'unknown' });
    }
  }
  return fds;
}

/** The walk's fixed parts: the options, the line's own stdout, the scratch file (only at a terminal), pipes made. */
interface Walk {
  options: StreamOrderOptions;
  stdout: Sink;
  scratch: string | undefined;
  pipes: number;
  /** Commands told besides the writers: those that run others, and the functions known. */
  carriers: ReadonlySet<string>;
  /** In an inherited walk, the process's own stdout and stderr (the variable says where they go). */
  inherited?: { out: Sink; err: Sink };
}

/** Assignments already parsed, by their text: a line tells many commands the same few values. */
const ASSIGNMENTS = new Map<string, Node>();

/** `NAME=<value>` as a syntax tree, from the value's shell text (which may expand the inherited value). */
function assignment(name: string, valueText: string): Node {
  const text = `${name}=${valueText}`;
  let node = ASSIGNMENTS.get(text);
  if (!node) {
    const parsed = parse(`${text} :`).statements[0] as unknown as {
      pipelines: { commands: { assignments: Node[] }[] }[];
    };
    node = parsed.pipelines[0]!.commands[0]!.assignments[0]!;
    // Values are a handful of fixed texts; the bound only guards against a surprise.
    if (ASSIGNMENTS.size < 64) ASSIGNMENTS.set(text, node);
  }
  return structuredClone(node);
}

/** The variable a carrier sets to the descriptor (1 or 2) its commands' stderr joins. */
const FD2_VARIABLE = '__labs_fd2';

/** `2>&"${__labs_fd2:-2}"`: an inherited command's stderr joins stdout when its process's streams are one. */
const FD2_REDIRECTION = (
  parse(`: 2>&"\${${FD2_VARIABLE}:-2}"`).statements[0] as unknown as {
    pipelines: { commands: { redirections: Node[] }[] }[];
  }
).pipelines[0]!.commands[0]!.redirections[0]!;

/** The descriptor a carrier's commands join their stderr to, as shell text. */
function fd2Text(out: Sink | undefined, err: Sink | undefined, walk: Walk): string {
  const inherited = walk.inherited;
  if (inherited && out === inherited.out && err === inherited.err) return `"\${${FD2_VARIABLE}:-2}"`;
  return out !== undefined && out === err ? '1' : '2';
}

/**
 * The variable's value, as shell text, for a command whose streams end at `out` and `err`; undefined when the
 * command should just inherit it. Static at the top of a line; relative to the inherited value inside a process.
 */
function toldValue(out: Sink | undefined, err: Sink | undefined, walk: Walk): string | undefined {
  const inherited = walk.inherited;
  if (!inherited) {
    const value = streamsValue({
      merged: out !== undefined && out === err,
      terminal: walk.options.terminal && out === walk.stdout,
    });
    return value || undefined;
  }
  const own = (sink: Sink | undefined) => sink === inherited.out || sink === inherited.err;
  // Untouched, or the two swapped: whatever the process was told holds.
  if (own(out) && own(err) && out !== err) return undefined;
  const merged = out !== undefined && out === err;
  // `${v/merged/}` keeps what the process was told about its terminal and drops its "merged".
  const terminal = own(out) ? `"\${${STREAMS_VARIABLE}/merged/}"` : '';
  return `${merged ? 'merged' : ''}${terminal}` || "''";
}

/** Whether the command is told where its streams go: writers, commands running others, and names known only later. */
function told(command: Node, walk: Walk): 'writer' | 'carrier' | undefined {
  if (!command.name) return undefined;
  const name = literalText(command.name);
  if (name === undefined) return 'carrier';
  if (walk.options.writers.has(name)) return 'writer';
  // `env` alone prints the environment: it is told only when it runs a command.
  if (name === 'env' && !((command.args as Node[] | undefined) ?? []).some((a) => !/^-|=/.test(literalText(a) ?? '')))
    return undefined;
  return walk.carriers.has(name) ? 'carrier' : undefined;
}

/** `eval 'TEXT'` with plain-text arguments: TEXT rewritten as an inherited process, as one single-quoted word. */
function rewriteEvalText(command: Node, walk: Walk): void {
  const args = (command.args as Node[] | undefined) ?? [];
  const texts = args.map(literalText);
  if (args.length === 0 || texts.some((t) => t === undefined) || texts[0]!.startsWith('-')) return;
  const text = texts.join(' ');
  let script: ReturnType<typeof parse>;
  try {
    script = parse(text);
  } catch {
    return; // eval reports the syntax error itself
  }
  if (hasHeredoc(script)) return;
  orderStreamsIn(script.statements, { ...walk.options, inherited: true });
  command.args = [{ type: 'Word', parts: [{ type: 'SingleQuoted', value: serialize(script) }] }];
}

/** xargs' options that take the next argument as their value (GNU and BusyBox spellings). */
const XARGS_VALUE_OPTIONS = new Set(['-I', '-i', '-n', '-L', '-l', '-d', '-s', '-P', '-E', '-e', '-a', '--max-args']);

/** `xargs [options] CMD ...` becomes `xargs [options] env NAME=VALUE... CMD ...` (only when it has a CMD). */
function carryThroughXargs(command: Node, told: [string, string][]): void {
  const args = (command.args as Node[] | undefined) ?? [];
  let i = 0;
  while (i < args.length) {
    const text = literalText(args[i]);
    if (text === undefined || !text.startsWith('-')) break;
    i += XARGS_VALUE_OPTIONS.has(text) ? 2 : 1;
  }
  if (i >= args.length) return;
  const parsed = parse(`: env ${told.map(([name, value]) => `${name}=${value}`).join(' ')}`)
    .statements[0] as unknown as {
    pipelines: { commands: { args: Node[] }[] }[];
  };
  args.splice(i, 0, ...parsed.pipelines[0]!.commands[0]!.args);
  command.args = args;
}

function simpleCommand(command: Node, fds: Descriptors, walk: Walk): boolean {
  const redirections = (command.redirections as Node[] | undefined) ?? [];
  const out = fds.get(1);
  const err = fds.get(2);
  const kind = told(command, walk);
  if (kind) {
    const after = redirected(fds, redirections);
    const value = toldValue(after.get(1), after.get(2), walk);
    // What runs inside a carrier reads the variable from its environment, so a carrier is told even "nothing"
    // (the inherited value is then always set, also under `set -u`), and inside a process it passes its own value
    // on (a nested shell exports only what is set on the command).
    const text = value ?? (kind !== 'carrier' ? undefined : walk.inherited ? `"\${${STREAMS_VARIABLE}-}"` : "''");
    const settings: [string, string][] = text === undefined ? [] : [[STREAMS_VARIABLE, text]];
    // A carrier also says which descriptor its commands' stderr is to join (1: stdout's place, 2: its own), so the
    // commands inside keep their order (`bash -c 'echo a; ls /nope; echo b'`).
    if (kind === 'carrier') settings.push([FD2_VARIABLE, fd2Text(after.get(1), after.get(2), walk)]);
    // eval's text runs inside this shell, where no transform sees it: when it is plain text, it is rewritten here.
    if (kind === 'carrier' && literalText(command.name) === 'eval') rewriteEvalText(command, walk);
    // xargs runs its command without the environment it was given: `env` in front of the command carries it.
    if (settings.length > 0 && literalText(command.name) === 'xargs') carryThroughXargs(command, settings);
    else if (settings.length > 0) {
      const assignments = (command.assignments as Node[] | undefined) ?? [];
      for (const [name, valueText] of settings) assignments.push(assignment(name, valueText));
      command.assignments = assignments;
    }
  }
  if (walk.inherited) {
    // Joined inside the process (`{ ...; } 2>&1`): joined in order. Untouched: stderr joins where the process's
    // does (the variable its carrier set), so an inner command's two streams keep their place among the others'.
    if (out && err === out) redirections.unshift(redirection(2, '>&', '1'));
    else if (command.name && out === walk.inherited.out && err === walk.inherited.err)
      redirections.unshift(structuredClone(FD2_REDIRECTION));
    command.redirections = redirections;
    return false;
  }
  let usedScratch = false;
  // Where both streams are the line's own output, they go to the sink (shown as the command ends) when there is one.
  if (out && err === out && out === walk.stdout && walk.options.sink)
    redirections.unshift(redirection(1, '>>', walk.options.sink), redirection(2, '>&', '1'));
  else if (out && err === out) redirections.unshift(redirection(2, '>&', '1'));
  else if (err === walk.stdout && walk.scratch) {
    redirections.unshift(redirection(2, '>>', walk.scratch));
    usedScratch = true;
  }
  command.redirections = redirections;
  return usedScratch;
}

/** Rewrites every statement inside `node` (a compound command's body) for the descriptors `fds`. */
function inside(node: unknown, fds: Descriptors, walk: Walk): boolean {
  if (!node || typeof node !== 'object') return false;
  if (Array.isArray(node)) return node.map((item) => inside(item, fds, walk)).some(Boolean);
  const n = node as Node;
  // Function bodies obey their caller's redirections: they are walked as a process of their own.
  if (n.type === 'FunctionDef') {
    functionBody(n, walk);
    return false;
  }
  // Words hold `$(...)`, whose output is a value.
  if (n.type === 'Word' || n.type === 'Assignment') return false;
  if (n.type === 'Statement') return statement(n, fds, walk);
  let used = false;
  for (const [key, value] of Object.entries(n))
    if (key !== 'type' && key !== 'redirections' && value && typeof value === 'object')
      used = inside(value, fds, walk) || used;
  return used;
}

function command(node: Node, fds: Descriptors, walk: Walk): boolean {
  if (node.type === 'SimpleCommand') return simpleCommand(node, fds, walk);
  if (node.type === 'FunctionDef') {
    functionBody(node, walk);
    return false;
  }
  return inside(node, redirected(fds, node.redirections), walk);
}

/** A function's body runs with its caller's streams: walked as an inherited process (the call is told). */
function functionBody(node: Node, walk: Walk): void {
  const out: Sink = { name: 'inherited stdout' };
  const err: Sink = { name: 'inherited stderr' };
  const body: Walk = { ...walk, scratch: undefined, inherited: { out, err } };
  inside(
    node.body,
    new Map([
      [1, out],
      [2, err],
    ]),
    body,
  );
}

/** `{ PIPELINE; s=$?; cat FILE; rm -f FILE; (exit $s); }`: the pipeline, then what its writers said on stderr. */
function flushed(pipeline: Node, file: string, sink: string | undefined): Node {
  const quote = (path: string) => `'${path.replace(/'/g, `'\\''`)}'`;
  const shown = sink ? ` >> ${quote(sink)}` : '';
  const tail = parse(
    `__labs_ps=$?; cat ${quote(file)}${shown} 2>/dev/null; rm -f ${quote(file)}; (exit $__labs_ps)`,
  ).statements;
  const group = parse('{ :; }').statements[0] as unknown as Node;
  const groupNode = ((group.pipelines as Node[])[0]!.commands as Node[])[0]!;
  groupNode.body = [
    { type: 'Statement', pipelines: [pipeline], operators: [], background: false },
    ...(tail as unknown as Node[]),
  ];
  return (group.pipelines as Node[])[0]!;
}

function statement(node: Node, fds: Descriptors, walk: Walk): boolean {
  const pipelines = node.pipelines as Node[];
  const atTerminal = !walk.inherited && fds.get(1) === walk.stdout && fds.get(2) === walk.stdout;
  let used = false;
  for (let i = 0; i < pipelines.length; i++) {
    const pipeline = pipelines[i]!;
    const commands = pipeline.commands as Node[];
    const pipeStderr = (pipeline.pipeStderr as boolean[] | undefined) ?? [];
    let usedHere = false;
    commands.forEach((c, j) => {
      let own = fds;
      if (j < commands.length - 1) {
        const pipe: Sink = { name: `pipe${walk.pipes++}` };
        own = new Map(fds).set(1, pipe);
        if (pipeStderr[j]) own.set(2, pipe);
      }
      usedHere = command(c, own, walk) || usedHere;
    });
    // The scratch file is shown where stderr is the terminal and stdout is too (else it would go down a pipe).
    if (usedHere && atTerminal && walk.scratch) pipelines[i] = flushed(pipeline, walk.scratch, walk.options.sink);
    else used = used || usedHere;
  }
  return used;
}

function hasHeredoc(node: unknown): boolean {
  if (!node || typeof node !== 'object') return false;
  if (Array.isArray(node)) return node.some(hasHeredoc);
  const n = node as Node;
  if (n.type === 'Redirection' && (n.operator === '<<' || n.operator === '<<-')) return true;
  return Object.entries(n).some(
    ([key, value]) => key !== 'type' && value !== null && typeof value === 'object' && hasHeredoc(value),
  );
}

/** Names of the functions `script` defines anywhere. */
function definedFunctions(node: unknown, found: Set<string>): Set<string> {
  if (!node || typeof node !== 'object') return found;
  if (Array.isArray(node)) {
    for (const item of node) definedFunctions(item, found);
    return found;
  }
  const n = node as Node;
  if (n.type === 'FunctionDef' && typeof n.name === 'string') found.add(n.name);
  for (const [key, value] of Object.entries(n))
    if (key !== 'type' && value && typeof value === 'object') definedFunctions(value, found);
  return found;
}

/** Rewrites a parsed script in place (see `orderStreams`). */
export function orderStreamsIn(statements: unknown, options: StreamOrderOptions): void {
  const stdout: Sink = { name: 'stdout' };
  const carriers = new Set([...CARRIERS, ...(options.functions ?? []), ...definedFunctions(statements, new Set())]);
  if (options.inherited) {
    const err: Sink = { name: 'inherited stderr' };
    const walk: Walk = { options, stdout, scratch: undefined, pipes: 0, carriers, inherited: { out: stdout, err } };
    inside(
      statements,
      new Map([
        [1, stdout],
        [2, err],
      ]),
      walk,
    );
    return;
  }
  const fds: Descriptors = new Map([
    [1, stdout],
    [2, options.merged ? stdout : { name: 'stderr' }],
  ]);
  // Only where both streams reach the line's stdout can a piped command's stderr be shown there early.
  const walk: Walk = { options, stdout, scratch: options.merged ? options.scratch : undefined, pipes: 0, carriers };
  inside(statements, fds, walk);
}

/**
 * `line` rewritten so every command writes where bash would have it write, in order, and the stream-aware
 * commands (and those running others) know where their streams go; the line itself when it cannot be rewritten.
 */
export function orderStreams(line: string, options: StreamOrderOptions): string {
  if (hasHeredocs(line)) return line;
  try {
    const script = parse(line);
    // just-bash's serializer writes a heredoc's body before the rest of its pipeline (`cat <<EOF | tr ...`),
    // which no longer parses: lines with heredocs run as typed.
    if (hasHeredoc(script)) return line;
    orderStreamsIn(script.statements, options);
    return serialize(script);
  } catch {
    return line;
  }
}

/**
 * The transform that rewrites every script a shell parses inside a running line (`bash -c`, `sh -c`, `xargs`,
 * `timeout`'s and `time`'s commands) as an inherited process. The line itself was rewritten with what is known
 * of the terminal before it ran: `skipNext()` leaves the next parse (the line's own) alone.
 */
export function streamOrderPlugin(writers: ReadonlySet<string>): TransformPlugin & { skipNext(): void } {
  let skip = false;
  return {
    name: 'labs-stream-order',
    skipNext() {
      skip = true;
    },
    transform({ ast }) {
      if (skip) skip = false;
      else {
        // A script too deep to walk runs as written (the walk changes nodes in place, so a copy is walked).
        try {
          const copy = structuredClone(ast);
          orderStreamsIn(copy.statements, { merged: false, terminal: false, writers, inherited: true });
          return { ast: copy };
        } catch {
          return { ast };
        }
      }
      return { ast };
    },
  };
}
