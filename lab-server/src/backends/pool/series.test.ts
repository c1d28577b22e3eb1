/**
 * A traffic check through the pool is one call to the worker (`op: 'httpSeries'`), not one per request, and it judges
 * exactly as the same check on the simulator in-process does for the same seed.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { runCheck } from '../../checks/run.ts';
import type { LabBackend, LabEnvironment } from '../../contract.ts';
import { loadLab } from '../../labs/load.ts';
import { createSimBackend } from '../sim/index.ts';
import { createPoolBackend } from './index.ts';
import type { WorkerRequest } from './protocol.ts';
import { WorkerHost } from './workerHost.ts';

const lab = loadLab('traffic-shifting');
const step = lab.steps.find((s) => s.id === 'shift-50-v3');
const open: LabBackend[] = [];

afterEach(async () => {
  vi.restoreAllMocks();
  await Promise.all(open.splice(0).map((b) => b.close()));
});

/**
 * The tests below count the gateway's access-log lines: an environment's logs keep every line here (by default its
 * oldest lines go past 512 Ki characters, about 1,700 of the gateway's).
 */
const EVERY_LINE = { logChars: Number.POSITIVE_INFINITY };

/** `backend`'s environment for seed 5, its reviews split 50/50 between v1 and v3. */
async function fiftyFifty(backend: LabBackend): Promise<LabEnvironment> {
  open.push(backend);
  const env = await backend.createEnvironment({ lab, owner: 'series', seed: 5 });
  await env.prepare();
  for (const file of ['destination-rule-all.yaml', 'virtual-service-reviews-50-v3.yaml'])
    await env.runScript(`kubectl apply -f samples/bookinfo/networking/${file}`);
  return env;
}

/** The lines of the ingress gateway's access log in `env`. */
async function gatewayLog(env: LabEnvironment): Promise<string[]> {
  const [gateway] = await env.list({
    kind: 'Pod',
    namespace: 'istio-system',
    labelSelector: 'app=istio-ingressgateway',
  });
  return (await env.logs({ namespace: 'istio-system', pod: gateway!.metadata.name, container: 'istio-proxy' })).split(
    '\n',
  );
}

/** A judge that sends exactly `n` requests, and a rule every answer of the gateway's own 404 meets. */
const exactly = (n: number) => ({ expect: { any: 1 }, sizes: { planned: n, cap: n, minToFail: n }, uncertain: [] });
const NOT_FOUND = [{ name: 'any', status: 404 }];

describe('a traffic check through the pool', () => {
  it('makes one worker call for all its requests and judges as the in-process simulator does', async () => {
    if (!step?.check) throw new Error('the traffic-shifting lab has no check on shift-50-v3');
    const direct = await runCheck(step.check, {
      env: await fiftyFifty(createSimBackend({ clock: 'virtual' })),
      stepStartedAt: new Date(0),
      files: [],
    });

    const pooled = await fiftyFifty(createPoolBackend({ clock: 'virtual', workers: 1 }));
    const ops: WorkerRequest['op'][] = [];
    const call = WorkerHost.prototype.call;
    vi.spyOn(WorkerHost.prototype, 'call').mockImplementation(function (this: WorkerHost, request: WorkerRequest) {
      ops.push(request.op);
      return call.call(this, request);
    });
    const outcome = await runCheck(step.check, { env: pooled, stepStartedAt: new Date(0), files: [] });

    expect(ops.filter((op) => op === 'httpSeries')).toHaveLength(1);
    expect(ops).not.toContain('http');
    // Besides the series, a check asks for a few things (settled, a read or two), never one call per request.
    expect(ops.length).toBeLessThanOrEqual(5);
    expect(outcome.ok).toBe(true);
    expect(outcome.evidence).toEqual(direct.evidence);
    expect(outcome.explanation).toEqual(direct.explanation);
    expect(Number(/x(\d+)$/.exec(outcome.evidence[0]?.action ?? '')?.[1])).toBeGreaterThan(100);
  });

  it('answers at once when the check is stopped, and the worker starts no more of its requests', async () => {
    // The real clock: the series takes slices, so the stop reaches the worker while it runs.
    const pooled = await fiftyFifty(createPoolBackend({ clock: 'real', workers: 1, limits: EVERY_LINE }));
    const sent = async () => (await gatewayLog(pooled)).filter((l) => l.includes('/productpage')).length;
    const before = await sent();
    const controller = new AbortController();
    const series = pooled.httpSeries!(
      { kind: 'outside' },
      { url: 'http://ingress/productpage' },
      { rules: [{ name: 'any', status: 200 }], concurrency: 8, judge: exactly(800) },
      controller.signal,
    );
    controller.abort(new Error('stopped'));
    await expect(series).rejects.toThrow('stopped');
    // The environment answers meanwhile; once the gateway's log stands still, the series stopped well short of 800.
    expect((await pooled.http({ kind: 'outside' }, { url: 'http://ingress/productpage' })).status).toBe(200);
    let last = -1;
    const standsStill = async () => {
      const now = await sent();
      const still = now === last;
      last = now;
      return still;
    };
    await expect.poll(standsStill, { interval: 300, timeout: 60_000 }).toBe(true);
    expect(last - before).toBeLessThan(400);
  });

  it('takes slices of its worker on the real clock: checks one after another never move the learner to quarantine', async () => {
    const backend = createPoolBackend({ clock: 'real', workers: 1 });
    const pooled = await fiftyFifty(backend);
    // 200 requests each, about 100 ms of CPU: as one turn, two of them add up to the quarantine's 150 ms.
    const judge = { expect: { answered: 1 }, sizes: { planned: 200, cap: 200, minToFail: 200 }, uncertain: [] };
    for (let i = 0; i < 4; i++) {
      const series = await pooled.httpSeries!(
        { kind: 'outside' },
        { url: 'http://ingress/productpage' },
        { rules: [{ name: 'answered', status: 200 }], concurrency: 8, judge },
      );
      expect(series.answers).toHaveLength(200);
    }
    expect(backend.stats().quarantinedTotal).toBe(0);
  });

  it("lets a learner's own Check go before an automatic check's series that came later (the real clock)", async () => {
    const env = await fiftyFifty(createPoolBackend({ clock: 'real', workers: 1, limits: EVERY_LINE }));
    // When each request to `path` began, on the environment's clock, from the gateway's access log.
    const began = async (path: string) =>
      (await gatewayLog(env))
        .filter((line) => line.includes(` ${path} `))
        .map((line) => Date.parse(/^\[([^\]]+)\]/.exec(line)![1]!));
    // The learner's Check: 3,000 requests the gateway answers itself (no route: 404, and no app's simulated time to
    // wait out on the real clock), many slices of the worker.
    const own = env.httpSeries!(
      { kind: 'outside' },
      { url: 'http://ingress/no-such-page' },
      { rules: NOT_FOUND, concurrency: 8, judge: exactly(3000) },
    );
    // Once it has run a slice, an automatic check of 200 such requests: a slice or two, so without giving way it
    // would run between the learner's slices and end long before.
    await expect.poll(async () => (await began('/no-such-page')).length, { interval: 5 }).toBeGreaterThan(0);
    const background = env.httpSeries!(
      { kind: 'outside' },
      { url: 'http://ingress/no-such-page/automatic' },
      { rules: NOT_FOUND, concurrency: 8, judge: exactly(200), background: true },
    );
    await Promise.all([own, background]);
    // Every request of the automatic check began after the learner's last. (Which answer comes back first is the
    // pool's threads' race.)
    const ownBegan = await began('/no-such-page');
    const backgroundBegan = await began('/no-such-page/automatic');
    expect([ownBegan.length, backgroundBegan.length]).toEqual([3000, 200]);
    expect(Math.min(...backgroundBegan)).toBeGreaterThanOrEqual(Math.max(...ownBegan));
  });

  it("ends a stopped automatic check's series on the worker at once, while the learner's Check still runs", async () => {
    const env = await fiftyFifty(createPoolBackend({ clock: 'real', workers: 1, limits: EVERY_LINE }));
    // The worker's own answer to the automatic check's call (the front answers a stop at once, without it).
    let workerAnswer: Promise<unknown> | undefined;
    const call = WorkerHost.prototype.call;
    vi.spyOn(WorkerHost.prototype, 'call').mockImplementation(function (this: WorkerHost, request: WorkerRequest) {
      const sent = call.call(this, request);
      if (request.op === 'httpSeries' && request.options.background) workerAnswer = sent.result;
      return sent;
    });
    const sent = async () => (await gatewayLog(env)).filter((l) => l.includes('/no-such-page')).length;
    let ownEnded = false;
    const own = env.httpSeries!(
      { kind: 'outside' },
      { url: 'http://ingress/no-such-page' },
      { rules: NOT_FOUND, concurrency: 8, judge: exactly(6000) },
    ).finally(() => {
      ownEnded = true;
    });
    await expect.poll(sent, { interval: 5 }).toBeGreaterThan(0);
    const controller = new AbortController();
    const background = env.httpSeries!(
      { kind: 'outside' },
      { url: 'http://ingress/no-such-page/automatic' },
      { rules: NOT_FOUND, concurrency: 8, judge: exactly(200), background: true },
      controller.signal,
    );
    // The automatic check has reached the worker and waits there (the learner's requests went on after it came).
    const at = await sent();
    await expect.poll(sent, { interval: 5 }).toBeGreaterThan(at + 100);
    controller.abort(new Error('the learner pressed Check'));
    await expect(background).rejects.toThrow('the learner pressed Check');
    await workerAnswer!.catch(() => undefined);
    // Had the stop not ended its wait, it would have waited for the learner's Check to end. (That it skips its turn
    // among the slices too cannot be told apart here: the learner's paced Check leaves turns free.)
    expect(ownEnded).toBe(false);
    await own;
  });
});
