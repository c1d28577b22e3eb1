/** A frozen state's reads: asked of its worker once while the state is fixed, again once a check changed it. */
import { describe, expect, it } from 'vitest';
import { ReadCache } from './frozen.ts';
import type { EnvironmentRequest } from './workerCalls.ts';

/** A stand-in for the worker: counts what it was asked and answers a fresh object or string each time. */
function worker() {
  const asked: string[] = [];
  const ask = (request: EnvironmentRequest) => () => {
    asked.push(request.op);
    if (request.op === 'logs') return Promise.resolve(`line ${asked.length}\n`);
    if (request.op === 'list') return Promise.resolve([{ kind: 'Pod', metadata: { name: `p${asked.length}` } }]);
    return Promise.resolve({ exitCode: 0, output: '' });
  };
  return { asked, ask };
}

const pods: EnvironmentRequest = {
  op: 'list',
  query: { kind: 'Pod', namespace: 'default', labelSelector: 'app=reviews' },
};
const log = (pod: string, sinceTime: string): EnvironmentRequest => ({
  op: 'logs',
  target: { namespace: 'default', pod, container: 'istio-proxy' },
  options: { sinceTime },
});

describe('ReadCache', () => {
  it('asks a read once and gives every caller the same answer, each its own copy of an object', async () => {
    const cache = new ReadCache();
    const { asked, ask } = worker();
    const first = (await cache.read(pods, ask(pods))) as { metadata: { name: string } }[];
    first[0]!.metadata.name = 'changed by the first caller';
    const [second, third] = (await Promise.all([cache.read(pods, ask(pods)), cache.read(pods, ask(pods))])) as {
      metadata: { name: string };
    }[][];
    expect(asked).toEqual(['list']);
    expect(second).toEqual([{ kind: 'Pod', metadata: { name: 'p1' } }]);
    expect(third).toEqual(second);
    expect(third).not.toBe(second);
  });

  it('asks reads that differ in any field separately', async () => {
    const cache = new ReadCache();
    const { asked, ask } = worker();
    const a = log('reviews-v1', '2026-01-01T00:00:00.000Z');
    const b = log('reviews-v1', '2026-01-01T00:15:00.000Z');
    expect(await cache.read(a, ask(a))).toBe('line 1\n');
    expect(await cache.read(b, ask(b))).toBe('line 2\n');
    expect(await cache.read(a, ask(a))).toBe('line 1\n');
    expect(asked).toEqual(['logs', 'logs']);
  });

  it('asks every read again once a request, an exec or a script may have changed the state', async () => {
    for (const change of [
      { op: 'http', origin: { kind: 'outside' }, request: { url: 'http://x/' } },
      { op: 'exec', target: { namespace: 'default', pod: 'p' }, argv: ['true'], options: {} },
      { op: 'runScript', script: 'kubectl get pods' },
    ] as EnvironmentRequest[]) {
      const cache = new ReadCache();
      const { asked, ask } = worker();
      const a = log('reviews-v1', 'x');
      await cache.read(a, ask(a));
      await cache.read(change, ask(change));
      expect(await cache.read(a, ask(a))).toBe('line 3\n');
      expect(await cache.read(a, ask(a))).toBe('line 4\n');
      expect(asked).toEqual(['logs', change.op, 'logs', 'logs']);
    }
  });

  it('keeps no failed read: the next one asks again', async () => {
    const cache = new ReadCache();
    let calls = 0;
    const failing = () => {
      calls++;
      return calls === 1 ? Promise.reject(new Error('gone')) : Promise.resolve('ok');
    };
    await expect(cache.read(pods, failing)).rejects.toThrow('gone');
    await expect.poll(() => cache.size).toBe(0);
    expect(await cache.read(pods, failing)).toBe('ok');
    expect(await cache.read(pods, failing)).toBe('ok');
    expect(calls).toBe(2);
  });
});
