/**
 * Each learner environment's journal: the command lines run in its terminal, the editor's applies and the
 * resets, in order. After a restart the simulator environment is rebuilt by replaying what came after the
 * last reset (a simulated cluster lives in memory; its state is a function of these inputs).
 */
import type { DatabaseSync } from 'node:sqlite';
import type { LabEnvironment } from '../contract.ts';

/** One journal entry. */
export type JournalEntry = { kind: 'command'; line: string; exitCode: number } | { kind: 'apply'; yaml: string; exitCode: number } | { kind: 'reset' };

type Row = Record<string, string | number | null>;

/** The journal in SQLite. */
export class Journal {
  readonly #db: DatabaseSync;
  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  append(sessionId: string, lab: string, entry: JournalEntry, at = new Date()): void {
    const payload = entry.kind === 'reset' ? '' : JSON.stringify(entry);
    this.#db.prepare('INSERT INTO journal (session_id, lab, kind, payload, at) VALUES (?, ?, ?, ?, ?)').run(sessionId, lab, entry.kind, payload, at.toISOString());
  }

  /** Entries since the last reset, oldest first. */
  sinceReset(sessionId: string, lab: string): JournalEntry[] {
    const rows = this.#db.prepare('SELECT kind, payload FROM journal WHERE session_id = ? AND lab = ? AND id > COALESCE((SELECT MAX(id) FROM journal WHERE session_id = ? AND lab = ? AND kind = \'reset\'), 0) ORDER BY id').all(sessionId, lab, sessionId, lab) as Row[];
    return rows.map((r) => JSON.parse(String(r.payload)) as JournalEntry);
  }
}

/** A heredoc delimiter that does not occur in `text`. */
function delimiter(text: string): string {
  let d = 'LABS_EOF';
  while (text.includes(d)) d += '_';
  return d;
}

/** What a replay did: entries whose exit status differs from the original run could not be restored faithfully. */
export interface ReplayReport {
  replayed: number;
  differed: { entry: JournalEntry; exitCode: number }[];
}

/**
 * Replays entries into a freshly prepared environment. An entry that ends differently from the first time
 * (it succeeded then and fails now, or the reverse) is reported, so the learner can be told.
 */
export async function replay(env: LabEnvironment, entries: JournalEntry[]): Promise<ReplayReport> {
  const report: ReplayReport = { replayed: 0, differed: [] };
  for (const entry of entries) {
    if (entry.kind === 'reset') continue;
    const script = entry.kind === 'command' ? entry.line : `kubectl apply -f - <<'${delimiter(entry.yaml)}'\n${entry.yaml.replace(/\n?$/, '\n')}${delimiter(entry.yaml)}\n`;
    // Long-running watchers would never end in a replay; their effect on the cluster is nil anyway.
    if (entry.kind === 'command' && /(^|\s)(-f|--follow|-w|--watch)(\s|$)|^\s*watch\s/.test(entry.line) && /kubectl\s+(logs|get)|^\s*watch\s/.test(entry.line)) continue;
    const result = await env.runScript(script);
    report.replayed++;
    if ((result.exitCode === 0) !== (entry.exitCode === 0)) report.differed.push({ entry, exitCode: result.exitCode });
  }
  return report;
}
