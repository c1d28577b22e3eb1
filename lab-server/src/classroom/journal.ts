/**
 * Each learner environment's journal: the command lines run in its terminal, the editor's applies and the
 * resets, in order. After a restart the simulator environment is rebuilt by replaying what came after the
 * last reset (a simulated cluster lives in memory; its state is a function of these inputs).
 */
import type { DatabaseSync, StatementSync } from 'node:sqlite';
import { randomBytes } from 'node:crypto';
import type { LabEnvironment } from '../contract.ts';
import { statement } from './db.ts';

/** One journal entry. */
export type JournalEntry =
  | { kind: 'command'; line: string; exitCode: number }
  | { kind: 'apply'; yaml: string; exitCode: number }
  | { kind: 'reset' };

type Row = Record<string, string | number | null>;

/** The journal in SQLite. */
export class Journal {
  readonly #db: DatabaseSync;
  readonly #insert: StatementSync;
  /** Command lines not written yet: they go in one transaction at the end of this turn of the event loop. */
  #waiting: [string, string, string, string, string][] = [];
  constructor(db: DatabaseSync) {
    this.#db = db;
    this.#insert = db.prepare('INSERT INTO journal (session_id, lab, kind, payload, at) VALUES (?, ?, ?, ?, ?)');
  }

  /**
   * Appends an entry. Command lines are written together at the end of the event loop's turn (a terminal's
   * output batch, 5 ms later, tells the learner a line ran only after that), and without waiting for the disk:
   * SQLite's WAL with `synchronous = NORMAL` keeps a commit through a `kill -9` of the server (the operating
   * system has it) though not through a power cut, and costs a write instead of an fsync. Ten thousand lines typed
   * ahead held the server's thread for 39 s of fsyncs otherwise. Applies and resets, which the learner's request
   * is answered for in this turn, are written at once and wait for the disk (with the lines before them, in order),
   * as check results do.
   */
  append(sessionId: string, lab: string, entry: JournalEntry, at = new Date()): void {
    const payload = entry.kind === 'reset' ? '' : JSON.stringify(entry);
    this.#waiting.push([sessionId, lab, entry.kind, payload, at.toISOString()]);
    if (entry.kind !== 'command') this.flush();
    else if (this.#waiting.length === 1)
      setImmediate(() => {
        try {
          this.flush();
        } catch (error) {
          console.error(
            'labs classroom: the journal could not be written:',
            error instanceof Error ? error.message : error,
          );
        }
      });
  }

  /** Writes the entries waiting, in one transaction (readers call it first, so they see every entry). */
  flush(): void {
    if (this.#waiting.length === 0) return;
    const rows = this.#waiting;
    this.#waiting = [];
    const linesOnly = rows.every((row) => row[2] === 'command');
    if (linesOnly) this.#db.exec('PRAGMA synchronous = NORMAL');
    try {
      this.#db.exec('BEGIN');
      try {
        for (const row of rows) this.#insert.run(...row);
        this.#db.exec('COMMIT');
      } catch (error) {
        this.#db.exec('ROLLBACK');
        throw error;
      }
    } finally {
      if (linesOnly) this.#db.exec('PRAGMA synchronous = FULL');
    }
  }

  /**
   * True when an environment has any entry: a class joining at once asks it for every new environment, most of
   * which have none, and reading them all (with a statement compiled per call) was the front's to pay.
   */
  has(sessionId: string, lab: string): boolean {
    if (this.#waiting.some(([s, l]) => s === sessionId && l === lab)) return true;
    return (
      statement(this.#db, 'SELECT 1 FROM journal WHERE session_id = ? AND lab = ? LIMIT 1').get(sessionId, lab) !==
      undefined
    );
  }

  /** Every entry of an environment, oldest first. */
  all(sessionId: string, lab: string): JournalEntry[] {
    this.flush();
    const rows = statement(
      this.#db,
      'SELECT kind, payload FROM journal WHERE session_id = ? AND lab = ? ORDER BY id',
    ).all(sessionId, lab) as Row[];
    return rows.map((r) => (r.kind === 'reset' ? { kind: 'reset' } : (JSON.parse(String(r.payload)) as JournalEntry)));
  }

  /** The lab a learner last worked in (typed, applied, reset or checked), for the instructor's terminal view. */
  lastLab(sessionId: string): string | undefined {
    this.flush();
    const row = this.#db
      .prepare(`SELECT lab FROM (
      SELECT lab, at FROM journal WHERE session_id = ? UNION ALL SELECT lab, at FROM attempts WHERE session_id = ?
    ) ORDER BY at DESC LIMIT 1`)
      .get(sessionId, sessionId) as Row | undefined;
    return row ? String(row.lab) : undefined;
  }

  /** When a learner last did something themselves (typed a command, applied, reset, pressed Check or Solve). */
  lastActivity(sessionId: string): string | undefined {
    this.flush();
    const row = this.#db
      .prepare(`SELECT MAX(at) AS at FROM (
      SELECT at FROM journal WHERE session_id = ? UNION ALL
      SELECT at FROM attempts WHERE session_id = ? AND trigger != 'automatic'
    )`)
      .get(sessionId, sessionId) as Row | undefined;
    return row?.at ? String(row.at) : undefined;
  }

  /** Entries since the last reset, oldest first. */
  sinceReset(sessionId: string, lab: string): JournalEntry[] {
    this.flush();
    const rows = statement(
      this.#db,
      'SELECT kind, payload FROM journal WHERE session_id = ? AND lab = ? AND id > COALESCE((SELECT ' +
        "MAX(id) FROM journal WHERE session_id = ? AND lab = ? AND kind = 'reset'), 0) ORDER BY id",
    ).all(sessionId, lab, sessionId, lab) as Row[];
    return rows.map((r) => JSON.parse(String(r.payload)) as JournalEntry);
  }
}

/** A heredoc delimiter that does not occur in `text`. */
function delimiter(text: string): string {
  let d = 'LABS_EOF';
  while (text.includes(d)) d += '_';
  return d;
}

/** What a replay did. */
export interface ReplayReport {
  /** Entries run again. */
  replayed: number;
  /** Entries that ended differently from the first time (succeeded then and fail now, or the reverse). */
  differed: { entry: JournalEntry; exitCode: number }[];
  /** Commands the learner had interrupted (Ctrl-C) or that ran into the time limit: not run again. */
  skipped: number;
  /** True when the replay itself stopped early (its time ran out), so later entries were not run. */
  incomplete: boolean;
}

/** Options of `replay`. */
export interface ReplayOptions {
  /** Longest time the whole replay may take (default 2 minutes). */
  timeoutMs?: number;
}

// Exit statuses of a command stopped by Ctrl-C (130) or by the lab shell's time limit (124).
const INTERRUPTED = new Set([124, 130]);

/** True for commands that only watch (`kubectl logs -f`, `get -w`, `watch`): they change nothing and never end. */
function isWatcher(line: string): boolean {
  return /(^|\s)(-f|--follow|-w|--watch)(\s|$)|^\s*watch\s/.test(line) && /kubectl\s+(logs|get)|^\s*watch\s/.test(line);
}

/** The shell text of one entry: the line as typed, or the editor's apply as the API runs it. */
function scriptOf(entry: Exclude<JournalEntry, { kind: 'reset' }>): string {
  if (entry.kind === 'command') return entry.line;
  const d = delimiter(entry.yaml);
  return `kubectl apply -f - <<'${d}'\n${entry.yaml.replace(/\n?$/, '\n')}${d}`;
}

/**
 * Replays entries into a freshly prepared environment, as one script: variables exported and directories
 * changed by one command are there for the next, as they were in the learner's terminal. After each entry the
 * script prints a marker with its exit status, so an entry that ends differently from the first time is
 * reported and the learner can be told.
 */
export async function replay(
  env: LabEnvironment,
  entries: JournalEntry[],
  options: ReplayOptions = {},
): Promise<ReplayReport> {
  const report: ReplayReport = { replayed: 0, differed: [], skipped: 0, incomplete: false };
  const run: Exclude<JournalEntry, { kind: 'reset' }>[] = [];
  for (const entry of entries) {
    if (entry.kind === 'reset') continue;
    if (entry.kind === 'command' && (isWatcher(entry.line) || INTERRUPTED.has(entry.exitCode))) {
      report.skipped++;
      continue;
    }
    run.push(entry);
  }
  if (run.length === 0) return report;
  const marker = `__labs_replay_${randomBytes(6).toString('hex')}_`;
  const script = run.map((entry) => `${scriptOf(entry)}\necho "${marker}$?"`).join('\n');
  const result = await env.runScript(script, { signal: AbortSignal.timeout(options.timeoutMs ?? 120_000) });
  const codes = [...result.output.matchAll(new RegExp(`${marker}(\\d+)`, 'g'))].map((m) => Number(m[1]));
  run.forEach((entry, i) => {
    const code = codes[i];
    if (code === undefined) {
      report.incomplete = true;
      return;
    }
    report.replayed++;
    if ((code === 0) !== (entry.exitCode === 0)) report.differed.push({ entry, exitCode: code });
  });
  return report;
}

/**
 * The lines of a journal that set the terminal's own state (exported variables, assignments, the working
 * directory, aliases), from commands that succeeded: a restored environment comes with a fresh terminal,
 * and these are typed into it so `$INGRESS_PORT` and friends mean what they meant before.
 */
export function shellStateLines(entries: JournalEntry[]): string[] {
  const lines: string[] = [];
  for (const entry of entries) {
    if (entry.kind !== 'command' || entry.exitCode !== 0 || entry.line.includes('\n')) continue;
    if (/^\s*(export|unset|alias|cd)(\s|$)|^\s*[A-Za-z_][A-Za-z0-9_]*=/.test(entry.line)) lines.push(entry.line);
  }
  return lines;
}
