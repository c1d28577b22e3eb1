/**
 * Recording a step's check: the attempt as stored, and the rule every progress store applies to it, so the
 * in-memory store, SQLite and any later store agree on what a step's state is.
 */
import type { Localized } from '../labs/schema.ts';
import type { StepProgress } from '../protocol/api.ts';
import type { StepCheck } from './session.ts';

/** One run of a step's check, as recorded. */
export interface CheckAttempt {
  sessionId: string;
  lab: string;
  step: string;
  ok: boolean;
  /** RFC 3339 time the check finished. */
  at: string;
  durationMs: number;
  explanation: Localized;
}

/** The attempt to record for a step check a session ran. */
export function attemptOf(sessionId: string, lab: string, step: string, check: StepCheck): CheckAttempt {
  return {
    sessionId,
    lab,
    step,
    ok: check.outcome.ok,
    at: check.at.toISOString(),
    durationMs: check.outcome.durationMs,
    explanation: check.outcome.explanation,
  };
}

/**
 * A step's state after one more attempt. A step once passed stays passed, with its first `passedAt`, even if
 * a later attempt fails (later steps legitimately change what an earlier check sees, e.g. 100 % v3 after
 * 50/50); `at` and `attempts` still count every attempt.
 */
export function nextStepProgress(previous: StepProgress | undefined, attempt: CheckAttempt): StepProgress {
  const passedAt = previous?.passedAt ?? (attempt.ok ? attempt.at : undefined);
  return {
    status: passedAt ? 'passed' : 'failed',
    at: attempt.at,
    attempts: (previous?.attempts ?? 0) + 1,
    ...(passedAt ? { passedAt } : {}),
  };
}
