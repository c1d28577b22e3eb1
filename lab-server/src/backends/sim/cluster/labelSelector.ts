/** Kubernetes label selectors (`app=reviews,version in (v1,v2),!canary,tier`), parsed once, matched many times. */

/** One requirement of a selector. */
export type Requirement =
  | { op: 'eq' | 'neq'; key: string; value: string }
  | { op: 'in' | 'notin'; key: string; values: string[] }
  | { op: 'exists' | 'notexists'; key: string };

/** A selector that does not parse, with the API server's wording. */
export class SelectorError extends Error {}

/** Parses the string form; throws `SelectorError`. */
export function parseSelector(text: string | undefined): Requirement[] {
  const source = (text ?? '').trim();
  if (source === '') return [];
  const parts: string[] = [];
  let depth = 0;
  let current = '';
  for (const c of source) {
    if (c === '(') depth++;
    if (c === ')') depth--;
    if (c === ',' && depth === 0) {
      parts.push(current);
      current = '';
    } else current += c;
  }
  parts.push(current);
  return parts.map((raw) => {
    const part = raw.trim();
    let m = /^([A-Za-z0-9._/-]+)\s+(in|notin)\s+\(([^)]*)\)$/.exec(part);
    if (m)
      return {
        op: m[2] as 'in' | 'notin',
        key: m[1]!,
        values: m[3]!
          .split(',')
          .map((v) => v.trim())
          .filter(Boolean),
      };
    m = /^([A-Za-z0-9._/-]+)\s*(==|=|!=)\s*([A-Za-z0-9._-]*)$/.exec(part);
    if (m) return { op: m[2] === '!=' ? 'neq' : 'eq', key: m[1]!, value: m[3]! };
    m = /^(!?)([A-Za-z0-9._/-]+)$/.exec(part);
    if (m) return { op: m[1] ? 'notexists' : 'exists', key: m[2]! };
    throw new SelectorError(`unable to parse requirement: found '${part}', expected: in, notin, =, ==, !=, gt, lt`);
  });
}

/** Whether labels satisfy every requirement. */
export function matchesSelector(requirements: Requirement[], labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return requirements.every((r) => satisfies(r, l));
}

/** Whether labels satisfy one requirement. */
function satisfies(r: Requirement, l: Record<string, string>): boolean {
  const has = Object.hasOwn(l, r.key);
  switch (r.op) {
    case 'eq':
      return has && l[r.key] === r.value;
    case 'neq':
      return !has || l[r.key] !== r.value;
    case 'in':
      return has && r.values.includes(l[r.key]!);
    case 'notin':
      return !has || !r.values.includes(l[r.key]!);
    case 'exists':
      return has;
    case 'notexists':
      return !has;
  }
}

/** Whether a map selector (`spec.selector` of a Service, `matchLabels`) matches labels; an empty map matches all. */
export function mapSelects(
  selector: Record<string, string> | undefined,
  labels: Record<string, string> | undefined,
): boolean {
  if (!selector) return false;
  return Object.entries(selector).every(([k, v]) => labels?.[k] === v);
}
