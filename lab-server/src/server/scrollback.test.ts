import { describe, expect, it } from 'vitest';
import { Scrollback } from './scrollback.ts';

/** The scrollback's rule stated plainly: the newest `limit` characters, cut moved to a line start within 4 KiB. */
function expected(all: string, limit: number): string {
  if (all.length <= limit) return all;
  let cut = all.length - limit;
  const newline = all.indexOf('\n', cut);
  if (newline !== -1 && newline - cut < 4096) cut = newline + 1;
  return all.slice(cut);
}

/** A seeded generator, so a failure is the same on every run. */
function random(seed: number): () => number {
  return () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
}

describe('Scrollback', () => {
  it('keeps everything under its limit', () => {
    const s = new Scrollback(100);
    s.append('a\n');
    s.append('b\n');
    expect(s.text()).toBe('a\nb\n');
  });

  it('keeps the newest text, cut at a line start when one is near', () => {
    const s = new Scrollback(10);
    s.append('0123456789\nabc\ndef');
    expect(s.text()).toBe('abc\ndef');
  });

  it('cuts inside a line when no line start is within 4 KiB of the cut', () => {
    const s = new Scrollback(5000);
    // The cut falls 4,500 characters before the only newline: beyond the window, so it stays.
    s.append(`${'x'.repeat(6000)}\n${'y'.repeat(499)}`);
    expect(s.text()).toBe(`${'x'.repeat(4500)}\n${'y'.repeat(499)}`);
  });

  it('finds the line start in a later chunk than the cut', () => {
    const s = new Scrollback(20);
    for (const chunk of ['abcdefghij', 'klmno', 'pq', 'rs\ntu', 'vwxyz0123456789', 'ABCDEFGHIJ']) s.append(chunk);
    expect(s.text()).toBe(expected('abcdefghijklmnopqrs\ntuvwxyz0123456789ABCDEFGHIJ', 20));
  });

  it('follows the rule for any sequence of chunks, whenever it is read', () => {
    const next = random(7);
    for (let round = 0; round < 25; round++) {
      const limit = 50 + Math.floor(next() * 6000);
      const s = new Scrollback(limit);
      let all = '';
      for (let i = 0; i < 400; i++) {
        const length = Math.floor(next() * next() * 3 * limit);
        let chunk = '';
        while (chunk.length < length) chunk += next() < 0.02 ? '\n' : 'x'.repeat(1 + Math.floor(next() * 80));
        s.append(chunk);
        all = expected(all + chunk, Math.floor(limit * 1.25));
        if (next() < 0.1) {
          all = expected(all, limit);
          expect(s.text()).toBe(all);
        }
      }
      expect(s.text()).toBe(expected(all, limit));
    }
  });

  it('stays bounded under a flood of small chunks', () => {
    const s = new Scrollback(1000);
    for (let i = 0; i < 50_000; i++) s.append(`line ${i}\r\n`);
    const text = s.text();
    expect(text.length).toBeLessThanOrEqual(1000);
    expect(text.endsWith('line 49999\r\n')).toBe(true);
    expect(text.startsWith('line ')).toBe(true);
  });

  it('clears', () => {
    const s = new Scrollback(10);
    s.append('abc');
    s.clear();
    expect(s.text()).toBe('');
  });
});
