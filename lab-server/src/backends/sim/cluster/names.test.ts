/** Generated names and identifiers. */
import { describe, expect, it } from 'vitest';
import { seededRandom } from '../mesh/testing/fakeCluster.ts';
import { randomSuffix, templateHash, timestamp, uuid } from './names.ts';

describe('names', () => {
  it('hashes a pod template into 10 characters of the generateName alphabet, the same each time', () => {
    const a = templateHash(JSON.stringify({ spec: { containers: [{ image: 'reviews:v1' }] } }));
    expect(a).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{10}$/);
    expect(templateHash(JSON.stringify({ spec: { containers: [{ image: 'reviews:v1' }] } }))).toBe(a);
    expect(templateHash(JSON.stringify({ spec: { containers: [{ image: 'reviews:v2' }] } }))).not.toBe(a);
  });

  it('makes suffixes and v4 UUIDs from the random source, reproducibly', () => {
    expect(randomSuffix(seededRandom(1))).toBe(randomSuffix(seededRandom(1)));
    expect(randomSuffix(seededRandom(1))).toMatch(/^[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(uuid(seededRandom(2))).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  });

  it('writes timestamps in RFC 3339 with seconds', () => {
    expect(timestamp(Date.UTC(2026, 10, 24, 10, 2, 43, 999))).toBe('2026-11-24T10:02:43Z');
  });
});
