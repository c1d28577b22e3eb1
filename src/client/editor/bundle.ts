/**
 * The editor bundle's entry, built apart from the pages (`src/integrations/editorBundle.ts`, into
 * `/_labs/editor/editor.js`) so no page carries the editor's code: it loads when an editor opens.
 */
export { createEditor, type CodeEditor } from './codemirror.ts';
