/** The SQLite stores: tokens kept only as hashes, progress rules, the attempt history by class, durability across kill -9. */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { describe, expect, it } from 'vitest';
import { hashToken, SessionManager } from '../server/sessions.ts';
import type { CheckAttempt } from '../server/stores.ts';
import { ClassStore } from './classes.ts';
import { openDatabase } from './db.ts';
import { Journal } from './journal.ts';
import { SqliteProgressStore, SqliteSessionStore } from './stores.ts';

const tmp = () => mkdtempSync(join(tmpdir(), 'labs-stores-'));

function attempt(sessionId: string, step: string, ok: boolean, at: string): CheckAttempt {
  return {
    sessionId,
    lab: 'traffic-shifting',
    step,
    ok,
    at,
    durationMs: 12.5,
    explanation: { ko: ok ? '통과' : `실패 ${step}`, en: ok ? 'passed' : `failed ${step}` },
  };
}

describe('SqliteSessionStore', () => {
  it('keeps only the SHA-256 of a token: the raw token is nowhere in the database files', async () => {
    const dir = tmp();
    const db = openDatabase(dir);
    const sessions = new SessionManager(new SqliteSessionStore(db));
    const { token, session } = await sessions.create({ displayName: 'Ada' });
    expect((await sessions.authenticate(token))?.id).toBe(session.id);
    expect(await sessions.authenticate(`${token.slice(0, -1)}${token.endsWith('A') ? 'B' : 'A'}`)).toBeUndefined();
    const row = db.prepare('SELECT * FROM sessions WHERE id = ?').get(session.id) as Record<string, string>;
    expect(row.token_hash).toBe(hashToken(token));
    expect(row.display_name).toBe('Ada');
    for (const file of readdirSync(dir)) expect(readFileSync(join(dir, file)).includes(token), file).toBe(false);
    db.close();
  });

  it('writes a joining session with its class, and a deleted session no longer authenticates', async () => {
    const db = openDatabase(tmp());
    const classes = new ClassStore(db);
    const cls = classes.create('W', ['traffic-shifting'], 1);
    const sessions = new SessionManager(new SqliteSessionStore(db));
    const { token, session } = await sessions.create({ displayName: 'Ada', classId: cls.id });
    expect(classes.classOf(session.id)).toBe(cls.id);
    expect(classes.learners(cls.id).map((l) => l.name)).toEqual(['Ada']);
    expect(await sessions.authenticate(token)).toEqual(session);
    await sessions.store.delete(session.id);
    expect(await sessions.authenticate(token)).toBeUndefined();
    // Found again by another store on the same database (as after a restart): read from the table.
    const other = await sessions.create();
    expect(await new SessionManager(new SqliteSessionStore(db)).authenticate(other.token)).toEqual(other.session);
    db.close();
  });
});

describe('SqliteProgressStore', () => {
  it('keeps every attempt with its class, a passed step stays passed, and the latest failure is the one not passed since', async () => {
    const db = openDatabase(tmp());
    const classes = new ClassStore(db);
    const store = new SqliteProgressStore(db);
    const sessions = new SessionManager(new SqliteSessionStore(db));
    const cls = classes.create('W', ['traffic-shifting'], 1);
    const { session } = await sessions.create({ displayName: 'Ada' });
    await classes.enrol(session.id, cls.id);

    expect(
      await store.recordAttempt(attempt(session.id, 'destination-rules', false, '2026-01-01T10:00:00.000Z')),
    ).toMatchObject({ status: 'failed', attempts: 1 });
    expect(store.latestFailure(session.id)).toMatchObject({
      step: 'destination-rules',
      explanation: { en: 'failed destination-rules' },
    });
    expect(
      await store.recordAttempt(attempt(session.id, 'destination-rules', true, '2026-01-01T10:01:00.000Z')),
    ).toMatchObject({ status: 'passed', attempts: 2, passedAt: '2026-01-01T10:01:00.000Z' });
    expect(store.latestFailure(session.id)).toBeUndefined();
    // A later failure (after a reset, say) does not take the pass away.
    expect(
      await store.recordAttempt(attempt(session.id, 'destination-rules', false, '2026-01-01T10:02:00.000Z')),
    ).toMatchObject({ status: 'passed', attempts: 3 });
    await store.recordAttempt(attempt(session.id, 'route-all-v1', false, '2026-01-01T10:03:00.000Z'));
    expect(store.latestFailure(session.id)?.step).toBe('route-all-v1');

    const history = store.attemptsOfClass(cls.id);
    expect(history.map((a) => [a.step, a.ok])).toEqual([
      ['destination-rules', false],
      ['destination-rules', true],
      ['destination-rules', false],
      ['route-all-v1', false],
    ]);
    expect(store.attemptsOfClass('another-class')).toEqual([]);

    new Journal(db).append(session.id, 'traffic-shifting', { kind: 'command', line: 'kubectl get pods', exitCode: 0 });
    await store.deleteSession(session.id);
    expect(await store.progress(session.id)).toEqual({});
    expect(store.attemptsOfClass(cls.id)).toEqual([]);
    expect(new Journal(db).sinceReset(session.id, 'traffic-shifting')).toEqual([]);
    db.close();
  });

  it('an attempt acknowledged by recordAttempt survives the process being killed with SIGKILL right after', () => {
    const dir = tmp();
    const script = `
      import { openDatabase } from ${JSON.stringify(join(import.meta.dirname, 'db.ts'))};
      import { SqliteProgressStore } from ${JSON.stringify(join(import.meta.dirname, 'stores.ts'))};
      const store = new SqliteProgressStore(openDatabase(${JSON.stringify(dir)}));
      for (let i = 0; i < 20; i++) {
        await store.recordAttempt({
          sessionId: 's1', lab: 'traffic-shifting', step: 'step-' + i, ok: i % 2 === 0,
          at: new Date().toISOString(), durationMs: 1, explanation: { ko: '', en: '' },
        });
      }
      process.stdout.write('acknowledged\\n');
      process.kill(process.pid, 'SIGKILL');
    `;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(child.stderr).not.toMatch(/Error/);
    expect(child.stdout).toBe('acknowledged\n');
    expect(child.signal).toBe('SIGKILL');
    // A fresh connection, as the restarted server makes: the WAL is recovered and every attempt is there.
    const db = new DatabaseSync(join(dir, 'classroom.sqlite'));
    expect((db.prepare('SELECT COUNT(*) AS n FROM attempts').get() as { n: number }).n).toBe(20);
    expect((db.prepare("SELECT COUNT(*) AS n FROM progress WHERE status = 'passed'").get() as { n: number }).n).toBe(
      10,
    );
    db.close();
  });
});

describe('openDatabase', () => {
  it('adds the class to the attempts of a database made before the column existed', () => {
    const dir = tmp();
    const old = new DatabaseSync(join(dir, 'classroom.sqlite'));
    old.exec(`CREATE TABLE sessions (id TEXT PRIMARY KEY, token_hash TEXT NOT NULL UNIQUE, created_at TEXT NOT NULL,
        display_name TEXT, class_id TEXT);
      CREATE TABLE attempts (id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL, lab TEXT NOT NULL,
        step TEXT NOT NULL, ok INTEGER NOT NULL, at TEXT NOT NULL, duration_ms REAL NOT NULL,
        explanation_ko TEXT NOT NULL, explanation_en TEXT NOT NULL);
      INSERT INTO sessions VALUES ('s1', 'h', '2026-01-01T00:00:00Z', 'Ada', 'c1');
      INSERT INTO attempts (session_id, lab, step, ok, at, duration_ms, explanation_ko, explanation_en)
        VALUES ('s1', 'traffic-shifting', 'x', 1, '2026-01-01T00:00:00Z', 1, '', '');`);
    old.close();
    const db = openDatabase(dir);
    expect(new SqliteProgressStore(db).attemptsOfClass('c1')).toHaveLength(1);
    db.close();
  });
});
