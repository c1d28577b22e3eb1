/** Chapters' shared starting states: one setup for many environments, copy on write, exactness, age, failures. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { LabBackend, LabEnvironment } from '../../contract.ts';
import { loadLab } from '../../labs/load.ts';
import type { Lab } from '../../labs/schema.ts';
import { SimEnvironment } from './environment.ts';
import { createSimBackend, sharedStartingState, type SimBackendOptions } from './index.ts';
import { DEFAULT_LIMITS } from './limits.ts';
import { StartingStates } from './startingStates.ts';

const lab = loadLab('traffic-shifting');
const backends: LabBackend[] = [];

afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(backends.splice(0).map((b) => b.close()));
});

function backend(options: SimBackendOptions = {}): LabBackend {
  const made = createSimBackend({ clock: 'virtual', ...options });
  backends.push(made);
  return made;
}

async function prepared(b: LabBackend, spec: { seed?: number; lab?: Lab } = {}): Promise<LabEnvironment> {
  const env = await b.createEnvironment({ lab: spec.lab ?? lab, owner: 'test', ...spec });
  await env.prepare();
  return env;
}

const productpage = { kind: 'Deployment', namespace: 'default', name: 'productpage-v1' };

async function podNames(env: LabEnvironment): Promise<string[]> {
  return (await env.list({ kind: 'Pod', namespace: 'default' })).map((p) => p.metadata.name);
}

describe('shared starting states', () => {
  it('environments prepared at once run one setup and share its objects (the same frozen object)', async () => {
    const b = backend();
    const envs = await Promise.all([1, 2, 3, 4].map(() => b.createEnvironment({ lab, owner: 'test' })));
    await Promise.all(envs.map((e) => e.prepare()));
    const deployments = await Promise.all(envs.map((e) => e.get(productpage)));
    expect(deployments[0]).toBeTruthy();
    expect(Object.isFrozen(deployments[0])).toBe(true);
    for (const d of deployments) expect(d).toBe(deployments[0]);
    expect(new Set((await Promise.all(envs.map(podNames))).map((names) => names.join())).size).toBe(1);
  });

  it('a change in one environment stays there: the others and later ones start from the state as it was', async () => {
    const b = backend();
    const first = await prepared(b);
    const second = await prepared(b);
    const run = await second.runScript(
      'kubectl apply -f samples/bookinfo/networking/destination-rule-all.yaml\nkubectl delete deployment productpage-v1',
    );
    expect(run.exitCode, run.output).toBe(0);
    expect(await second.get(productpage)).toBeNull();
    expect(await second.list({ kind: 'DestinationRule', namespace: 'default' })).toHaveLength(4);
    const third = await prepared(b);
    for (const env of [first, third]) {
      expect(await env.get(productpage)).toBeTruthy();
      expect(await env.list({ kind: 'DestinationRule', namespace: 'default' })).toEqual([]);
      const page = await env.http({ kind: 'outside' }, { url: 'http://ingress/productpage' });
      expect(page.status).toBe(200);
    }
  });

  it('a seeded environment started from its seed’s state is exactly the one setting up would make', async () => {
    // The same wall clock for both (a virtual clock starts at the wall clock's time).
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-11-24T09:00:00Z') });
    const sharing = backend({ shareStartingStates: 'all' });
    await prepared(sharing, { seed: 7 });
    const forked = await prepared(sharing, { seed: 7 });
    const fresh = await prepared(backend({ shareStartingStates: 'none' }), { seed: 7 });
    expect(await forked.get(productpage)).toEqual(await fresh.get(productpage));
    expect(await podNames(forked)).toEqual(await podNames(fresh));
    const script = 'kubectl apply -f samples/bookinfo/networking/destination-rule-all.yaml\nkubectl get pods -o wide';
    expect((await forked.runScript(script)).output).toBe((await fresh.runScript(script)).output);
    const request = { url: 'http://ingress/productpage' };
    for (let i = 0; i < 5; i++) {
      const [a, b] = [await forked.http({ kind: 'outside' }, request), await fresh.http({ kind: 'outside' }, request)];
      expect({ ...a, durationMs: 0 }).toEqual({ ...b, durationMs: 0 });
    }
  });

  it('seeds are not mixed, and by default seeded environments set up on their own', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-11-24T09:00:00Z') });
    const sharing = backend({ shareStartingStates: 'all' });
    const seven = await prepared(sharing, { seed: 7 });
    const eight = await prepared(sharing, { seed: 8 });
    expect(await podNames(seven)).not.toEqual(await podNames(eight));
    const plain = backend();
    const a = await prepared(plain, { seed: 7 });
    const b = await prepared(plain, { seed: 7 });
    expect(await a.get(productpage)).not.toBe(await b.get(productpage));
    expect(await a.get(productpage)).toEqual(await b.get(productpage));
  });

  it('environments with their own seeds share the chapter-seeded state, then draw from their own seeds', async () => {
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-11-24T09:00:00Z') });
    const states = new StartingStates();
    const make = async (seed: number) => {
      const env = new SimEnvironment({
        lab,
        seed,
        clock: 'virtual',
        limits: DEFAULT_LIMITS,
        startingState: sharedStartingState(states, lab),
      });
      await env.prepare();
      return env;
    };
    // The maker of the state, one started from it with the same seed (as after a rebuild elsewhere), another seed.
    const [maker, again, other] = [await make(11), await make(11), await make(12)];
    const initial = await podNames(maker);
    try {
      expect(await again.get(productpage)).toBe(await maker.get(productpage));
      expect(await other.get(productpage)).toBe(await maker.get(productpage));
      const ids = async (env: SimEnvironment) => {
        const r = await env.http({ kind: 'outside' }, { url: 'http://ingress/headers' });
        return `${r.status} ${r.headers['x-envoy-upstream-service-time']} ${r.durationMs}`;
      };
      const names = (env: SimEnvironment) =>
        env.runScript('kubectl scale deployment details-v1 --replicas=2 && kubectl get pods -l app=details -o name');
      expect((await names(again)).output).toBe((await names(maker)).output);
      expect((await names(other)).output).not.toBe((await names(maker)).output);
      expect(await ids(again)).toBe(await ids(maker));
      // A state made anew (another worker, another process) with the chapter's seed has the same pod names.
      const elsewhere = new StartingStates();
      const rebuilt = new SimEnvironment({
        lab,
        seed: 11,
        clock: 'virtual',
        limits: DEFAULT_LIMITS,
        startingState: sharedStartingState(elsewhere, lab),
      });
      await rebuilt.prepare();
      expect(await podNames(rebuilt)).toEqual(initial);
      await Promise.all([rebuilt.dispose()]);
    } finally {
      await Promise.all([maker, again, other].map((e) => e.dispose()));
    }
  });

  it('a state older than its age limit is not used: the next environment sets up afresh', async () => {
    const b = backend({ startingStateMaxAgeMs: -1 });
    const first = await prepared(b);
    const second = await prepared(b);
    expect(await second.get(productpage)).not.toBe(await first.get(productpage));
  });

  it('a failing setup fails every environment waiting for it, none hangs', async () => {
    const broken: Lab = { ...lab, setup: 'kubectl apply -f samples/no-such-file.yaml' };
    const b = backend();
    const envs = await Promise.all([1, 2, 3].map(() => b.createEnvironment({ lab: broken, owner: 'test' })));
    const results = await Promise.allSettled(envs.map((e) => e.prepare()));
    for (const r of results) expect(r.status).toBe('rejected');
  });

  it('reset brings a started environment back to the shared state, for its open shells too', async () => {
    const b = backend();
    await prepared(b);
    const env = await prepared(b);
    const before = await env.get(productpage);
    expect((await env.runScript('kubectl delete deployment productpage-v1')).exitCode).toBe(0);
    await env.reset();
    expect(await env.get(productpage)).toBe(before);
    const listed = await env.runScript('kubectl get deployment productpage-v1 -o name');
    expect(listed.output.trim()).toBe('deployment.apps/productpage-v1');
  });
});
