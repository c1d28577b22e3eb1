/**
 * A lesson step's controls: Check (asks the lab server whether the step's outcome holds and shows its
 * explanation and evidence), hints one at a time, Solve (runs the solutions in the page's terminal and says
 * what ran), and the passed state, restored from the session's progress and updated live.
 */
import {
  checkResultBodySchema,
  progressSchema,
  solveResultSchema,
  type CheckTrigger,
  type StepProgress,
} from '../../../lab-server/src/protocol/api.ts';
import { t, type Lang } from '../../i18n/ui.ts';
import { currentApi, type ApiChoiceDetail } from '../apiChoice.ts';
import { api, fetchProgress } from '../session.ts';
import {
  autoReport,
  badgeOf,
  checkReport,
  failureReport,
  shownStatus,
  solveReport,
  type Report,
  type StepInfo,
} from './report.ts';

/** What `labs:progress` events carry (the terminal forwards the server's progress messages as they are). */
interface ProgressDetail {
  lab: string;
  step: string;
  progress: StepProgress;
  trigger?: CheckTrigger;
  explanation?: { ko: string; en: string };
}

/** Shows a step's recorded state: `data-status` (passed, failed, none) and the badge's finer state and words. */
function setStatus(section: HTMLElement, lang: Lang, progress: StepProgress | undefined): void {
  const status = shownStatus(undefined, progress);
  section.dataset.status = status;
  const badge = badgeOf(progress, lang);
  section.dataset.badgeState = badge.state;
  const element = section.querySelector<HTMLElement>('[data-badge]');
  if (element) {
    element.textContent = badge.text;
    element.dataset.state = badge.state;
  }
  const mark = section.querySelector<HTMLElement>('[data-mark]');
  if (mark) mark.textContent = status === 'passed' ? '✓' : '';
}

/** The steps on this page, for naming what Solve ran (their solutions in the API the learner follows). */
function stepsOnPage(lab: string): StepInfo[] {
  const chosen = currentApi(lab);
  return [...document.querySelectorAll<HTMLElement>(`section.labs-step[data-lab="${lab}"]`)].map((s) => ({
    id: s.dataset.step!,
    title: s.querySelector('[data-title]')?.textContent?.trim() ?? s.dataset.step!,
    solution:
      (
        s.querySelector<HTMLTemplateElement>(`template[data-solution][data-api="${chosen}"]`) ??
        s.querySelector<HTMLTemplateElement>('template[data-solution]:not([data-api])')
      )?.content.textContent ?? '',
  }));
}

/** The body of Check and Solve: the API the learner follows in this chapter. */
function actionBody(lab: string): string {
  return JSON.stringify({ api: currentApi(lab) });
}

function draw(result: HTMLElement, report: Report): void {
  result.hidden = false;
  result.dataset.ok = String(report.ok);
  result.replaceChildren();
  const headline = document.createElement('p');
  headline.textContent = report.headline;
  result.append(headline);
  if (report.detail) {
    const small = document.createElement('small');
    small.textContent = report.detail;
    headline.append(' ', small);
  }
  if (report.ran.length === 0) return;
  const list = document.createElement('ol');
  list.className = 'labs-solve-ran';
  for (const step of report.ran) {
    const item = document.createElement('li');
    item.dataset.ranStep = step.id;
    item.textContent = step.title;
    if (step.solution) {
      const script = document.createElement('pre');
      script.textContent = step.solution;
      item.append(script);
    }
    list.append(item);
  }
  result.append(list);
}

/** Wires one `<section class="labs-step">`. */
export function wireStep(section: HTMLElement): void {
  const lab = section.dataset.lab!;
  const step = section.dataset.step!;
  const lang = (section.dataset.lang ?? 'ko') as Lang;
  const check = section.querySelector<HTMLButtonElement>('[data-action="check"]');
  const solve = section.querySelector<HTMLButtonElement>('[data-action="solve"]');
  const hintButton = section.querySelector<HTMLButtonElement>('[data-action="hint"]');
  const result = section.querySelector<HTMLElement>('[data-result]')!;
  const evidence = section.querySelector<HTMLElement>('[data-evidence]')!;
  const hints = [...section.querySelectorAll<HTMLDetailsElement>('[data-hint]')];

  const busy = (button: HTMLButtonElement, on: boolean, label: string) => {
    button.disabled = on;
    button.textContent = label;
  };

  check?.addEventListener('click', async () => {
    busy(check, true, t(lang, 'step.checking'));
    result.hidden = true;
    evidence.hidden = true;
    try {
      const body = await api(`/api/labs/${lab}/steps/${step}/check`, checkResultBodySchema, {
        method: 'POST',
        body: actionBody(lab),
      });
      draw(result, checkReport(body, lang));
      evidence.hidden = body.evidence.length === 0;
      evidence.querySelector('pre')!.textContent = body.evidence.map((e) => `$ ${e.action}\n${e.result}`).join('\n\n');
      setStatus(section, lang, body.progress);
      window.dispatchEvent(
        new CustomEvent<ProgressDetail>('labs:progress', { detail: { lab, step, progress: body.progress } }),
      );
    } catch (error) {
      draw(result, failureReport(error, lang));
    } finally {
      busy(check, false, t(lang, 'step.check'));
    }
  });

  solve?.addEventListener('click', async () => {
    if (!confirm(t(lang, 'step.solveConfirm'))) return;
    // The solution is typed into the terminal: the workspace shows it, and the lesson does not move.
    window.labsTerminal?.reveal();
    busy(solve, true, t(lang, 'step.solving'));
    evidence.hidden = true;
    try {
      const body = await api(`/api/labs/${lab}/steps/${step}/solve`, solveResultSchema, {
        method: 'POST',
        body: actionBody(lab),
      });
      draw(result, solveReport(body, stepsOnPage(lab), lang));
      if (body.check) {
        evidence.hidden = body.check.evidence.length === 0;
        evidence.querySelector('pre')!.textContent = body.check.evidence
          .map((e) => `$ ${e.action}\n${e.result}`)
          .join('\n\n');
        setStatus(section, lang, body.check.progress);
        window.dispatchEvent(
          new CustomEvent<ProgressDetail>('labs:progress', { detail: { lab, step, progress: body.check.progress } }),
        );
      }
    } catch (error) {
      draw(result, failureReport(error, lang));
    } finally {
      busy(solve, false, t(lang, 'step.solve'));
    }
  });

  // Without JavaScript every hint is a closed <details>; with it they come one at a time from the button, from
  // the hints of the API the learner follows (a switch starts them over).
  const hintsNow = () => {
    const chosen = currentApi(lab);
    return hints.filter((h) => h.dataset.apiVariant === undefined || h.dataset.apiVariant === chosen);
  };
  let shown = 0;
  const label = () => {
    if (!hintButton) return;
    const total = hintsNow().length;
    hintButton.textContent =
      shown < total
        ? `${t(lang, 'step.nextHint')} (${shown + 1}/${total})`
        : t(lang, 'step.hintCount', { n: shown, total });
    hintButton.disabled = shown >= total;
  };
  const hideHints = () => {
    for (const hint of hints) {
      hint.dataset.hidden = 'true';
      hint.open = false;
    }
    shown = 0;
  };
  hideHints();
  hintButton?.addEventListener('click', () => {
    const next = hintsNow()[shown];
    if (!next) return;
    delete next.dataset.hidden;
    next.open = true;
    shown++;
    label();
  });
  window.addEventListener('labs:api', (event) => {
    if ((event as CustomEvent<ApiChoiceDetail | undefined>).detail?.lab !== lab) return;
    hideHints();
    label();
    result.hidden = true;
    evidence.hidden = true;
  });

  for (const button of [check, solve, hintButton]) if (button) button.disabled = false;
  label();
  window.addEventListener('labs:progress', (event) => {
    const detail = (event as CustomEvent<ProgressDetail | undefined>).detail;
    if (detail?.lab !== lab || detail.step !== step) return;
    setStatus(section, lang, detail.progress);
    // The server checked the step by itself after a command: say so where the learner would press Check.
    if (
      detail.trigger === 'automatic' &&
      detail.explanation &&
      detail.progress.lastPassedAt &&
      check?.disabled !== true
    )
      draw(result, autoReport(detail.explanation, detail.progress.lastPassedAt, lang));
  });
  window.addEventListener('labs:reset', (event) => {
    if ((event as CustomEvent<{ lab?: string } | undefined>).detail?.lab !== lab) return;
    evidence.hidden = true;
    if (section.dataset.status === 'passed')
      draw(result, { ok: false, headline: t(lang, 'step.resetNotice'), detail: '', ran: [] });
    else result.hidden = true;
  });
}

/** Wires every step of the page and marks those already passed; a reset re-reads the states. */
export async function wireSteps(): Promise<void> {
  const sections = [...document.querySelectorAll<HTMLElement>('section.labs-step[data-step]')];
  for (const s of sections) wireStep(s);
  if (sections.length === 0) return;
  const refresh = async () => {
    try {
      const progress = progressSchema.parse(await fetchProgress());
      for (const s of sections)
        setStatus(s, (s.dataset.lang ?? 'ko') as Lang, progress[s.dataset.lab!]?.[s.dataset.step!]);
    } catch {
      // No lab server (a static host): the steps stay "not yet" and the page still reads.
    }
  };
  window.addEventListener('labs:reset', () => void refresh());
  await refresh();
}
