import { describe, expect, it } from 'vitest';
import { LineMemo } from './lineMemo.ts';

describe('LineMemo', () => {
  it('works a line out once while it stays among the recent ones, and forgets the least recently used', () => {
    const seen: string[] = [];
    const memo = new LineMemo((line: string) => {
      seen.push(line);
      return line.length;
    }, 2);
    expect([memo.get('ab'), memo.get('ab'), memo.get('cde'), memo.get('ab')]).toEqual([2, 2, 3, 2]);
    expect(seen).toEqual(['ab', 'cde']);
    memo.get('f'); // 'cde' is now the least recently used
    memo.get('ab');
    memo.get('cde');
    expect(seen).toEqual(['ab', 'cde', 'f', 'cde']);
    expect(memo.size).toBe(2);
  });

  it('remembers undefined results too, and keeps only the last long line, outside the recent ones', () => {
    let calls = 0;
    const memo = new LineMemo((_line: string) => {
      calls++;
      return undefined;
    });
    memo.get('x');
    memo.get('x');
    // A pasted manifest is asked about by the terminal, then by the shell: worked out once.
    const long = 'y'.repeat(5000);
    memo.get(long);
    memo.get(`${'y'.repeat(4999)}y`);
    expect(calls).toBe(2);
    const other = 'z'.repeat(5000);
    memo.get(other);
    memo.get(long);
    expect(calls).toBe(4);
    expect(memo.size).toBe(1);
  });
});
