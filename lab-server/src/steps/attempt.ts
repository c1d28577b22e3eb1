/**
 * Recording a step's check: the attempt as stored, and the rules every progress store applies to it, so the
 * in-memory store, SQLite and any later store agree on what a step's state is.
 */
import type { Localized } from '../labs/schema.ts';
import type { CheckTrigger, Evidence, Progress, StepProgress } from '../protocol/api.ts';
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
  /** What ran it (absent in records made before automatic checks: the learner's Check). */
  trigger?: CheckTrigger;
  /** What the check saw (requests and answers, objects read). */
  evidence?: Evidence[];
  /** What kind of outcome it was: learners failing a step alike share it (the dashboard's column summary). */
  signature?: string;
}

/** The attempt to record for a step check a session ran. */
export function attemptOf(
  sessionId: string,
  lab: string,
  step: string,
  check: StepCheck,
  trigger: CheckTrigger,
): CheckAttempt {
  return {
    sessionId,
    lab,
    step,
    ok: check.outcome.ok,
    at: check.at.toISOString(),
    durationMs: check.outcome.durationMs,
    explanation: check.outcome.explanation,
    trigger,
    evidence: check.outcome.evidence,
    signature: check.outcome.signature,
  };
}

/**
 * A step's state after one more attempt. A step once passed stays passed, with its first `passedAt`, even if
 * a later attempt fails (later steps legitimately change what an earlier check sees, e.g. 100 % v3 after
 * 50/50); such a failure shows as `failingNow` beside the pass. `at` and `attempts` count every attempt.
 */
export function nextStepProgress(previous: StepProgress | undefined, attempt: CheckAttempt): StepProgress {
  const passedAt = previous?.passedAt ?? (attempt.ok ? attempt.at : undefined);
  const lastPassedAt = attempt.ok ? attempt.at : (previous?.lastPassedAt ?? previous?.passedAt);
  const passedBy = previous?.passedAt ? previous.passedBy : attempt.ok ? (attempt.trigger ?? 'check') : undefined;
  return {
    status: passedAt ? 'passed' : 'failed',
    at: attempt.at,
    attempts: (previous?.attempts ?? 0) + 1,
    ...(passedAt ? { passedAt } : {}),
    ...(lastPassedAt ? { lastPassedAt } : {}),
    ...(passedBy ? { passedBy } : {}),
    ...(passedAt && !attempt.ok ? { failingNow: true } : {}),
  };
}

/**
 * Progress as shown: a step whose latest pass came before its lab's latest reset is marked `resetSince` (and no
 * longer `failingNow`, which described the environment before the reset). `resets`: lab id -> RFC 3339.
 */
export function withResets(progress: Progress, resets: Readonly<Record<string, string>>): Progress {
  const out: Progress = {};
  for (const [lab, steps] of Object.entries(progress)) {
    const resetAt = resets[lab];
    out[lab] = {};
    for (const [step, p] of Object.entries(steps)) {
      const latest = p.lastPassedAt ?? p.passedAt;
      if (resetAt && latest && Date.parse(latest) < Date.parse(resetAt)) {
        const { failingNow: _stale, ...rest } = p;
        out[lab][step] = { ...rest, resetSince: true };
      } else out[lab][step] = p;
    }
  }
  return out;
}
