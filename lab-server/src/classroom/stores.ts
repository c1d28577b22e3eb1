/** The lab server's session and progress stores on SQLite: the same interfaces as the in-memory ones, durable. */
import type { DatabaseSync } from 'node:sqlite';
import { z } from 'zod';
import { evidenceSchema, type Progress, type StepProgress } from '../protocol/api.ts';
import type { ProgressStore, SessionRecord, SessionStore } from '../server/stores.ts';
import { nextStepProgress, withResets, type CheckAttempt } from '../steps/attempt.ts';
import { statement, transaction, writeBatch } from './db.ts';

type Row = Record<string, string | number | null>;

/** One check attempt as kept in the history. */
export type AttemptRecord = CheckAttempt;

const triggerOf = (value: unknown): CheckAttempt['trigger'] =>
  value === 'automatic' || value === 'solve' ? value : 'check';

/** A progress row as the shared rule reads it. */
function toStepProgress(row: Row): StepProgress {
  return {
    status: row.status as 'passed' | 'failed',
    at: String(row.at),
    attempts: Number(row.attempts),
    ...(row.passed_at ? { passedAt: String(row.passed_at) } : {}),
    ...(row.last_passed_at ? { lastPassedAt: String(row.last_passed_at) } : {}),
    ...(row.passed_by ? { passedBy: triggerOf(row.passed_by) } : {}),
    ...(row.failing_now ? { failingNow: true } : {}),
  };
}

/** Evidence as stored (JSON), or none when unreadable. */
function toEvidence(text: unknown): CheckAttempt['evidence'] {
  if (typeof text !== 'string') return undefined;
  try {
    const parsed = z.array(evidenceSchema).safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

function toSession(row: Row | undefined): SessionRecord | undefined {
  if (!row) return undefined;
  return {
    id: String(row.id),
    tokenHash: String(row.token_hash),
    createdAt: String(row.created_at),
    ...(row.display_name ? { displayName: String(row.display_name) } : {}),
  };
}

/** Sessions kept in memory by token hash at most; past it the oldest kept is forgotten (read again when used). */
const KNOWN_SESSIONS = 100_000;

/** Sessions in SQLite (hashed tokens only, as the in-memory store). */
export class SqliteSessionStore implements SessionStore {
  readonly #db: DatabaseSync;
  /**
   * Sessions made or found since the server started, by token hash. Every request and socket of a learner looks its
   * session up, and a session never changes once made (its class is not part of the record), only goes: a class
   * of 1,000 joining at once read the table 2,000 times (348 ms of the front thread's 9.9 s in a profiled run).
   */
  readonly #known = new Map<string, SessionRecord>();
  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  /** Written with the other writes of this turn of the event loop, on disk when it resolves (`WriteBatch`). */
  async insert(record: SessionRecord, classId?: string): Promise<void> {
    await writeBatch(this.#db).run(() =>
      statement(
        this.#db,
        'INSERT INTO sessions (id, token_hash, created_at, display_name, class_id) VALUES (?, ?, ?, ?, ?)',
      ).run(record.id, record.tokenHash, record.createdAt, record.displayName ?? null, classId ?? null),
    );
    this.#keep(record);
  }

  async findByTokenHash(tokenHash: string): Promise<SessionRecord | undefined> {
    const known = this.#known.get(tokenHash);
    if (known) return known;
    const found = toSession(
      statement(this.#db, 'SELECT * FROM sessions WHERE token_hash = ?').get(tokenHash) as Row | undefined,
    );
    if (found) this.#keep(found);
    return found;
  }

  #keep(record: SessionRecord): void {
    if (this.#known.size >= KNOWN_SESSIONS) this.#known.delete(this.#known.keys().next().value!);
    this.#known.set(record.tokenHash, record);
  }

  async get(id: string): Promise<SessionRecord | undefined> {
    return toSession(statement(this.#db, 'SELECT * FROM sessions WHERE id = ?').get(id) as Row | undefined);
  }

  async delete(id: string): Promise<void> {
    const row = statement(this.#db, 'SELECT token_hash FROM sessions WHERE id = ?').get(id) as Row | undefined;
    this.#db.prepare('DELETE FROM sessions WHERE id = ?').run(id);
    if (row) this.#known.delete(String(row.token_hash));
  }
}

/** Progress in SQLite: every attempt kept, the step states derived with the server's shared rule. */
export class SqliteProgressStore implements ProgressStore {
  readonly #db: DatabaseSync;
  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  /** Written with the other writes of this turn of the event loop, on disk when it resolves (`WriteBatch`). */
  async recordAttempt(attempt: CheckAttempt): Promise<StepProgress> {
    return writeBatch(this.#db).run(() => {
      const row = statement(this.#db, 'SELECT * FROM progress WHERE session_id = ? AND lab = ? AND step = ?').get(
        attempt.sessionId,
        attempt.lab,
        attempt.step,
      ) as Row | undefined;
      const previous: StepProgress | undefined = row ? toStepProgress(row) : undefined;
      const next = nextStepProgress(previous, attempt);
      // The class is kept on the attempt itself, so the history reads by class without a join.
      statement(
        this.#db,
        `INSERT INTO attempts (session_id, class_id, lab, step, ok, at, duration_ms, explanation_ko, explanation_en,
           trigger, evidence, signature) VALUES (?, (SELECT class_id FROM sessions WHERE id = ?), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      ).run(
        attempt.sessionId,
        attempt.sessionId,
        attempt.lab,
        attempt.step,
        attempt.ok ? 1 : 0,
        attempt.at,
        attempt.durationMs,
        attempt.explanation.ko,
        attempt.explanation.en,
        attempt.trigger ?? 'check',
        attempt.evidence ? JSON.stringify(attempt.evidence) : null,
        attempt.signature ?? null,
      );
      statement(
        this.#db,
        `INSERT INTO progress (session_id, lab, step, status, at, attempts, passed_at, last_passed_at, passed_by, failing_now)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (session_id, lab, step) DO UPDATE SET status = excluded.status,
           at = excluded.at, attempts = excluded.attempts, passed_at = excluded.passed_at,
           last_passed_at = excluded.last_passed_at, passed_by = excluded.passed_by, failing_now = excluded.failing_now`,
      ).run(
        attempt.sessionId,
        attempt.lab,
        attempt.step,
        next.status,
        next.at,
        next.attempts,
        next.passedAt ?? null,
        next.lastPassedAt ?? null,
        next.passedBy ?? null,
        next.failingNow ? 1 : 0,
      );
      const resetAt = this.#resets(attempt.sessionId)[attempt.lab];
      return withResets({ [attempt.lab]: { [attempt.step]: next } }, resetAt ? { [attempt.lab]: resetAt } : {})[
        attempt.lab
      ]![attempt.step]!;
    });
  }

  async progress(sessionId: string): Promise<Progress> {
    const out: Progress = {};
    for (const row of statement(this.#db, 'SELECT * FROM progress WHERE session_id = ?').all(sessionId) as Row[])
      (out[String(row.lab)] ??= {})[String(row.step)] = toStepProgress(row);
    return withResets(out, this.#resets(sessionId));
  }

  async recordReset(sessionId: string, lab: string, at: string): Promise<void> {
    this.#db
      .prepare(
        'INSERT INTO lab_resets (session_id, lab, at) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET at = excluded.at',
      )
      .run(sessionId, lab, at);
  }

  /** Lab id -> RFC 3339 of the latest reset, for one session. */
  #resets(sessionId: string): Record<string, string> {
    const rows = statement(this.#db, 'SELECT lab, at FROM lab_resets WHERE session_id = ?').all(sessionId) as Row[];
    return Object.fromEntries(rows.map((r) => [String(r.lab), String(r.at)]));
  }

  async deleteSession(sessionId: string): Promise<void> {
    transaction(this.#db, () => {
      this.#db.prepare('DELETE FROM progress WHERE session_id = ?').run(sessionId);
      this.#db.prepare('DELETE FROM attempts WHERE session_id = ?').run(sessionId);
      this.#db.prepare('DELETE FROM journal WHERE session_id = ?').run(sessionId);
      this.#db.prepare('DELETE FROM lab_resets WHERE session_id = ?').run(sessionId);
    });
  }

  /** Every attempt of a class's learners, oldest first. */
  attemptsOfClass(classId: string): AttemptRecord[] {
    return (this.#db.prepare('SELECT * FROM attempts WHERE class_id = ? ORDER BY id').all(classId) as Row[]).map(
      (r) => ({
        sessionId: String(r.session_id),
        lab: String(r.lab),
        step: String(r.step),
        ok: r.ok === 1,
        at: String(r.at),
        durationMs: Number(r.duration_ms),
        explanation: { ko: String(r.explanation_ko), en: String(r.explanation_en) },
        trigger: triggerOf(r.trigger),
        ...(toEvidence(r.evidence) ? { evidence: toEvidence(r.evidence) } : {}),
      }),
    );
  }

  /** The latest failed attempt of a session on a step not passed yet, with its explanation. */
  latestFailure(sessionId: string): FailureRecord | undefined {
    const row = this.#db
      .prepare(`SELECT a.* FROM attempts a JOIN progress p ON p.session_id = a.session_id AND p.lab = a.lab AND p.step = a.step
      WHERE a.session_id = ? AND a.ok = 0 AND p.status = 'failed' ORDER BY a.id DESC LIMIT 1`)
      .get(sessionId) as Row | undefined;
    return row ? toFailure(row) : undefined;
  }

  /** Per learner of a class and step not passed yet: the latest failed attempt (for the column summaries). */
  openFailuresOfClass(classId: string): (FailureRecord & { sessionId: string })[] {
    const rows = this.#db
      .prepare(`SELECT a.* FROM attempts a JOIN progress p ON p.session_id = a.session_id AND p.lab = a.lab AND p.step = a.step
      WHERE a.class_id = ? AND a.ok = 0 AND p.status = 'failed' AND a.id = (
        SELECT MAX(b.id) FROM attempts b WHERE b.session_id = a.session_id AND b.lab = a.lab AND b.step = a.step)`)
      .all(classId) as Row[];
    return rows.map((r) => ({ ...toFailure(r), sessionId: String(r.session_id) }));
  }
}

/** A failed attempt as the dashboard shows it. */
export interface FailureRecord {
  lab: string;
  step: string;
  at: string;
  explanation: { ko: string; en: string };
  signature?: string;
}

function toFailure(row: Row): FailureRecord {
  return {
    lab: String(row.lab),
    step: String(row.step),
    at: String(row.at),
    explanation: { ko: String(row.explanation_ko), en: String(row.explanation_en) },
    ...(row.signature ? { signature: String(row.signature) } : {}),
  };
}
