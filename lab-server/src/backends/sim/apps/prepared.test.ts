/** Prepared answers: made once per key, kept within a bound, frozen when shared. */
import { describe, expect, it } from 'vitest';
import { frozenAnswer, Prepared } from './prepared.ts';

describe('Prepared', () => {
  it('makes a value once per key and keeps making right values past its bound', () => {
    const memo = new Prepared<string>();
    let made = 0;
    const get = (key: string) => memo.get(key, () => `${key}:${++made}`);
    expect(get('a')).toBe('a:1');
    expect(get('a')).toBe('a:1');
    expect(get('b')).toBe('b:2');
    for (let i = 0; i < 1000; i++) expect(get(`k${i}`).startsWith(`k${i}:`)).toBe(true);
    expect(made).toBe(1002);
  });

  it('freezes a shared answer, its header list and each header', () => {
    const answer = frozenAnswer({ status: 200, headers: [['Content-Length', '2']], body: 'ok' });
    expect(Object.isFrozen(answer) && Object.isFrozen(answer.headers) && Object.isFrozen(answer.headers[0])).toBe(true);
    expect(() => answer.headers.push(['X', 'y'])).toThrow(TypeError);
  });
});
