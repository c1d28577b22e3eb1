/** Container logs: clock times, since/tail, following, the per-container cap, and forgetting a deleted pod. */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../mesh/testing/fakeCluster.ts';
import { LOG_LINES_PER_CONTAINER, MemoryLogStore } from './logs.ts';

describe('MemoryLogStore', () => {
  it('stamps each line with the clock and splits multi-line writes', async () => {
    const clock = new VirtualClock();
    const logs = new MemoryLogStore(clock);
    logs.append('default', 'p', 'app', 'one\ntwo\n');
    const start = clock.now();
    await clock.sleep(5000);
    logs.append('default', 'p', 'app', 'three');
    expect(logs.read('default', 'p', 'app')).toEqual([
      { at: start, text: 'one' },
      { at: start, text: 'two' },
      { at: start + 5000, text: 'three' },
    ]);
    expect(logs.read('default', 'p', 'other')).toEqual([]);
  });

  it.each([
    [{ tail: 2 }, ['b', 'c']],
    [{ tail: 0 }, []],
    [{ tail: -1 }, ['a', 'b', 'c']],
    [{ sinceMs: 1000 }, ['b', 'c']],
    [{ sinceMs: 1000, tail: 1 }, ['c']],
  ])('read %j', async (options, texts) => {
    const clock = new VirtualClock(0);
    const logs = new MemoryLogStore(clock);
    logs.append('ns', 'p', 'c', 'a');
    await clock.sleep(1000);
    logs.append('ns', 'p', 'c', 'b');
    logs.append('ns', 'p', 'c', 'c');
    expect(logs.read('ns', 'p', 'c', options).map((l) => l.text)).toEqual(texts);
  });

  it('tells followers about new lines until they stop', () => {
    const logs = new MemoryLogStore(new VirtualClock());
    const seen: string[] = [];
    logs.append('ns', 'p', 'c', 'before');
    const stop = logs.follow('ns', 'p', 'c', (l) => seen.push(l.text));
    logs.append('ns', 'p', 'c', 'during');
    logs.append('ns', 'p', 'other', 'elsewhere');
    stop();
    logs.append('ns', 'p', 'c', 'after');
    expect(seen).toEqual(['during']);
  });

  it('keeps only the newest lines of a container, and nothing of a forgotten pod', () => {
    const logs = new MemoryLogStore(new VirtualClock());
    for (let i = 0; i < LOG_LINES_PER_CONTAINER + 10; i++) logs.append('ns', 'p', 'c', `line ${i}`);
    const lines = logs.read('ns', 'p', 'c');
    expect(lines).toHaveLength(LOG_LINES_PER_CONTAINER);
    expect(lines[0]!.text).toBe('line 10');
    logs.forgetPod('ns', 'p');
    expect(logs.read('ns', 'p', 'c')).toEqual([]);
  });

  it('starts a forgotten pod of the same name afresh, and goes on with the logs of a store it was made from', () => {
    const clock = new VirtualClock(0);
    const logs = new MemoryLogStore(clock);
    logs.append('ns', 'p', 'app', 'old');
    logs.append('ns', 'p', 'istio-proxy', 'old proxy');
    logs.append('ns', 'q', 'app', 'other pod');
    const copy = new MemoryLogStore(clock, logs.snapshot());
    logs.forgetPod('ns', 'p');
    logs.append('ns', 'p', 'app', 'new');
    expect(logs.read('ns', 'p', 'app').map((l) => l.text)).toEqual(['new']);
    expect(logs.read('ns', 'p', 'istio-proxy')).toEqual([]);
    expect(logs.read('ns', 'q', 'app').map((l) => l.text)).toEqual(['other pod']);
    copy.append('ns', 'p', 'app', 'more');
    expect(copy.read('ns', 'p', 'app').map((l) => l.text)).toEqual(['old', 'more']);
    expect([...copy.snapshot().keys()].sort()).toEqual(['ns/p/app', 'ns/p/istio-proxy', 'ns/q/app']);
  });

  it('keeps exactly the newest lines however long a container logs, in single and multi-line writes', () => {
    const logs = new MemoryLogStore(new VirtualClock(0));
    const written: string[] = [];
    for (let i = 0; written.length < 3 * LOG_LINES_PER_CONTAINER + 7; i++) {
      const batch = i % 2 ? [`line ${i}a`, `line ${i}b`, `line ${i}c`] : [`line ${i}`];
      logs.append('ns', 'p', 'c', `${batch.join('\n')}${i % 3 ? '\n' : ''}`);
      written.push(...batch);
    }
    expect(logs.read('ns', 'p', 'c').map((l) => l.text)).toEqual(written.slice(-LOG_LINES_PER_CONTAINER));
    expect(logs.read('ns', 'p', 'c', { tail: 2 }).map((l) => l.text)).toEqual(written.slice(-2));
  });
});
