/**
 * A learner's Check on a step an automatic check passed, with no object changed since, stands on that measurement
 * (`JudgedStates.knownPass`): the answer says when it was measured, and no request is sent. Any object created,
 * changed or deleted since, and the Check measures again. On the real simulator, through the server's routes.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createBackend } from '../backends/index.ts';
import type { LabEnvironment } from '../contract.ts';
import { loadLab } from '../labs/load.ts';
import type { CheckResultBody } from '../protocol/api.ts';
import { typeScript } from '../terminal/typing.ts';
import { createLabServer, type LabServer } from './app.ts';
import type { LabInstance } from './labRuntime.ts';

const lab = loadLab('traffic-shifting');
const servers: LabServer[] = [];

afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

/** A server on the simulator with automatic checks, one learner's environment, and the traffic it is sent. */
async function start(seed: number) {
  const backend = await createBackend('sim', { clock: 'virtual', seed });
  const server = createLabServer({
    backend,
    labs: [lab],
    checks: { settleMs: 0 },
    autoChecks: { debounceMs: 20, budgetMs: 600_000 },
  });
  servers.push(server);
  const base = (await server.listen(0)).replace(/\/$/, '');
  const { session, token } = await server.parts.sessions.create();
  const instance = await server.parts.runtime.instance(session.id, lab.id);
  const sent = countTraffic(instance.env);
  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${base}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(res.status, path).toBe(200);
    return res.json();
  };
  const check = async (step: string) => (await post(`/api/labs/${lab.id}/steps/${step}/check`, {})) as CheckResultBody;
  const progress = async () => (await server.parts.progress.progress(session.id))[lab.id] ?? {};
  return { instance, sent, post, check, progress };
}

/** Counts the requests sent to the live environment (a traffic check's series, or one by one). */
function countTraffic(env: LabEnvironment): { series: number; http: number } {
  const sent = { series: 0, http: 0 };
  const series = env.httpSeries?.bind(env);
  if (series)
    env.httpSeries = (...args) => {
      sent.series++;
      return series(...args);
    };
  const http = env.http.bind(env);
  env.http = (...args) => {
    sent.http++;
    return http(...args);
  };
  return sent;
}

async function type(instance: LabInstance, script: string): Promise<void> {
  const typed = await typeScript(instance.terminal, script);
  expect(typed.exitCode, typed.records.at(-1)?.line).toBe(0);
}

/** Until no automatic check runs or waits. */
async function quiet(instance: LabInstance): Promise<void> {
  await expect.poll(() => instance.auto!.running || instance.auto!.pending, { timeout: 90_000 }).toBe(false);
}

const solution = (id: string) => lab.steps.find((s) => s.id === id)!.solution;

describe('a Check after an automatic pass', () => {
  it('stands on the automatic measurement while no object changed, and measures again once one did', async () => {
    const { instance, sent, check, progress } = await start(11);
    for (const id of ['destination-rules', 'route-all-v1', 'shift-50-v3']) await type(instance, solution(id));
    await expect.poll(async () => (await progress())['shift-50-v3']?.status, { timeout: 90_000 }).toBe('passed');
    await quiet(instance);
    const passedAt = (await progress())['shift-50-v3']!.passedAt!;
    // Reading and requests change no object (the requests leave log lines, a state of their own): the pass stands.
    const states = instance.env.history().length;
    await type(instance, `kubectl get virtualservice reviews -o yaml\n${solution('see-no-stars')}`);
    await quiet(instance);
    const recent = instance.env.history().slice(states);
    expect(new Set(recent.map((r) => r.state)).size).toBeGreaterThan(1);
    expect(new Set(recent.map((r) => r.objects)).size).toBe(1);
    const before = { ...sent };
    const stood = await check('shift-50-v3');
    expect(sent).toEqual(before);
    expect(stood).toMatchObject({ ok: true, attempts: 0, durationMs: 0 });
    expect(stood.measuredAt).toBeDefined();
    expect(Date.parse(stood.measuredAt!)).toBeGreaterThanOrEqual(Date.parse(passedAt));
    expect(stood.evidence.length).toBeGreaterThan(0);
    expect(stood.progress).toMatchObject({ status: 'passed', attempts: 2 });

    // A label is a change of an object, though routing stays the same: measured again.
    await type(instance, 'kubectl label virtualservice reviews lesson=four');
    await quiet(instance);
    const measured = await check('shift-50-v3');
    expect(measured.ok).toBe(true);
    expect(measured.measuredAt).toBeUndefined();
    expect(measured.attempts).toBeGreaterThan(0);
    expect(sent.series + sent.http).toBeGreaterThan(before.series + before.http);
  });

  it('stands on a pass the editor’s Apply led to (judged live), and not after a reset', async () => {
    const { instance, sent, post, check, progress } = await start(12);
    for (const id of ['destination-rules', 'route-all-v1']) await type(instance, solution(id));
    const yaml = lab.steps.find((s) => s.id === 'shift-50-v3')!.files[0]!.content;
    await post(`/api/labs/${lab.id}/apply`, { yaml });
    await expect.poll(async () => (await progress())['shift-50-v3']?.status, { timeout: 90_000 }).toBe('passed');
    await quiet(instance);
    const before = { ...sent };
    expect((await check('shift-50-v3')).measuredAt).toBeDefined();
    expect(sent).toEqual(before);

    await post(`/api/labs/${lab.id}/reset`, {});
    const afterReset = await check('shift-50-v3');
    expect(afterReset.ok).toBe(false);
    expect(afterReset.measuredAt).toBeUndefined();
  });

  it('measures a step whose check reads more than the objects (the commands run), though it passed by itself', async () => {
    const { instance, check, progress } = await start(13);
    for (const id of ['destination-rules', 'route-all-v1', 'shift-50-v3', 'read-virtualservice'])
      await type(instance, solution(id));
    await expect
      .poll(async () => (await progress())['read-virtualservice']?.status, { timeout: 90_000 })
      .toBe('passed');
    await quiet(instance);
    const measured = await check('read-virtualservice');
    expect(measured.ok).toBe(true);
    expect(measured.measuredAt).toBeUndefined();
  });
});
