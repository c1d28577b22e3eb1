/**
 * A small structural schema (the subset of OpenAPI v3 the CRDs use) and the API server's two kinds of
 * complaints about it: strict decoding errors for unknown fields, and field errors (`Required value`,
 * `must be of type integer`) in Kubernetes' wording.
 */

/** A structural schema node; `default` is written in by the API server when the field is absent (CRD defaulting). */
export type Schema = (
  | { type: 'object'; properties?: Record<string, Schema>; required?: string[]; additional?: Schema }
  | { type: 'array'; items: Schema }
  | { type: 'string'; enum?: string[] }
  | { type: 'integer'; minimum?: number; maximum?: number; enum?: number[] }
  | { type: 'number' }
  | { type: 'boolean' }
  | { type: 'int-or-string' }
  /** Anything: kept as is (deep or rarely used fields). */
  | { type: 'any' }
) & { default?: unknown };

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
  const wrongType = (expected: string): void => {
    problems.fieldErrors.push(
      `${path}: Invalid value: ${shown(value)}: ${path} in body must be of type ${expected}: "${actual}"`,
    );
  };
  switch (schema.type) {
    case 'any':
      return;
    case 'string':
      if (typeof value !== 'string') {
        wrongType('string');
        return;
      }
      if (schema.enum && !schema.enum.includes(value)) {
        problems.fieldErrors.push(
          `${path}: Unsupported value: "${value}": supported values: ${schema.enum.map((e) => `"${e}"`).join(', ')}`,
        );
      }
      return;
    case 'integer':
      if (actual !== 'integer') {
        wrongType('integer');
        return;
      }
      if (schema.enum && !schema.enum.includes(value as number)) {
        problems.fieldErrors.push(
          `${path}: Unsupported value: ${value}: supported values: ${schema.enum.map((e) => `"${e}"`).join(', ')}`,
        );
        return;
      }
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
      if (!Array.isArray(value)) {
        wrongType('array');
        return;
      }
      for (const [i, item] of value.entries()) checkStructure(item, schema.items, `${path}[${i}]`, problems);
      return;
    case 'object': {
      if (actual !== 'object') {
        wrongType('object');
        return;
      }
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

/** An object schema whose properties and required names are known to the type system (see `Infer`). */
export interface ObjectSchema<P extends Record<string, Schema>, R extends keyof P & string> {
  type: 'object';
  properties: P;
  required?: R[];
}

/** The TypeScript type of the values a schema accepts: the schema is the one definition of a kind's shape. */
export type Infer<S> = S extends {
  type: 'object';
  properties: infer P extends Record<string, Schema>;
  required?: infer RA;
}
  ? InferObject<P, RequiredNames<RA>>
  : S extends { type: 'object'; additional: infer A }
    ? Record<string, Infer<A>>
    : S extends { type: 'array'; items: infer I }
      ? Infer<I>[]
      : S extends { type: 'string'; enum: (infer E)[] }
        ? E
        : S extends { type: 'string' }
          ? string
          : S extends { type: 'integer' } | { type: 'number' }
            ? number
            : S extends { type: 'boolean' }
              ? boolean
              : S extends { type: 'int-or-string' }
                ? number | string
                : unknown;

/** The names in an optional `required` list (none when it is absent). */
type RequiredNames<RA> = RA extends (infer R extends string)[] ? R : never;

type InferObject<P extends Record<string, Schema>, R extends string> = {
  [K in keyof P as K extends R ? K : never]-?: Infer<P[K]>;
} & { [K in keyof P as K extends R ? never : K]?: Infer<P[K]> };

/**
 * What a value that passed `checkStructure` may still hold: the schema's shape, but any field or list item may be
 * `null` (a YAML `- ` or `key:` with nothing after it) and required fields are checked, not promised. Admission
 * code (the webhooks) reads this; it is what Istio's webhook sees before Go turns nulls into zero values.
 */
export type Input<S> = S extends { type: 'object'; properties: infer P extends Record<string, Schema> }
  ? { [K in keyof P]?: Input<P[K]> | null }
  : S extends { type: 'object'; additional: infer A }
    ? Record<string, Input<A> | null>
    : S extends { type: 'array'; items: infer I }
      ? (Input<I> | null)[]
      : Infer<S>;

/**
 * `value` as what `schema` admits when the API server's structural checks find nothing wrong with it, else
 * undefined: the one place where an unknown object becomes a typed one.
 */
export function parseStructure<S extends Schema>(value: unknown, schema: S): Input<S> | undefined {
  const problems: StructuralProblems = { unknownFields: [], fieldErrors: [] };
  checkStructure(value, schema, 'spec', problems);
  const ok = problems.unknownFields.length === 0 && problems.fieldErrors.length === 0;
  return ok ? (value as Input<S>) : undefined;
}

/**
 * `value` with the schema's defaults written in where a field is absent, as the API server defaults custom
 * resources before it validates and stores them (a default object is itself defaulted). Returns a new value.
 */
export function applyDefaults(value: unknown, schema: Schema): unknown {
  if (value === undefined && schema.default !== undefined) value = structuredClone(schema.default);
  if (value === null || value === undefined) return value;
  if (schema.type === 'array' && Array.isArray(value)) return value.map((item) => applyDefaults(item, schema.items));
  if (schema.type === 'object' && typeof value === 'object' && !Array.isArray(value)) {
    const out: Record<string, unknown> = { ...(value as Record<string, unknown>) };
    for (const [key, child] of Object.entries(schema.properties ?? {})) {
      const next = applyDefaults(out[key], child);
      if (next !== undefined) out[key] = next;
    }
    if (schema.additional)
      for (const key of Object.keys(out))
        if (!schema.properties?.[key]) out[key] = applyDefaults(out[key], schema.additional);
    return out;
  }
  return value;
}

/** Shorthands for writing schemas as data; each keeps its shape in its type, for `Infer`. */
export const s = {
  obj: <P extends Record<string, Schema>, R extends keyof P & string = never>(
    properties: P,
    required?: R[],
  ): ObjectSchema<NoInfer<P>, NoInfer<R>> => ({
    type: 'object',
    properties,
    ...(required ? { required } : {}),
  }),
  map: <A extends Schema>(additional: A): { type: 'object'; additional: A } => ({ type: 'object', additional }),
  arr: <I extends Schema>(items: I): { type: 'array'; items: I } => ({ type: 'array', items }),
  str: { type: 'string' } as { type: 'string' },
  enumOf: <E extends string>(...values: E[]): { type: 'string'; enum: E[] } => ({ type: 'string', enum: values }),
  int: { type: 'integer' } as { type: 'integer' },
  port: { type: 'integer', minimum: 0, maximum: 4294967295 } as { type: 'integer'; minimum: number; maximum: number },
  /** An integer within bounds (`maximum` omitted: unbounded above). */
  range: (minimum: number, maximum?: number): { type: 'integer'; minimum: number; maximum?: number } => ({
    type: 'integer',
    minimum,
    ...(maximum !== undefined ? { maximum } : {}),
  }),
  /** An integer that must be one of `values`. */
  intEnum: (...values: number[]): { type: 'integer'; enum: number[] } => ({ type: 'integer', enum: values }),
  /** `schema` with the value the API server writes in when the field is absent. */
  withDefault: <S extends Schema>(schema: S, value: unknown): S => ({ ...schema, default: value }),
  num: { type: 'number' } as { type: 'number' },
  bool: { type: 'boolean' } as { type: 'boolean' },
  intOrStr: { type: 'int-or-string' } as { type: 'int-or-string' },
  any: { type: 'any' } as { type: 'any' },
};
