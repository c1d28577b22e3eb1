/**
 * A terminal shows stdout and stderr interleaved as they are written. just-bash returns them apart, so each
 * command's stderr is pointed at stdout *before* its own redirections (`cmd 2>&1 2>/dev/null` still drops
 * stderr, `cmd 2>&1 >file` still shows it). Where a pipe follows a command, bash sends its stderr to the
 * terminal, not down the pipe. just-bash has no descriptor that stays the terminal inside a pipeline, so those
 * commands append their stderr to a scratch file, which is shown (and removed) as soon as the pipeline ends:
 * `kubectl exec ... | grep X; echo next` shows kubectl's complaint before `next`, as bash does.
 * The pipeline's exit status is kept (PIPESTATUS is not).
 */
import { parse, serialize } from 'just-bash';

type Node = { type?: string; [key: string]: unknown };

function redirection(operator: string, target: string): Node {
  return {
    type: 'Redirection',
    fd: 2,
    operator,
    target: { type: 'Word', parts: [{ type: 'Literal', value: target }] },
  };
}

const TO_STDOUT = redirection('>&', '1');

function hasOwnRedirections(node: Node): boolean {
  return Array.isArray(node.redirections) && node.redirections.length > 0;
}

/** Points the stderr of every simple command inside `node` at `file` (just-bash honours fd moves only there). */
function stderrTo(node: unknown, file: string): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const item of node) stderrTo(item, file);
    return;
  }
  const n = node as Node;
  if (n.type === 'FunctionDef' || n.type === 'Word' || n.type === 'Assignment') return;
  if (n.type === 'SimpleCommand') {
    (n.redirections as unknown[]).unshift(redirection('>>', file));
    return;
  }
  for (const [key, value] of Object.entries(n)) {
    if (key !== 'type' && key !== 'redirections' && value && typeof value === 'object') stderrTo(value, file);
  }
}

/** `{ PIPELINE; s=$?; cat FILE; rm -f FILE; (exit $s); }`: the pipeline, then what its writers said on stderr. */
function flushed(pipeline: Node, file: string): Node {
  const quoted = `'${file.replace(/'/g, `'\\''`)}'`;
  const tail = parse(`__labs_ps=$?; cat ${quoted} 2>/dev/null; rm -f ${quoted}; (exit $__labs_ps)`).statements;
  const group = parse('{ :; }').statements[0] as unknown as Node;
  const groupNode = ((group.pipelines as Node[])[0]!.commands as Node[])[0]!;
  groupNode.body = [
    { type: 'Statement', pipelines: [pipeline], operators: [], background: false },
    ...(tail as unknown as Node[]),
  ];
  return (group.pipelines as Node[])[0]!;
}

function visit(node: unknown, file: string): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const item of node) visit(item, file);
    return;
  }
  const n = node as Node;
  // Function bodies obey the caller's redirections; words hold `$(...)`, whose stderr is not captured.
  if (n.type === 'FunctionDef' || n.type === 'Word' || n.type === 'Assignment') return;
  if (n.type === 'Statement') {
    const pipelines = n.pipelines as Node[];
    for (let i = 0; i < pipelines.length; i++) {
      const pipeline = pipelines[i]!;
      const commands = pipeline.commands as Node[];
      const last = commands[commands.length - 1];
      if (!last) continue;
      if (last.type === 'SimpleCommand') (last.redirections as unknown[]).unshift(structuredClone(TO_STDOUT));
      else if (!hasOwnRedirections(last)) visit(last, file);
      if (commands.length > 1) {
        for (const command of commands.slice(0, -1)) stderrTo(command, file);
        pipelines[i] = flushed(pipeline, file);
      }
    }
    return;
  }
  for (const [key, value] of Object.entries(n)) {
    if (key !== 'type' && value && typeof value === 'object') visit(value, file);
  }
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

/**
 * `line` rewritten so the terminal sees stderr in order (`scratch` is a file only the lab shell uses); the line
 * itself when it cannot be rewritten.
 */
export function interleaveStderr(line: string, scratch: string): string {
  try {
    const script = parse(line);
    // just-bash's serializer writes a heredoc's body before the rest of its pipeline (`cat <<EOF | tr ...`),
    // which no longer parses: lines with heredocs run as typed.
    if (hasHeredoc(script)) return line;
    visit(script.statements, scratch);
    return serialize(script);
  } catch {
    return line;
  }
}
