/**
 * Word splitting of a command's name. bash splits an unquoted expansion in the command position like any other
 * word (`S="kubectl exec deploy/sleep --"; $S curl ...` runs kubectl); just-bash expands the name as one word
 * (`bash: kubectl exec deploy/sleep --: command not found`) and splits only the arguments. So such a name moves to
 * the arguments, behind an empty expansion in its place: just-bash drops an empty expanded name and runs the first
 * argument, which gives bash's result (an empty `$S` alone runs nothing, as in bash).
 * Lines with here-documents run as typed (just-bash's serializer cannot write them back in place).
 */
import { parse, serialize } from 'just-bash';
import { hasHeredocs } from './completeness.ts';

type Node = { type?: string; [key: string]: unknown };

const SPLIT = new Set(['ParameterExpansion', 'CommandSubstitution', 'ArithmeticExpansion']);

/** An expansion that always expands to nothing, even under `set -u`. */
const EMPTY_NAME = (parse('${__labs_split_name-} x').statements[0] as unknown as { pipelines: { commands: Node[] }[] })
  .pipelines[0]!.commands[0]!.name as Node;

function hasHeredoc(node: unknown): boolean {
  if (!node || typeof node !== 'object') return false;
  if (Array.isArray(node)) return node.some(hasHeredoc);
  const n = node as Node;
  if (n.type === 'Redirection' && (n.operator === '<<' || n.operator === '<<-')) return true;
  return Object.entries(n).some(([k, v]) => k !== 'type' && v !== null && typeof v === 'object' && hasHeredoc(v));
}

/** True when one of the word's own (unquoted) parts is an expansion bash would split. */
function splits(word: Node | undefined): boolean {
  return Array.isArray(word?.parts) && (word.parts as Node[]).some((p) => SPLIT.has(String(p.type)));
}

function rewrite(node: unknown): boolean {
  if (!node || typeof node !== 'object') return false;
  if (Array.isArray(node)) return node.map(rewrite).some(Boolean);
  const n = node as Node;
  let changed = false;
  if (n.type === 'SimpleCommand' && splits(n.name as Node | undefined)) {
    n.args = [n.name, ...((n.args as Node[] | undefined) ?? [])];
    n.name = structuredClone(EMPTY_NAME);
    changed = true;
  }
  for (const [key, value] of Object.entries(n))
    if (key !== 'type' && value && typeof value === 'object') changed = rewrite(value) || changed;
  return changed;
}

/** `line` with every expanded command name split as bash splits it; the line itself when none is or on failure. */
export function splitCommandNames(line: string): string {
  if ((!line.includes('$') && !line.includes('`')) || hasHeredocs(line)) return line;
  try {
    const script = parse(line);
    if (hasHeredoc(script)) return line;
    return rewrite(script.statements) ? serialize(script) : line;
  } catch {
    return line;
  }
}
