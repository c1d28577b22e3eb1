/**
 * The lesson's manifest editor: a server-rendered `<pre>` until needed, then Monaco (loaded on demand) with
 * monaco-yaml and the kinds' schemas (completion, hover, squiggles as you type). Apply sends the buffer as
 * `kubectl apply -f -` would; edits are kept per lesson and file in localStorage; Reset file restores the original.
 */
import { applyResultSchema } from '../../lab-server/src/server/protocol.ts';
import { t, type Lang } from '../i18n/ui.ts';
import { api } from './session.ts';

/** Where a file's edits are kept. */
export function storageKey(lab: string, file: string): string {
  return `labs.editor.${lab}.${file}`;
}

type Monaco = typeof import('monaco-editor/editor/editor.api');

let monacoPromise: Promise<Monaco> | undefined;

/** Loads Monaco, the YAML language, monaco-yaml and the workers, once per page. */
function loadMonaco(lang: Lang): Promise<Monaco> {
  monacoPromise ??= (async () => {
    const [monaco, workers, , { configureMonacoYaml }, { manifestSchema }, EditorWorker, YamlWorker] = await Promise.all([
      import('monaco-editor/editor/editor.api'),
      // Registers the editor's features and holds Monaco's adapter from the old worker options to the new.
      import('monaco-editor/internal/common/workers'),
      import('monaco-editor/languages/definitions/yaml/register'),
      import('monaco-yaml'),
      import('../schemas/kubernetes.ts'),
      import('monaco-editor/editor/editor.worker?worker'),
      import('monaco-yaml/yaml.worker?worker'),
    ]);
    (globalThis as { MonacoEnvironment?: unknown }).MonacoEnvironment = {
      getWorker: (_id: string, label: string) => (label === 'yaml' ? new YamlWorker.default() : new EditorWorker.default()),
    };
    // monaco-yaml still passes {moduleId, label, createData}; Monaco >= 0.55 wants {worker}.
    const adapted = { ...monaco, editor: { ...monaco.editor, createWebWorker: (opts: never) => workers.createWebWorker(opts) } };
    configureMonacoYaml(adapted as never, {
      enableSchemaRequest: false,
      hover: true,
      completion: true,
      validate: true,
      format: { enable: true },
      schemas: [{ uri: 'https://istio-labs.local/schemas/manifest.json', fileMatch: ['*'], schema: manifestSchema(lang) as never }],
    });
    // yaml-language-server reports schema violations as warnings; the server refuses them, so show them as errors.
    monaco.editor.onDidChangeMarkers((uris) => {
      for (const uri of uris) {
        const model = monaco.editor.getModel(uri);
        if (!model) continue;
        const schemaProblems = monaco.editor.getModelMarkers({ owner: 'yaml', resource: uri }).filter((m) => m.severity === monaco.MarkerSeverity.Warning);
        monaco.editor.setModelMarkers(model, 'labs-schema', schemaProblems.map((m) => ({ ...m, severity: monaco.MarkerSeverity.Error })));
      }
    });
    return monaco;
  })();
  return monacoPromise;
}

/** Wires one editor element. */
export function wireEditor(root: HTMLElement): void {
  const lab = root.dataset.lab!;
  const file = root.dataset.file!;
  const lang = (root.dataset.lang ?? 'ko') as Lang;
  const original = root.querySelector<HTMLTemplateElement>('template[data-original]')!.content.textContent ?? '';
  const staticView = root.querySelector<HTMLElement>('pre.labs-editor-static')!;
  const host = root.querySelector<HTMLElement>('.labs-editor-host')!;
  const output = root.querySelector<HTMLElement>('[data-output]')!;
  const apply = root.querySelector<HTMLButtonElement>('[data-action="apply"]')!;
  const reset = root.querySelector<HTMLButtonElement>('[data-action="reset"]')!;
  const open = root.querySelector<HTMLButtonElement>('[data-action="open"]');
  const key = storageKey(lab, file);
  let text = localStorage.getItem(key) ?? original;
  staticView.textContent = text;
  let editor: import('monaco-editor/editor/editor.api').editor.IStandaloneCodeEditor | undefined;

  const save = (value: string) => {
    text = value;
    if (value === original) localStorage.removeItem(key);
    else localStorage.setItem(key, value);
  };

  const mount = async () => {
    if (editor || root.dataset.loading === 'true') return;
    root.dataset.loading = 'true';
    open?.remove();
    const monaco = await loadMonaco(lang);
    const model = monaco.editor.createModel(text, 'yaml', monaco.Uri.parse(`file:///${lab}/${file}`));
    editor = monaco.editor.create(host, {
      model,
      automaticLayout: true,
      minimap: { enabled: false },
      scrollBeyondLastLine: false,
      fontSize: 13,
      tabSize: 2,
      theme: document.documentElement.dataset.theme === 'light' ? 'vs' : 'vs-dark',
      quickSuggestions: { other: true, comments: false, strings: true },
    });
    model.onDidChangeContent(() => save(model.getValue()));
    staticView.hidden = true;
    host.hidden = false;
    root.dataset.loading = 'false';
    root.dataset.ready = 'true';
  };

  apply.addEventListener('click', async () => {
    apply.disabled = true;
    apply.textContent = t(lang, 'editor.applying');
    try {
      const body = await api(`/api/labs/${lab}/apply`, applyResultSchema, { method: 'POST', body: JSON.stringify({ yaml: editor?.getValue() ?? text, file }) });
      output.hidden = false;
      output.dataset.ok = String(body.exitCode === 0);
      output.textContent = body.output;
    } catch (error) {
      output.hidden = false;
      output.dataset.ok = 'false';
      output.textContent = (error as Error).message;
    } finally {
      apply.disabled = false;
      apply.textContent = t(lang, 'editor.apply');
    }
  });

  reset.addEventListener('click', () => {
    if (!confirm(t(lang, 'editor.resetConfirm'))) return;
    save(original);
    if (editor) editor.setValue(original);
    staticView.textContent = original;
  });

  open?.addEventListener('click', () => void mount());
  staticView.addEventListener('click', () => void mount());
  apply.disabled = false;
  reset.disabled = false;
  if (open) open.disabled = false;
  new IntersectionObserver((entries, observer) => {
    if (entries.some((e) => e.isIntersecting)) {
      observer.disconnect();
      void mount();
    }
  }, { rootMargin: '200px' }).observe(root);
}
