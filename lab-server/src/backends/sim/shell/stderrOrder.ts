/**
 * A terminal shows stdout and stderr interleaved as they are written. just-bash returns them apart, so each
 * command's stderr is pointed at stdout *before* its own redirections (`cmd 2>&1 2>/dev/null` still drops
 * stderr, `cmd 2>&1 >file` still shows it), except where a pipe follows: there bash sends stderr to the
 * terminal, not down the pipe, so those commands keep theirs and it is shown after.
 */
import { parse, serialize } from 'just-bash';

type Node = { type?: string; [key: string]: unknown };

const TO_STDOUT = {
  type: 'Redirection',
  fd: 2,
  operator: '>&',
  target: { type: 'Word', parts: [{ type: 'Literal', value: '1' }] },
};

function hasOwnRedirections(node: Node): boolean {
  return Array.isArray(node.redirections) && node.redirections.length > 0;
}

function visit(node: unknown): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    for (const item of node) visit(item);
    return;
  }
  const n = node as Node;
  // Function bodies obey the caller's redirections; words hold `$(...)`, whose stderr is not captured.
  if (n.type === 'FunctionDef' || n.type === 'Word' || n.type === 'Assignment') return;
  if (n.type === 'Pipeline') {
    const commands = n.commands as Node[];
    const last = commands[commands.length - 1];
    if (!last) return;
    if (last.type === 'SimpleCommand') (last.redirections as unknown[]).unshift(structuredClone(TO_STDOUT));
    else if (!hasOwnRedirections(last)) visit(last);
    return;
  }
  for (const [key, value] of Object.entries(n)) {
    if (key !== 'type' && value && typeof value === 'object') visit(value);
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

/** `line` rewritten so the terminal sees stderr in order; the line itself when it cannot be rewritten. */
export function interleaveStderr(line: string): string {
  try {
    const script = parse(line);
    // just-bash's serializer writes a heredoc's body before the rest of its pipeline (`cat <<EOF | tr ...`),
    // which no longer parses: lines with heredocs run as typed.
    if (hasHeredoc(script)) return line;
    visit(script.statements);
    return serialize(script);
  } catch {
    return line;
  }
}
