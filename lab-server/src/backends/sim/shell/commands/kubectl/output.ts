/** `-o` formats for objects: yaml, json, name, jsonpath, custom-columns (tables are in tables.ts). */
import { stringify } from 'yaml';
import type { K8sObject } from '../../../../../contract.ts';
import { resourceForKind } from '../../../cluster/discovery.ts';
import { jsonPathAsJson, renderJsonPath } from './jsonpath.ts';
import { layout } from './tables.ts';
import { typePrefix } from './resources.ts';

/** The output formats kubectl accepts. */
export const OUTPUT_FORMATS = ['json', 'yaml', 'name', 'go-template', 'go-template-file', 'template', 'templatefile', 'jsonpath', 'jsonpath-as-json', 'jsonpath-file', 'custom-columns', 'custom-columns-file', 'wide'];

/** An unknown `-o` value, with kubectl's message. */
export function badFormat(format: string): string {
  return `error: unable to match a printer suitable for the output format "${format}", allowed formats are: ${OUTPUT_FORMATS.join(',')}`;
}

/** YAML as kubectl prints it (block style, no line wrapping). */
export function toYaml(value: unknown): string {
  return stringify(value, { lineWidth: 0, indentSeq: false, aliasDuplicateObjects: false });
}

/** `type/name` for `-o name`. */
export function nameOf(obj: K8sObject): string {
  const resource = resourceForKind(obj.kind);
  return `${resource ? typePrefix(resource) : obj.kind.toLowerCase()}/${obj.metadata.name}`;
}

/** Renders objects in a non-table format; `single` when one object was asked for by name (no List wrapper). */
export function render(format: string, objects: K8sObject[], single: boolean): string {
  const data = single && objects.length === 1 ? objects[0] : { apiVersion: 'v1', items: objects, kind: 'List', metadata: { resourceVersion: '' } };
  if (format === 'yaml') return toYaml(data);
  if (format === 'json') return `${JSON.stringify(data, null, 4)}\n`;
  if (format === 'name') return objects.map((o) => `${nameOf(o)}\n`).join('');
  if (format.startsWith('jsonpath-as-json=')) return jsonPathAsJson(format.slice(17), data);
  if (format.startsWith('jsonpath=')) return renderJsonPath(stripQuotes(format.slice(9)), data);
  if (format.startsWith('custom-columns=')) {
    const columns = format.slice(15).split(',').map((c) => {
      const colon = c.indexOf(':');
      if (colon < 0) throw new Error(`unexpected custom-columns spec: ${c}, expected <header>:<json-path-expr>`);
      return { header: c.slice(0, colon), path: c.slice(colon + 1) };
    });
    const rows = objects.map((o) => columns.map((col) => {
      const expr = col.path.startsWith('{') ? col.path : `{${col.path.startsWith('.') ? col.path : `.${col.path}`}}`;
      const v = renderJsonPath(expr, o);
      return v === '' ? '<none>' : v;
    }));
    return layout([columns.map((c) => c.header), ...rows]);
  }
  throw new Error(badFormat(format.split('=')[0]!).replace(/^error: /, ''));
}

function stripQuotes(text: string): string {
  return /^'.*'$|^".*"$/s.test(text) ? text.slice(1, -1) : text;
}
