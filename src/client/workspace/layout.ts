/**
 * The lab page's workspace. On wide screens the lesson sits beside a docked workspace: the terminal on top and,
 * below it, the editor's open file, the preview and the traffic view as tabs; the split between lesson and
 * workspace (and terminal and tabs) can be dragged and is remembered. On narrow screens the same parts are tabs
 * (lesson, terminal, editor, preview, traffic). The lesson's components are moved into the workspace and leave a
 * card where the lesson placed them; Run, Solve, Apply and Check never scroll the lesson.
 */
import { t, type Lang } from '../../i18n/ui.ts';
import { makeSplitter } from './splitter.ts';
import { wireStepsNav } from './stepsNav.ts';
import { makeTabs } from './tabs.ts';

/** The parts a learner can bring into view. */
export type View = 'lesson' | 'terminal' | 'editor' | 'preview' | 'traffic';
type Pane = Exclude<View, 'lesson' | 'terminal'>;

/** What the rest of the page may ask of the workspace. */
export interface LabsWorkspaceApi {
  /** Brings a part into view because the learner asked for it (a card's button); `file` picks the editor's file. */
  open(view: View, options?: { file?: string; focus?: boolean }): void;
  /** Something happened in a part (output in the terminal): marks its tab when it is not in view. Never scrolls. */
  notify(view: View): void;
  /** `split` (side by side) or `stacked` (tabs). */
  mode(): 'split' | 'stacked';
}

declare global {
  interface Window {
    labsWorkspace?: LabsWorkspaceApi;
  }
}

/** The width from which the lesson and the workspace sit side by side (Starlight's wide layout). */
export const WIDE_QUERY = '(min-width: 72rem)';

function button(text: string, onClick: () => void): HTMLButtonElement {
  const b = document.createElement('button');
  b.type = 'button';
  b.className = 'secondary';
  b.textContent = text;
  b.addEventListener('click', onClick);
  return b;
}

/** A card left in the lesson where a component was placed, with the button that opens it in the workspace. */
function card(kind: View, label: HTMLElement | string, action: HTMLButtonElement): HTMLElement {
  const element = document.createElement('div');
  element.className = 'labs-ws-card labs-buttons not-content';
  element.dataset.wsCard = kind;
  element.append(typeof label === 'string' ? document.createTextNode(label) : label, action);
  return element;
}

function code(text: string): HTMLElement {
  const c = document.createElement('code');
  c.textContent = text;
  return c;
}

/** Wires one lab page. */
export function startWorkspace(split: HTMLElement): LabsWorkspaceApi {
  const lang = (split.dataset.lang ?? 'ko') as Lang;
  const lesson = split.querySelector<HTMLElement>('[data-labs-lesson]')!;
  const workspace = split.querySelector<HTMLElement>('[data-workspace]')!;
  const status = workspace.querySelector<HTMLElement>('[data-ws-status]')!;
  const pane = (name: View) => workspace.querySelector<HTMLElement>(`[data-ws-pane="${name}"]`)!;
  const bottom = workspace.querySelector<HTMLElement>('[data-ws-bottom]')!;
  const viewTabsList = split.querySelector<HTMLElement>('[data-view-tabs]')!;
  const paneTabsList = workspace.querySelector<HTMLElement>('[data-pane-tabs]')!;
  const fileSelect = workspace.querySelector<HTMLSelectElement>('[data-file-select]')!;
  const wide = matchMedia(WIDE_QUERY);
  const present = new Set<View>(['lesson']);
  let view: View = 'lesson';

  // The terminal: into the workspace, with a pointer to it in the lesson (for the tabbed layout).
  const terminal = lesson.querySelector<HTMLElement>('.labs-terminal-wrap');
  if (terminal) {
    const pointer = card(
      'terminal',
      t(lang, 'workspace.terminalHere'),
      button(t(lang, 'workspace.showTerminal'), () => api.open('terminal', { focus: true })),
    );
    pointer.classList.add('labs-ws-pointer');
    terminal.before(pointer);
    pane('terminal').append(terminal);
    present.add('terminal');
  }

  // Editors: each file into the editor pane (one shown at a time), a card with "Open in editor" in its place.
  const editors = [...lesson.querySelectorAll<HTMLElement>('.labs-editor[data-file]')];
  for (const editor of editors) {
    const file = editor.dataset.file!;
    const step = editor.closest<HTMLElement>('section.labs-step')?.dataset.number;
    editor.before(
      card(
        'editor',
        code(file),
        button(t(lang, 'workspace.openFile'), () => api.open('editor', { file, focus: true })),
      ),
    );
    // A file of one API's steps keeps its API when it leaves the lesson's <ApiVariant>: shown only in that API.
    const variant = editor.closest<HTMLElement>('[data-api-variant]')?.dataset.apiVariant;
    pane('editor').append(editor);
    const option = new Option(step ? `${step}. ${file}` : file, file);
    if (variant) editor.dataset.apiVariant = option.dataset.apiVariant = variant;
    fileSelect.append(option);
    present.add('editor');
  }
  const showFile = (file: string) => {
    fileSelect.value = file;
    for (const editor of editors) editor.hidden = editor.dataset.file !== file;
  };
  if (editors[0]) showFile(editors[0].dataset.file!);
  fileSelect.addEventListener('change', () => showFile(fileSelect.value));
  // The learner switched API: a file of the other API's steps gives way to the first of this one's.
  const followApi = () => {
    const shownApi = document.documentElement.dataset.labsApi ?? 'istio';
    const fits = (e: HTMLElement) => (e.dataset.apiVariant ?? shownApi) === shownApi;
    const current = editors.find((e) => e.dataset.file === fileSelect.value);
    const first = editors.find(fits);
    if (current && !fits(current) && first) showFile(first.dataset.file!);
  };
  window.addEventListener('labs:api', followApi);
  followApi();

  // Previews and traffic views: the first of each kind (per service for traffic) into its pane, a card everywhere.
  const moveFirst = (
    selector: string,
    kind: Pane,
    keyOf: (e: HTMLElement) => string,
    label: (e: HTMLElement) => HTMLElement,
    action: string,
  ) => {
    const kept = new Set<string>();
    for (const element of [...lesson.querySelectorAll<HTMLElement>(selector)]) {
      const key = keyOf(element);
      element.before(
        card(
          kind,
          label(element),
          button(action, () => api.open(kind, { focus: true })),
        ),
      );
      if (kept.has(key)) element.remove();
      else {
        kept.add(key);
        pane(kind).append(element);
        present.add(kind);
      }
    }
  };
  moveFirst(
    '.labs-preview',
    'preview',
    (e) => e.dataset.path ?? '',
    (e) => code(e.dataset.path ?? ''),
    t(lang, 'workspace.openPreview'),
  );
  moveFirst(
    '.labs-traffic',
    'traffic',
    (e) => `${e.dataset.namespace}/${e.dataset.service}`,
    (e) => code(e.dataset.service ?? ''),
    t(lang, 'workspace.openTraffic'),
  );

  const panes: Pane[] = (['editor', 'preview', 'traffic'] as const).filter((p) => present.has(p));
  for (const tab of paneTabsList.querySelectorAll<HTMLElement>('[data-pane-tab]'))
    tab.hidden = !present.has(tab.dataset.paneTab as View);
  for (const tab of viewTabsList.querySelectorAll<HTMLElement>('[data-view]'))
    tab.hidden = !present.has(tab.dataset.view as View);

  let paneShown: Pane | undefined = panes[0];
  /** Shows and hides the parts for the layout, the selected pane tab and (tabbed layout) the view. */
  const render = () => {
    const stacked = !wide.matches;
    split.dataset.mode = stacked ? 'stacked' : 'split';
    split.dataset.shown = stacked ? view : 'lesson';
    viewTabsList.hidden = !stacked;
    workspace.hidden = stacked && view === 'lesson';
    lesson.inert = stacked && view !== 'lesson';
    pane('terminal').hidden = stacked ? view !== 'terminal' : !present.has('terminal');
    const paneNow: Pane | undefined = stacked ? (panes.includes(view as Pane) ? (view as Pane) : undefined) : paneShown;
    bottom.hidden = paneNow === undefined;
    paneTabsList.hidden = stacked;
    for (const p of panes) pane(p).hidden = p !== paneNow;
    splitters.pane.hidden = stacked || bottom.hidden || !present.has('terminal');
    splitters.main.hidden = stacked;
    window.dispatchEvent(new Event('labs:layout'));
  };

  const paneTabs = makeTabs(paneTabsList, 'data-pane-tab', (key) => {
    paneShown = key as Pane;
    render();
  });
  const viewTabs = makeTabs(viewTabsList, 'data-view', (key) => {
    view = key as View;
    viewTabsList.querySelector<HTMLElement>(`[data-view="${key}"] [data-activity]`)!.hidden = true;
    if (panes.includes(key as Pane)) paneTabs.select(key);
    render();
  });

  const splitters = {
    main: split.querySelector<HTMLElement>('[data-splitter]')!,
    pane: workspace.querySelector<HTMLElement>('[data-pane-splitter]')!,
  };
  makeSplitter(splitters.main, {
    axis: 'x',
    container: split,
    cssVar: '--labs-ws-width',
    storageKey: 'labs.workspace.width',
    min: 25,
    max: 75,
    initial: 55,
    measures: 'end',
  });
  makeSplitter(splitters.pane, {
    axis: 'y',
    container: workspace,
    cssVar: '--labs-ws-terminal',
    storageKey: 'labs.workspace.terminalHeight',
    min: 15,
    max: 85,
    initial: 55,
    measures: 'start',
  });

  const api: LabsWorkspaceApi = {
    open(target, options = {}) {
      if (target === 'editor' && options.file) showFile(options.file);
      if (!wide.matches) viewTabs.select(target);
      else if (target !== 'lesson' && target !== 'terminal') paneTabs.select(target);
      render();
      if (target === 'editor' && options.file) {
        const editor = editors.find((e) => e.dataset.file === options.file);
        editor?.dispatchEvent(new CustomEvent('labs:open-editor', { detail: { focus: options.focus === true } }));
      } else if (options.focus) {
        const into = target === 'lesson' ? lesson : target === 'terminal' ? pane('terminal') : pane(target);
        into.querySelector<HTMLElement>('.xterm-helper-textarea, button:not([disabled]), select, a[href]')?.focus();
      }
      if (target === 'preview')
        pane('preview').querySelector<HTMLElement>('.labs-preview')?.dispatchEvent(new Event('labs:open-preview'));
    },
    notify(target) {
      if (wide.matches || view === target) return;
      const dot = viewTabsList.querySelector<HTMLElement>(`[data-view="${target}"] [data-activity]`);
      if (dot) dot.hidden = false;
    },
    mode: () => (wide.matches ? 'split' : 'stacked'),
  };
  window.labsWorkspace = api;

  if (panes[0]) paneTabs.select(panes[0]);
  viewTabs.select('lesson');
  wide.addEventListener('change', render);
  render();

  // A Check's result is shown at its step and, in the workspace, as one line the learner sees beside the terminal.
  window.addEventListener('labs:progress', (event) => {
    const detail = (event as CustomEvent<{ lab?: string; step?: string; progress?: { status?: string } } | undefined>)
      .detail;
    if (!detail?.step || detail.lab !== split.dataset.lab) return;
    const section = document.querySelector<HTMLElement>(`section.labs-step[data-step="${detail.step}"]`);
    const state = detail.progress?.status;
    status.dataset.status = state ?? '';
    status.textContent = t(lang, 'workspace.checked', {
      n: section?.dataset.number ?? '',
      title:
        section
          ?.querySelector('[data-title]')
          ?.textContent?.replace(/^\d+\.\s*/, '')
          .trim() ?? detail.step,
      state: t(lang, state === 'passed' ? 'step.passed' : state === 'failed' ? 'step.failed' : 'step.notTried'),
    });
  });

  const nav = lesson.querySelector<HTMLElement>('[data-steps-nav]');
  if (nav) wireStepsNav(nav, lang);
  return api;
}
