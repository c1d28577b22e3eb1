/** The CSV exports: a byte-order mark for Excel, local times, titles beside ids, quoting and defused formulas. */
import { describe, expect, it } from 'vitest';
import { attemptsCsv, knownTimeZone, localDateTime, reportCsv, UTF8_BOM } from './csv.ts';
import { classReport } from './report.ts';
import { cls, labs, passed } from './testReport.ts';

describe('CSV', () => {
  it('writes times in the given time zone, as spreadsheets read them', () => {
    expect(localDateTime('2026-01-01T10:00:00Z', 'Asia/Seoul')).toBe('2026-01-01 19:00:00');
    expect(localDateTime('2026-01-01T10:00:00Z', 'America/New_York')).toBe('2026-01-01 05:00:00');
    expect(localDateTime(undefined, 'Asia/Seoul')).toBe('');
    expect(knownTimeZone('Asia/Seoul')).toBe('Asia/Seoul');
    expect(knownTimeZone('Mars/Olympus')).toBe(Intl.DateTimeFormat().resolvedOptions().timeZone);
  });

  it('has a BOM, one row per learner and step with titles in the language, quoting and defused formulas', () => {
    const report = classReport({ ...cls, chapters: ['mirroring'] }, labs, [
      { id: 'l1', name: 'Kim, "Jr"\nline', joinedAt: 't', progress: {} },
      {
        id: 'l2',
        name: '@SUM(A1)',
        joinedAt: 't',
        lastActivityAt: '2026-01-01T10:02:00Z',
        progress: { mirroring: { c: { ...passed('2026-01-01T10:00:00Z'), passedBy: 'automatic' as const } } },
      },
    ]);
    const csv = reportCsv(report, { lang: 'ko', timeZone: 'Asia/Seoul' });
    expect(csv.startsWith(UTF8_BOM)).toBe(true);
    expect(csv.slice(1).split('\r\n')).toEqual([
      'learner_id,learner,lab,chapter,step,step_title,status,passed_by,attempts,last_attempt,passed_at,last_activity',
      'l1,"Kim, ""Jr""\nline",mirroring,미러링,c,1. 다,not tried,,0,,,',
      "l2,'@SUM(A1),mirroring,미러링,c,1. 다,passed,automatic,1,2026-01-01 19:00:00,2026-01-01 19:00:00,2026-01-01 19:02:00",
      '',
    ]);
    expect(reportCsv(report, { lang: 'en', timeZone: 'UTC' })).toContain(',mirroring,Mirroring,c,1. C,passed,');
  });

  it('lists attempts with what ran them, titles, local times and both explanations', () => {
    const report = classReport({ ...cls, chapters: ['mirroring'] }, labs, []);
    const csv = attemptsCsv(
      report,
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
          trigger: 'check',
        },
        {
          sessionId: 'gone',
          lab: 'mirroring',
          step: 'c',
          ok: true,
          at: '2026-01-01T10:01:00Z',
          durationMs: 3,
          explanation: { en: 'ok', ko: '통과' },
          trigger: 'automatic',
        },
      ],
      { lang: 'en', timeZone: 'Asia/Seoul' },
    );
    expect(csv.slice(1).split('\r\n')).toEqual([
      'learner_id,learner,lab,step,step_title,ok,trigger,at,duration_ms,explanation_en,explanation_ko',
      'l1,김철수,mirroring,c,1. C,false,check,2026-01-01 19:00:00,13,"saw 0 mirrored, expected some",미러링된 요청이 0개',
      'gone,,mirroring,c,1. C,true,automatic,2026-01-01 19:01:00,3,ok,통과',
      '',
    ]);
  });
});
