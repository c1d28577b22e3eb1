/**
 * Draws the instructor's grid: chapters over their numbered steps (titles in the dashboard's language, on hover
 * and in the detail line), a summary row per step (passed, failing now, the most common failure), and one compact
 * row per learner (activity and current step, a cell per step, the latest failure on one line, the actions).
 * Clicking a failure or a summary shows its whole explanation in the detail line under the grid.
 */
import type { ClassReport, LearnerReport } from '../../../lab-server/src/protocol/classroom.ts';
import { t, type Lang } from '../../i18n/ui.ts';
import {
  activityOf,
  activityText,
  cellMark,
  cellState,
  isStuck,
  minutesOnStep,
  oneLine,
  stepName,
  stepTitle,
} from './grid.ts';

/** What the grid's buttons do. */
export interface GridActions {
  watch(learner: LearnerReport): void;
  reset(learner: LearnerReport): void;
  remove(learner: LearnerReport): void;
  /** Shows a whole explanation under the grid. */
  detail(title: string, text: string): void;
}

/** Builds an element with attributes and children. */
export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Record<string, string> = {},
  ...children: (Node | string)[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  node.append(...children);
  return node;
}

/** `10:32` in the dashboard's language. */
export function clock(iso: string | undefined, lang: Lang): string {
  return iso
    ? new Date(iso).toLocaleTimeString(lang === 'ko' ? 'ko-KR' : 'en-GB', { hour: '2-digit', minute: '2-digit' })
    : '';
}

/** The learner's name, activity and current step. */
function learnerHead(report: ClassReport, learner: LearnerReport, lang: Lang): HTMLElement {
  const activity = activityOf(learner, report.now);
  const on = minutesOnStep(learner, report.now);
  const where =
    learner.currentStep && on !== undefined
      ? ` · ${t(lang, 'class.onStep', { step: `${stepNumber(report, learner.currentStep)}`, n: on })}`
      : '';
  return el(
    'th',
    { class: 'labs-learner', scope: 'row' },
    el('span', { class: 'labs-learner-name' }, learner.name),
    el('small', { 'data-activity': activity.kind }, `${activityText(activity, lang)}${where}`),
  );
}

function stepNumber(report: ClassReport, at: { lab: string; step: string }): string {
  const chapter = report.chapters.findIndex((c) => c.lab === at.lab);
  const step = report.steps.find((s) => s.lab === at.lab && s.step === at.step);
  // With several chapters, `2-3` is chapter 2's step 3.
  return report.chapters.length > 1 ? `${chapter + 1}-${step?.number ?? '?'}` : `${step?.number ?? '?'}`;
}

/** Draws the grid into `container`; with `stuckMinutes` > 0 only learners on one step that long are shown. */
export function renderGrid(
  container: HTMLElement,
  report: ClassReport,
  lang: Lang,
  stuckMinutes: number,
  actions: GridActions,
): void {
  if (report.learners.length === 0) {
    container.replaceChildren(el('p', {}, t(lang, 'class.noLearners')));
    return;
  }
  const chapters = report.chapters
    .map((c) => ({ ...c, steps: report.steps.filter((s) => s.lab === c.lab) }))
    .filter((c) => c.steps.length > 0);
  const chapterRow = el(
    'tr',
    {},
    el('th', { rowspan: '2', class: 'labs-learner' }, t(lang, 'class.learner')),
    ...chapters.map((c) => el('th', { colspan: String(c.steps.length), 'data-chapter': c.lab }, c.title[lang])),
    el('th', { rowspan: '2', class: 'labs-failure-head' }, t(lang, 'class.latestFailure')),
    el('th', { rowspan: '2' }, ''),
  );
  const stepRow = el(
    'tr',
    {},
    ...chapters.flatMap((c) =>
      c.steps.map((s) => el('th', { title: stepTitle(s, lang), 'data-step-head': s.step }, `${s.number}`)),
    ),
  );
  const summaryRow = el(
    'tr',
    { class: 'labs-summary', 'data-summary': '' },
    el('th', { class: 'labs-learner' }, el('small', {}, t(lang, 'class.summary'))),
    ...report.summary.map((s) => {
      const name = stepName(report, s.lab, s.step, lang);
      const common = s.commonFailure;
      const cell = el(
        'td',
        {
          'data-step': s.step,
          'data-passed': String(s.passed),
          'data-failing': String(s.failing),
          title: `${name}: ${t(lang, 'class.summaryCell', { passed: s.passed, failing: s.failing })}${
            common
              ? `\n${t(lang, 'class.commonFailure', { n: common.learners, explanation: common.explanation[lang] })}`
              : ''
          }`,
        },
        `${s.passed}`,
      );
      if (s.failing > 0) cell.append(el('small', { class: 'labs-summary-failing' }, ` ✗${s.failing}`));
      if (common) {
        cell.classList.add('labs-clickable');
        cell.addEventListener('click', () =>
          actions.detail(
            name,
            t(lang, 'class.commonFailure', { n: common.learners, explanation: common.explanation[lang] }),
          ),
        );
      }
      return cell;
    }),
    el('td', {}),
    el('td', {}),
  );
  const shown = report.learners.filter((l) => isStuck(l, report.now, stuckMinutes));
  const rows = shown.map((learner) => {
    const cells = report.steps.map((s) => {
      const p = learner.progress[s.lab]?.[s.step];
      const state = cellState(p);
      const status = p?.status ?? 'none';
      return el(
        'td',
        {
          class: `labs-cell labs-cell-${state}`,
          'data-step': s.step,
          'data-state': status,
          'data-cell': state,
          title: t(lang, 'class.cellTitle', {
            step: stepTitle(s, lang),
            state: t(lang, `class.state.${state}`, { time: clock(p?.lastPassedAt ?? p?.passedAt, lang) }),
          }),
        },
        cellMark(state),
      );
    });
    const f = learner.latestFailure;
    const failure = f
      ? el(
          'td',
          { class: 'labs-failure' },
          el(
            'button',
            { type: 'button', class: 'labs-failure-line', 'data-failure': f.step, title: f.explanation[lang] },
            `${stepNumber(report, f)}: ${oneLine(f.explanation[lang])}`,
          ),
        )
      : el('td', { class: 'labs-failure' });
    failure.querySelector('button')?.addEventListener('click', () =>
      actions.detail(
        t(lang, 'class.failureOf', {
          name: learner.name,
          step: stepName(report, f!.lab, f!.step, lang),
          time: clock(f!.at, lang),
        }),
        f!.explanation[lang],
      ),
    );
    const button = (action: 'watch' | 'reset' | 'remove', label: string, run: () => void) => {
      const b = el('button', { type: 'button', class: 'secondary', 'data-action': action, title: label }, label);
      b.addEventListener('click', run);
      return b;
    };
    return el(
      'tr',
      { 'data-learner': learner.name, 'data-learner-id': learner.id },
      learnerHead(report, learner, lang),
      ...cells,
      failure,
      el(
        'td',
        { class: 'labs-buttons' },
        button('watch', t(lang, 'class.watch'), () => actions.watch(learner)),
        button('reset', t(lang, 'class.reset'), () => actions.reset(learner)),
        button('remove', t(lang, 'class.remove'), () => actions.remove(learner)),
      ),
    );
  });
  container.replaceChildren(
    el('table', { class: 'labs-grid' }, el('thead', {}, chapterRow, stepRow, summaryRow), el('tbody', {}, ...rows)),
  );
}
