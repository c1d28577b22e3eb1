/**
 * JSON Schemas for the editor, generated from the simulator's own structural schemas (the same tables the
 * simulated API server admits with), so the editor's squiggles and the server's errors agree. Unknown fields
 * are errors (`additionalProperties: false`), as strict decoding makes them on the server. Fields carry hover
 * texts in the page's language (descriptions.ts); deep Istio fields the server keeps loose get their CRD
 * shapes (refinements.ts).
 */
import type { Schema } from '../structural.ts';
import { CORE_SPEC_SCHEMAS } from '../coreSchemas.ts';
import { ISTIO_SPEC_SCHEMAS } from '../istioSchemas.ts';
import type { Lang } from './descriptions.ts';
import { describeField } from './descriptions.ts';
import { OBJECT_META_FIELDS, REFINEMENTS } from './refinements.ts';

type Json = Record<string, unknown>;

/** Where a node sits: its kind, its path without array levels, and the page's language. */
interface At {
  kind: string;
  path: string[];
  lang: Lang;
}

const child = (at: At, name: string): At => ({ ...at, path: [...at.path, name] });

function refinementFor(at: At): Json | undefined {
  const name = at.path[at.path.length - 1];
  const parent = at.path[at.path.length - 2];
  return (
    REFINEMENTS[`${at.kind}.${at.path.join('.')}`] ?? (parent && name ? REFINEMENTS[`${parent}.${name}`] : undefined)
  );
}

/** Adds hover texts to a hand-written schema's properties, recursively. */
function describeJson(schema: Json, at: At): Json {
  const out: Json = { ...schema };
  const description = describeField(at.kind, at.path, at.lang);
  if (description && !out.description) out.description = description;
  if (out.properties)
    out.properties = Object.fromEntries(
      Object.entries(out.properties as Record<string, Json>).map(([k, v]) => [k, describeJson(v, child(at, k))]),
    );
  if (out.items && typeof out.items === 'object') out.items = describeJson(out.items as Json, at);
  return out;
}

function convert(schema: Schema, at: At): Json {
  const description = describeField(at.kind, at.path, at.lang);
  const withDoc = (s: Json): Json => (description ? { ...s, description } : s);
  switch (schema.type) {
    case 'any': {
      // A pod template's metadata is object metadata, as strict as any other.
      if (at.path[at.path.length - 1] === 'metadata') return metadata(at);
      const refined = refinementFor(at);
      return refined ? describeJson(refined, at) : withDoc({});
    }
    case 'string':
      return withDoc(schema.enum ? { type: 'string', enum: schema.enum } : { type: 'string' });
    case 'integer':
      return withDoc({
        type: 'integer',
        ...(schema.minimum !== undefined ? { minimum: schema.minimum } : {}),
        ...(schema.maximum !== undefined ? { maximum: schema.maximum } : {}),
      });
    case 'number':
      return withDoc({ type: 'number' });
    case 'boolean':
      return withDoc({ type: 'boolean' });
    case 'int-or-string':
      return withDoc({ type: ['integer', 'string'] });
    // Array levels are not part of the path: `http.route`, not `http[].route`.
    case 'array':
      return withDoc({ type: 'array', items: convert(schema.items, at) });
    case 'object':
      if (!schema.properties)
        return withDoc({
          type: 'object',
          additionalProperties: schema.additional
            ? convert(schema.additional, { ...at, path: [...at.path, '*'] })
            : true,
        });
      return withDoc({
        type: 'object',
        properties: Object.fromEntries(
          Object.entries(schema.properties).map(([k, v]) => [k, convert(v, child(at, k))]),
        ),
        ...(schema.required ? { required: schema.required } : {}),
        additionalProperties: false,
      });
  }
}

/** Object metadata, as strict as the API server's decoding, with hover texts. */
function metadata(at: At): Json {
  return describeJson({ type: 'object', properties: OBJECT_META_FIELDS, additionalProperties: false }, at);
}

const ISTIO_VERSIONS = ['networking.istio.io/v1', 'networking.istio.io/v1beta1', 'networking.istio.io/v1alpha3'];

/** The kinds the editor knows, their apiVersions, and their top-level fields besides apiVersion/kind/metadata/spec. */
const KINDS: { kind: string; apiVersions: string[]; top: Record<string, Json> }[] = [
  ...Object.keys(ISTIO_SPEC_SCHEMAS).map((kind) => ({ kind, apiVersions: ISTIO_VERSIONS, top: {} })),
  { kind: 'Deployment', apiVersions: ['apps/v1'], top: {} },
  { kind: 'Service', apiVersions: ['v1'], top: {} },
  { kind: 'Pod', apiVersions: ['v1'], top: {} },
  {
    kind: 'Namespace',
    apiVersions: ['v1'],
    top: {
      spec: {
        type: 'object',
        properties: { finalizers: { type: 'array', items: { type: 'string' } } },
        additionalProperties: false,
      },
    },
  },
  {
    kind: 'ServiceAccount',
    apiVersions: ['v1'],
    top: {
      secrets: { type: 'array' },
      imagePullSecrets: { type: 'array' },
      automountServiceAccountToken: { type: 'boolean' },
    },
  },
  {
    kind: 'ConfigMap',
    apiVersions: ['v1'],
    top: {
      data: { type: 'object', additionalProperties: { type: 'string' } },
      binaryData: { type: 'object', additionalProperties: { type: 'string' } },
      immutable: { type: 'boolean' },
    },
  },
];

/**
 * The JSON Schema of one object of `kind` (apiVersion, kind, metadata, spec and the kind's other top-level fields,
 * status), with texts in `lang`; also for kinds the editor does not list, from their structural schema when the
 * API server has one. What `kubectl explain` reads.
 */
export function objectSchema(kind: string, lang: Lang): Json {
  const top = (name: string): At => ({ kind, path: [name], lang });
  const spec = ISTIO_SPEC_SCHEMAS[kind] ?? CORE_SPEC_SCHEMAS[kind];
  const extra = KINDS.find((k) => k.kind === kind)?.top ?? {};
  const field = (name: string, type: string) => ({ type, description: describeField(kind, [name], lang) });
  return {
    type: 'object',
    properties: {
      apiVersion: field('apiVersion', 'string'),
      kind: field('kind', 'string'),
      metadata: metadata(top('metadata')),
      ...(spec ? { spec: convert(spec, top('spec')) } : {}),
      ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, describeJson(v, top(k))])),
      status: { type: 'object', description: describeField(kind, ['status'], lang) },
    },
  };
}

/** One schema for a multi-document manifest: each document's kind picks its shape (if/then on kind). */
export function manifestSchema(lang: Lang): Json {
  const top = (kind: string, name: string): At => ({ kind, path: [name], lang });
  return {
    // `null` is an empty document (a trailing `---`, as Istio's samples end): kubectl skips it, so the editor must too.
    type: ['object', 'null'],
    properties: {
      // Suggested, not enforced: a kind the editor has no shape for (a ServiceAccount, a Secret) is still valid.
      apiVersion: {
        type: 'string',
        examples: [...new Set(KINDS.flatMap((k) => k.apiVersions))],
        description: describeField('', ['apiVersion'], lang),
      },
      kind: { type: 'string', examples: KINDS.map((k) => k.kind), description: describeField('', ['kind'], lang) },
    },
    required: ['apiVersion', 'kind', 'metadata'],
    allOf: KINDS.map(({ kind, apiVersions, top: extra }) => {
      const spec = ISTIO_SPEC_SCHEMAS[kind] ?? CORE_SPEC_SCHEMAS[kind];
      return {
        if: { properties: { kind: { const: kind } }, required: ['kind'] },
        // biome-ignore lint/suspicious/noThenProperty: JSON Schema's if/then keyword, never awaited.
        then: {
          properties: {
            apiVersion: { enum: apiVersions },
            kind: { const: kind },
            metadata: metadata(top(kind, 'metadata')),
            ...(spec ? { spec: convert(spec, top(kind, 'spec')) } : {}),
            ...Object.fromEntries(Object.entries(extra).map(([k, v]) => [k, describeJson(v, top(kind, k))])),
            // What `kubectl get -o yaml` prints may be pasted back: apply ignores status.
            status: { description: describeField(kind, ['status'], lang) },
          },
          additionalProperties: false,
        },
      };
    }),
  };
}
