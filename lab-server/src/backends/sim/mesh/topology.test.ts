/** The configuration view's memo tables: one value per key tuple, keys told apart exactly, bounded. */
import { describe, expect, it } from 'vitest';
import { FakeSimCluster } from '../cluster/testing/fakeSimCluster.ts';
import { VirtualClock } from './testing/fakeCluster.ts';
import { Topology } from './topology.ts';

describe('Topology.memoBy', () => {
  const view = () => new Topology(new FakeSimCluster(new VirtualClock()));

  it('computes once per table and key tuple, telling undefined, empty and numeric keys apart', () => {
    const topology = view();
    let made = 0;
    const get = (table: string, a: unknown, b: unknown, c: unknown, d: unknown) =>
      topology.memoBy(table, a, b, c, d, () => ++made);
    expect(get('t', 'ns', 'host', 80, undefined)).toBe(1);
    expect(get('t', 'ns', 'host', 80, undefined)).toBe(1);
    expect(get('t', 'ns', 'host', 80, '')).toBe(2);
    expect(get('t', 'ns', 'host', '80', undefined)).toBe(3);
    expect(get('u', 'ns', 'host', 80, undefined)).toBe(4);
    const destination = { host: 'reviews' };
    expect(get('t', destination, 'ns', 80, undefined)).toBe(5);
    expect(get('t', { host: 'reviews' }, 'ns', 80, undefined)).toBe(6);
    expect(get('t', destination, 'ns', 80, undefined)).toBe(5);
  });

  it('keeps answering right past its bound (a flood of distinct hosts)', () => {
    const topology = view();
    for (let i = 0; i < 25_000; i++) expect(topology.memoBy('dns', 'ns', `h${i}`, 0, 0, () => i)).toBe(i);
    expect(topology.memoBy('dns', 'ns', 'h24999', 0, 0, () => -1)).toBe(24_999);
  });
});
