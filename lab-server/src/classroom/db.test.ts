import { mkdtempSync, statSync } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { ClassStore } from './classes.ts';
import { openDatabase, transaction, WriteBatch, writeBatch } from './db.ts';
import { SqliteSessionStore } from './stores.ts';

describe('openDatabase', () => {
  it('keeps the data directory and the database files to their owner (0700, 0600)', () => {
    const dir = join(mkdtempSync(join(tmpdir(), 'labs-db-')), 'data');
    const db = openDatabase(dir);
    db.exec("INSERT INTO sessions (id, token_hash, created_at) VALUES ('a', 'h', 'now')");
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    for (const f of ['classroom.sqlite', 'classroom.sqlite-wal', 'classroom.sqlite-shm'])
      expect(statSync(join(dir, f)).mode & 0o777, f).toBe(0o600);
    db.close();
  });
});

describe('the write batch (group commit)', () => {
  const fresh = () => openDatabase(join(mkdtempSync(join(tmpdir(), 'labs-batch-')), 'data'));
  const count = (db: ReturnType<typeof openDatabase>) =>
    Number((db.prepare('SELECT COUNT(*) AS n FROM sessions').get() as { n: number }).n);

  it('writes what one turn of the event loop asked for in one transaction, and answers once it is committed', async () => {
    const db = fresh();
    const commits = vi.spyOn(db, 'exec');
    const stores = new SqliteSessionStore(db);
    const classes = new ClassStore(db);
    const cls = classes.create('W', ['traffic-shifting'], 1);
    commits.mockClear();
    const rows = ['a', 'b', 'c'].map((id) => ({ id, tokenHash: `h-${id}`, createdAt: 'now' }));
    const written = Promise.all(rows.map((r) => stores.insert(r)));
    expect(count(db)).toBe(0); // nothing written before the turn ends
    await written;
    expect(count(db)).toBe(3);
    expect(commits.mock.calls.filter(([sql]) => sql === 'COMMIT')).toHaveLength(1);
    await Promise.all(rows.map((r) => classes.enrol(r.id, cls.id)));
    expect(
      classes
        .learners(cls.id)
        .map((l) => l.id)
        .sort(),
    ).toEqual(['a', 'b', 'c']);
    db.close();
  });

  it('undoes a write that fails alone: the others of its turn are kept', async () => {
    const db = fresh();
    const batch = writeBatch(db);
    const insert = (id: string) => () =>
      db.prepare("INSERT INTO sessions (id, token_hash, created_at) VALUES (?, ?, 'now')").run(id, `h-${id}`);
    const results = await Promise.allSettled([
      batch.run(insert('x')),
      batch.run(() => {
        insert('y')();
        throw new Error('no');
      }),
      batch.run(insert('x')), // the same id again: a constraint error
      batch.run(insert('z')),
    ]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    const ids = (db.prepare('SELECT id FROM sessions ORDER BY id').all() as { id: string }[]).map((r) => r.id);
    expect(ids).toEqual(['x', 'z']);
    db.close();
  });

  it('is written before a transaction of its database begins, so writes keep their order', async () => {
    const db = fresh();
    const stores = new SqliteSessionStore(db);
    void stores.insert({ id: 'first', tokenHash: 'h1', createdAt: 'now' });
    transaction(db, () => db.prepare("UPDATE sessions SET display_name = 'later' WHERE id = 'first'").run());
    expect(db.prepare("SELECT display_name FROM sessions WHERE id = 'first'").get()).toEqual({ display_name: 'later' });
    db.close();
  });
});

describe('the write batch and the disk', () => {
  const fresh = () => openDatabase(join(mkdtempSync(join(tmpdir(), 'labs-sync-')), 'data'));

  it("commits without the server's thread waiting for the disk, and acknowledges once the log is synced", async () => {
    const db = fresh();
    let synced: () => void = () => undefined;
    const sync = vi.fn(() => new Promise<void>((resolve) => (synced = resolve)));
    const batch = new WriteBatch(db, sync);
    const execs = vi.spyOn(db, 'exec');
    let acknowledged = false;
    const written = batch
      .run(() => db.prepare("INSERT INTO sessions (id, token_hash, created_at) VALUES ('a', 'h', 'now')").run())
      .then(() => (acknowledged = true));
    await vi.waitFor(() => expect(sync).toHaveBeenCalledTimes(1));
    // Committed (another reader sees it) with synchronous = NORMAL, so the COMMIT itself did not fsync ...
    const sql = execs.mock.calls.map(([s]) => s);
    expect(sql.indexOf('PRAGMA synchronous = NORMAL')).toBeLessThan(sql.indexOf('COMMIT'));
    expect(sql.at(-1)).toBe('PRAGMA synchronous = FULL');
    expect(db.prepare('SELECT COUNT(*) AS n FROM sessions').get()).toEqual({ n: 1 });
    // ... and nobody is told before the log is on the disk.
    await new Promise((resolve) => setImmediate(resolve));
    expect(acknowledged).toBe(false);
    synced();
    await written;
    expect(acknowledged).toBe(true);
    db.close();
  });

  it('gathers the writes that arrive while the log is synced into one commit after it', async () => {
    const db = fresh();
    const syncs: (() => void)[] = [];
    const batch = new WriteBatch(db, () => new Promise<void>((resolve) => syncs.push(resolve)));
    const commits = vi.spyOn(db, 'exec');
    const insert = (id: string) => () =>
      db.prepare("INSERT INTO sessions (id, token_hash, created_at) VALUES (?, ?, 'now')").run(id, `h-${id}`);
    const first = batch.run(insert('a'));
    await vi.waitFor(() => expect(syncs).toHaveLength(1));
    const later = [batch.run(insert('b')), batch.run(insert('c'))];
    for (let turn = 0; turn < 3; turn++) await new Promise((resolve) => setImmediate(resolve));
    // Nothing more is committed while the first fsync runs ...
    expect(commits.mock.calls.filter(([sql]) => sql === 'COMMIT')).toHaveLength(1);
    syncs[0]!();
    await first;
    // ... then both in one transaction, acknowledged after their own fsync.
    await vi.waitFor(() => expect(syncs).toHaveLength(2));
    expect(commits.mock.calls.filter(([sql]) => sql === 'COMMIT')).toHaveLength(2);
    syncs[1]!();
    await Promise.all(later);
    db.close();
  });

  it('fails the writes of a batch whose log could not be synced', async () => {
    const db = fresh();
    const batch = new WriteBatch(db, () => Promise.reject(new Error('EIO: i/o error, fdatasync')));
    await expect(
      batch.run(() => db.prepare("INSERT INTO sessions (id, token_hash, created_at) VALUES ('a', 'h', 'now')").run()),
    ).rejects.toThrow(/EIO/);
    db.close();
  });

  it("syncs the database's own log by default", async () => {
    const db = fresh();
    const datasync = vi.spyOn(await fileHandlePrototype(), 'datasync');
    await writeBatch(db).run(() =>
      db.prepare("INSERT INTO sessions (id, token_hash, created_at) VALUES ('a', 'h', 'now')").run(),
    );
    expect(datasync).toHaveBeenCalled();
    datasync.mockRestore();
    db.close();
  });
});

/** The prototype of `fs/promises` file handles, to count their fsyncs. */
async function fileHandlePrototype(): Promise<FileHandle> {
  const handle = await open(import.meta.filename, 'r');
  await handle.close();
  return Object.getPrototypeOf(handle) as FileHandle;
}
