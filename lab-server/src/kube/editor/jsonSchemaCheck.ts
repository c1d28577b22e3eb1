/**
 * The part of JSON Schema the editor's schemas use (type, properties, additionalProperties, required, enum,
 * const, items, pattern, minimum/maximum, allOf with if/then), checked the way yaml-language-server does,
 * so tests can run the lessons' manifests through the editor's schema without a browser.
 */
type Json = Record<string, unknown>;

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

/** The problems of `value` against `schema`, each as `path: what is wrong`. */
export function schemaProblems(schema: Json, value: unknown, path = ''): string[] {
  const problems: string[] = [];
  if (schema.type !== undefined && !typeMatches(schema.type, typeOf(value)))
    return [`${path}: expected ${String(schema.type)}, got ${typeOf(value)}`];
  if (schema.enum && !(schema.enum as unknown[]).includes(value))
    problems.push(`${path}: ${JSON.stringify(value)} is not one of ${(schema.enum as unknown[]).join(', ')}`);
  if ('const' in schema && schema.const !== value) problems.push(`${path}: expected ${JSON.stringify(schema.const)}`);
  if (typeof schema.pattern === 'string' && typeof value === 'string' && !new RegExp(schema.pattern, 'u').test(value))
    problems.push(`${path}: does not match ${schema.pattern}`);
  if (typeof value === 'number') {
    if (typeof schema.minimum === 'number' && value < schema.minimum) problems.push(`${path}: below ${schema.minimum}`);
    if (typeof schema.maximum === 'number' && value > schema.maximum) problems.push(`${path}: above ${schema.maximum}`);
  }
  if (Array.isArray(value) && schema.items)
    value.forEach((v, i) => problems.push(...schemaProblems(schema.items as Json, v, `${path}[${i}]`)));
  if (typeOf(value) === 'object') {
    const object = value as Record<string, unknown>;
    const properties = (schema.properties ?? {}) as Record<string, Json>;
    for (const name of (schema.required as string[] | undefined) ?? [])
      if (!(name in object)) problems.push(`${path}: missing ${name}`);
    for (const [name, v] of Object.entries(object)) {
      const at = path ? `${path}.${name}` : name;
      if (properties[name]) problems.push(...schemaProblems(properties[name], v, at));
      else if (schema.additionalProperties === false) problems.push(`${at}: property not allowed`);
      else if (typeof schema.additionalProperties === 'object')
        problems.push(...schemaProblems(schema.additionalProperties as Json, v, at));
    }
  }
  for (const branch of (schema.allOf ?? []) as Json[]) {
    if (branch.if ? ifHolds(branch, value) : true)
      problems.push(...schemaProblems((branch.then ?? branch) as Json, value, path));
  }
  return problems;
}

function ifHolds(branch: Json, value: unknown): boolean {
  return schemaProblems(branch.if as Json, value).length === 0;
}
