/**
 * Classes and their learners: a join code per class (short, in an alphabet without look-alikes, so it can be
 * read off a projector), valid until the class expires; learners are sessions tied to a class.
 */
import { randomInt, randomUUID } from 'node:crypto';
import type { DatabaseSync } from 'node:sqlite';
import { statement, writeBatch } from './db.ts';

/** A class as stored. */
export interface ClassRecord {
  id: string;
  name: string;
  chapters: string[];
  joinCode: string;
  createdAt: string;
  expiresAt: string;
}

/** A learner of a class. */
export interface LearnerRecord {
  id: string;
  name: string;
  joinedAt: string;
}

// No 0/O, 1/I/L: codes are read aloud and copied from a screen.
const CODE_ALPHABET = 'ABCDEFGHJKMNPQRSTUVWXYZ23456789';
const CODE_LENGTH = 6;

/** A fresh join code. */
export function newJoinCode(): string {
  let code = '';
  for (let i = 0; i < CODE_LENGTH; i++) code += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
  return code;
}

/** What a user typed as a code, normalised (case, spaces, dashes). */
export function normaliseCode(text: string): string {
  return text.toUpperCase().replace(/[\s-]/g, '');
}

type Row = Record<string, string | number | null>;

function toClass(row: Row | undefined): ClassRecord | undefined {
  if (!row) return undefined;
  return {
    id: String(row.id),
    name: String(row.name),
    chapters: JSON.parse(String(row.chapters)) as string[],
    joinCode: String(row.join_code),
    createdAt: String(row.created_at),
    expiresAt: String(row.expires_at),
  };
}

/** Classes in SQLite. */
export class ClassStore {
  readonly #db: DatabaseSync;
  constructor(db: DatabaseSync) {
    this.#db = db;
  }

  create(name: string, chapters: string[], lifetimeHours: number, now = new Date()): ClassRecord {
    for (;;) {
      const record: ClassRecord = {
        id: randomUUID(),
        name,
        chapters,
        joinCode: newJoinCode(),
        createdAt: now.toISOString(),
        expiresAt: new Date(now.getTime() + lifetimeHours * 3600_000).toISOString(),
      };
      try {
        this.#db
          .prepare(
            'INSERT INTO classes (id, name, chapters, join_code, created_at, expires_at) VALUES (?, ?, ?, ?, ?, ?)',
          )
          .run(
            record.id,
            record.name,
            JSON.stringify(record.chapters),
            record.joinCode,
            record.createdAt,
            record.expiresAt,
          );
        return record;
      } catch (error) {
        if (!String((error as Error).message).includes('UNIQUE')) throw error;
      }
    }
  }

  get(id: string): ClassRecord | undefined {
    return toClass(this.#db.prepare('SELECT * FROM classes WHERE id = ?').get(id) as Row | undefined);
  }

  /** The live class a code opens, or undefined (unknown or expired). */
  byCode(code: string, now = new Date()): ClassRecord | undefined {
    const found = toClass(
      statement(this.#db, 'SELECT * FROM classes WHERE join_code = ?').get(normaliseCode(code)) as Row | undefined,
    );
    return found && Date.parse(found.expiresAt) > now.getTime() ? found : undefined;
  }

  list(): ClassRecord[] {
    return (this.#db.prepare('SELECT * FROM classes ORDER BY created_at DESC').all() as Row[]).map((r) => toClass(r)!);
  }

  /** Ties a session to a class; on disk when it resolves (written with the other writes of this turn). */
  async enrol(sessionId: string, classId: string): Promise<void> {
    await writeBatch(this.#db).run(() =>
      statement(this.#db, 'UPDATE sessions SET class_id = ? WHERE id = ?').run(classId, sessionId),
    );
  }

  learners(classId: string): LearnerRecord[] {
    return (
      this.#db
        .prepare('SELECT id, display_name, created_at FROM sessions WHERE class_id = ? ORDER BY created_at')
        .all(classId) as Row[]
    ).map((r) => ({ id: String(r.id), name: String(r.display_name ?? ''), joinedAt: String(r.created_at) }));
  }

  /** The class a session belongs to. */
  classOf(sessionId: string): string | undefined {
    const row = statement(this.#db, 'SELECT class_id FROM sessions WHERE id = ?').get(sessionId) as Row | undefined;
    return row?.class_id ? String(row.class_id) : undefined;
  }
}
