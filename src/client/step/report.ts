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

/** What a check's answer says in the page's language. */
export function checkReport(body: CheckResultBody, lang: Lang): Report {
  const seconds = (body.durationMs / 1000).toFixed(1);
  return {
    ok: body.ok,
    headline: `${body.ok ? '✓' : '✗'} ${body.explanation[lang]}`,
    detail: t(lang, 'step.checkStats', { attempts: body.attempts, seconds }),
    ran: [],
  };
}

/** What Solve did: which steps' solutions ran (titles from the page, ids when a step is not on it) and how it ended. */
export function solveReport(body: SolveResult, steps: StepInfo[], lang: Lang): Report {
  const ran = body.ranSteps.map((id) => steps.find((s) => s.id === id) ?? { id, title: id, solution: '' });
  const ok = body.ok && body.exitCode === 0;
  const headline =
    ran.length === 0
      ? t(lang, 'step.solveNothing')
      : ok
        ? `${t(lang, 'step.solved')}. ${t(lang, 'step.solveRan')}`
        : t(lang, 'step.solveFailed', { code: body.exitCode });
  return { ok, headline, detail: '', ran };
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
