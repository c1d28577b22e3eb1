/** The class report: chapters and steps with titles, activity, current steps, column summaries. */
import { describe, expect, it } from 'vitest';
import { classReport } from './report.ts';
import { cls, labs, passed } from './testReport.ts';

const failure = (sessionId: string, step: string, signature: string, en: string, at = '2026-01-01T10:05:00Z') => ({
  sessionId,
  lab: 'traffic-shifting',
  step,
  at,
  signature,
  explanation: { ko: en, en },
});

describe('classReport', () => {
  it("lists the class's chapters and steps with their titles and numbers, and counts who completed each chapter", () => {
    const report = classReport(cls, labs, [
      {
        id: 'l1',
        name: 'Ada',
        joinedAt: 't',
        progress: { 'traffic-shifting': { a: passed('t1'), b: passed('t2') } },
      },
      {
        id: 'l2',
        name: 'Bob',
        joinedAt: 't',
        progress: {
          'traffic-shifting': { a: passed('t1'), b: { status: 'failed', at: 't3', attempts: 2 } },
          mirroring: { c: passed('t4') },
        },
      },
    ]);
    expect(report.chapters).toEqual([
      { lab: 'traffic-shifting', title: { ko: '트래픽 전환', en: 'Traffic Shifting' } },
      { lab: 'mirroring', title: { ko: '미러링', en: 'Mirroring' } },
    ]);
    expect(report.steps.map((s) => `${s.lab}/${s.step}#${s.number} ${s.title.en}`)).toEqual([
      'traffic-shifting/a#1 A',
      'traffic-shifting/b#2 B',
      'mirroring/c#1 C',
    ]);
    expect(report.steps.map((s) => s.gatewayTitle?.en)).toEqual([undefined, 'B in the Gateway API', undefined]);
    expect(report.completion).toEqual({
      'traffic-shifting': { completed: 1, learners: 2 },
      mirroring: { completed: 1, learners: 2 },
    });
  });

  it('gives each learner their current step and since when it is theirs; one who never came has none', () => {
    const report = classReport(
      cls,
      labs,
      [
        {
          id: 'l1',
          name: 'Ada',
          joinedAt: '2026-01-01T09:00:00Z',
          activeLab: 'traffic-shifting',
          lastActivityAt: '2026-01-01T10:20:00Z',
          progress: { 'traffic-shifting': { a: passed('2026-01-01T10:00:00Z') } },
        },
        {
          id: 'l2',
          name: 'Bob',
          joinedAt: '2026-01-01T09:05:00Z',
          activeLab: 'traffic-shifting',
          lastActivityAt: '2026-01-01T09:30:00Z',
          // Passed before a reset: the step is his again.
          progress: { 'traffic-shifting': { a: { ...passed('2026-01-01T09:20:00Z'), resetSince: true } } },
        },
        { id: 'l3', name: 'Cy', joinedAt: '2026-01-01T09:10:00Z', progress: {} },
      ],
      [],
      new Date('2026-01-01T10:30:00Z'),
    );
    expect(report.learners.map((l) => l.currentStep)).toEqual([
      { lab: 'traffic-shifting', step: 'b', since: '2026-01-01T10:00:00Z' },
      { lab: 'traffic-shifting', step: 'a', since: '2026-01-01T09:05:00Z' },
      undefined,
    ]);
    expect(report.learners[2]!.lastActivityAt).toBeUndefined();
    expect(report.now).toBe('2026-01-01T10:30:00.000Z');
  });

  it('sums each step up: passes, learners failing it now, and their most common failure in its latest wording', () => {
    const learner = (id: string) => ({ id, name: id, joinedAt: 't', progress: {} });
    const report = classReport(
      cls,
      labs,
      [
        learner('l1'),
        learner('l2'),
        learner('l3'),
        { ...learner('l4'), progress: { 'traffic-shifting': { a: passed('t') } } },
      ],
      [
        failure('l1', 'b', 'split:v1', '62 % v1 / 38 % v3', '2026-01-01T10:01:00Z'),
        failure('l2', 'b', 'split:v1', '70 % v1 / 30 % v3', '2026-01-01T10:03:00Z'),
        failure('l3', 'b', 'status:503', 'All 100 requests failed with 503'),
        failure('gone', 'b', 'split:v1', 'a learner no longer in the class'),
      ],
    );
    expect(report.summary[0]).toEqual({ lab: 'traffic-shifting', step: 'a', passed: 1, failing: 0 });
    expect(report.summary[1]).toEqual({
      lab: 'traffic-shifting',
      step: 'b',
      passed: 0,
      failing: 3,
      commonFailure: {
        signature: 'split:v1',
        learners: 2,
        explanation: { ko: '70 % v1 / 30 % v3', en: '70 % v1 / 30 % v3' },
      },
    });
  });
});
