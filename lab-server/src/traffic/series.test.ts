/**
 * `httpSeries` sends what the traffic check's own loop over `http` sent: for the same seed, the same answers in the
 * same order, and it stops where the check's judge would (so as many answers are counted after the decision).
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { createSimBackend } from '../backends/sim/index.ts';
import { SequentialSplit } from '../checks/sequential.ts';
import type { HttpOrigin, HttpRequest, LabBackend, LabEnvironment } from '../contract.ts';
import { loadLab } from '../labs/load.ts';
import { classify, type ClassRule } from './classify.ts';

const lab = loadLab('traffic-shifting');
const OUTSIDE: HttpOrigin = { kind: 'outside' };
const PRODUCTPAGE: HttpRequest = { url: 'http://ingress/productpage' };
const check = lab.steps.find((s) => s.id === 'shift-50-v3')?.check;
if (check?.type !== 'traffic') throw new Error('the traffic-shifting lab has no traffic check on shift-50-v3');
/** The 50/50 step's own classes. */
const RULES: readonly ClassRule[] = check.classes;
const sizes = { planned: 200, cap: 800, minToFail: 200 };
const backends: LabBackend[] = [];

beforeAll(() => {
  vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-11-24T09:00:00Z') });
});
afterAll(async () => {
  vi.useRealTimers();
  await Promise.all(backends.map((b) => b.close()));
});

/** The chapter's environment for `seed`, its reviews split 50/50 between v1 and v3. */
async function fiftyFifty(seed: number): Promise<LabEnvironment> {
  const backend = createSimBackend({ clock: 'virtual' });
  backends.push(backend);
  const env = await backend.createEnvironment({ lab, owner: 'series', seed });
  await env.prepare();
  for (const file of ['destination-rule-all.yaml', 'virtual-service-reviews-50-v3.yaml'])
    await env.runScript(`kubectl apply -f samples/bookinfo/networking/${file}`);
  return env;
}

/** The loop the traffic check ran before `httpSeries`, one `http` call per request, written out independently. */
async function checkLoop(env: LabEnvironment, judge: SequentialSplit, concurrency: number) {
  const answers: { status: number; class: string }[] = [];
  let started = 0;
  const worker = async () => {
    while (judge.wants(started)) {
      started++;
      const response = await env.http(OUTSIDE, PRODUCTPAGE);
      const name = classify(response, RULES);
      answers.push({ status: response.status, class: name });
      judge.add(name);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  return answers;
}

describe('httpSeries', () => {
  it('gives the answers of one http call per request, for the same seed, and stops where the judge does', async () => {
    const [one, other] = [await fiftyFifty(11), await fiftyFifty(11)];
    const judge = new SequentialSplit({ v1: 0.5, v3: 0.5 }, sizes);
    const expected = await checkLoop(one, judge, 8);
    const series = await other.httpSeries!(OUTSIDE, PRODUCTPAGE, {
      rules: RULES,
      concurrency: 8,
      judge: new SequentialSplit({ v1: 0.5, v3: 0.5 }, sizes).spec(),
    });
    expect(series.answers).toEqual(expected);
    expect(new Set(expected.map((a) => a.class))).toEqual(new Set(['v1', 'v3']));
    // Up to concurrency - 1 answers were in flight when the judge decided: counted, as before.
    expect(judge.outcome().n).toBe(expected.length);
    expect(expected.length - judge.outcome().decidedAt).toBeLessThan(8);
    // Only the first whole response of each status comes back, for the evidence.
    expect(series.first.map((r) => r.status)).toEqual([200]);
    expect(series.first[0]!.body).toContain('The Comedy of Errors');
  });

  it('sends no request once a certain expectation fails, past the planned number', async () => {
    const env = await fiftyFifty(12);
    const judge = new SequentialSplit({ v1: 1 }, { planned: 20, cap: 80, minToFail: 20 });
    const series = await env.httpSeries!(OUTSIDE, PRODUCTPAGE, { rules: RULES, concurrency: 8, judge: judge.spec() });
    expect(series.answers).toHaveLength(20);
  });
});
