/**
 * The lesson's manifest editor: a server-rendered `<pre>` until the learner opens it (a click, Enter, a button), then
 * the editor with the kinds' schemas (completion, hover, problems as you type). Apply sends the buffer as
 * `kubectl apply -f -` would and shows kubectl's output; edits are kept per lesson and file; Reset file
 * restores the original.
 */
import { applyResultSchema } from '../../../lab-server/src/protocol/api.ts';
import { t, type Lang } from '../../i18n/ui.ts';
import { api } from '../session.ts';
import { keptBuffer } from './buffer.ts';
import type { CodeEditor } from './codemirror.ts';

type EditorModule = typeof import('./bundle.ts');

/**
 * The editor bundle, built apart from the pages (src/integrations/editorBundle.ts); in `astro dev`, its source.
 * A URL, not a module path, so the pages' build does not bundle the editor.
 */
const EDITOR_URL = import.meta.env.DEV ? '/src/client/editor/bundle.ts' : '/_labs/editor/editor.js';

/** Wires one `.labs-editor` element. */
export function wireEditor(root: HTMLElement): void {
  const lab = root.dataset.lab!;
  const file = root.dataset.file!;
  const lang = (root.dataset.lang ?? 'ko') as Lang;
  const original = root.querySelector<HTMLTemplateElement>('template[data-original]')!.content.textContent ?? '';
  const staticView = root.querySelector<HTMLElement>('pre.labs-editor-static')!;
  const host = root.querySelector<HTMLElement>('.labs-editor-host')!;
  const output = root.querySelector<HTMLElement>('[data-output]')!;
  const state = root.querySelector<HTMLElement>('[data-editor-state]')!;
  const apply = root.querySelector<HTMLButtonElement>('[data-action="apply"]')!;
  const reset = root.querySelector<HTMLButtonElement>('[data-action="reset"]')!;
  const open = root.querySelector<HTMLButtonElement>('[data-action="open"]');
  const buffer = keptBuffer(localStorage, lab, file, original);
  let editor: CodeEditor | undefined;

  const showState = () => {
    root.dataset.edited = String(buffer.edited());
    state.textContent = buffer.edited() ? t(lang, 'editor.edited') : t(lang, 'editor.saved');
  };
  staticView.textContent = buffer.text();
  showState();

  const mount = async () => {
    if (editor || root.dataset.loading === 'true') return;
    root.dataset.loading = 'true';
    open?.remove();
    state.textContent = t(lang, 'editor.loading');
    try {
      const { createEditor } = (await import(/* @vite-ignore */ EDITOR_URL)) as EditorModule;
      editor = await createEditor(host, lang, lab, file, buffer.text(), {
        label: t(lang, 'editor.apply'),
        run: () => apply.click(),
        ariaLabel: `${file}. ${t(lang, 'editor.keys')}`,
      });
      editor.onChange((text) => {
        buffer.save(text);
        staticView.textContent = text;
        showState();
      });
      const hadFocus = staticView.contains(document.activeElement) || staticView === document.activeElement;
      staticView.hidden = true;
      host.hidden = false;
      if (hadFocus) editor.focus();
      root.dataset.ready = 'true';
      showState();
    } catch (error) {
      // The text stays readable and Apply still works on it.
      state.textContent = t(lang, 'editor.loadFailed', { message: (error as Error).message });
    } finally {
      root.dataset.loading = 'false';
    }
  };

  apply.addEventListener('click', async () => {
    apply.disabled = true;
    apply.textContent = t(lang, 'editor.applying');
    try {
      const body = await api(`/api/labs/${lab}/apply`, applyResultSchema, {
        method: 'POST',
        body: JSON.stringify({ yaml: editor?.getValue() ?? buffer.text(), file }),
      });
      output.dataset.ok = String(body.exitCode === 0);
      output.textContent =
        body.exitCode === 0
          ? body.output
          : `${body.output.trimEnd()}\n${t(lang, 'editor.exitCode', { code: body.exitCode })}`;
    } catch (error) {
      output.dataset.ok = 'false';
      output.textContent = t(lang, 'step.error', { message: (error as Error).message });
    } finally {
      output.hidden = false;
      apply.disabled = false;
      apply.textContent = t(lang, 'editor.apply');
    }
  });

  reset.addEventListener('click', () => {
    if (buffer.edited() && !confirm(t(lang, 'editor.resetConfirm'))) return;
    if (editor) editor.setValue(original);
    buffer.save(original);
    staticView.textContent = original;
    showState();
  });

  // The editor's code loads only when the learner opens an editor: the button, a click or Enter on
  // the text, or "Open in editor" in the lesson.
  const mountAndFocus = async (focus: boolean) => {
    await mount();
    if (focus) editor?.focus();
  };
  open?.addEventListener('click', () => void mountAndFocus(true));
  staticView.addEventListener('click', () => void mountAndFocus(true));
  staticView.addEventListener('keydown', (event) => {
    if (event.key !== 'Enter') return;
    event.preventDefault();
    void mountAndFocus(true);
  });
  root.addEventListener('labs:open-editor', (event) => {
    void mountAndFocus((event as CustomEvent<{ focus?: boolean } | undefined>).detail?.focus === true);
  });
  for (const button of [apply, reset, open]) if (button) button.disabled = false;
}
