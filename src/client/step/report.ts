/** What the step's result area says after Check or Solve, as data (the DOM code only draws it). */
import type { CheckResultBody, SolveResult, StepProgress } from '../../../lab-server/src/protocol/api.ts';
import { t, type Lang } from '../../i18n/ui.ts';

/** A step as the page knows it: its id, numbered title and solution script. */
export interface StepInfo {
  id: string;
  title: string;
  solution: string;
}

/** The lines the result area shows. */
export interface Report {
  ok: boolean;
  /** One line: the verdict and the explanation (or what went wrong). */
  headline: string;
  /** A smaller line under it (how long the check took), or empty. */
  detail: string;
  /** For Solve: each step whose solution ran, with its script. */
  ran: StepInfo[];
}

/** A step's state as shown: once passed it stays passed, as the server keeps it. */
export function shownStatus(
  current: string | undefined,
  progress: StepProgress | undefined,
): 'passed' | 'failed' | 'none' {
  if (current === 'passed') return 'passed';
  return progress?.status ?? 'none';
}

/** The badge's states: what happened to the step, never contradicting the latest result. */
export type BadgeState = 'none' | 'failing' | 'passed' | 'failing-now' | 'reset-since';

/** `10:32` in the reader's time zone. */
export function localTime(iso: string, lang: Lang): string {
  return new Date(iso).toLocaleTimeString(lang === 'ko' ? 'ko-KR' : 'en-GB', { hour: '2-digit', minute: '2-digit' });
}

/** The badge for a step's recorded state: passed (when), passed but failing now, passed before a reset, failing. */
export function badgeOf(progress: StepProgress | undefined, lang: Lang): { state: BadgeState; text: string } {
  if (!progress) return { state: 'none', text: t(lang, 'step.notYet') };
  if (progress.status !== 'passed' || !progress.passedAt) return { state: 'failing', text: t(lang, 'step.failing') };
  if (progress.resetSince) return { state: 'reset-since', text: t(lang, 'step.resetSince') };
  const passed = t(lang, 'step.passedAt', { time: localTime(progress.lastPassedAt ?? progress.passedAt, lang) });
  if (progress.failingNow) return { state: 'failing-now', text: `${passed} · ${t(lang, 'step.failingNow')}` };
  return { state: 'passed', text: passed };
}

/**
 * What a check's answer says in the page's language: the verdict, how long it took, and any wait for propagation;
 * or, when the Check stood on an automatic check's measurement of the same objects, when that was measured.
 */
export function checkReport(body: CheckResultBody, lang: Lang): Report {
  const seconds = (body.durationMs / 1000).toFixed(1);
  const waited = body.waitedMs ? ` · ${t(lang, 'step.waited', { seconds: Math.round(body.waitedMs / 1000) })}` : '';
  return {
    ok: body.ok,
    headline: `${body.ok ? '✓' : '✗'} ${body.explanation[lang]}`,
    detail: body.measuredAt
      ? t(lang, 'step.measuredAt', { time: localTime(body.measuredAt, lang) })
      : `${t(lang, 'step.checkStats', { seconds })}${waited}`,
    ran: [],
  };
}

/** What the step says when the server checked it by itself and it passed. */
export function autoReport(explanation: { ko: string; en: string }, at: string, lang: Lang): Report {
  return {
    ok: true,
    headline: t(lang, 'step.autoPassed', { time: localTime(at, lang), explanation: explanation[lang] }),
    detail: '',
    ran: [],
  };
}

/** What Solve did: which steps' solutions ran (titles from the page, ids when a step is not on it) and how it ended. */
export function solveReport(body: SolveResult, steps: StepInfo[], lang: Lang): Report {
  const ran = body.ranSteps.map((id) => steps.find((s) => s.id === id) ?? { id, title: id, solution: '' });
  const solved = body.ok && body.exitCode === 0;
  const ok = solved && (body.check?.ok ?? true);
  const ranText =
    ran.length === 0
      ? t(lang, 'step.solveNothing')
      : solved
        ? `${t(lang, 'step.solved')}.`
        : t(lang, 'step.solveFailed', { code: body.exitCode });
  // The step's own check follows its solution: the result says what the badge says.
  const headline = body.check
    ? `${ranText} ${t(lang, 'step.solveChecked')} ${body.check.ok ? '✓' : '✗'} ${body.check.explanation[lang]}`
    : ran.length > 0 && solved
      ? `${ranText} ${t(lang, 'step.solveRan')}`
      : ranText;
  return { ok, headline, detail: body.check ? checkReport(body.check, lang).detail : '', ran };
}

/** The words for an API failure: the server's own message when it answered, "cannot reach" when it did not. */
export function failureReport(error: unknown, lang: Lang): Report {
  const message = error instanceof Error ? error.message : String(error);
  const answered = typeof (error as { status?: unknown })?.status === 'number';
  return {
    ok: false,
    headline: t(lang, answered ? 'step.serverSaid' : 'step.error', { message }),
    detail: '',
    ran: [],
  };
}
