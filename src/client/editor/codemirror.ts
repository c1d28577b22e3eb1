/**
 * The manifest editor: CodeMirror with YAML, the kinds' schemas in the page's language (problems as you type,
 * completion of fields and values, a field's description on hover), and the page's light/dark theme followed
 * live. Tab indents; Escape then Tab leaves the editor, and Ctrl+M makes Tab move focus (CodeMirror's own keys).
 */
import { autocompletion, closeBrackets, completionKeymap, type CompletionSource } from '@codemirror/autocomplete';
import { defaultKeymap, history, historyKeymap, indentWithTab } from '@codemirror/commands';
import { yaml } from '@codemirror/lang-yaml';
import { HighlightStyle, indentUnit, syntaxHighlighting } from '@codemirror/language';
import { linter, lintKeymap } from '@codemirror/lint';
import { Compartment, EditorState, Prec } from '@codemirror/state';
import { EditorView, drawSelection, highlightActiveLine, hoverTooltip, keymap, lineNumbers } from '@codemirror/view';
import { tags } from '@lezer/highlight';
import type { Lang } from '../../i18n/ui.ts';
import { manifestSchema } from '../../../lab-server/src/kube/editor/kubernetes.ts';
import { describeAt, problemsOf, suggestionsAt } from './yamlLanguage.ts';

/** What the lesson's editor wiring needs of an editor. */
export interface CodeEditor {
  getValue(): string;
  setValue(text: string): void;
  focus(): void;
  /** Calls `listener` with the text after every change the learner makes. */
  onChange(listener: (text: string) => void): void;
}

/** Colors with 4.5:1 or more on the page's background, per theme. */
const HIGHLIGHT = {
  light: HighlightStyle.define([
    { tag: [tags.propertyName, tags.definition(tags.propertyName)], color: '#0550ae' },
    { tag: [tags.string, tags.special(tags.string)], color: '#0a3069' },
    { tag: [tags.number, tags.bool, tags.null], color: '#8250df' },
    { tag: tags.comment, color: '#57606a', fontStyle: 'italic' },
    { tag: [tags.meta, tags.keyword, tags.punctuation], color: '#6e7781' },
  ]),
  dark: HighlightStyle.define([
    { tag: [tags.propertyName, tags.definition(tags.propertyName)], color: '#79c0ff' },
    { tag: [tags.string, tags.special(tags.string)], color: '#a5d6ff' },
    { tag: [tags.number, tags.bool, tags.null], color: '#d2a8ff' },
    { tag: tags.comment, color: '#a0a8b1', fontStyle: 'italic' },
    { tag: [tags.meta, tags.keyword, tags.punctuation], color: '#b1bac4' },
  ]),
};

const isDark = () => document.documentElement.dataset.theme !== 'light';
const themeFor = (dark: boolean) => [
  EditorView.theme(
    {
      '&': { color: 'var(--sl-color-white)', backgroundColor: 'var(--sl-color-bg)', fontSize: '13px', height: '100%' },
      '.cm-scroller': { fontFamily: 'var(--sl-font-mono)', lineHeight: '1.5' },
      '.cm-gutters': { backgroundColor: 'var(--sl-color-bg)', color: 'var(--sl-color-gray-2)', border: 'none' },
      '.cm-activeLine': { backgroundColor: 'color-mix(in srgb, var(--sl-color-gray-6) 60%, transparent)' },
      '&.cm-focused': { outline: '2px solid var(--sl-color-accent)' },
      '.cm-tooltip': { maxWidth: '32rem', fontSize: 'var(--sl-text-sm)' },
      '.cm-tooltip-hover': { padding: '0.4rem 0.6rem', whiteSpace: 'pre-wrap' },
      '.cm-diagnosticText': { whiteSpace: 'pre-wrap' },
    },
    { dark },
  ),
  syntaxHighlighting(dark ? HIGHLIGHT.dark : HIGHLIGHT.light),
];

/**
 * Creates an editor for `text` in `host`. Ctrl/Cmd+Enter calls `onApply.run`; `onApply.ariaLabel` names the
 * editor for screen readers. `lab` and `file` are part of the interface the wiring uses, for future models.
 */
export async function createEditor(
  host: HTMLElement,
  lang: Lang,
  _lab: string,
  _file: string,
  text: string,
  onApply: { label: string; run: () => void; ariaLabel: string },
): Promise<CodeEditor> {
  const schema = manifestSchema(lang);
  const listeners: ((text: string) => void)[] = [];
  const theme = new Compartment();
  const complete: CompletionSource = (context) => {
    const result = suggestionsAt(context.state.doc.toString(), context.pos, schema, lang);
    if (!result || (result.options.length === 0 && !context.explicit)) return null;
    return {
      from: result.from,
      options: result.options.map((o) => ({
        label: o.label,
        type: o.type,
        detail: o.detail,
        info: o.info,
        apply: o.apply,
      })),
      validFor: /^[\w./-]*$/,
    };
  };
  const view = new EditorView({
    parent: host,
    state: EditorState.create({
      doc: text,
      extensions: [
        Prec.highest(
          keymap.of([
            {
              key: 'Mod-Enter',
              run: () => {
                onApply.run();
                return true;
              },
            },
          ]),
        ),
        lineNumbers(),
        history(),
        drawSelection(),
        highlightActiveLine(),
        closeBrackets(),
        indentUnit.of('  '),
        EditorState.tabSize.of(2),
        yaml(),
        theme.of(themeFor(isDark())),
        linter(
          (v) => problemsOf(v.state.doc.toString(), schema, lang).map((p) => ({ ...p, severity: 'error' as const })),
          {
            delay: 300,
          },
        ),
        autocompletion({ override: [complete], icons: false }),
        hoverTooltip((v, pos) => {
          const found = describeAt(v.state.doc.toString(), pos, schema);
          if (!found) return null;
          return {
            pos: found.from,
            end: found.to,
            above: true,
            create: () => {
              const dom = document.createElement('div');
              dom.className = 'labs-hover';
              const title = document.createElement('strong');
              title.textContent = found.field;
              dom.append(title, document.createElement('br'), found.description);
              return { dom };
            },
          };
        }),
        keymap.of([...completionKeymap, ...lintKeymap, ...defaultKeymap, ...historyKeymap, indentWithTab]),
        // A text box with a name, in the tab order (the scrolling area around it needs a focusable inside).
        EditorView.contentAttributes.of({ 'aria-label': onApply.ariaLabel, tabindex: '0' }),
        EditorView.updateListener.of((update) => {
          if (!update.docChanged) return;
          const now = update.state.doc.toString();
          for (const listener of listeners) listener(now);
        }),
      ],
    }),
  });
  // Starlight's theme switch changes <html data-theme>: follow it.
  new MutationObserver(() => view.dispatch({ effects: theme.reconfigure(themeFor(isDark())) })).observe(
    document.documentElement,
    { attributes: true, attributeFilter: ['data-theme'] },
  );
  return {
    getValue: () => view.state.doc.toString(),
    setValue: (next) => view.dispatch({ changes: { from: 0, to: view.state.doc.length, insert: next } }),
    focus: () => view.focus(),
    onChange: (listener) => listeners.push(listener),
  };
}
