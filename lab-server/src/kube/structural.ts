/**
 * A small structural schema (the subset of OpenAPI v3 the CRDs use) and the API server's two kinds of
 * complaints about it: strict decoding errors for unknown fields, and field errors (`Required value`,
 * `must be of type integer`) in Kubernetes' wording.
 */

/** A structural schema node. */
export type Schema =
  | { type: 'object'; properties?: Record<string, Schema>; required?: string[]; additional?: Schema }
  | { type: 'array'; items: Schema }
  | { type: 'string'; enum?: string[] }
  | { type: 'integer'; minimum?: number; maximum?: number }
  | { type: 'number' }
  | { type: 'boolean' }
  | { type: 'int-or-string' }
  /** Anything: kept as is (deep or rarely used fields). */
  | { type: 'any' };

/** What was wrong. */
export interface StructuralProblems {
  unknownFields: string[];
  fieldErrors: string[];
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  return typeof value;
}

function shown(value: unknown): string {
  if (typeof value === 'string') return `"${value}"`;
  if (typeof value === 'object' && value !== null) return `"${typeName(value)}"`;
  return String(value);
}

/** Checks `value` at `path` (`spec.http[0]`) against `schema`, collecting problems. */
export function checkStructure(value: unknown, schema: Schema, path: string, problems: StructuralProblems): void {
  if (value === null || value === undefined) return;
  const actual = typeName(value);
  const wrongType = (expected: string): void =>
    void problems.fieldErrors.push(
      `${path}: Invalid value: ${shown(value)}: ${path} in body must be of type ${expected}: "${actual}"`,
    );
  switch (schema.type) {
    case 'any':
      return;
    case 'string':
      if (typeof value !== 'string') return wrongType('string');
      if (schema.enum && !schema.enum.includes(value)) {
        problems.fieldErrors.push(
          `${path}: Unsupported value: "${value}": supported values: ${schema.enum.map((e) => `"${e}"`).join(', ')}`,
        );
      }
      return;
    case 'integer':
      if (actual !== 'integer') return wrongType('integer');
      if (schema.minimum !== undefined && (value as number) < schema.minimum)
        problems.fieldErrors.push(
          `${path}: Invalid value: ${value}: ${path} in body should be greater than or equal to ${schema.minimum}`,
        );
      if (schema.maximum !== undefined && (value as number) > schema.maximum)
        problems.fieldErrors.push(
          `${path}: Invalid value: ${value}: ${path} in body should be less than or equal to ${schema.maximum}`,
        );
      return;
    case 'number':
      if (typeof value !== 'number') wrongType('number');
      return;
    case 'boolean':
      if (typeof value !== 'boolean') wrongType('boolean');
      return;
    case 'int-or-string':
      if (typeof value !== 'string' && actual !== 'integer')
        problems.fieldErrors.push(
          `${path}: Invalid value: ${shown(value)}: ${path} in body must be of type integer-or-string: "${actual}"`,
        );
      return;
    case 'array':
      if (!Array.isArray(value)) return wrongType('array');
      value.forEach((item, i) => checkStructure(item, schema.items, `${path}[${i}]`, problems));
      return;
    case 'object': {
      if (actual !== 'object') return wrongType('object');
      const obj = value as Record<string, unknown>;
      for (const name of schema.required ?? []) {
        if (obj[name] === undefined || obj[name] === null)
          problems.fieldErrors.push(`${path ? `${path}.` : ''}${name}: Required value`);
      }
      for (const [key, child] of Object.entries(obj)) {
        const childPath = path ? `${path}.${key}` : key;
        const childSchema = schema.properties?.[key] ?? schema.additional;
        if (!childSchema) problems.unknownFields.push(childPath);
        else checkStructure(child, childSchema, childPath, problems);
      }
      return;
    }
  }
}

/** Shorthands for writing schemas as data. */
export const s = {
  obj: (properties: Record<string, Schema>, required?: string[]): Schema => ({
    type: 'object',
    properties,
    ...(required ? { required } : {}),
  }),
  map: (additional: Schema): Schema => ({ type: 'object', additional }),
  arr: (items: Schema): Schema => ({ type: 'array', items }),
  str: { type: 'string' } as Schema,
  enumOf: (...values: string[]): Schema => ({ type: 'string', enum: values }),
  int: { type: 'integer' } as Schema,
  port: { type: 'integer', minimum: 0, maximum: 4294967295 } as Schema,
  num: { type: 'number' } as Schema,
  bool: { type: 'boolean' } as Schema,
  intOrStr: { type: 'int-or-string' } as Schema,
  any: { type: 'any' } as Schema,
};
