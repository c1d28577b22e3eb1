/**
 * Monaco, loaded on demand (the first editor that needs it): the YAML language, monaco-yaml with the kinds'
 * schemas in the page's language, Vite-bundled workers, and the page's light/dark theme followed live.
 */
import type { Lang } from '../../i18n/ui.ts';

/** Monaco's editor API. */
export type Monaco = typeof import('monaco-editor/editor/editor.api');

let monacoPromise: Promise<Monaco> | undefined;

/** Monaco's theme for the page's current Starlight theme. */
function pageTheme(): string {
  return document.documentElement.dataset.theme === 'light' ? 'vs' : 'vs-dark';
}

/** Loads Monaco, the YAML language, monaco-yaml and the workers, once per page. */
export function loadMonaco(lang: Lang): Promise<Monaco> {
  monacoPromise ??= (async () => {
    const [monaco, workers, , { configureMonacoYaml }, { manifestSchema }, EditorWorker, YamlWorker] =
      await Promise.all([
        import('monaco-editor/editor/editor.api'),
        // Registers the editor's features and holds Monaco's adapter from the old worker options to the new.
        import('monaco-editor/internal/common/workers'),
        import('monaco-editor/languages/definitions/yaml/register'),
        import('monaco-yaml'),
        import('../../../lab-server/src/kube/editor/kubernetes.ts'),
        // Vite bundles each worker with its dependencies and hands back a constructor (module workers).
        import('monaco-editor/editor/editor.worker?worker'),
        import('monaco-yaml/yaml.worker?worker'),
      ]);
    (globalThis as { MonacoEnvironment?: unknown }).MonacoEnvironment = {
      getWorker: (_id: string, label: string) =>
        label === 'yaml' ? new YamlWorker.default() : new EditorWorker.default(),
    };
    // monaco-yaml still passes {moduleId, label, createData}; Monaco >= 0.55 wants {worker}.
    const adapted = {
      ...monaco,
      editor: { ...monaco.editor, createWebWorker: (opts: never) => workers.createWebWorker(opts) },
    };
    configureMonacoYaml(adapted as never, {
      enableSchemaRequest: false,
      hover: true,
      completion: true,
      validate: true,
      format: { enable: true },
      schemas: [
        {
          uri: 'https://istio-labs.local/schemas/manifest.json',
          fileMatch: ['*'],
          schema: manifestSchema(lang) as never,
        },
      ],
    });
    // yaml-language-server reports schema violations as warnings; the server refuses them, so show them as errors.
    monaco.editor.onDidChangeMarkers((uris) => {
      for (const uri of uris) {
        const model = monaco.editor.getModel(uri);
        if (!model) continue;
        const schemaProblems = monaco.editor
          .getModelMarkers({ owner: 'yaml', resource: uri })
          .filter((m) => m.severity === monaco.MarkerSeverity.Warning);
        monaco.editor.setModelMarkers(
          model,
          'labs-schema',
          schemaProblems.map((m) => ({ ...m, severity: monaco.MarkerSeverity.Error })),
        );
      }
    });
    // Starlight's theme switch changes <html data-theme>: follow it.
    new MutationObserver(() => monaco.editor.setTheme(pageTheme())).observe(document.documentElement, {
      attributes: true,
      attributeFilter: ['data-theme'],
    });
    return monaco;
  })();
  return monacoPromise;
}

/** Creates an editor for `text` in `host`, with a model named after the lab and file; Ctrl/Cmd+Enter calls `onApply`. */
export async function createEditor(
  host: HTMLElement,
  lang: Lang,
  lab: string,
  file: string,
  text: string,
  onApply: { label: string; run: () => void },
) {
  const monaco = await loadMonaco(lang);
  const model = monaco.editor.createModel(text, 'yaml', monaco.Uri.parse(`file:///${lab}/${file}`));
  const editor = monaco.editor.create(host, {
    model,
    automaticLayout: true,
    minimap: { enabled: false },
    scrollBeyondLastLine: false,
    fontSize: 13,
    tabSize: 2,
    theme: pageTheme(),
    quickSuggestions: { other: true, comments: false, strings: true },
    // Hover boxes must not be cut off by the panel's edge.
    fixedOverflowWidgets: true,
  });
  editor.addAction({
    id: 'labs.apply',
    label: onApply.label,
    keybindings: [monaco.KeyMod.CtrlCmd | monaco.KeyCode.Enter],
    run: onApply.run,
  });
  return editor;
}
