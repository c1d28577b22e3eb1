/**
 * The part of JSON Schema the editor's schemas use (type, properties, additionalProperties, required, enum,
 * const, items, pattern, minimum/maximum, allOf with if/then), checked the way yaml-language-server does. The
 * editor turns the issues into squiggles at their YAML nodes; tests run the lessons' manifests through it.
 */
type Json = Record<string, unknown>;

/** Where in a document: object keys and array indices from the root. */
export type JsonPath = (string | number)[];

/** One way a value breaks its schema, at a path: what was expected there and what was found. */
export interface SchemaIssue {
  path: JsonPath;
  kind: 'type' | 'enum' | 'const' | 'pattern' | 'minimum' | 'maximum' | 'required' | 'unknown';
  /** The schema's words: the type(s), the allowed values, the pattern, the bound, the missing field's name. */
  expected: string;
  /** The value found (its type name for `type`). */
  found?: unknown;
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function typeMatches(expected: unknown, actual: string): boolean {
  const types = Array.isArray(expected) ? expected : [expected];
  return types.some((t) => t === actual || (t === 'number' && actual === 'integer'));
}

/** The issues of `value` against `schema`. */
export function schemaIssues(schema: Json, value: unknown, path: JsonPath = []): SchemaIssue[] {
  const issues: SchemaIssue[] = [];
  const issue = (kind: SchemaIssue['kind'], expected: string, at: JsonPath = path) =>
    issues.push({ path: at, kind, expected, found: value });
  if (schema.type !== undefined && !typeMatches(schema.type, typeOf(value)))
    return [{ path, kind: 'type', expected: [schema.type].flat().join(' or '), found: typeOf(value) }];
  if (schema.enum && !(schema.enum as unknown[]).includes(value)) issue('enum', (schema.enum as unknown[]).join(', '));
  if ('const' in schema && schema.const !== value) issue('const', JSON.stringify(schema.const));
  if (typeof schema.pattern === 'string' && typeof value === 'string' && !new RegExp(schema.pattern, 'u').test(value))
    issue('pattern', schema.pattern);
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) issue('minimum', String(schema.minimum));
    if (typeof schema.maximum === 'number' && value > schema.maximum) issue('maximum', String(schema.maximum));
  }
  if (Array.isArray(value) && schema.items)
    value.forEach((v, i) => {
      issues.push(...schemaIssues(schema.items as Json, v, [...path, i]));
    });
  if (typeOf(value) === 'object') {
    const object = value as Record<string, unknown>;
    const properties = (schema.properties ?? {}) as Record<string, Json>;
    for (const name of (schema.required as string[] | undefined) ?? []) if (!(name in object)) issue('required', name);
    for (const [name, v] of Object.entries(object)) {
      if (properties[name]) issues.push(...schemaIssues(properties[name], v, [...path, name]));
      else if (schema.additionalProperties === false) issue('unknown', name, [...path, name]);
      else if (typeof schema.additionalProperties === 'object')
        issues.push(...schemaIssues(schema.additionalProperties as Json, v, [...path, name]));
    }
  }
  for (const branch of (schema.allOf ?? []) as Json[]) {
    if (branch.if ? schemaIssues(branch.if as Json, value).length === 0 : true)
      issues.push(...schemaIssues((branch.then ?? branch) as Json, value, path));
  }
  return issues;
}

/** The same issues as `path: what is wrong` lines. */
export function schemaProblems(schema: Json, value: unknown): string[] {
  const text = (path: JsonPath) =>
    path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? p : `.${p}`)).join('');
  return schemaIssues(schema, value).map(({ path, kind, expected, found }) => {
    const at = text(path);
    if (kind === 'type') return `${at}: expected ${expected.replace(' or ', ',')}, got ${String(found)}`;
    if (kind === 'enum') return `${at}: ${JSON.stringify(found)} is not one of ${expected}`;
    if (kind === 'const') return `${at}: expected ${expected}`;
    if (kind === 'pattern') return `${at}: does not match ${expected}`;
    if (kind === 'minimum') return `${at}: below ${expected}`;
    if (kind === 'maximum') return `${at}: above ${expected}`;
    if (kind === 'required') return `${at}: missing ${expected}`;
    return `${at}: property not allowed`;
  });
}
