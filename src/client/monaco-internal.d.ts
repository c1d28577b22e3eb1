/** Monaco's internal module that holds the editor's features and the adapter from the old worker options to the new. */
declare module 'monaco-editor/internal/common/workers' {
  /** Creates a web worker from `{moduleId, label, createData}` (the options monaco-yaml still passes). */
  export function createWebWorker(options: unknown): unknown;
}
