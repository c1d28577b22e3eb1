/**
 * WAL checkpoints on a thread of their own. SQLite's automatic checkpoint runs inside the COMMIT that fills the
 * write-ahead log past 1,000 pages (4 MB), on the connection that commits: the server's front thread. It copies
 * the log into the database and waits for the disk, 40 to 110 ms on this machine, and every terminal and request of
 * every learner waits with it (a learner pasting 60 KB heredocs again and again filled the log every few seconds).
 * Here the front's connection never checkpoints; a second connection in a worker thread does, every `everyMs`, in
 * the PASSIVE mode, which never blocks the front's writers or readers (WAL lets a checkpoint and commits overlap).
 */
import type { DatabaseSync } from 'node:sqlite';
import { Worker } from 'node:worker_threads';

/** What one checkpoint did (SQLite's `wal_checkpoint` row): frames in the log, and how many were copied. */
export interface CheckpointResult {
  busy: number;
  log: number;
  checkpointed: number;
}

/** The background checkpointer of one database. */
export interface Checkpointer {
  /** Checkpoints now (tests, and a last one before closing); resolves with what it did. */
  now(): Promise<CheckpointResult>;
  /** A last checkpoint, then the thread ends. */
  close(): Promise<void>;
}

/** Options of `checkpointInBackground`. */
export interface CheckpointOptions {
  /** Time between checkpoints (default 1 s): the log grows by at most what the server writes in that time. */
  everyMs?: number;
}

// The thread's code: plain CommonJS, so it runs wherever the server does (no loader, no file to find).
const THREAD = `
const { parentPort, workerData } = require('node:worker_threads');
const { DatabaseSync } = require('node:sqlite');
const db = new DatabaseSync(workerData.file);
db.exec('PRAGMA busy_timeout = 1000');
const checkpoint = db.prepare('PRAGMA wal_checkpoint(PASSIVE)');
const run = () => {
  try {
    return { ok: true, value: { ...checkpoint.get() } };
  } catch (error) {
    return { ok: false, error: String(error && error.message ? error.message : error) };
  }
};
const timer = setInterval(() => {
  const result = run();
  if (!result.ok) parentPort.postMessage({ id: 0, ...result });
}, workerData.everyMs);
parentPort.on('message', ({ id, op }) => {
  parentPort.postMessage({ id, ...run() });
  if (op === 'close') {
    clearInterval(timer);
    db.close();
    parentPort.close();
  }
});
`;

type ThreadReply = { id: number; ok: true; value: CheckpointResult } | { id: number; ok: false; error: string };

/**
 * Turns off the automatic checkpoints of `db` (the front's connection) and checkpoints its file from a worker thread
 * instead. A checkpoint that fails is logged and tried again at the next turn; the log then grows, as it would
 * with a reader holding it, and nothing written is lost (the log is the data until it is copied).
 */
export function checkpointInBackground(db: DatabaseSync, options: CheckpointOptions = {}): Checkpointer {
  const file = db.location();
  if (file === null) throw new Error('checkpointInBackground: an in-memory database has no log to checkpoint');
  db.exec('PRAGMA wal_autocheckpoint = 0');
  // The log file is reused from its start after a complete checkpoint; a burst that grew it is cut back then.
  db.exec('PRAGMA journal_size_limit = 67108864');
  const worker = new Worker(THREAD, { eval: true, workerData: { file, everyMs: options.everyMs ?? 1000 } });
  worker.unref();
  let nextId = 1;
  const waiting = new Map<number, { resolve: (r: CheckpointResult) => void; reject: (e: Error) => void }>();
  let ended: Error | undefined;
  worker.on('message', (reply: ThreadReply) => {
    if (reply.id === 0) {
      if (!reply.ok) console.error('labs classroom: a background checkpoint failed:', reply.error);
      return;
    }
    const w = waiting.get(reply.id);
    waiting.delete(reply.id);
    if (reply.ok) w?.resolve(reply.value);
    else w?.reject(new Error(reply.error));
  });
  const fail = (error: Error) => {
    ended = error;
    for (const w of waiting.values()) w.reject(error);
    waiting.clear();
  };
  worker.on('error', (error) => {
    console.error('labs classroom: the checkpoint thread stopped:', error.message);
    // Without the thread, the front's connection checkpoints again, as SQLite does by default.
    try {
      db.exec('PRAGMA wal_autocheckpoint = 1000');
    } catch {
      // The database is closed already: nothing more to checkpoint.
    }
    fail(error);
  });
  worker.on('exit', () => fail(ended ?? new Error('the checkpoint thread has ended')));
  const ask = (op: 'now' | 'close') =>
    new Promise<CheckpointResult>((resolve, reject) => {
      if (ended) return reject(ended);
      const id = nextId++;
      waiting.set(id, { resolve, reject });
      worker.postMessage({ id, op });
    });
  return {
    now: () => ask('now'),
    async close() {
      if (ended) return;
      await ask('close').catch(() => undefined);
      await new Promise((resolve) => (ended ? resolve(undefined) : worker.once('exit', resolve)));
    },
  };
}
