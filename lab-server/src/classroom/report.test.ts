/** The class report and its CSV exports. */
import { describe, expect, it } from 'vitest';
import type { LoadedLab } from '../labs/load.ts';
import { attemptsCsv, classReport, reportCsv } from './report.ts';

const labs = [
  {
    id: 'traffic-shifting',
    steps: [
      { id: 'a', title: { ko: '가', en: 'A' } },
      { id: 'b', title: { ko: '나', en: 'B' } },
    ],
  },
  { id: 'mirroring', steps: [{ id: 'c', title: { ko: '다', en: 'C' } }] },
] as unknown as LoadedLab[];
const cls = {
  id: 'c1',
  name: 'W',
  chapters: ['traffic-shifting', 'mirroring'],
  joinCode: 'ABCDEF',
  createdAt: '2026-01-01T00:00:00Z',
  expiresAt: '2026-01-02T00:00:00Z',
};
const passed = (at: string) => ({ status: 'passed' as const, at, attempts: 1, passedAt: at });

describe('classReport', () => {
  it("lists the steps of the class's chapters in order and counts who completed each chapter", () => {
    const report = classReport(cls, labs, [
      { id: 'l1', name: 'Ada', joinedAt: 't', progress: { 'traffic-shifting': { a: passed('t1'), b: passed('t2') } } },
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
    expect(report.steps.map((s) => `${s.lab}/${s.step}`)).toEqual([
      'traffic-shifting/a',
      'traffic-shifting/b',
      'mirroring/c',
    ]);
    expect(report.completion).toEqual({
      'traffic-shifting': { completed: 1, learners: 2 },
      mirroring: { completed: 1, learners: 2 },
    });
  });
});

describe('CSV', () => {
  it('has one row per learner and step, quotes what needs quoting and defuses formulas', () => {
    const report = classReport({ ...cls, chapters: ['mirroring'] }, labs, [
      { id: 'l1', name: 'Kim, "Jr"\nline', joinedAt: 't', progress: {} },
      { id: 'l2', name: '@SUM(A1)', joinedAt: 't', progress: { mirroring: { c: passed('2026-01-01T10:00:00Z') } } },
    ]);
    expect(reportCsv(report)).toBe(
      [
        'learner_id,learner,lab,step,status,attempts,last_attempt,passed_at',
        'l1,"Kim, ""Jr""\nline",mirroring,c,not tried,0,,',
        "l2,'@SUM(A1),mirroring,c,passed,1,2026-01-01T10:00:00Z,2026-01-01T10:00:00Z",
        '',
      ].join('\r\n'),
    );
  });

  it('lists attempts with both explanations, learners named', () => {
    const csv = attemptsCsv(
      [{ id: 'l1', name: '김철수', joinedAt: 't' }],
      [
        {
          sessionId: 'l1',
          lab: 'mirroring',
          step: 'c',
          ok: false,
          at: '2026-01-01T10:00:00Z',
          durationMs: 12.6,
          explanation: { en: 'saw 0 mirrored, expected some', ko: '미러링된 요청이 0개' },
        },
        {
          sessionId: 'gone',
          lab: 'mirroring',
          step: 'c',
          ok: true,
          at: '2026-01-01T10:01:00Z',
          durationMs: 3,
          explanation: { en: 'ok', ko: '통과' },
        },
      ],
    );
    expect(csv.split('\r\n')).toEqual([
      'learner_id,learner,lab,step,ok,at,duration_ms,explanation_en,explanation_ko',
      'l1,김철수,mirroring,c,false,2026-01-01T10:00:00Z,13,"saw 0 mirrored, expected some",미러링된 요청이 0개',
      'gone,,mirroring,c,true,2026-01-01T10:01:00Z,3,ok,통과',
      '',
    ]);
  });
});
