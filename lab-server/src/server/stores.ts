/**
 * Storage seams of the lab server: sessions and progress. The server only talks to these interfaces;
 * the in-memory versions here serve `labs serve`, and the classroom adds SQLite versions (the same
 * interfaces, so a restart loses nothing). Methods are async so a networked database (PostgreSQL,
 * for the many-replica deployment of DESIGN.md) fits the same shape.
 */
import type { Progress, StepProgress } from '../protocol/api.ts';
import { nextStepProgress, withResets, type CheckAttempt } from '../steps/attempt.ts';

export { nextStepProgress, type CheckAttempt };

/** A session as stored. The token itself is never stored: only its SHA-256 (see `sessions.ts`). */
export interface SessionRecord {
  /** Public, non-secret id (safe to show an instructor or write in logs). */
  id: string;
  /** base64url SHA-256 of the session token. */
  tokenHash: string;
  /** RFC 3339. */
  createdAt: string;
  /** Name given when joining a class; absent for anonymous self-paced sessions. */
  displayName?: string;
}

/** Where sessions live. */
export interface SessionStore {
  /** Stores a new session; `classId` is the class it joins, written with it (a store without classes has none). */
  insert(record: SessionRecord, classId?: string): Promise<void>;
  findByTokenHash(tokenHash: string): Promise<SessionRecord | undefined>;
  get(id: string): Promise<SessionRecord | undefined>;
  delete(id: string): Promise<void>;
}

/** Where check results live: per session, per lab, per step. */
export interface ProgressStore {
  /** Records an attempt and returns the step's new state; resolves only once the attempt is durable. */
  recordAttempt(attempt: CheckAttempt): Promise<StepProgress>;
  /** All labs' step states of one session (steps never tried are absent), `resetSince` applied. */
  progress(sessionId: string): Promise<Progress>;
  /** Records that a session's lab went back to its starting state at `at` (RFC 3339, the environment's clock). */
  recordReset(sessionId: string, lab: string, at: string): Promise<void>;
  /** Forgets one session's progress (a removed learner). */
  deleteSession(sessionId: string): Promise<void>;
}

/** Sessions kept in memory: lost on restart, which is fine for a self-paced learner's `labs serve`. */
export class MemorySessionStore implements SessionStore {
  #byId = new Map<string, SessionRecord>();
  #byTokenHash = new Map<string, SessionRecord>();

  async insert(record: SessionRecord): Promise<void> {
    this.#byId.set(record.id, record);
    this.#byTokenHash.set(record.tokenHash, record);
  }

  async findByTokenHash(tokenHash: string): Promise<SessionRecord | undefined> {
    return this.#byTokenHash.get(tokenHash);
  }

  async get(id: string): Promise<SessionRecord | undefined> {
    return this.#byId.get(id);
  }

  async delete(id: string): Promise<void> {
    const record = this.#byId.get(id);
    if (!record) return;
    this.#byId.delete(id);
    this.#byTokenHash.delete(record.tokenHash);
  }
}

/** Progress kept in memory. */
export class MemoryProgressStore implements ProgressStore {
  #bySession = new Map<string, Progress>();
  #resets = new Map<string, Record<string, string>>();

  async recordAttempt(attempt: CheckAttempt): Promise<StepProgress> {
    const progress = this.#bySession.get(attempt.sessionId) ?? {};
    this.#bySession.set(attempt.sessionId, progress);
    const lab = (progress[attempt.lab] ??= {});
    const previous = lab[attempt.step];
    const next = nextStepProgress(previous, attempt);
    lab[attempt.step] = next;
    // As `progress()` shows it: a failure after a reset reads "reset since", not "failing now".
    const resets = this.#resets.get(attempt.sessionId) ?? {};
    return withResets({ [attempt.lab]: { [attempt.step]: next } }, resets)[attempt.lab]![attempt.step]!;
  }

  async progress(sessionId: string): Promise<Progress> {
    return withResets(structuredClone(this.#bySession.get(sessionId) ?? {}), this.#resets.get(sessionId) ?? {});
  }

  async recordReset(sessionId: string, lab: string, at: string): Promise<void> {
    this.#resets.set(sessionId, { ...this.#resets.get(sessionId), [lab]: at });
  }

  async deleteSession(sessionId: string): Promise<void> {
    this.#bySession.delete(sessionId);
    this.#resets.delete(sessionId);
  }
}
