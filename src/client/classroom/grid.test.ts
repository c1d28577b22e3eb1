import { describe, expect, it } from 'vitest';
import { activityOf, activityText, cellMark, cellState, isStuck, minutesOnStep, oneLine, stepTitle } from './grid.ts';

const now = '2026-01-01T10:30:00.000Z';
const at = '2026-01-01T10:00:00.000Z';

describe('the grid', () => {
  it("names a step in both APIs when the Gateway API's variant calls it otherwise", () => {
    const step = { lab: 'traffic-shifting', step: 'destination-rules', number: 2 };
    const title = { ko: '데스티네이션 룰 적용', en: 'Apply the destination rules' };
    expect(stepTitle({ ...step, title }, 'en')).toBe('2. Apply the destination rules');
    const gatewayTitle = { ko: 'Gateway API CRD 설치', en: 'Install the Gateway API CRDs' };
    expect(stepTitle({ ...step, title, gatewayTitle }, 'en')).toBe(
      '2. Apply the destination rules (in the Gateway API: Install the Gateway API CRDs)',
    );
    expect(stepTitle({ ...step, title, gatewayTitle }, 'ko')).toBe(
      '2. 데스티네이션 룰 적용 (Gateway API에서는 Gateway API CRD 설치)',
    );
    expect(stepTitle({ ...step, title, gatewayTitle: title }, 'ko')).toBe('2. 데스티네이션 룰 적용');
  });

  it('gives each recorded state its own cell: passed, failing now, reset since, failing, not tried', () => {
    const passed = { status: 'passed' as const, at, attempts: 1, passedAt: at };
    expect(cellState(undefined)).toBe('none');
    expect(cellState({ status: 'failed', at, attempts: 2 })).toBe('failed');
    expect(cellState(passed)).toBe('passed');
    expect(cellState({ ...passed, failingNow: true })).toBe('failing-now');
    expect(cellState({ ...passed, resetSince: true, failingNow: true })).toBe('reset-since');
    expect(['none', 'failed', 'passed', 'failing-now', 'reset-since'].map((s) => cellMark(s as never))).toEqual([
      '·',
      '✗',
      '✓',
      '✓!',
      '↺',
    ]);
  });

  it('says who is typing now, who has been idle how long, and who never came', () => {
    expect(activityOf({ lastActivityAt: '2026-01-01T10:29:30.000Z' }, now)).toEqual({ kind: 'typing' });
    expect(activityOf({ lastActivityAt: '2026-01-01T10:18:00.000Z' }, now)).toEqual({ kind: 'idle', minutes: 12 });
    expect(activityOf({}, now)).toEqual({ kind: 'never' });
    expect(activityText({ kind: 'idle', minutes: 12 }, 'en')).toBe('idle 12 min');
    expect(activityText({ kind: 'idle', minutes: 12 }, 'ko')).toBe('12분째 쉬는 중');
    expect(activityText({ kind: 'typing' }, 'ko')).toBe('지금 입력 중');
    expect(activityText({ kind: 'never' }, 'en')).toBe('never came');
  });

  it('finds learners stuck on one step for N minutes', () => {
    const onStep = { currentStep: { lab: 'traffic-shifting', step: 'b', since: at } };
    expect(minutesOnStep(onStep, now)).toBe(30);
    expect(isStuck(onStep, now, 10)).toBe(true);
    expect(isStuck(onStep, now, 45)).toBe(false);
    // Done with the chapter, or never came: never stuck, but shown when no filter is on.
    expect(isStuck({}, now, 10)).toBe(false);
    expect(isStuck({}, now, 0)).toBe(true);
  });

  it('cuts a long explanation to one line', () => {
    expect(oneLine('short')).toBe('short');
    expect(oneLine('first line\nsecond line')).toBe('first line…');
    expect(oneLine('x'.repeat(100), 10)).toBe(`${'x'.repeat(9)}…`);
  });
});
