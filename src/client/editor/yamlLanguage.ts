/**
 * The manifest editor's YAML language, from the editor's JSON Schemas (lab-server/src/kube/editor/kubernetes.ts): problems
 * (YAML syntax, then what the schema refuses) at their nodes, in the page's language; the fields a mapping may
 * still have and a field's allowed values, for completion; a field's description, for hover. Plain functions of
 * the text, so tests run them without a browser.
 */
import { isMap, isScalar, parseAllDocuments, type Document } from 'yaml';
import { t, type Lang, type UiKey } from '../../i18n/ui.ts';
import { schemaIssues, type JsonPath, type SchemaIssue } from '../../../lab-server/src/kube/editor/jsonSchemaCheck.ts';

type Json = Record<string, unknown>;

/** A problem at [from, to) of the text. */
export interface Problem {
  from: number;
  to: number;
  message: string;
}

/** One completion: a field name (with its type and description) or a value. */
export interface Suggestion {
  label: string;
  type: 'property' | 'value';
  detail?: string;
  info?: string;
  apply: string;
}

const TYPE_NAMES: Record<Lang, Record<string, string>> = {
  ko: {
    string: '문자열',
    integer: '정수',
    number: '숫자',
    boolean: 'true/false',
    object: '매핑',
    array: '목록',
    null: '빈 값',
  },
  en: { string: 'string', integer: 'integer', number: 'number', boolean: 'boolean', object: 'mapping', array: 'list' },
};
const typeName = (lang: Lang, type: string) =>
  type
    .split(' or ')
    .map((name) => TYPE_NAMES[lang][name] ?? name)
    .join(lang === 'ko' ? ' 또는 ' : ' or ');

/** The words of one schema issue in the page's language. */
export function issueMessage(issue: SchemaIssue, lang: Lang): string {
  const field = String(issue.path.at(-1) ?? '');
  const values: Record<string, string> = {
    field: issue.kind === 'required' ? issue.expected : field,
    expected: issue.kind === 'type' ? typeName(lang, issue.expected) : issue.expected,
    found: issue.kind === 'type' ? typeName(lang, String(issue.found)) : JSON.stringify(issue.found),
  };
  return t(lang, `yaml.${issue.kind}` as UiKey, values);
}

/** The text range of the node an issue is about: the key of an unknown field, the value of a wrong one. */
function rangeOf(doc: Document, issue: SchemaIssue): [number, number] {
  const keyOf = (path: JsonPath): [number, number] | undefined => {
    const parent = path.length > 1 ? doc.getIn(path.slice(0, -1), true) : doc.contents;
    if (!isMap(parent)) return undefined;
    const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === path.at(-1));
    const range = isScalar(pair?.key) ? pair.key.range : undefined;
    return range ? [range[0], range[1]] : undefined;
  };
  const nodeRange = (path: JsonPath): [number, number] | undefined => {
    const node = path.length > 0 ? doc.getIn(path, true) : doc.contents;
    const range = (node as { range?: [number, number, number] } | null)?.range;
    return range ? [range[0], range[1]] : undefined;
  };
  const first = (): [number, number] => {
    const root = doc.contents;
    const key = isMap(root) && isScalar(root.items[0]?.key) ? root.items[0].key.range : undefined;
    return key ? [key[0], key[1]] : [0, 1];
  };
  if (issue.kind === 'unknown') return keyOf(issue.path) ?? first();
  // A missing field is marked on the key of the mapping that lacks it (the document's first key at the top).
  if (issue.kind === 'required') return (issue.path.length > 0 ? keyOf(issue.path) : undefined) ?? first();
  return nodeRange(issue.path) ?? keyOf(issue.path) ?? first();
}

/** Every problem of a (multi-document) manifest. */
export function problemsOf(text: string, schema: Json, lang: Lang): Problem[] {
  const problems: Problem[] = [];
  for (const doc of parseAllDocuments(text)) {
    for (const error of doc.errors) {
      const [from, to] = error.pos;
      problems.push({
        from,
        to: Math.max(to, from + 1),
        message: t(lang, 'yaml.syntax', { message: error.message.split('\n')[0]! }),
      });
    }
    if (doc.errors.length > 0) continue;
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    const seen = new Set<string>();
    for (const issue of schemaIssues(schema, value)) {
      const key = `${issue.kind} ${JSON.stringify(issue.path)} ${issue.expected}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const [from, to] = rangeOf(doc, issue);
      problems.push({ from, to: Math.max(to, from + 1), message: issueMessage(issue, lang) });
    }
  }
  return problems;
}

/** One line as far as structure goes: where its `- ` markers and its key are. */
interface LineShape {
  from: number;
  /** Columns of the `- ` item markers at the start of the line. */
  dashes: number[];
  /** Column where the content after the markers starts. */
  column: number;
  key?: string;
  /** Whether the key has a value on the same line (so it owns no nested block). */
  inlineValue: boolean;
  blank: boolean;
}

function shapeOf(text: string, from: number): LineShape {
  const m = /^( *)((?:- +)*)(.*)$/.exec(text)!;
  const dashes: number[] = [];
  let column = m[1]!.length;
  for (const marker of m[2]!.match(/- +/g) ?? []) {
    dashes.push(column);
    column += marker.length;
  }
  const rest = m[3]!;
  const key = /^([\w./-]+|"[^"]*"|'[^']*'):(?:\s|$)/.exec(rest);
  const blank = rest.trim() === '' || rest.trimStart().startsWith('#');
  return {
    from,
    dashes,
    column,
    key: key ? key[1]!.replace(/^["']|["']$/g, '') : undefined,
    inlineValue: key ? rest.slice(key[0].length).trim().replace(/^#.*/, '') !== '' : false,
    blank: blank && dashes.length === 0,
  };
}

/** The document (between `---` lines) around `offset`, as line shapes, and the index of the line at `offset`. */
function documentAround(text: string, offset: number): { lines: LineShape[]; at: number } {
  const all: LineShape[] = [];
  let from = 0;
  for (const line of text.split('\n')) {
    all.push(shapeOf(line, from));
    from += line.length + 1;
  }
  let at = all.findIndex((_, i) => i === all.length - 1 || all[i + 1]!.from > offset);
  if (at < 0) at = all.length - 1;
  const isSeparator = (i: number) => /^---/.test(text.slice(all[i]!.from, all[i]!.from + 3));
  let start = at;
  while (start > 0 && !isSeparator(start - 1)) start--;
  let end = at;
  while (end < all.length - 1 && !isSeparator(end + 1)) end++;
  return { lines: all.slice(start, end + 1), at: at - start };
}

/** A path step: a field name, or `null` for an item of a list. */
type Step = string | null;

/** The path of the sequence whose `- ` markers sit at `column`, looking up from line `at`. */
function sequencePath(lines: LineShape[], at: number, column: number): Step[] {
  for (let i = at - 1; i >= 0; i--) {
    const line = lines[i]!;
    if (line.blank || line.dashes.includes(column) || line.column > column) continue;
    if (line.key !== undefined && !line.inlineValue && line.column <= column)
      return [...containerPath(lines, i, line), line.key];
    return [];
  }
  return [];
}

/** The path of the mapping that holds the key of line `at` (a key at its content column). */
function containerPath(lines: LineShape[], at: number, line: LineShape): Step[] {
  const column = line.column;
  // The key right after a `- `: the first key of a new item.
  if (line.dashes.at(-1) === column - 2 || (line.dashes.length > 0 && line.dashes.at(-1)! + 2 <= column))
    return [...sequencePath(lines, at, line.dashes.at(-1)!), null];
  for (let i = at - 1; i >= 0; i--) {
    const above = lines[i]!;
    if (above.blank || above.column > column) continue;
    if (above.column === column) {
      // A sibling; if it starts an item, this key is in that item.
      if (above.dashes.length > 0) return [...sequencePath(lines, i, above.dashes.at(-1)!), null];
      continue;
    }
    if (above.key !== undefined && !above.inlineValue) return [...containerPath(lines, i, above), above.key];
    return [];
  }
  return [];
}

/** The keys already in the mapping of line `at` (same column, same block). */
function siblingsOf(lines: LineShape[], at: number, column: number): Set<string> {
  const keys = new Set<string>();
  const inBlock = (line: LineShape) => line.blank || line.column > column || line.column === column;
  for (let i = at - 1; i >= 0 && inBlock(lines[i]!); i--) {
    const line = lines[i]!;
    if (line.column === column && line.key) keys.add(line.key);
    if (line.column === column && line.dashes.at(-1) === column - 2) break;
  }
  for (let i = at + 1; i < lines.length && inBlock(lines[i]!); i++) {
    const line = lines[i]!;
    if (line.column === column && line.dashes.at(-1) === column - 2) break;
    if (line.column === column && line.key) keys.add(line.key);
  }
  return keys;
}

/** The schemas that apply to a node: its own and each `allOf` branch whose `if` holds for `value`. */
function applicable(schema: Json, value: unknown): Json[] {
  const branches = ((schema.allOf ?? []) as Json[]).filter(
    (b) => !b.if || schemaIssues(b.if as Json, value).length === 0,
  );
  return [schema, ...branches.map((b) => (b.then ?? b) as Json)];
}

/** The schemas at a path below the document root (whose `kind` and `apiVersion` pick its branch). */
function schemasAt(root: Json, top: Json, path: Step[]): Json[] {
  let current = applicable(root, top);
  for (const step of path) {
    current = current.flatMap((s): Json[] => {
      if (step === null) return s.items && typeof s.items === 'object' ? [s.items as Json] : [];
      const property = (s.properties as Record<string, Json> | undefined)?.[step];
      if (property) return [property];
      return typeof s.additionalProperties === 'object' ? [s.additionalProperties as Json] : [];
    });
  }
  return current;
}

/** The top-level `kind` and `apiVersion` of the document, read from its lines (it may not parse while typed). */
function topOf(text: string, lines: LineShape[]): Json {
  const top: Json = {};
  for (const line of lines) {
    if (line.column !== 0 || line.dashes.length > 0 || !line.key) continue;
    const value = /:\s*(\S+)/.exec(text.slice(line.from).split('\n')[0]!)?.[1];
    if (value && (line.key === 'kind' || line.key === 'apiVersion')) top[line.key] = value.replace(/^["']|["']$/g, '');
  }
  return top;
}

const descriptionOf = (schemas: Json[]) =>
  schemas.map((s) => s.description).find((d) => typeof d === 'string') as string | undefined;
const typeOfSchema = (schemas: Json[]) => {
  const type = schemas.map((s) => s.type).find((x) => x !== undefined);
  return type === undefined ? undefined : [type].flat().join(' or ');
};

/** What may be typed at `offset`: the fields the mapping may still have, or the values of the field being given. */
export function suggestionsAt(
  text: string,
  offset: number,
  schema: Json,
  lang: Lang,
): { from: number; options: Suggestion[] } | null {
  const { lines, at } = documentAround(text, offset);
  const line = lines[at]!;
  const before = text.slice(line.from, offset);
  const top = topOf(text, lines);
  const asKey = /^( *)((?:- +)*)([\w./-]*)$/.exec(before);
  if (asKey) {
    const shape = shapeOf(before, line.from);
    const path = containerPath(lines, at, shape);
    const present = siblingsOf(lines, at, shape.column);
    const options: Suggestion[] = [];
    const seen = new Set<string>();
    for (const s of schemasAt(schema, top, path)) {
      for (const [name, property] of Object.entries((s.properties ?? {}) as Record<string, Json>)) {
        if (seen.has(name) || present.has(name)) continue;
        seen.add(name);
        const type = typeOfSchema(schemasAt(schema, top, [...path, name]));
        options.push({
          label: name,
          type: 'property',
          detail: type ? typeName(lang, type) : undefined,
          info: descriptionOf([property]) ?? descriptionOf(schemasAt(schema, top, [...path, name])),
          apply: `${name}: `,
        });
      }
    }
    return { from: offset - asKey[3]!.length, options };
  }
  const asValue = /^( *)((?:- +)*)([\w./-]+):\s+([\w./-]*)$/.exec(before);
  if (asValue) {
    const shape = shapeOf(before, line.from);
    const path = [...containerPath(lines, at, shape), asValue[3]!];
    const schemas = schemasAt(schema, top, path);
    const values = new Set<string>();
    for (const s of schemas) {
      for (const v of [...((s.enum as unknown[]) ?? []), ...((s.examples as unknown[]) ?? [])]) values.add(String(v));
      if ('const' in s) values.add(String(s.const));
      if ([s.type].flat().includes('boolean')) for (const v of ['true', 'false']) values.add(v);
    }
    const options = [...values].map((v): Suggestion => ({ label: v, type: 'value', apply: v }));
    return options.length > 0 ? { from: offset - asValue[4]!.length, options } : null;
  }
  return null;
}

/** The field whose key is at `offset`, with its range and description (if the schema has one). */
export function describeAt(
  text: string,
  offset: number,
  schema: Json,
): { from: number; to: number; field: string; description: string } | null {
  const { lines, at } = documentAround(text, offset);
  const line = lines[at]!;
  if (!line.key) return null;
  const from = line.from + line.column;
  const to = from + line.key.length;
  if (offset < from || offset > to) return null;
  const schemas = schemasAt(schema, topOf(text, lines), [...containerPath(lines, at, line), line.key]);
  const description = descriptionOf(schemas);
  return description ? { from, to, field: line.key, description } : null;
}
