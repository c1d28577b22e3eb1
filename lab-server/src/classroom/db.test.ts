import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { ClassStore } from './classes.ts';
import { openDatabase, transaction, writeBatch } from './db.ts';
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
