/**
 * Container logs: clock times, since/tail, following, the limits per container and per environment, forgetting a
 * deleted pod, any text kept exactly, and snapshots that later writes never change.
 */
import { describe, expect, it } from 'vitest';
import { VirtualClock } from '../mesh/testing/fakeCluster.ts';
import { LOG_CHARS_PER_ENVIRONMENT, LOG_LINES_PER_CONTAINER, MemoryLogStore } from './logs.ts';

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

  it('gives back every line exactly as written: Latin-1, Korean, emoji, a lone surrogate, empty', () => {
    const logs = new MemoryLogStore(new VirtualClock(0));
    const texts = [
      'GET /productpage 200',
      '상품 페이지를 열었습니다',
      'caf\u00e9 \u00ff',
      '\u{1F600} ok',
      'half \ud800 pair',
      '',
    ];
    for (const text of texts) logs.append('ns', 'p', 'c', text);
    expect(logs.read('ns', 'p', 'c').map((l) => l.text)).toEqual(texts);
  });

  it("keeps at most its characters of logs in all: the environment's oldest lines go first, each container keeps its last 20", async () => {
    const clock = new VirtualClock(0);
    const logs = new MemoryLogStore(clock);
    const line = (i: number) => `${i} ${'x'.repeat(10_000)}`;
    logs.append('ns', 'mirror', 'app', 'quiet one');
    logs.append('ns', 'mirror', 'app', 'quiet two');
    await clock.sleep(1000);
    for (let i = 0; i < 100; i++) logs.append('ns', 'p', 'a', line(i));
    await clock.sleep(1000);
    for (let i = 100; i < 400; i++) logs.append('ns', 'p', 'b', line(i));
    const chars = (lines: { text: string }[]) => lines.reduce((sum, l) => sum + l.text.length, 0);
    const texts = (container: string) =>
      logs.read('ns', container === 'app' ? 'mirror' : 'p', container).map((l) => l.text);
    const kept = [...texts('app'), ...texts('a'), ...texts('b')].map((text) => ({ text }));
    expect(chars(kept)).toBeLessThanOrEqual(LOG_CHARS_PER_ENVIRONMENT);
    expect(chars(kept) + line(400).length).toBeGreaterThan(LOG_CHARS_PER_ENVIRONMENT);
    expect(texts('app')).toEqual(['quiet one', 'quiet two']);
    // The older container went down to its last 20 lines before the newer one lost any; each kept its newest.
    expect(texts('a')).toEqual(Array.from({ length: 20 }, (_, i) => line(80 + i)));
    const b = texts('b');
    expect(b).toEqual(Array.from({ length: b.length }, (_, i) => line(400 - b.length + i)));
    // A line larger than the limit stays, as its container's newest; every other line that can go goes.
    const huge = 'y'.repeat(LOG_CHARS_PER_ENVIRONMENT + 10);
    logs.append('ns', 'p', 'b', huge);
    logs.append('ns', 'p', 'b', huge);
    expect(texts('b')).toEqual([huge]);
    expect(texts('a')).toEqual([line(99)]);
    expect(texts('app')).toEqual(['quiet two']);
  });

  it("keeps every line when its limit is infinite (the data plane's recorded transcripts)", () => {
    const logs = new MemoryLogStore(new VirtualClock(0), undefined, Number.POSITIVE_INFINITY);
    for (let i = 0; i < 300; i++) logs.append('ns', 'p', 'c', `${i} ${'x'.repeat(10_000)}`);
    expect(logs.read('ns', 'p', 'c')).toHaveLength(300);
  });

  it('leaves a snapshot as it was, whoever writes after it: the store it came from, and two stores made from it', () => {
    const logs = new MemoryLogStore(new VirtualClock(0));
    for (let i = 0; i < 40; i++) logs.append('ns', 'p', 'c', `line ${i}`);
    const snapshot = logs.snapshot();
    const before = snapshot.get('ns/p/c')!.map((l) => l.text);
    const one = new MemoryLogStore(new VirtualClock(0), snapshot);
    const two = new MemoryLogStore(new VirtualClock(0), snapshot);
    one.append('ns', 'p', 'c', 'one');
    two.append('ns', 'p', 'c', 'two');
    logs.append('ns', 'p', 'c', 'live');
    expect(snapshot.get('ns/p/c')!.map((l) => l.text)).toEqual(before);
    expect(one.read('ns', 'p', 'c').map((l) => l.text)).toEqual([...before, 'one']);
    expect(two.read('ns', 'p', 'c').map((l) => l.text)).toEqual([...before, 'two']);
    expect(logs.read('ns', 'p', 'c').map((l) => l.text)).toEqual([...before, 'live']);
  });

  it('leaves a snapshot as it was while its store drops and moves thousands of lines after it', () => {
    const logs = new MemoryLogStore(new VirtualClock(0));
    for (let i = 0; i < 100; i++) logs.append('ns', 'p', 'c', `before ${i}`);
    const snapshot = logs.snapshot();
    for (let i = 0; i < 3 * LOG_LINES_PER_CONTAINER; i++) logs.append('ns', 'p', 'c', `after ${i}`);
    expect(snapshot.get('ns/p/c')!.map((l) => l.text)).toEqual(Array.from({ length: 100 }, (_, i) => `before ${i}`));
    const kept = logs.read('ns', 'p', 'c').map((l) => l.text);
    expect(kept).toEqual(
      Array.from({ length: LOG_LINES_PER_CONTAINER }, (_, i) => `after ${2 * LOG_LINES_PER_CONTAINER + i}`),
    );
  });
});
