/**
 * The classroom's SQLite database (`node:sqlite`, built into Node 24) under the data directory. WAL with
 * `synchronous = FULL`: a write is on disk before the learner is told, so a `kill -9` loses nothing
 * acknowledged (the write batch commits without the fsync and does it off the server's thread, `WalSync`, before it
 * tells anyone). The schema is created (or extended) on open.
 */
import { chmodSync, existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync, type StatementSync } from 'node:sqlite';
import { WalSync } from './walSync.ts';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS sessions (
  id TEXT PRIMARY KEY,
  token_hash TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  display_name TEXT,
  class_id TEXT
);
CREATE TABLE IF NOT EXISTS classes (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  chapters TEXT NOT NULL,
  join_code TEXT NOT NULL UNIQUE,
  created_at TEXT NOT NULL,
  expires_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS progress (
  session_id TEXT NOT NULL,
  lab TEXT NOT NULL,
  step TEXT NOT NULL,
  status TEXT NOT NULL,
  at TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  passed_at TEXT,
  PRIMARY KEY (session_id, lab, step)
);
CREATE TABLE IF NOT EXISTS attempts (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  session_id TEXT NOT NULL,
  lab TEXT NOT NULL,
  step TEXT NOT NULL,
  ok INTEGER NOT NULL,
  at TEXT NOT NULL,
  duration_ms REAL NOT NULL,
  explanation_ko TEXT NOT NULL,
  explanation_en TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS attempts_by_session ON attempts (session_id, lab, step, id);
CREATE TABLE IF NOT EXISTS journal (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  session_id TEXT NOT NULL,
  lab TEXT NOT NULL,
  kind TEXT NOT NULL,
  payload TEXT NOT NULL,
  at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS journal_by_env ON journal (session_id, lab, id);
CREATE TABLE IF NOT EXISTS lab_resets (
  session_id TEXT NOT NULL,
  lab TEXT NOT NULL,
  at TEXT NOT NULL,
  PRIMARY KEY (session_id, lab)
);
`;

/** Makes `dataDir` (and parents) if needed and keeps it to its owner (0700): tokens' hashes and journals live there. */
export function ensureDataDir(dataDir: string): void {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  chmodSync(dataDir, 0o700);
}

/** Opens (creating if needed) the database in `dataDir`; the directory is 0700 and its files 0600. */
export function openDatabase(dataDir: string): DatabaseSync {
  ensureDataDir(dataDir);
  const file = join(dataDir, 'classroom.sqlite');
  const db = new DatabaseSync(file);
  db.exec(
    'PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 5000;',
  );
  db.exec(SCHEMA);
  migrate(db);
  // SQLite creates its files with the process's umask (often 0644); the WAL and shared-memory files exist by now.
  for (const f of [file, `${file}-wal`, `${file}-shm`]) if (existsSync(f)) chmodSync(f, 0o600);
  return db;
}

/** Columns added after a database may already have been made: added in place, old rows filled in. */
function migrate(db: DatabaseSync): void {
  const columns = (db.prepare('PRAGMA table_info(attempts)').all() as { name: string }[]).map((c) => c.name);
  if (!columns.includes('class_id')) {
    db.exec('ALTER TABLE attempts ADD COLUMN class_id TEXT');
    db.exec('UPDATE attempts SET class_id = (SELECT class_id FROM sessions WHERE sessions.id = attempts.session_id)');
  }
  db.exec('CREATE INDEX IF NOT EXISTS attempts_by_class ON attempts (class_id, id)');
  // Automatic checks: what ran an attempt and what it saw; a step's latest pass, first passer and later failure.
  addColumns(db, 'attempts', { trigger: "TEXT NOT NULL DEFAULT 'check'", evidence: 'TEXT', signature: 'TEXT' });
  addColumns(db, 'progress', { last_passed_at: 'TEXT', passed_by: 'TEXT', failing_now: 'INTEGER NOT NULL DEFAULT 0' });
}

/** Adds the columns a table lacks (old rows get the default). */
function addColumns(db: DatabaseSync, table: string, columns: Record<string, string>): void {
  const have = (db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name);
  for (const [name, type] of Object.entries(columns))
    if (!have.includes(name)) db.exec(`ALTER TABLE ${table} ADD COLUMN ${name} ${type}`);
}

/** Runs `work` in one transaction (after the writes waiting in the database's batch, which keep their order). */
export function transaction<T>(db: DatabaseSync, work: () => T): T {
  batches.get(db)?.flush();
  db.exec('BEGIN IMMEDIATE');
  try {
    const result = work();
    db.exec('COMMIT');
    return result;
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}

const statements = new WeakMap<DatabaseSync, Map<string, StatementSync>>();

/** `db.prepare(sql)`, compiled once per database: the server runs the same few statements for every request. */
export function statement(db: DatabaseSync, sql: string): StatementSync {
  let byText = statements.get(db);
  if (!byText) statements.set(db, (byText = new Map()));
  let prepared = byText.get(sql);
  if (!prepared) byText.set(sql, (prepared = db.prepare(sql)));
  return prepared;
}

interface Waiting {
  work: () => unknown;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * Group commit: the writes asked for in one turn of the event loop go to disk in one transaction at its end, one
 * fsync for all. Each write still waits for the disk before its promise resolves (so before the learner is told),
 * and runs in a savepoint of its own: one that throws is undone alone. Without it, 200 learners joining at once
 * held the server's thread for 200 fsyncs in a row (a second on this machine's disk) before the last was answered.
 * The fsync itself runs off the server's thread (`WalSync`): the transaction commits to the log without it, and the
 * writes are acknowledged once the log is on the disk. While one fsync runs, the writes that arrive wait and go in
 * one transaction after it (the batching a blocking fsync gave, without the block): one commit per fsync.
 */
export class WriteBatch {
  readonly #db: DatabaseSync;
  readonly #sync: (() => Promise<void>) | undefined;
  #waiting: Waiting[] = [];
  #scheduled = false;
  /** Fsyncs of this batch under way. */
  #syncing = 0;

  /**
   * `sync` forces the committed log to the disk; by default the database's `-wal` file through `WalSync` (an
   * in-memory database has none, and commits as it is configured).
   */
  constructor(db: DatabaseSync, sync?: () => Promise<void>) {
    this.#db = db;
    const file = db.location();
    const wal = file ? new WalSync(`${file}-wal`) : undefined;
    this.#sync = sync ?? (wal ? () => wal.sync() : undefined);
  }

  /** Runs `work` (synchronous statements) in the next group transaction; resolves once that is on disk. */
  run<T>(work: () => T): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#waiting.push({ work, resolve: resolve as (value: unknown) => void, reject });
      this.#schedule();
    });
  }

  /** A flush at the end of this turn, unless an fsync runs: then after it. */
  #schedule(): void {
    if (this.#scheduled || this.#syncing > 0 || this.#waiting.length === 0) return;
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      this.flush();
    });
  }

  /** Writes what waits now, in one transaction; its writes are acknowledged once it is on the disk. */
  flush(): void {
    const items = this.#waiting;
    if (items.length === 0) return;
    this.#waiting = [];
    const results: ({ ok: true; value: unknown } | { ok: false; error: unknown })[] = [];
    const offThread = this.#sync !== undefined;
    try {
      // Committed to the log only; the fsync is `#sync`'s, before anyone is told.
      if (offThread) this.#db.exec('PRAGMA synchronous = NORMAL');
      this.#db.exec('BEGIN IMMEDIATE');
      for (const item of items) {
        this.#db.exec('SAVEPOINT write_batch_item');
        try {
          results.push({ ok: true, value: item.work() });
          this.#db.exec('RELEASE write_batch_item');
        } catch (error) {
          this.#db.exec('ROLLBACK TO write_batch_item');
          this.#db.exec('RELEASE write_batch_item');
          results.push({ ok: false, error });
        }
      }
      this.#db.exec('COMMIT');
    } catch (error) {
      if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
      for (const item of items) item.reject(error);
      return;
    } finally {
      if (offThread) this.#db.exec('PRAGMA synchronous = FULL');
    }
    const settle = () =>
      items.forEach((item, i) => {
        const r = results[i]!;
        if (r.ok) item.resolve(r.value);
        else item.reject(r.error);
      });
    if (!this.#sync) return void settle();
    this.#syncing++;
    this.#sync()
      .then(settle, (error: unknown) => {
        for (const item of items) item.reject(error);
      })
      .finally(() => {
        this.#syncing--;
        this.#schedule();
      });
  }
}

const batches = new WeakMap<DatabaseSync, WriteBatch>();

/** The database's one write batch (every store of it shares it, so their writes keep their order). */
export function writeBatch(db: DatabaseSync): WriteBatch {
  let batch = batches.get(db);
  if (!batch) batches.set(db, (batch = new WriteBatch(db)));
  return batch;
}
