import { mkdtempSync, statSync } from 'node:fs';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { checkpointInBackground } from './checkpoints.ts';
import { openDatabase } from './db.ts';
import { Journal } from './journal.ts';

const fresh = () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'labs-ckpt-')), 'data');
  return { db: openDatabase(dir), file: join(dir, 'classroom.sqlite') };
};

/** Six megabytes of pasted lines, one commit each, as a learner pasting a 60 KB heredoc a hundred times writes them. */
function writePastes(db: DatabaseSync): void {
  const journal = new Journal(db);
  const line = `cat <<EOF\n${'v'.repeat(60_000)}\nEOF`;
  for (let i = 0; i < 100; i++) {
    journal.append('s', 'traffic-shifting', { kind: 'command', line, exitCode: 0 });
    journal.flush();
  }
}

describe('checkpointInBackground', () => {
  it('keeps checkpoints out of the commits of the connection it is given', async () => {
    const { db, file } = fresh();
    const checkpoints = checkpointInBackground(db, { everyMs: 3_600_000 });
    writePastes(db);
    // SQLite's own rule would have checkpointed at 1,000 frames (4 MB), inside a commit, and the log would have
    // started again from its beginning: it holds all six megabytes, and the database none of them yet.
    expect(statSync(`${file}-wal`).size).toBeGreaterThan(6_000_000);
    expect(statSync(file).size).toBeLessThan(1_000_000);
    await checkpoints.close();
    db.close();
  });

  it('copies the log into the database from its thread, every `everyMs`', async () => {
    const { db, file } = fresh();
    const checkpoints = checkpointInBackground(db, { everyMs: 20 });
    writePastes(db);
    await vi.waitFor(() => expect(statSync(file).size).toBeGreaterThan(6_000_000), { timeout: 10_000 });
    await checkpoints.close();
    db.close();
  });

  it('checkpoints on demand and once more when closed; every row is in the database', async () => {
    const { db, file } = fresh();
    const checkpoints = checkpointInBackground(db, { everyMs: 3_600_000 });
    writePastes(db);
    const done = await checkpoints.now();
    expect(done.busy).toBe(0);
    expect(done.checkpointed).toBe(done.log);
    expect(done.log).toBeGreaterThan(1400);
    db.prepare("INSERT INTO journal (session_id, lab, kind, payload, at) VALUES ('s', 'l', 'reset', '', 'now')").run();
    await checkpoints.close();
    await expect(checkpoints.now()).rejects.toThrow(/ended/);
    db.close();
    const again = new DatabaseSync(file);
    expect((again.prepare('SELECT COUNT(*) AS n FROM journal').get() as { n: number }).n).toBe(101);
    again.close();
  });

  it('refuses an in-memory database', () => {
    expect(() => checkpointInBackground(new DatabaseSync(':memory:'))).toThrow(/in-memory/);
  });
});
