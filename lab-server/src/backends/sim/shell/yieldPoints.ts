/**
 * Yield points in a lab shell's loops. Before a command line runs, its syntax tree is changed so that every
 * loop iteration and every function call reads one file of the shell's own: each loop body and function body
 * becomes a group with an input redirection, `{ BODY; } 63</.labs/shells/ID/turn`. The shell's file system
 * answers that read itself (it is never stored): it is where the shell checks its CPU budget and, when its
 * slice of the thread is over, lets the other environments run (scheduler.ts). A runaway loop then costs the
 * others at most one slice at a time instead of freezing them.
 *
 * A redirection rather than a command: it leaves `$?`, `set -e`, `set -x` and `$_` exactly as they were, and
 * costs a builtin's time, not a command's (a custom command costs ten times more in just-bash). What remains
 * visible: `declare -f` shows the redirection, and fd 63 reads nothing inside loops.
 */
import { parse, type IFileSystem, type StatementNode, type TransformPlugin } from 'just-bash';

/** The file descriptor the yield point opens (bash itself allocates from 10 up; 63 is out of everyone's way). */
const YIELD_FD = 63;

type Node = { type?: string; redirections?: unknown[]; [key: string]: unknown };

/** A statement list wrapped in a group that reads `path` first. */
function wrapped(body: StatementNode[], redirection: unknown): StatementNode[] {
  const group = { type: 'Group', body, redirections: [structuredClone(redirection)] };
  const pipeline = { type: 'Pipeline', commands: [group], negated: false };
  return [{ type: 'Statement', pipelines: [pipeline], operators: [], background: false } as unknown as StatementNode];
}

/** Adds a yield point to every loop iteration and function body in `node` (in place). */
function instrument(node: unknown, redirection: unknown): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const item of node) instrument(item, redirection);
    return;
  }
  const n = node as Node;
  // Every line's whole tree is walked: `for...in` over a parser's plain objects allocates nothing per node.
  for (const key in n) {
    const value = n[key];
    if (key !== 'type' && value && typeof value === 'object') instrument(value, redirection);
  }
  if (n.type === 'While' || n.type === 'Until' || n.type === 'For' || n.type === 'CStyleFor')
    n.body = wrapped(n.body as StatementNode[], redirection);
  else if (n.type === 'FunctionDef') {
    const body = n.body as Node;
    if (body.type === 'Group' || body.type === 'Subshell')
      body.redirections = [...(body.redirections ?? []), structuredClone(redirection)];
  }
}

/** The redirection `YIELD_FD<path` as just-bash's parser makes it. */
function parsedRedirection(path: string): Node {
  const group = parse(`{ :; } ${YIELD_FD}<${path}`).statements[0]!.pipelines[0]!.commands[0] as unknown as Node;
  return group.redirections![0] as Node;
}

/** A path that parses as one literal word (`/.labs/shells/12/turn`). */
const PLAIN_PATH = /^[\w./-]+$/;

/** The redirection parsed once for a plain path, by which every plain path's is made: parsing it cost a shell 0.3 ms. */
let plainRedirection: Node | undefined;

/** The redirection `YIELD_FD<path`. */
function redirectionTo(path: string): Node {
  if (!PLAIN_PATH.test(path)) return parsedRedirection(path);
  plainRedirection ??= parsedRedirection('/plain');
  const redirection = structuredClone(plainRedirection);
  ((redirection.target as Node).parts as Node[])[0]!.value = path;
  return redirection;
}

/** The transform that puts yield points reading `path` into every line a shell runs (`bash -c` included). */
export function yieldPointsPlugin(path: string): TransformPlugin {
  const redirection = redirectionTo(path);
  return {
    name: 'labs-yield-points',
    transform({ ast }) {
      instrument(ast, redirection);
      return { ast };
    },
  };
}

/**
 * The shell's view of its environment's file system: the same files, except that reading `path` runs
 * `checkpoint` (which may wait, or stop the line) and reads nothing.
 */
export function withYieldPoint(fs: IFileSystem, path: string, checkpoint: () => Promise<void>): IFileSystem {
  const bound = new Map<PropertyKey, unknown>();
  const readFile: IFileSystem['readFile'] = async (file, options) => {
    if (file !== path) return fs.readFile(file, options);
    await checkpoint();
    return '';
  };
  return new Proxy(fs, {
    get(target, key) {
      if (key === 'readFile') return readFile;
      const value = Reflect.get(target, key, target) as unknown;
      if (typeof value !== 'function') return value;
      let method = bound.get(key);
      if (!method) bound.set(key, (method = value.bind(target)));
      return method;
    },
  });
}
