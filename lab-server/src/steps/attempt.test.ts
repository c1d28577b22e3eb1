import { describe, expect, it } from 'vitest';
import { nextStepProgress, withResets, type CheckAttempt } from './attempt.ts';

const attempt = (ok: boolean, minute: number, trigger?: CheckAttempt['trigger']): CheckAttempt => ({
  sessionId: 's',
  lab: 'traffic-shifting',
  step: 'route-all-v1',
  ok,
  at: `2026-01-01T10:${String(minute).padStart(2, '0')}:00.000Z`,
  durationMs: 10,
  explanation: { ko: '', en: '' },
  ...(trigger ? { trigger } : {}),
});

describe('the progress rule', () => {
  it('keeps a pass with its first time and who made it, and marks a later failure as failing now', () => {
    const failed = nextStepProgress(undefined, attempt(false, 0, 'check'));
    expect(failed).toEqual({ status: 'failed', at: '2026-01-01T10:00:00.000Z', attempts: 1 });
    const passed = nextStepProgress(failed, attempt(true, 1, 'automatic'));
    expect(passed).toEqual({
      status: 'passed',
      at: '2026-01-01T10:01:00.000Z',
      attempts: 2,
      passedAt: '2026-01-01T10:01:00.000Z',
      lastPassedAt: '2026-01-01T10:01:00.000Z',
      passedBy: 'automatic',
    });
    const failing = nextStepProgress(passed, attempt(false, 5, 'check'));
    expect(failing).toMatchObject({ status: 'passed', passedAt: '2026-01-01T10:01:00.000Z', failingNow: true });
    const again = nextStepProgress(failing, attempt(true, 7, 'solve'));
    expect(again).toMatchObject({ status: 'passed', lastPassedAt: '2026-01-01T10:07:00.000Z', passedBy: 'automatic' });
    expect(again.failingNow).toBeUndefined();
  });

  it('reads an attempt recorded before triggers existed as the learner pressing Check', () => {
    expect(nextStepProgress(undefined, attempt(true, 0)).passedBy).toBe('check');
  });

  it('marks steps passed before the latest reset, until they pass again', () => {
    const passed = nextStepProgress(nextStepProgress(undefined, attempt(true, 1)), attempt(false, 3));
    const progress = { 'traffic-shifting': { 'route-all-v1': passed } };
    const reset = withResets(progress, { 'traffic-shifting': '2026-01-01T10:02:00.000Z' });
    expect(reset['traffic-shifting']!['route-all-v1']).toMatchObject({ status: 'passed', resetSince: true });
    expect(reset['traffic-shifting']!['route-all-v1']!.failingNow).toBeUndefined();
    const after = nextStepProgress(passed, attempt(true, 4));
    expect(
      withResets({ 'traffic-shifting': { 'route-all-v1': after } }, { 'traffic-shifting': '2026-01-01T10:02:00.000Z' })[
        'traffic-shifting'
      ]!['route-all-v1']!.resetSince,
    ).toBeUndefined();
    expect(withResets(progress, {})).toEqual(progress);
  });
});
