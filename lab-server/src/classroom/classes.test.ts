/** Classes: join codes without look-alikes, typed loosely, valid until the class expires; learners tied to a class. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ClassStore, newJoinCode, normaliseCode } from './classes.ts';
import { openDatabase } from './db.ts';

describe('join codes', () => {
  it('are six characters without 0/O, 1/I/L, and are spread over the alphabet', () => {
    const codes = Array.from({ length: 2000 }, () => newJoinCode());
    for (const code of codes) expect(code).toMatch(/^[A-HJKMNP-Z2-9]{6}$/);
    expect(new Set(codes).size).toBeGreaterThan(1990);
    expect(new Set(codes.join('')).size).toBe(31);
  });

  it('are read as typed: any case, spaces and dashes ignored', () => {
    expect(normaliseCode(' ab3-k7 q ')).toBe('AB3K7Q');
  });
});

describe('ClassStore', () => {
  it('opens a class by its code until it expires', () => {
    const store = new ClassStore(openDatabase(mkdtempSync(join(tmpdir(), 'labs-classes-'))));
    const created = new Date('2026-03-01T09:00:00Z');
    const cls = store.create('Morning', ['traffic-shifting'], 8, created);
    expect(cls.expiresAt).toBe('2026-03-01T17:00:00.000Z');
    expect(store.byCode(cls.joinCode.toLowerCase(), new Date('2026-03-01T16:59:59Z'))?.id).toBe(cls.id);
    expect(store.byCode(cls.joinCode, new Date('2026-03-01T17:00:00Z'))).toBeUndefined();
    expect(store.byCode('ZZZZZZ' === cls.joinCode ? 'YYYYYY' : 'ZZZZZZ', created)).toBeUndefined();
    expect(store.get(cls.id)).toEqual(cls);
  });
});
