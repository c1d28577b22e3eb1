/** `-o` formats for objects: yaml, json, name, jsonpath, custom-columns (tables are in tables.ts). */
import { stringify } from 'yaml';
import type { K8sObject } from '../../../../../contract.ts';
import { resourceForKind } from '../../../cluster/discovery.ts';
import { checkJsonPath, goSyntax, jsonPathAsJson, JsonPathError, renderJsonPath } from './jsonpath.ts';
import { layout } from './tables.ts';
import { typePrefix } from './resources.ts';

/** The output formats kubectl accepts. */
export const OUTPUT_FORMATS = [
  'json',
  'yaml',
  'name',
  'go-template',
  'go-template-file',
  'template',
  'templatefile',
  'jsonpath',
  'jsonpath-as-json',
  'jsonpath-file',
  'custom-columns',
  'custom-columns-file',
  'wide',
];

/** An unknown `-o` value, with kubectl's message. */
export function badFormat(format: string): string {
  return `error: unable to match a printer suitable for the output format "${format}", allowed formats are: ${OUTPUT_FORMATS.join(',')}`;
}

/** Keys sorted at every level: kubectl's YAML goes through JSON into Go maps, which marshal in key order. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys((value as Record<string, unknown>)[k])]),
    );
  }
  return value;
}

/**
 * YAML as kubectl prints it (block style, no line wrapping, keys sorted). kubectl's YAML is go-yaml v2, a YAML 1.1
 * emitter: strings 1.1 would read as something else (timestamps, `yes`, `on`, `y`) are quoted.
 */
export function toYaml(value: unknown): string {
  return stringify(sortKeys(value), { lineWidth: 0, indentSeq: false, aliasDuplicateObjects: false, version: '1.1' });
}

/** JSON as kubectl prints it: four-space indent; CRDs (unstructured, Go maps) in key order, built-in kinds as served. */
export function toJson(value: unknown): string {
  const builtIn = (o: unknown) => {
    const r = resourceForKind((o as K8sObject | undefined)?.kind ?? '');
    return !!r && !r.group.includes('.');
  };
  const items = (value as { items?: unknown[] }).items;
  const shaped = items
    ? { ...(value as object), items: items.map((i) => (builtIn(i) ? i : sortKeys(i))) }
    : builtIn(value)
      ? value
      : sortKeys(value);
  return `${JSON.stringify(shaped, null, 4)}\n`;
}

/** `type/name` for `-o name`. */
export function nameOf(obj: K8sObject): string {
  const resource = resourceForKind(obj.kind);
  return `${resource ? typePrefix(resource) : obj.kind.toLowerCase()}/${obj.metadata.name}`;
}

/** Renders objects in a non-table format; `single` when one object was asked for by name (no List wrapper). */
export function render(format: string, objects: K8sObject[], single: boolean): string {
  const data =
    single && objects.length === 1
      ? objects[0]
      : { apiVersion: 'v1', items: objects, kind: 'List', metadata: { resourceVersion: '' } };
  if (format === 'yaml') return toYaml(data);
  if (format === 'json') return toJson(data);
  if (format === 'name') return objects.map((o) => `${nameOf(o)}\n`).join('');
  if (format.startsWith('jsonpath-as-json=')) return jsonPathAsJson(format.slice(17), data);
  if (format.startsWith('jsonpath=')) return jsonPath(stripQuotes(format.slice(9)), data);
  if (format.startsWith('custom-columns=')) {
    const columns = format
      .slice(15)
      .split(',')
      .map((c) => {
        const colon = c.indexOf(':');
        if (colon < 0) throw new Error(`unexpected custom-columns spec: ${c}, expected <header>:<json-path-expr>`);
        return { header: c.slice(0, colon), path: c.slice(colon + 1) };
      });
    const rows = objects.map((o) =>
      columns.map((col) => {
        const expr = col.path.startsWith('{') ? col.path : `{${col.path.startsWith('.') ? col.path : `.${col.path}`}}`;
        const v = renderJsonPath(expr, o);
        return v === '' ? '<none>' : v;
      }),
    );
    return layout([columns.map((c) => c.header), ...rows]);
  }
  throw new Error(badFormat(format.split('=')[0]!).replace(/^error: /, ''));
}

/** `-o jsonpath=`: kubectl's parse and execution errors, worded as its printer words them. */
function jsonPath(template: string, data: unknown): string {
  try {
    checkJsonPath(template);
  } catch (error) {
    throw new Error(`error parsing jsonpath ${template}, ${(error as Error).message}`);
  }
  try {
    return renderJsonPath(template, data);
  } catch (error) {
    if (!(error instanceof JsonPathError)) throw error;
    throw new Error(
      `error executing jsonpath ${JSON.stringify(template)}: Error executing template: ${error.message}. Printing more information ` +
        `for debugging the template:\n\ttemplate was:\n\t\t${template}\n\tobject given to jsonpath engine was:\n\t\t${goSyntax(data)}\n\n`,
    );
  }
}

function stripQuotes(text: string): string {
  return /^'.*'$|^".*"$/s.test(text) ? text.slice(1, -1) : text;
}
