/**
 * A lesson step's controls: Check (asks the lab server whether the step's outcome holds and shows its
 * explanation and evidence), hints one at a time, Solve (runs the solutions in the page's terminal), and the
 * passed state, restored from the session's progress and updated live.
 */
import { checkResultBodySchema, progressSchema, solveResultSchema, type StepProgress } from '../../lab-server/src/server/protocol.ts';
import { t, type Lang } from '../i18n/ui.ts';
import { api, fetchProgress } from './session.ts';

function setStatus(section: HTMLElement, lang: Lang, progress: StepProgress | undefined): void {
  const status = progress?.status ?? 'none';
  // A step once passed stays passed (the server keeps it so too).
  if (section.dataset.status === 'passed' && status !== 'passed') return;
  section.dataset.status = status;
  const badge = section.querySelector<HTMLElement>('[data-badge]');
  if (badge) badge.textContent = status === 'passed' ? `✓ ${t(lang, 'step.passed')}` : status === 'failed' ? t(lang, 'step.failed') : t(lang, 'step.notTried');
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
  const hints = [...section.querySelectorAll<HTMLElement>('[data-hint]')];

  const busy = (button: HTMLButtonElement | null, on: boolean, label: string) => {
    if (!button) return;
    button.disabled = on;
    button.textContent = label;
  };

  check?.addEventListener('click', async () => {
    busy(check, true, t(lang, 'step.checking'));
    result.hidden = true;
    try {
      const body = await api(`/api/labs/${lab}/steps/${step}/check`, checkResultBodySchema, { method: 'POST', body: '{}' });
      result.hidden = false;
      result.dataset.ok = String(body.ok);
      result.textContent = `${body.ok ? '✓' : '✗'} ${body.explanation[lang]}`;
      evidence.hidden = body.evidence.length === 0;
      const list = evidence.querySelector('pre')!;
      list.textContent = body.evidence.map((e) => `$ ${e.action}\n${e.result}`).join('\n\n');
      setStatus(section, lang, body.progress);
      window.dispatchEvent(new CustomEvent('labs:progress', { detail: { lab, step, progress: body.progress } }));
    } catch (error) {
      result.hidden = false;
      result.dataset.ok = 'false';
      result.textContent = t(lang, 'step.error', { message: (error as Error).message });
    } finally {
      busy(check, false, t(lang, 'step.check'));
    }
  });

  solve?.addEventListener('click', async () => {
    if (!confirm(t(lang, 'step.solveConfirm'))) return;
    window.labsTerminal?.element.scrollIntoView({ behavior: 'smooth', block: 'center' });
    busy(solve, true, t(lang, 'step.solving'));
    try {
      const body = await api(`/api/labs/${lab}/steps/${step}/solve`, solveResultSchema, { method: 'POST', body: '{}' });
      result.hidden = false;
      result.dataset.ok = String(body.ok);
      result.textContent = `${t(lang, 'step.solved')}: ${body.ranSteps.join(', ')}`;
    } catch (error) {
      result.hidden = false;
      result.dataset.ok = 'false';
      result.textContent = t(lang, 'step.error', { message: (error as Error).message });
    } finally {
      busy(solve, false, t(lang, 'step.solve'));
    }
  });

  let shown = 0;
  hintButton?.addEventListener('click', () => {
    const next = hints[shown];
    if (!next) return;
    next.hidden = false;
    shown++;
    hintButton.textContent = shown < hints.length ? `${t(lang, 'step.nextHint')} (${shown + 1}/${hints.length})` : t(lang, 'step.hintCount', { n: shown, total: hints.length });
    hintButton.disabled = shown >= hints.length;
  });

  for (const button of [check, solve, hintButton]) if (button && button.dataset.keepDisabled !== 'true') button.disabled = false;
  window.addEventListener('labs:progress', (event) => {
    const detail = (event as CustomEvent<{ lab: string; step: string; progress: StepProgress }>).detail;
    if (detail?.lab === lab && detail.step === step) setStatus(section, lang, detail.progress);
  });
}

/** Wires every step of the page and marks those already passed. */
export async function wireSteps(): Promise<void> {
  const sections = [...document.querySelectorAll<HTMLElement>('section.labs-step[data-step]')];
  for (const s of sections) wireStep(s);
  if (sections.length === 0) return;
  try {
    const progress = progressSchema.parse(await fetchProgress());
    for (const s of sections) setStatus(s, (s.dataset.lang ?? 'ko') as Lang, progress[s.dataset.lab!]?.[s.dataset.step!]);
  } catch {
    // No lab server: the steps stay "not checked".
  }
}
