import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { LoadedLab } from '../labs/load.ts';
import { createFakeBackend } from '../server/fakeBackend.ts';
import { testLab, testWorld } from '../server/testLab.ts';
import { verifyCommand } from './verify.ts';
import { verifyLab } from './verifyLab.ts';

const quick = { locale: 'en' as const, checkOptions: { settleMs: 0, maxWaitMs: 300 } };

function withStep(lab: LoadedLab, index: number, change: object): LoadedLab {
  return { ...lab, steps: lab.steps.map((s, i) => (i === index ? { ...s, ...change } : s)) };
}

describe('verifyLab', () => {
  it('passes a lab whose checks fail before and pass after each solution', async () => {
    const verdicts = await verifyLab(testLab(), createFakeBackend(testWorld), quick);
    expect(verdicts.map((v) => [v.step, v.ok])).toEqual([
      ['make-greeting', true],
      ['read-greeting', true],
    ]);
  });

  it("runs the Gateway API variant's check and solution with api gateway", async () => {
    const backend = createFakeBackend(testWorld);
    const verdicts = await verifyLab(testLab(), backend, { ...quick, api: 'gateway' });
    expect(verdicts.map((v) => [v.step, v.ok])).toEqual([
      ['make-greeting', true],
      ['read-greeting', true],
    ]);
    // A variant whose solution makes the Istio step's object instead fails after it, naming the variant's object.
    const crossed = withStep(testLab(), 0, {
      gateway: { ...testLab().steps[0]!.gateway, solution: 'kubectl create configmap greeting' },
    });
    const v = (await verifyLab(crossed, createFakeBackend(testWorld), { ...quick, api: 'gateway' }))[0]!;
    expect(v).toMatchObject({ ok: false, problem: 'fails-after' });
    expect(v.details[0]).toMatch(/ConfigMap greeting-gw does not exist/);
  });

  it('reports a check that already passes before its step as a defect', async () => {
    // The greeting exists from the start, so the first step's check cannot tell anything.
    const backend = createFakeBackend({
      ...testWorld,
      prepare: (env) =>
        env.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'greeting', namespace: 'default' } }),
    });
    const verdicts = await verifyLab(testLab(), backend, quick);
    expect(verdicts[0]).toMatchObject({ ok: false, problem: 'passes-before' });
  });

  it('lets a step that only observes pass before its solution', async () => {
    const backend = createFakeBackend({
      ...testWorld,
      prepare: (env) =>
        env.put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'greeting', namespace: 'default' } }),
    });
    const verdicts = await verifyLab(withStep(testLab(), 0, { observes: true }), backend, quick);
    expect(verdicts.every((v) => v.ok)).toBe(true);
  });

  it('reports a failing solution and a check that still fails after the solution', async () => {
    const broken = withStep(testLab(), 0, { solution: 'kubectl create configmap greeting\nfalse\n' });
    expect((await verifyLab(broken, createFakeBackend(testWorld), quick))[0]).toMatchObject({
      ok: false,
      problem: 'solution-failed',
      details: ["the solution's command `false` exited with 1"],
    });
    const wrong = withStep(testLab(), 0, { solution: 'kubectl create configmap salutation' });
    const v = (await verifyLab(wrong, createFakeBackend(testWorld), quick))[0]!;
    expect(v).toMatchObject({ ok: false, problem: 'fails-after' });
    expect(v.details[0]).toMatch(/ConfigMap greeting does not exist/);
  });
});

describe('labs verify', () => {
  function capture() {
    let text = '';
    const out = new Writable({
      write(chunk, _e, cb) {
        text += chunk.toString();
        cb();
      },
    });
    return { out, text: () => text };
  }

  it('prints one line per step ending in a mark, a summary, and exits 0 when all pass', async () => {
    const c = capture();
    const code = await verifyCommand(['--lab', 'traffic-shifting', '--lang', 'en'], c.out, {
      makeBackend: async () => createFakeBackend(testWorld),
      loadLab: () => testLab(),
      labIds: () => ['traffic-shifting'],
    });
    expect(code).toBe(0);
    const lines = c.text().split('\n');
    expect(lines.filter((l) => /^PASS {2}traffic-shifting\/\S+ {2}.* \(\d+\.\d s\) ✓$/.test(l))).toHaveLength(2);
    expect(c.text()).toContain('PASS: 2 step(s) passed, 0 failed');
  });

  it('--api gateway verifies the chapters with a Gateway API variant and skips the others; a wrong --api is refused', async () => {
    const c = capture();
    const istioOnly = {
      ...testLab(),
      id: 'mirroring',
      order: 2,
      steps: testLab().steps.map(({ gateway: _variant, ...s }) => s),
    };
    const deps = {
      makeBackend: async () => createFakeBackend(testWorld),
      loadLab: (id: string) => (id === 'mirroring' ? istioOnly : testLab()),
      labIds: () => ['mirroring', 'traffic-shifting'],
    };
    expect(await verifyCommand(['--all', '--api', 'gateway'], c.out, deps)).toBe(0);
    expect(c.text()).toMatch(/^traffic-shifting on sim \(Gateway API\): 2 steps$/m);
    expect(c.text()).toMatch(/^SKIP {2}mirroring {2}\(no Gateway API variant yet\)$/m);
    await expect(verifyCommand(['--lab', 'mirroring', '--api', 'gateway'], c.out, deps)).rejects.toThrow(
      'lab "mirroring" has no Gateway API variant yet; run it with --api istio',
    );
    await expect(verifyCommand(['--all', '--api', 'gw'], c.out, deps)).rejects.toThrow(
      'invalid value "gw" for --api: expected one of istio, gateway',
    );
  });

  it('exits 1 when a step fails, and skips planned labs', async () => {
    const c = capture();
    const broken = withStep(testLab(), 1, { solution: 'echo nothing' });
    const code = await verifyCommand(['--all'], c.out, {
      makeBackend: async () => createFakeBackend(testWorld),
      loadLab: (id) => {
        if (id === 'traffic-shifting') return broken;
        return { ...testLab({ status: 'planned' }), id, order: id === 'egress' ? 4 : 2 };
      },
      labIds: () => ['egress', 'mirroring', 'traffic-shifting'],
    });
    expect(code).toBe(1);
    expect(c.text()).toMatch(/^FAIL {2}traffic-shifting\/read-greeting .* ✗$/m);
    expect(c.text()).toMatch(/^SKIP {2}mirroring {2}\(planned: the lab is not built yet\)$/m);
    expect(c.text()).toMatch(/^SKIP {2}egress {2}\(planned: the lab is not built yet\)$/m);
    expect(c.text().indexOf('traffic-shifting/')).toBeLessThan(c.text().indexOf('SKIP  mirroring'));
    expect(c.text()).toContain('FAIL: 1 step(s) passed, 1 failed, 2 lab(s) skipped');
  });
});
