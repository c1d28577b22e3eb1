/**
 * The `time` keyword on the environment's clock. just-bash times a pipeline with the host's clock, which reads
 * 0 s for a `/delay/5` in tests (virtual time) and cannot be told apart from the wall clock in a terminal. So a
 * line's timed pipelines are rewritten before they run:
 * - in the lab shell (bash), `time P` becomes `{ __labs_time_begin; P; __labs_time_end $? [-p]; }`, which
 *   prints bash's report from the environment's clock;
 * - in a container's shell (BusyBox ash has no `time` keyword; `time` there is the applet), `time P` becomes
 *   `'time' P`, which runs the applet on P's first command, as ash would.
 * Lines with here-documents run as typed (just-bash's serializer cannot write them back in place).
 */
import { defineCommand, parse, serialize, type Command } from 'just-bash';
import type { SimClock } from '../types.ts';
import { bashReport } from './commands/time/format.ts';
import { hasHeredocs } from './completeness.ts';

type Node = { type?: string; [key: string]: unknown };

const BEGIN = '__labs_time_begin';
const END = '__labs_time_end';

function hasHeredoc(node: unknown): boolean {
  if (!node || typeof node !== 'object') return false;
  if (Array.isArray(node)) return node.some(hasHeredoc);
  const n = node as Node;
  if (n.type === 'Redirection' && (n.operator === '<<' || n.operator === '<<-')) return true;
  return Object.entries(n).some(([k, v]) => k !== 'type' && v !== null && typeof v === 'object' && hasHeredoc(v));
}

function literal(value: string): Node {
  return { type: 'Word', parts: [{ type: 'Literal', value }] };
}

/** The group that times `pipeline` (already untimed) with the lab shell's begin/end commands. */
function bashGroup(pipeline: Node, posix: boolean): Node {
  const template = parse(`{ ${BEGIN}; __labs_timed; ${END} $?${posix ? ' -p' : ''}; }`);
  const group = (template.statements[0] as unknown as { pipelines: { commands: Node[] }[] }).pipelines[0]!.commands[0]!;
  const body = group.body as { pipelines: Node[] }[];
  body[1]!.pipelines[0] = pipeline;
  return { type: 'Pipeline', commands: [group], negated: false, timed: false, timePosix: false };
}

function rewrite(node: unknown, mode: 'bash' | 'busybox'): void {
  if (!node || typeof node !== 'object') return;
  if (Array.isArray(node)) {
    node.forEach((item, i) => {
      const n = item as Node;
      if (n && n.type === 'Pipeline' && n.timed) {
        rewrite(n.commands, mode);
        const untimed: Node = { ...n, timed: false, timePosix: false };
        if (mode === 'bash') node[i] = bashGroup(untimed, n.timePosix === true);
        else {
          const first = (n.commands as Node[])[0];
          if (first?.type === 'SimpleCommand' && !first.name && (first.assignments as unknown[]).length === 0) {
            // A bare `time` runs the applet with no PROG: its usage.
            first.name = { type: 'Word', parts: [{ type: 'SingleQuoted', value: 'time' }] };
            if (n.timePosix) first.args = [literal('-p')];
          } else if (first?.type === 'SimpleCommand' && first.name) {
            first.args = [...(n.timePosix ? [literal('-p')] : []), first.name, ...(first.args as Node[])];
            first.name = { type: 'Word', parts: [{ type: 'SingleQuoted', value: 'time' }] };
          }
          node[i] = untimed;
        }
      } else rewrite(item, mode);
    });
    return;
  }
  for (const [key, value] of Object.entries(node as Node))
    if (key !== 'type' && value && typeof value === 'object') rewrite(value, mode);
}

/** `line` with its timed pipelines rewritten for `mode`; the line itself when it has none or cannot be rewritten. */
export function rewriteTimeKeyword(line: string, mode: 'bash' | 'busybox'): string {
  if (!/\btime\b/.test(line) || hasHeredocs(line)) return line;
  try {
    const script = parse(line);
    if (hasHeredoc(script)) return line;
    const before = JSON.stringify(script);
    rewrite(script.statements, mode);
    return JSON.stringify(script) === before ? line : serialize(script);
  } catch {
    return line;
  }
}

/** The lab shell's begin/end commands: a stack of start times on `clock` (nested `time`s each get their own). */
export function createTimeKeywordCommands(clock: SimClock): { commands: Command[]; reset(): void } {
  const starts: number[] = [];
  return {
    commands: [
      defineCommand(BEGIN, async () => {
        starts.push(clock.now());
        return { stdout: '', stderr: '', exitCode: 0 };
      }),
      defineCommand(END, async (args) => {
        const started = starts.pop() ?? clock.now();
        const status = Number(args[0] ?? 0);
        return {
          stdout: '',
          stderr: bashReport(clock.now() - started, args[1] === '-p'),
          exitCode: Number.isInteger(status) ? status : 0,
        };
      }),
    ],
    reset() {
      starts.length = 0;
    },
  };
}
