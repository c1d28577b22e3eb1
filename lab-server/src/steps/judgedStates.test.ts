import { describe, expect, it } from 'vitest';
import { loadLab } from '../labs/load.ts';
import { labForApi } from '../labs/variants.ts';
import { JudgedStates } from './judgedStates.ts';
import type { StepCheck } from './session.ts';

const chapter = loadLab('traffic-shifting');
const istio = labForApi(chapter, 'istio');
const gateway = labForApi(chapter, 'gateway');
const stepOf = (lab: typeof istio, id: string) => lab.steps.find((s) => s.id === id)!;
const checked: StepCheck = {
  outcome: {
    ok: true,
    explanation: { ko: '반반', en: 'half' },
    evidence: [],
    attempts: 1,
    durationMs: 40,
    signature: 'ok',
  },
  at: new Date('2026-12-07T10:32:00Z'),
};
const began = new Date('2026-12-07T10:30:00Z');

describe('passes the automatic checks measured', () => {
  it('are known for the same check, since the same start, with the objects they were measured on', () => {
    const judged = new JudgedStates();
    const step = stepOf(istio, 'shift-50-v3');
    judged.passed(step, '7.1042', began, checked);
    expect(judged.knownPass(step, began)).toEqual({ objects: '7.1042', checked });
    // The step began again (a reset, or done anew): that pass says nothing of it.
    expect(judged.knownPass(step, new Date(began.getTime() + 1))).toBeUndefined();
    // The learner switched to the Gateway API: the step's check is another one.
    expect(judged.knownPass(stepOf(gateway, 'shift-50-v3'), began)).toBeUndefined();
  });

  it('are not kept when the objects are not known, nor for a check that reads more than the objects', () => {
    const judged = new JudgedStates();
    judged.passed(stepOf(istio, 'shift-50-v3'), undefined, began, checked);
    expect(judged.knownPass(stepOf(istio, 'shift-50-v3'), began)).toBeUndefined();
    judged.passed(stepOf(istio, 'read-virtualservice'), '7.1042', began, checked);
    expect(judged.knownPass(stepOf(istio, 'read-virtualservice'), began)).toBeUndefined();
  });
});
