/** Label selectors as the API server parses and matches them. */
import { describe, expect, it } from 'vitest';
import { matchesSelector, parseSelector, SelectorError } from './labelSelector.ts';

const labels = { app: 'reviews', version: 'v2', tier: 'backend' };

describe('label selectors', () => {
  it.each([
    ['', true],
    ['app=reviews', true],
    ['app==reviews', true],
    ['app=ratings', false],
    ['app!=ratings', true],
    ['version in (v1,v2)', true],
    ['version in (v1, v3)', false],
    ['version notin (v1,v3)', true],
    ['tier', true],
    ['!tier', false],
    ['!canary', true],
    ['app=reviews,version in (v2),!canary', true],
    ['app=reviews,version=v3', false],
  ])('%j matches: %s', (selector, expected) => {
    expect(matchesSelector(parseSelector(selector), labels)).toBe(expected);
  });

  it("refuses what does not parse, in the API server's words", () => {
    expect(() => parseSelector('app=>reviews')).toThrow(SelectorError);
    expect(() => parseSelector('app=>reviews')).toThrow(
      "unable to parse requirement: found 'app=>reviews', expected: in, notin, =, ==, !=, gt, lt",
    );
  });
});
