/**
 * How a class starts on the pool: workers loaded before anyone joins and warmed through each chapter, an
 * environment made and prepared in one request to its worker, a chapter's lab sent to a worker once.
 */
import { Worker } from 'node:worker_threads';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadLab } from '../../labs/load.ts';
import { typeScript } from '../../terminal/typing.ts';
import { createPoolBackend, isPoolBackend, type PoolBackend } from './index.ts';
import type { WorkerCall } from './protocol.ts';
import { WorkerHost } from './workerHost.ts';

const lab = loadLab('traffic-shifting');
const open: PoolBackend[] = [];

afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(open.splice(0).map((b) => b.close()));
});

function pool(options: Parameters<typeof createPoolBackend>[0] = {}): PoolBackend {
  const backend = createPoolBackend({ clock: 'virtual', workers: 1, ...options });
  open.push(backend);
  return backend;
}

describe('a class starting on the pool', () => {
  it('makes and prepares an environment in one request to its worker', async () => {
    const calls = vi.spyOn(WorkerHost.prototype, 'call');
    const backend = pool();
    const env = await backend.createEnvironment({ lab, owner: 'one-pass' });
    await env.prepare();
    expect(calls.mock.calls.map(([request]) => request.op)).toEqual(['create']);
    expect(calls.mock.calls[0]![0]).toMatchObject({ op: 'create', prepare: true });
    // Prepared indeed: the chapter's setup has run (the sample app is there).
    const { records } = await typeScript(
      env.openTerminal({ cols: 120, rows: 30 }),
      'kubectl get deploy productpage-v1',
    );
    expect(records[0]?.exitCode).toBe(0);
  });

  it('starts its workers at once when warm, the quarantine one too, and ready() waits for them', async () => {
    const backend = pool({ warm: true, workers: 2 });
    expect(backend.stats().workers).toBe(3);
    await backend.ready();
    expect(backend.stats().workers).toBe(3);
    expect(isPoolBackend(backend)).toBe(true);
  });

  it('warms every worker (two general, the quarantine) through a chapter and keeps no environment of it', async () => {
    const backend = pool({ workers: 2 });
    const cpu = await backend.warm([lab]);
    expect(cpu).toHaveLength(3);
    for (const ms of cpu) expect(ms).toBeGreaterThan(0);
    expect(backend.stats().environments).toBe(0);
    // A learner's environment after it works as before.
    const env = await backend.createEnvironment({ lab, owner: 'after-warm' });
    await env.prepare();
    const { records } = await typeScript(env.openTerminal({ cols: 120, rows: 30 }), 'kubectl get pods -o name | wc -l');
    expect(records[0]?.exitCode).toBe(0);
  });

  it('sends a lab to a worker once; later environments of the chapter name it by key', async () => {
    const sent = vi.spyOn(Worker.prototype, 'postMessage');
    const backend = pool();
    const a = await backend.createEnvironment({ lab, owner: 'a' });
    const b = await backend.createEnvironment({ lab, owner: 'b' });
    await Promise.all([a.prepare(), b.prepare()]);
    const creates = sent.mock.calls
      .map(([call]) => (call as WorkerCall).request)
      .filter((request) => request.op === 'create');
    expect(creates).toHaveLength(2);
    const [first, second] = creates.map((r) => (r.op === 'create' ? r.recipe : undefined));
    expect(first?.lab?.id).toBe('traffic-shifting');
    expect(second?.lab).toBeUndefined();
    expect(second?.labKey).toBe(first?.labKey);
    // The second environment has the chapter all the same.
    const { records } = await typeScript(b.openTerminal({ cols: 120, rows: 30 }), 'kubectl get deploy reviews-v3');
    expect(records[0]?.exitCode).toBe(0);
  });
});
