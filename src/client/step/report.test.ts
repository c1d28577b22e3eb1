import { describe, expect, it } from 'vitest';
import { ApiError } from '../session.ts';
import { autoReport, badgeOf, checkReport, failureReport, shownStatus, solveReport, type StepInfo } from './report.ts';

const progress = (status: 'passed' | 'failed') => ({ status, at: '2026-01-01T00:00:00Z', attempts: 1 });
const steps: StepInfo[] = [
  { id: 'destination-rules', title: '1. Apply the default destination rules', solution: 'kubectl apply -f dr.yaml' },
  { id: 'route-all-v1', title: '2. Send all traffic to v1', solution: 'kubectl apply -f vs.yaml' },
];

describe('step reports', () => {
  it('keep a passed step passed and otherwise follow the server', () => {
    expect(shownStatus('passed', progress('failed'))).toBe('passed');
    expect(shownStatus('none', progress('failed'))).toBe('failed');
    expect(shownStatus('failed', progress('passed'))).toBe('passed');
    expect(shownStatus('none', undefined)).toBe('none');
  });

  it('explain a check in the page language with how long it took', () => {
    const body = {
      ok: false,
      explanation: { ko: '별이 보입니다', en: 'stars are shown' },
      evidence: [],
      attempts: 3,
      durationMs: 2500,
      progress: progress('failed'),
    };
    expect(checkReport(body, 'en')).toMatchObject({
      ok: false,
      headline: '✗ stars are shown',
      detail: 'checked in 2.5 s',
    });
    expect(checkReport({ ...body, ok: true }, 'ko').headline).toBe('✓ 별이 보입니다');
    // A real cluster's retries read as waiting for propagation, not as the learner pressing Check again.
    expect(checkReport({ ...body, waitedMs: 4_200 }, 'en').detail).toBe(
      'checked in 2.5 s · waited 4 s for the configuration to propagate',
    );
    expect(checkReport({ ...body, waitedMs: 4_200 }, 'ko').detail).toBe(
      '2.5초 만에 확인 · 설정이 프록시까지 전파되기를 4초 기다렸습니다',
    );
  });

  it('say when a Check stood on an automatic check of the same objects, instead of how long it took', () => {
    const measuredAt = '2026-01-01T10:32:00.000Z';
    const body = {
      ok: true,
      explanation: { ko: '반반입니다', en: 'half and half' },
      evidence: [],
      attempts: 0,
      durationMs: 0,
      measuredAt,
      progress: progress('passed'),
    };
    const en = new Date(measuredAt).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
    const ko = new Date(measuredAt).toLocaleTimeString('ko-KR', { hour: '2-digit', minute: '2-digit' });
    expect(checkReport(body, 'en')).toMatchObject({
      ok: true,
      headline: '✓ half and half',
      detail: `measured by the automatic check at ${en}; no object has changed since, so it was not measured again`,
    });
    expect(checkReport(body, 'ko').detail).toBe(
      `${ko}에 자동 확인이 측정한 결과입니다. 그 뒤로 바뀐 오브젝트가 없어 다시 측정하지 않았습니다`,
    );
  });

  it('give every recorded state its own badge', () => {
    const at = '2026-01-01T10:32:00.000Z';
    const time = new Date(at).toLocaleTimeString('en-GB', { hour: '2-digit', minute: '2-digit' });
    expect(badgeOf(undefined, 'en')).toEqual({ state: 'none', text: 'Not yet' });
    expect(badgeOf(progress('failed'), 'en')).toEqual({ state: 'failing', text: '✗ Not passing yet' });
    const passed = { ...progress('passed'), passedAt: at, lastPassedAt: at };
    expect(badgeOf(passed, 'en')).toEqual({ state: 'passed', text: `✓ Passed ${time}` });
    expect(badgeOf({ ...passed, failingNow: true }, 'en')).toEqual({
      state: 'failing-now',
      text: `✓ Passed ${time} · failing now`,
    });
    expect(badgeOf({ ...passed, resetSince: true }, 'ko')).toEqual({
      state: 'reset-since',
      text: '예전에 통과 · 그 뒤 환경 초기화',
    });
    expect(autoReport({ ko: '맞습니다', en: 'as expected' }, at, 'en').headline).toBe(
      `✓ Checked automatically at ${time}, passed: as expected`,
    );
  });

  it('name the steps whose solutions ran, with their scripts, and a failed solution by its exit code', () => {
    const ok = solveReport({ ok: true, ranSteps: ['destination-rules', 'route-all-v1'], exitCode: 0 }, steps, 'en');
    expect(ok.ok).toBe(true);
    expect(ok.ran.map((s) => s.title)).toEqual(['1. Apply the default destination rules', '2. Send all traffic to v1']);
    expect(ok.ran[1]!.solution).toBe('kubectl apply -f vs.yaml');
    const failed = solveReport({ ok: false, ranSteps: ['route-all-v1', 'elsewhere'], exitCode: 1 }, steps, 'en');
    expect(failed.ok).toBe(false);
    expect(failed.headline).toContain('exit code 1');
    expect(failed.ran[1]).toEqual({ id: 'elsewhere', title: 'elsewhere', solution: '' });
    expect(solveReport({ ok: true, ranSteps: [], exitCode: 0 }, steps, 'ko').headline).toContain('이미');
  });

  it("follow Solve with the step's own check, so the result and the badge agree", () => {
    const check = {
      ok: false,
      explanation: { ko: '아직 50/50이 아닙니다', en: 'not 50/50 yet' },
      evidence: [],
      attempts: 1,
      durationMs: 400,
      progress: progress('failed'),
    };
    const r = solveReport({ ok: true, ranSteps: ['route-all-v1'], exitCode: 0, check }, steps, 'en');
    expect(r).toMatchObject({ ok: false, headline: 'Solution ran. The check after the solution: ✗ not 50/50 yet' });
    expect(r.detail).toBe('checked in 0.4 s');
  });

  it('tell an answer from the server apart from an unreachable server', () => {
    expect(failureReport(new ApiError(404, 'unknown step "x"'), 'en').headline).toBe(
      'The lab server answered: unknown step "x"',
    );
    expect(failureReport(new TypeError('Failed to fetch'), 'en').headline).toBe(
      'Cannot reach the lab server: Failed to fetch',
    );
  });
});
