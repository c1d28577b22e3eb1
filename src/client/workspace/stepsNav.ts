/**
 * The steps list at the top of a lesson: each link shows its step's state as the step section has it (passed,
 * failed, not yet) and its title in the API the learner follows, the step being read is marked current, and
 * previous/next jump between steps without touching the workspace.
 */
import { t, type Lang } from '../../i18n/ui.ts';

/** A step section's state, as the step's own script sets it on `data-status`. */
export type StepState = 'passed' | 'failed' | 'none';

/** The label of a state in the page's language. */
function stateText(lang: Lang, state: StepState): string {
  return t(lang, state === 'passed' ? 'step.passed' : state === 'failed' ? 'step.failed' : 'step.notTried');
}

/** Index of the step being read: the last one whose top is above the reading line (or the first). */
export function currentIndex(tops: number[], readingLine: number): number {
  let index = 0;
  tops.forEach((top, i) => {
    if (top <= readingLine) index = i;
  });
  return index;
}

/** Wires the steps list `nav` for the step sections of its lab. */
export function wireStepsNav(nav: HTMLElement, lang: Lang): void {
  const links = [...nav.querySelectorAll<HTMLAnchorElement>('a[data-step-link]')];
  const sections = links.map((link) =>
    document.querySelector<HTMLElement>(`section.labs-step[data-step="${link.dataset.stepLink}"]`),
  );
  const current = nav.querySelector<HTMLElement>('[data-steps-current]')!;
  const moves = [...nav.querySelectorAll<HTMLButtonElement>('[data-steps-move]')];

  const paint = (i: number) => {
    const link = links[i]!;
    const section = sections[i];
    const state = (section?.dataset.status ?? 'none') as StepState;
    link.dataset.status = state;
    link.querySelector('[data-step-mark]')!.textContent =
      state === 'passed' ? '✓' : state === 'failed' ? '✗' : String(i + 1);
    // The title follows the API the learner picked (apiChoice.ts swaps the section's title text).
    const title = section?.querySelector('[data-title]')?.textContent?.trim();
    if (title) link.title = `${i + 1}. ${title}`;
    link.querySelector('[data-step-name]')!.textContent = `${title ?? link.title} (${stateText(lang, state)})`;
    if (i === at) current.textContent = link.title;
  };
  let at = -1;
  for (let i = 0; i < links.length; i++) paint(i);
  const observer = new MutationObserver((records) => {
    for (const record of records) {
      const i = sections.indexOf(record.target as HTMLElement);
      if (i >= 0) paint(i);
    }
  });
  // `data-api` changes when the learner switches API (apiChoice.ts): the titles change with it.
  for (const section of sections)
    if (section) observer.observe(section, { attributeFilter: ['data-status', 'data-api'] });

  const follow = () => {
    // At the end of the page the last steps can never reach the top: the reading line drops to the viewport's foot.
    const atEnd = window.scrollY + window.innerHeight >= document.documentElement.scrollHeight - 2;
    const line = atEnd ? window.innerHeight * 0.6 : nav.getBoundingClientRect().bottom + 24;
    const index = currentIndex(
      sections.map((s) => s?.getBoundingClientRect().top ?? Number.POSITIVE_INFINITY),
      line,
    );
    if (index === at) return;
    at = index;
    links.forEach((link, i) => {
      if (i === index) link.setAttribute('aria-current', 'step');
      else link.removeAttribute('aria-current');
    });
    current.textContent = links[index]?.title ?? '';
    moves[0]!.disabled = index <= 0;
    moves[1]!.disabled = index >= links.length - 1;
  };
  let queued = false;
  const schedule = () => {
    if (queued) return;
    queued = true;
    requestAnimationFrame(() => {
      queued = false;
      follow();
    });
  };
  window.addEventListener('scroll', schedule, { passive: true });
  window.addEventListener('resize', schedule);
  window.addEventListener('labs:layout', schedule);
  follow();

  for (const move of moves) {
    move.hidden = false;
    move.addEventListener('click', () => {
      const target = sections[Math.min(sections.length - 1, Math.max(0, at + Number(move.dataset.stepsMove)))];
      // Only the lesson scrolls; focus stays on the button so it can be pressed again.
      target?.scrollIntoView({ block: 'start' });
      schedule();
    });
  }
}
