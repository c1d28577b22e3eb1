import { describe, expect, it } from 'vitest';
import { ApiError } from '../session.ts';
import { checkReport, failureReport, shownStatus, solveReport, type StepInfo } from './report.ts';

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
      detail: 'checked 3 time(s) in 2.5 s',
    });
    expect(checkReport({ ...body, ok: true }, 'ko').headline).toBe('✓ 별이 보입니다');
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

  it('tell an answer from the server apart from an unreachable server', () => {
    expect(failureReport(new ApiError(404, 'unknown step "x"'), 'en').headline).toBe(
      'The lab server answered: unknown step "x"',
    );
    expect(failureReport(new TypeError('Failed to fetch'), 'en').headline).toBe(
      'Cannot reach the lab server: Failed to fetch',
    );
  });
});
