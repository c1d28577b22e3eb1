/**
 * Recording a step check the server ran (the learner's Check, Solve's check, an automatic check): the attempt
 * goes to the progress store, observers hear of it (the classroom's dashboard), and the learner's open pages
 * get the step's new state.
 */
import { attemptOf } from '../steps/attempt.ts';
import type { StepCheck } from '../steps/session.ts';
import type { LabServerEvents } from './events.ts';
import type { SessionNotifier } from './parts.ts';
import type { CheckResultBody, CheckTrigger } from '../protocol/api.ts';
import type { ProgressStore } from './stores.ts';

/** What recording needs from the server. */
export interface CheckRecorder {
  progress: ProgressStore;
  events: LabServerEvents;
  notifier: SessionNotifier;
}

/** Records one step check and tells whoever listens; returns the answer the Check route sends. */
export async function recordStepCheck(
  parts: CheckRecorder,
  sessionId: string,
  lab: string,
  step: string,
  checked: StepCheck,
  trigger: CheckTrigger,
): Promise<CheckResultBody> {
  const attempt = attemptOf(sessionId, lab, step, checked, trigger);
  const progress = await parts.progress.recordAttempt(attempt);
  const result: CheckResultBody = {
    ...checked.outcome,
    ...(checked.replaced ? { replaced: checked.replaced } : {}),
    ...(checked.measuredAt ? { measuredAt: checked.measuredAt.toISOString() } : {}),
    progress,
  };
  parts.events.emit('check', { sessionId, lab, step, result, attempt });
  parts.notifier.notify(sessionId, {
    type: 'progress',
    lab,
    step,
    progress,
    trigger,
    explanation: checked.outcome.explanation,
  });
  return result;
}
