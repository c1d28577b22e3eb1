import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDatabase } from './db.ts';

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
