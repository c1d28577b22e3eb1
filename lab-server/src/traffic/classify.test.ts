/** Classifying answers: the first matching rule, errors only by status, and the same class again for a body seen before. */
import { describe, expect, it } from 'vitest';
import type { HttpResult } from '../contract.ts';
import { classify, OTHER, type ClassRule } from './classify.ts';

const answer = (status: number, body: string, headers: Record<string, string> = {}): HttpResult => ({
  status,
  headers,
  body,
  durationMs: 1,
});

const RULES: readonly ClassRule[] = [
  { name: 'unavailable', status: 503 },
  { name: 'red', status: 200, bodyContains: 'color="red"' },
  { name: 'plain', bodyNotContains: 'star' },
];

describe('classify', () => {
  it('takes the first rule that matches; an error status only matches a rule naming it', () => {
    expect(classify(answer(200, '<i color="red">star</i>'), RULES)).toBe('red');
    expect(classify(answer(200, 'no stars here'), RULES)).toBe(OTHER);
    expect(classify(answer(200, 'nothing'), RULES)).toBe('plain');
    expect(classify(answer(404, 'nothing'), RULES)).toBe(OTHER);
    expect(classify(answer(0, 'nothing'), RULES)).toBe(OTHER);
  });

  it('gives a body seen before the class its status gives it, whatever came before', () => {
    const body = '<i color="red">star</i>';
    const rules: readonly ClassRule[] = [...RULES];
    // The same body under other statuses, then the first again: a memo keyed by the body alone would mix them.
    expect([200, 503, 404, 200, 503].map((status) => classify(answer(status, body), rules))).toEqual([
      'red',
      'unavailable',
      OTHER,
      'red',
      'unavailable',
    ]);
    // Equal text made anew (not the same string) is the same body.
    expect(classify(answer(200, ['<i color="red">', 'star</i>'].join('')), rules)).toBe('red');
  });

  it('reads the headers of every answer when a rule names one', () => {
    const rules: readonly ClassRule[] = [{ name: 'canary', header: { name: 'X-Version', contains: 'canary' } }];
    expect(classify(answer(200, 'same', { 'x-version': 'canary-2' }), rules)).toBe('canary');
    expect(classify(answer(200, 'same', { 'x-version': 'stable' }), rules)).toBe(OTHER);
    expect(classify(answer(200, 'same', { 'X-VERSION': 'canary' }), rules)).toBe('canary');
  });

  it('keeps classifying right past the memo bound (a flood of distinct bodies)', () => {
    const rules: readonly ClassRule[] = [{ name: 'even', status: 200, bodyContains: 'even' }];
    for (let i = 0; i < 200; i++)
      expect(classify(answer(200, `${i} ${i % 2 === 0 ? 'even' : 'odd'}`), rules)).toBe(i % 2 === 0 ? 'even' : OTHER);
  });
});
