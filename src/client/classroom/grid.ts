/**
 * What the instructor's grid says about each learner and step, as data (the DOM code only draws it): a cell's
 * state, a learner's activity (typing now / idle N min / never came), how long they have been on their current
 * step and whether that makes them stuck, and a long explanation cut to one line.
 */
import type { StepProgress } from '../../../lab-server/src/protocol/api.ts';
import type { ClassReport, LearnerReport } from '../../../lab-server/src/protocol/classroom.ts';
import { t, type Lang } from '../../i18n/ui.ts';

/** A learner counts as typing now when they did something this recently. */
export const TYPING_MS = 60_000;

/** A cell's state: the step's recorded state, with the finer ones (failing now, reset since) kept apart. */
export type CellState = 'none' | 'failed' | 'passed' | 'failing-now' | 'reset-since';

/** The state of one learner's step. */
export function cellState(p: StepProgress | undefined): CellState {
  if (!p) return 'none';
  if (p.status !== 'passed') return 'failed';
  if (p.resetSince) return 'reset-since';
  return p.failingNow ? 'failing-now' : 'passed';
}

/** The mark a cell shows. */
export function cellMark(state: CellState): string {
  return { none: '·', failed: '✗', passed: '✓', 'failing-now': '✓!', 'reset-since': '↺' }[state];
}

/** What a learner is doing, from their last action and the report's time. */
export type Activity = { kind: 'typing' } | { kind: 'idle'; minutes: number } | { kind: 'never' };

/** The learner's activity at `now`. */
export function activityOf(learner: Pick<LearnerReport, 'lastActivityAt'>, now: string): Activity {
  if (!learner.lastActivityAt) return { kind: 'never' };
  const ms = Date.parse(now) - Date.parse(learner.lastActivityAt);
  if (ms < TYPING_MS) return { kind: 'typing' };
  return { kind: 'idle', minutes: Math.floor(ms / 60_000) };
}

/** The activity in words. */
export function activityText(activity: Activity, lang: Lang): string {
  if (activity.kind === 'typing') return t(lang, 'class.activityTyping');
  if (activity.kind === 'never') return t(lang, 'class.activityNever');
  return t(lang, 'class.activityIdle', { n: activity.minutes });
}

/** Minutes the learner has been on their current step (undefined when they have none: done, or never came). */
export function minutesOnStep(learner: Pick<LearnerReport, 'currentStep'>, now: string): number | undefined {
  if (!learner.currentStep) return undefined;
  return Math.max(0, Math.floor((Date.parse(now) - Date.parse(learner.currentStep.since)) / 60_000));
}

/** True when the learner has been on the same step for at least `minutes` (0: no filter, everyone). */
export function isStuck(learner: Pick<LearnerReport, 'currentStep'>, now: string, minutes: number): boolean {
  if (minutes <= 0) return true;
  const on = minutesOnStep(learner, now);
  return on !== undefined && on >= minutes;
}

/**
 * A step as the grid names it: `3. Send 50 % of the traffic to v3`, and the Gateway API's title beside it when
 * that variant names the step otherwise (the grid does not know which API each learner follows).
 */
export function stepTitle(s: ClassReport['steps'][number], lang: Lang): string {
  const title = `${s.number}. ${s.title[lang]}`;
  return s.gatewayTitle && s.gatewayTitle[lang] !== s.title[lang]
    ? t(lang, 'class.bothApis', { title, gateway: s.gatewayTitle[lang] })
    : title;
}

/** The step `step` of chapter `lab` as the grid names it (its id when the report does not have it). */
export function stepName(report: ClassReport, lab: string, step: string, lang: Lang): string {
  const s = report.steps.find((x) => x.lab === lab && x.step === step);
  return s ? stepTitle(s, lang) : step;
}

/** A text cut to its first line and `max` characters, with an ellipsis when cut. */
export function oneLine(text: string, max = 90): string {
  const first = text.split('\n')[0] ?? '';
  const cut = first.length > max ? `${first.slice(0, max - 1).trimEnd()}…` : first;
  return cut === text ? text : cut.endsWith('…') ? cut : `${cut}…`;
}
