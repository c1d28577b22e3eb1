/**
 * Automatic checks through the server on the real simulator: a learner who does chapter 1 in order without
 * pressing Check gets every step passed; done out of order, Check explains a replaced step; Reset and Solve keep
 * the recorded state and the answers in agreement.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createBackend } from '../backends/index.ts';
import { Gate } from '../steps/autoCheck.ts';
import { loadLab } from '../labs/load.ts';
import { typeScript } from '../terminal/typing.ts';
import { createLabServer, type LabServer } from './app.ts';
import type { LabInstance } from './labRuntime.ts';

const lab = loadLab('traffic-shifting');
const servers: LabServer[] = [];

async function start(
  seed: number,
  gate?: Gate,
): Promise<{ server: LabServer; instance: LabInstance; sessionId: string }> {
  const backend = await createBackend('sim', { clock: 'virtual', seed });
  const server = createLabServer({
    backend,
    labs: [lab],
    autoChecks: { debounceMs: 20, budgetMs: 600_000, ...(gate ? { gate } : {}) },
  });
  servers.push(server);
  const { session } = await server.parts.sessions.create();
  const instance = await server.parts.runtime.instance(session.id, lab.id);
  return { server, instance, sessionId: session.id };
}

afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

/** Types a step's solution as the learner would, and lets the background checks settle. */
async function doStep(instance: LabInstance, id: string): Promise<void> {
  const step = lab.steps.find((s) => s.id === id)!;
  const typed = await typeScript(instance.terminal, step.solution);
  expect(typed.exitCode, `${id}: ${typed.records.at(-1)?.line}`).toBe(0);
}

async function progressOf(server: LabServer, sessionId: string) {
  return (await server.parts.progress.progress(sessionId))[lab.id] ?? {};
}

describe('automatic checks', () => {
  it('pass every step of chapter 1 done in order, with no Check pressed', async () => {
    const { server, instance, sessionId } = await start(1);
    for (const step of lab.steps) {
      await doStep(instance, step.id);
      await expect
        .poll(async () => (await progressOf(server, sessionId))[step.id]?.status, { timeout: 90_000, interval: 50 })
        .toBe('passed');
    }
    const progress = await progressOf(server, sessionId);
    expect(Object.values(progress).map((p) => p.passedBy)).toEqual(lab.steps.map(() => 'automatic'));
    // Only passes are recorded automatically: no failing attempt for steps not reached yet.
    expect(Object.values(progress).every((p) => p.attempts === 1)).toBe(true);
  });

  it('explain a step replaced by a later one instead of advising a fix', async () => {
    const { server, instance, sessionId } = await start(2);
    for (const id of ['destination-rules', 'route-all-v1', 'see-no-stars', 'shift-50-v3']) {
      await doStep(instance, id);
      await expect
        .poll(async () => (await progressOf(server, sessionId))[id]?.status, { timeout: 90_000, interval: 50 })
        .toBe('passed');
    }
    const checked = await instance.solo(() => instance.steps.check('route-all-v1', { retry: false }));
    expect(checked.outcome.ok).toBe(false);
    expect(checked.replaced).toMatchObject({ step: 'shift-50-v3', number: 4 });
    const title = lab.steps[3]!.title;
    expect(
      checked.outcome.explanation.en.startsWith(`The cluster is at step 4 now (${title.en}); this step held at `),
    ).toBe(true);
    expect(checked.outcome.explanation.en).toMatch(/held at \d\d:\d\d\. A later step replaced its outcome/);
    expect(checked.outcome.explanation.ko.startsWith(`클러스터는 지금 4단계(${title.ko})에 와 있습니다.`)).toBe(true);
  });

  it('never mark a step passed while the learner has not looked (an observing step needs their request)', async () => {
    const { server, instance, sessionId } = await start(3);
    await doStep(instance, 'destination-rules');
    await doStep(instance, 'route-all-v1');
    await expect
      .poll(async () => (await progressOf(server, sessionId))['route-all-v1']?.status, { timeout: 90_000 })
      .toBe('passed');
    // Commands that look at nothing the step asks for leave it open, once evaluated.
    await expect.poll(() => instance.auto!.running || instance.auto!.pending, { timeout: 90_000 }).toBe(false);
    const before = instance.auto!.evaluations;
    await typeScript(instance.terminal, 'kubectl get pods\necho hello');
    await expect
      .poll(() => instance.auto!.evaluations > before && !instance.auto!.running && !instance.auto!.pending, {
        timeout: 90_000,
      })
      .toBe(true);
    expect((await progressOf(server, sessionId))['see-no-stars']).toBeUndefined();
    await doStep(instance, 'see-no-stars');
    await expect
      .poll(async () => (await progressOf(server, sessionId))['see-no-stars']?.status, { timeout: 90_000 })
      .toBe('passed');
  });

  it('mark steps passed before a reset as such, and pass them again when redone', async () => {
    const { server, instance, sessionId } = await start(4);
    await doStep(instance, 'destination-rules');
    await expect
      .poll(async () => (await progressOf(server, sessionId))['destination-rules']?.status, { timeout: 90_000 })
      .toBe('passed');
    await server.parts.runtime.reset(sessionId, lab.id);
    expect((await progressOf(server, sessionId))['destination-rules']).toMatchObject({
      status: 'passed',
      resetSince: true,
    });
    await doStep(instance, 'destination-rules');
    await expect
      .poll(async () => (await progressOf(server, sessionId))['destination-rules']?.resetSince, { timeout: 90_000 })
      .toBeUndefined();
  });

  it('pass every step a learner reached, even when each evaluation waited its turn until the learner had gone on', async () => {
    // A class's load: other environments hold the server's places while this learner types five steps.
    const gate = new Gate(1);
    const release = await gate.acquire(new AbortController().signal);
    const { server, instance, sessionId } = await start(5, gate);
    const five = lab.steps.slice(0, 5);
    for (const step of five) await doStep(instance, step.id);
    expect(await progressOf(server, sessionId)).toEqual({});
    release();
    for (const step of five)
      await expect
        .poll(async () => (await progressOf(server, sessionId))[step.id]?.status, { timeout: 90_000, interval: 50 })
        .toBe('passed');
    // Each judged on the state its own command left: step 2 (all to v1) although the route is at 50/50 now.
    const passed = await progressOf(server, sessionId);
    expect(five.map((s) => passed[s.id]?.passedBy)).toEqual(five.map(() => 'automatic'));
  });
  it('freeze no state for a command after which only the command history is left to read', async () => {
    const { instance } = await start(6);
    const env = instance.env;
    const frozen = env.frozen!.bind(env);
    let freezes = 0;
    env.frozen = (record) => {
      freezes++;
      return frozen(record);
    };
    const settled = async (evaluations: number) =>
      expect
        .poll(() => instance.auto!.evaluations >= evaluations && !instance.auto!.running && !instance.auto!.pending, {
          timeout: 90_000,
        })
        .toBe(true);
    // The first look: the observing steps read the sidecars' logs in the state the command left.
    await typeScript(instance.terminal, 'kubectl get pods');
    await settled(1);
    expect(freezes).toBe(1);
    // The same state again: those failed on it already, and step 5's `ran` part reads only the commands.
    await typeScript(instance.terminal, 'kubectl get pods -o name');
    await settled(2);
    expect(freezes).toBe(1);
  });
});
