/**
 * kubectl's JSONPath dialect: `{.items[*].metadata.name}`, `{.spec.ports[?(@.name=="http2")].nodePort}`,
 * `{range .items[*]}{.metadata.name}{"\n"}{end}`, `..` recursive descent, quoted keys, slices, and text
 * outside braces printed literally. Multiple results of one expression are joined with spaces.
 */

type Value = unknown;

/** A template that does not parse, with kubectl's wording. */
export class JsonPathError extends Error {}

type Segment =
  | { kind: 'field'; name: string }
  | { kind: 'all' }
  | { kind: 'index'; start?: number; end?: number; single: boolean }
  | { kind: 'filter'; left: string[]; op?: string; right?: string | number | boolean }
  | { kind: 'recursive'; name?: string };

type Node =
  | { kind: 'text'; text: string }
  | { kind: 'path'; segments: Segment[]; literal?: string }
  | { kind: 'range'; segments: Segment[]; body: Node[] };

function parsePath(expr: string): Segment[] {
  const segments: Segment[] = [];
  let i = 0;
  let text = expr.trim();
  if (text.startsWith('$')) text = text.slice(1);
  while (i < text.length) {
    const c = text[i]!;
    if (c === '.' && text[i + 1] === '.') {
      i += 2;
      const m = /^[A-Za-z0-9_\-\\/]+|^\*/.exec(text.slice(i));
      segments.push({ kind: 'recursive', ...(m && m[0] !== '*' ? { name: m[0] } : {}) });
      if (m) i += m[0].length;
    } else if (c === '.') {
      i++;
      const m = /^(?:\\.|[A-Za-z0-9_\-/:])+/.exec(text.slice(i));
      if (!m) {
        if (text[i] === '*') {
          segments.push({ kind: 'all' });
          i++;
          continue;
        }
        if (i >= text.length) break;
        continue;
      }
      segments.push({ kind: 'field', name: m[0].replace(/\\\./g, '.') });
      i += m[0].length;
    } else if (c === '[') {
      const close = findClose(text, i);
      const inner = text.slice(i + 1, close).trim();
      i = close + 1;
      if (inner === '*') segments.push({ kind: 'all' });
      else if (/^'.*'$|^".*"$/.test(inner)) segments.push({ kind: 'field', name: inner.slice(1, -1) });
      else if (inner.startsWith('?(')) segments.push(parseFilter(inner.slice(2, -1)));
      else if (/^-?\d*:-?\d*$/.test(inner)) {
        const [a, b] = inner.split(':');
        segments.push({
          kind: 'index',
          ...(a ? { start: Number(a) } : {}),
          ...(b ? { end: Number(b) } : {}),
          single: false,
        });
      } else if (/^-?\d+$/.test(inner)) segments.push({ kind: 'index', start: Number(inner), single: true });
      else throw new JsonPathError(`invalid array index ${inner}`);
    } else if (/\s/.test(c)) i++;
    else {
      const m = /^[A-Za-z0-9_-]+/.exec(text.slice(i));
      if (!m)
        throw new JsonPathError(
          `unrecognized character in action: U+${c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')} '${c}'`,
        );
      segments.push({ kind: 'field', name: m[0] });
      i += m[0].length;
    }
  }
  return segments;
}

function findClose(text: string, open: number): number {
  let depth = 0;
  let quote: string | undefined;
  for (let i = open; i < text.length; i++) {
    const c = text[i]!;
    if (quote) {
      if (c === quote) quote = undefined;
      continue;
    }
    if (c === '"' || c === "'") quote = c;
    else if (c === '[' || c === '(') depth++;
    else if (c === ']' || c === ')') {
      depth--;
      if (depth === 0 && c === ']') return i;
    }
  }
  throw new JsonPathError('unterminated array');
}

function parseFilter(text: string): Segment {
  const m = /^@((?:\.[A-Za-z0-9_\-/]+|\['[^']*'\])*)\s*(==|!=|<=|>=|<|>|=~)?\s*(.*)$/.exec(text.trim());
  if (!m) throw new JsonPathError(`unrecognized filter: ${text}`);
  const left = [...m[1]!.matchAll(/\.([A-Za-z0-9_\-/]+)|\['([^']*)'\]/g)].map((x) => x[1] ?? x[2]!);
  if (!m[2]) return { kind: 'filter', left };
  const raw = m[3]!.trim();
  let right: string | number | boolean;
  if (/^".*"$|^'.*'$/.test(raw)) right = raw.slice(1, -1);
  else if (raw === 'true' || raw === 'false') right = raw === 'true';
  else if (/^-?\d+(\.\d+)?$/.test(raw)) right = Number(raw);
  else right = raw;
  return { kind: 'filter', left, op: m[2], right };
}

function evaluate(values: Value[], segments: Segment[]): Value[] {
  let current = values;
  for (const seg of segments) {
    const next: Value[] = [];
    for (const v of current) {
      switch (seg.kind) {
        case 'field':
          if (v && typeof v === 'object' && !Array.isArray(v) && seg.name in (v as object))
            next.push((v as Record<string, Value>)[seg.name]);
          break;
        case 'all':
          if (Array.isArray(v)) next.push(...v);
          else if (v && typeof v === 'object') next.push(...Object.values(v as object));
          break;
        case 'index':
          if (Array.isArray(v)) {
            if (seg.single) {
              const idx = seg.start! < 0 ? v.length + seg.start! : seg.start!;
              if (idx < 0 || idx >= v.length)
                throw new JsonPathError(`array index out of bounds: index ${seg.start}, length ${v.length}`);
              next.push(v[idx]);
            } else next.push(...v.slice(seg.start ?? 0, seg.end ?? v.length));
          }
          break;
        case 'filter':
          if (Array.isArray(v)) {
            for (const item of v) {
              let left: Value = item;
              for (const k of seg.left)
                left = left && typeof left === 'object' ? (left as Record<string, Value>)[k] : undefined;
              if (!seg.op) {
                if (left !== undefined && left !== null) next.push(item);
                continue;
              }
              const r = seg.right;
              const ok =
                seg.op === '=='
                  ? String(left) === String(r)
                  : seg.op === '!='
                    ? String(left) !== String(r)
                    : seg.op === '=~'
                      ? new RegExp(String(r)).test(String(left))
                      : seg.op === '<'
                        ? Number(left) < Number(r)
                        : seg.op === '>'
                          ? Number(left) > Number(r)
                          : seg.op === '<='
                            ? Number(left) <= Number(r)
                            : Number(left) >= Number(r);
              if (ok && left !== undefined) next.push(item);
            }
          }
          break;
        case 'recursive': {
          const walk = (x: Value) => {
            if (!x || typeof x !== 'object') return;
            if (seg.name === undefined) next.push(x);
            else if (!Array.isArray(x) && seg.name in (x as object)) next.push((x as Record<string, Value>)[seg.name]);
            for (const child of Array.isArray(x) ? x : Object.values(x as object)) walk(child);
          };
          walk(v);
          break;
        }
      }
    }
    current = next;
  }
  return current;
}

function parseTemplate(template: string): Node[] {
  const nodes: Node[] = [];
  const stack: Node[][] = [nodes];
  const ranges: Extract<Node, { kind: 'range' }>[] = [];
  let i = 0;
  while (i < template.length) {
    const open = template.indexOf('{', i);
    if (open < 0) {
      stack.at(-1)!.push({ kind: 'text', text: template.slice(i) });
      break;
    }
    if (open > i) stack.at(-1)!.push({ kind: 'text', text: template.slice(i, open) });
    let close = open + 1;
    let quote: string | undefined;
    for (; close < template.length; close++) {
      const c = template[close]!;
      if (quote) {
        if (c === '\\') close++;
        else if (c === quote) quote = undefined;
        continue;
      }
      if (c === '"' || c === "'") quote = c;
      else if (c === '}') break;
    }
    if (close >= template.length) throw new JsonPathError('unclosed action');
    const inner = template.slice(open + 1, close).trim();
    i = close + 1;
    if (inner.startsWith('range ')) {
      const node: Extract<Node, { kind: 'range' }> = { kind: 'range', segments: parsePath(inner.slice(6)), body: [] };
      stack.at(-1)!.push(node);
      ranges.push(node);
      stack.push(node.body);
    } else if (inner === 'end') {
      if (ranges.length === 0) throw new JsonPathError('not in range, nothing to end');
      ranges.pop();
      stack.pop();
    } else if (/^".*"$|^'.*'$/s.test(inner)) {
      stack.at(-1)!.push({
        kind: 'path',
        segments: [],
        literal: inner
          .slice(1, -1)
          .replace(/\\n/g, '\n')
          .replace(/\\t/g, '\t')
          .replace(/\\r/g, '\r')
          .replace(/\\"/g, '"'),
      });
    } else stack.at(-1)!.push({ kind: 'path', segments: parsePath(inner) });
  }
  if (ranges.length > 0) throw new JsonPathError('unclosed range');
  return nodes;
}

function show(value: Value): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Renders `template` against `data`; `allowMissing` is kubectl's `--allow-missing-template-keys` (default true). */
export function renderJsonPath(template: string, data: Value, allowMissing = true): string {
  const render = (nodes: Node[], context: Value): string => {
    let out = '';
    for (const node of nodes) {
      if (node.kind === 'text') out += node.text;
      else if (node.kind === 'path') {
        if (node.literal !== undefined) {
          out += node.literal;
          continue;
        }
        const results = evaluate([context], node.segments);
        if (results.length === 0 && !allowMissing)
          throw new JsonPathError(
            `${node.segments.map((s) => (s.kind === 'field' ? s.name : '')).join('.')} is not found`,
          );
        out += results.map(show).join(' ');
      } else {
        for (const item of evaluate([context], node.segments)) out += render(node.body, item);
      }
    }
    return out;
  };
  return render(parseTemplate(template), data);
}

/** Throws a `JsonPathError` when `template` does not parse (kubectl checks before it fetches anything). */
export function checkJsonPath(template: string): void {
  parseTemplate(template);
}

/** Go's `%#v` of a decoded JSON value, as kubectl's JSONPath error shows the object it was given. */
export function goSyntax(value: Value): string {
  if (value === null || value === undefined) return 'interface {}(nil)';
  if (Array.isArray(value)) return `[]interface {}{${value.map(goSyntax).join(', ')}}`;
  if (typeof value === 'object')
    return `map[string]interface {}{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${goSyntax((value as Record<string, Value>)[k])}`)
      .join(', ')}}`;
  if (typeof value === 'string') return JSON.stringify(value);
  return String(value);
}

/** `-o jsonpath-as-json`: the results as a JSON array. */
export function jsonPathAsJson(template: string, data: Value): string {
  const inner = template.trim().replace(/^\{|\}$/g, '');
  return `${JSON.stringify(evaluate([data], parsePath(inner)), null, 4)}\n`;
}
