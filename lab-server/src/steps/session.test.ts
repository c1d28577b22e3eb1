import { afterEach, describe, expect, it } from 'vitest';
import { createBackend } from '../backends/index.ts';
import type { LabBackend, LabEnvironment, TerminalChannel } from '../contract.ts';
import { loadLab } from '../labs/load.ts';
import { learnerLines } from '../checks/identity.ts';
import { JudgedStates } from './judgedStates.ts';
import { StepSession } from './session.ts';

// The real simulator on a virtual clock, with the real first chapter: no second fake cluster.
const lab = loadLab('traffic-shifting');
const open: { backend: LabBackend; env: LabEnvironment; terminal: TerminalChannel }[] = [];

async function fresh(seed: number): Promise<{ steps: StepSession; terminal: TerminalChannel; env: LabEnvironment }> {
  const backend = await createBackend('sim', { clock: 'virtual', seed });
  const env = await backend.createEnvironment({ lab, owner: `steps-test-${seed}`, seed });
  await env.prepare();
  const terminal = env.openTerminal({ cols: 120, rows: 40 });
  open.push({ backend, env, terminal });
  return { steps: new StepSession(lab, env), terminal, env };
}

afterEach(async () => {
  for (const o of open.splice(0)) {
    o.terminal.close();
    await o.env.dispose();
    await o.backend.close();
  }
});

describe('StepSession', () => {
  it('checks a step against the environment, and a pass begins the next step then', async () => {
    const { steps, terminal } = await fresh(1);
    const before = await steps.check('destination-rules', { retry: false });
    expect(before.outcome.ok).toBe(false);
    expect(steps.clock.doneAt('destination-rules')).toBeUndefined();
    expect(steps.began('route-all-v1')).toEqual(steps.clock.startedAt);

    expect(await steps.solve(terminal, 'destination-rules', { catchUp: false })).toMatchObject({
      ok: true,
      ranSteps: ['destination-rules'],
      exitCode: 0,
    });
    const after = await steps.check('destination-rules', { retry: false });
    expect(after.outcome.ok).toBe(true);
    expect(steps.clock.doneAt('destination-rules')).toEqual(after.at);
    expect(steps.began('route-all-v1')).toEqual(after.at);
  });

  it('Solve with catch-up types the earlier solutions not done yet, then the step; without, the step only', async () => {
    const { steps, terminal } = await fresh(3);
    expect(steps.solutionsFor('shift-50-v3', true).map((s) => s.id)).toEqual([
      'destination-rules',
      'route-all-v1',
      'see-no-stars',
      'shift-50-v3',
    ]);
    expect(steps.solutionsFor('shift-50-v3', false).map((s) => s.id)).toEqual(['shift-50-v3']);
    await steps.solve(terminal, 'destination-rules', { catchUp: false });
    expect((await steps.check('destination-rules', { retry: false })).outcome.ok).toBe(true);
    const solved = await steps.solve(terminal, 'route-all-v1', { catchUp: true });
    expect(solved).toMatchObject({ ok: true, ranSteps: ['route-all-v1'] });
  });

  it('stops Solve at the first failing command and says which', async () => {
    const { steps, terminal } = await fresh(4);
    const broken = new StepSession(
      { ...lab, steps: lab.steps.map((s, i) => (i === 0 ? { ...s, solution: 'kubectl get nothing-here\n' } : s)) },
      steps.env,
    );
    const solved = await broken.solve(terminal, 'route-all-v1', { catchUp: true });
    expect(solved).toMatchObject({ ok: false, ranSteps: ['destination-rules'], timedOut: false });
    expect(solved.exitCode).not.toBe(0);
    expect(solved.lastLine).toBe('kubectl get nothing-here');
  });

  it('counts only the commands run since the step began for a ran check', async () => {
    const { steps, terminal, env } = await fresh(5);
    // The read-back command typed too early (before the 50/50 step was done) does not count for step 5.
    for (const id of ['destination-rules', 'route-all-v1', 'see-no-stars']) {
      await steps.solve(terminal, id, { catchUp: false });
      expect((await steps.check(id)).outcome.ok, id).toBe(true);
    }
    await steps.solve(terminal, 'shift-50-v3', { catchUp: false });
    const typedEarly = await steps.solve(terminal, 'read-virtualservice', { catchUp: false });
    expect(typedEarly.ok).toBe(true);
    expect((await steps.check('shift-50-v3')).outcome.ok).toBe(true);
    const early = await steps.check('read-virtualservice', { retry: false });
    expect(early.outcome.ok).toBe(false);
    expect(early.outcome.explanation.en).toMatch(/No command has been run in the terminal since this step began/);
    await steps.solve(terminal, 'read-virtualservice', { catchUp: false });
    expect((await steps.check('read-virtualservice', { retry: false })).outcome.ok).toBe(true);
    expect(env.history().filter((r) => r.line === 'kubectl get virtualservice reviews -o yaml')).toHaveLength(2);
  });

  it('forgets what was done on reset', async () => {
    const { steps, terminal, env } = await fresh(6);
    await steps.solve(terminal, 'destination-rules', { catchUp: false });
    expect((await steps.check('destination-rules', { retry: false })).outcome.ok).toBe(true);
    await env.reset();
    steps.reset();
    expect(steps.clock.doneAt('destination-rules')).toBeUndefined();
    expect(steps.solutionsFor('route-all-v1', true).map((s) => s.id)).toEqual(['destination-rules', 'route-all-v1']);
    expect((await steps.check('destination-rules', { retry: false })).outcome.ok).toBe(false);
  });

  it("never runs a later step's HTTPS check in the background: its TLS lines would pass an open step's log check", async () => {
    // Egress: ALLOW_ANY's check reads the learner's TLS connections in sleep's sidecar log, which carry no
    // User-Agent; the REGISTRY_ONLY step's check sends HTTPS requests from sleep.
    const egress = loadLab('egress');
    const backend = await createBackend('sim', { clock: 'virtual', seed: 9 });
    const env = await backend.createEnvironment({ lab: egress, owner: 'steps-test-egress', seed: 9 });
    await env.prepare();
    const terminal = env.openTerminal({ cols: 120, rows: 40 });
    open.push({ backend, env, terminal });
    const steps = new StepSession(egress, env);
    await steps.solve(terminal, 'source-pod', { catchUp: false });
    const passes = await steps.evaluateOpen('cluster', env.now());
    expect(passes.map((p) => p.step.id)).toEqual(['source-pod']);
    const log = await env.logs({ namespace: 'default', selector: 'app=sleep', container: 'istio-proxy' }, {});
    // The checks' HTTP requests carry their User-Agent and are left out; no TLS connection may be left.
    expect(learnerLines(log).join('\n')).not.toContain('PassthroughCluster');
    expect((await steps.check('allow-any', { retry: false })).outcome.ok).toBe(false);
  });

  it('does not judge a step again on a state it already failed on, but for checks that read the commands', async () => {
    const { steps, env } = await fresh(4);
    let logReads = 0;
    const counting: LabEnvironment = new Proxy(env, {
      get(target, name, receiver) {
        if (name === 'logs') {
          logReads++;
        }
        const value = Reflect.get(target, name, receiver);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const judged = new JudgedStates();
    const ranStep = steps.lab.steps.find((s) => s.id === 'read-virtualservice')!;
    // The learner's first command left state 11: the observed steps read the sidecars' logs, and fail.
    expect(await steps.evaluateOpen('action', env.now(), {}, counting, { states: judged, state: 11 })).toEqual([]);
    const first = logReads;
    expect(first).toBeGreaterThan(0);
    expect(judged.knownToFail(ranStep, 11, steps.began(ranStep.id))).toBe(false);
    // A command that changed nothing names state 11 again: only the check that reads the commands is judged.
    await steps.evaluateOpen('action', env.now(), {}, counting, { states: judged, state: 11 });
    expect(logReads).toBe(first);
    // Another state (a curl, say): judged again.
    await steps.evaluateOpen('action', env.now(), {}, counting, { states: judged, state: 12 });
    expect(logReads).toBe(2 * first);
    // The live environment (no state) is never the same twice.
    await steps.evaluateOpen('action', env.now(), {}, counting, { states: judged, state: undefined });
    await steps.evaluateOpen('action', env.now(), {}, counting, { states: judged, state: undefined });
    expect(logReads).toBe(4 * first);
  });
});
