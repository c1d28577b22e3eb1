/** Byte counts for access logs: a long body's UTF-8 length is kept, and each body gets its own. */
import { describe, expect, it } from 'vitest';
import { bodyBytes } from './responses.ts';

describe('bodyBytes', () => {
  it('counts UTF-8 bytes of short, long and very long bodies, each by its own text', () => {
    const ascii = 'a'.repeat(5000);
    const arrows = '→'.repeat(5000);
    const huge = '→'.repeat(70_000);
    expect(bodyBytes('→')).toBe(3);
    expect(bodyBytes(ascii)).toBe(5000);
    expect(bodyBytes(arrows)).toBe(15_000);
    // Same length as `ascii`, other bytes: the memo must not answer by length.
    expect(bodyBytes(arrows)).toBe(15_000);
    expect(bodyBytes(`${'a'.repeat(4999)}→`)).toBe(5002);
    expect(bodyBytes(huge)).toBe(210_000);
  });
});
