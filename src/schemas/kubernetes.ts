/**
 * JSON Schemas for the editor, generated from the simulator's own structural schemas (the same tables the
 * simulated API server admits with), so the editor's squiggles and the server's errors agree. Unknown fields
 * are errors (`additionalProperties: false`), as strict decoding makes them on the server.
 */
import type { Schema } from '../../lab-server/src/backends/sim/cluster/admission/structural.ts';
import { CORE_SPEC_SCHEMAS } from '../../lab-server/src/backends/sim/cluster/admission/coreSchemas.ts';
import { ISTIO_SPEC_SCHEMAS } from '../../lab-server/src/backends/sim/cluster/admission/istioSchemas.ts';
import type { Lang } from '../i18n/ui.ts';
import { FIELD_DOCS } from './descriptions.ts';

type Json = Record<string, unknown>;

function convert(schema: Schema, lang: Lang, name?: string): Json {
  const description = name ? FIELD_DOCS[name]?.[lang] : undefined;
  const withDoc = (s: Json): Json => (description ? { ...s, description } : s);
  switch (schema.type) {
    case 'any': return withDoc({});
    case 'string': return withDoc(schema.enum ? { type: 'string', enum: schema.enum } : { type: 'string' });
    case 'integer': return withDoc({ type: 'integer', ...(schema.minimum !== undefined ? { minimum: schema.minimum } : {}), ...(schema.maximum !== undefined ? { maximum: schema.maximum } : {}) });
    case 'number': return withDoc({ type: 'number' });
    case 'boolean': return withDoc({ type: 'boolean' });
    case 'int-or-string': return withDoc({ type: ['integer', 'string'] });
    case 'array': return withDoc({ type: 'array', items: convert(schema.items, lang) });
    case 'object':
      if (!schema.properties) return withDoc({ type: 'object', additionalProperties: schema.additional ? convert(schema.additional, lang) : true });
      return withDoc({
        type: 'object',
        properties: Object.fromEntries(Object.entries(schema.properties).map(([k, v]) => [k, convert(v, lang, k)])),
        ...(schema.required ? { required: schema.required } : {}),
        additionalProperties: false,
      });
  }
}

const METADATA: Json = {
  type: 'object',
  properties: {
    name: { type: 'string', description: 'metadata.name' },
    namespace: { type: 'string' },
    labels: { type: 'object', additionalProperties: { type: 'string' } },
    annotations: { type: 'object', additionalProperties: { type: 'string' } },
  },
  required: ['name'],
};

const KINDS: { kind: string; apiVersions: string[]; top: Record<string, Json> }[] = [
  ...Object.keys(ISTIO_SPEC_SCHEMAS).map((kind) => ({ kind, apiVersions: ['networking.istio.io/v1', 'networking.istio.io/v1beta1', 'networking.istio.io/v1alpha3'], top: {} })),
  { kind: 'Deployment', apiVersions: ['apps/v1'], top: {} },
  { kind: 'Service', apiVersions: ['v1'], top: {} },
  { kind: 'Pod', apiVersions: ['v1'], top: {} },
  { kind: 'Namespace', apiVersions: ['v1'], top: { spec: {} } },
  { kind: 'ConfigMap', apiVersions: ['v1'], top: { data: { type: 'object', additionalProperties: { type: 'string' } }, binaryData: {}, immutable: { type: 'boolean' } } },
];

/** One schema for a multi-kind manifest: the kind picks the shape. */
export function manifestSchema(lang: Lang): Json {
  return {
    type: 'object',
    properties: {
      apiVersion: { type: 'string', enum: [...new Set(KINDS.flatMap((k) => k.apiVersions))] },
      kind: { type: 'string', enum: KINDS.map((k) => k.kind) },
    },
    required: ['apiVersion', 'kind', 'metadata'],
    allOf: KINDS.map(({ kind, apiVersions, top }) => {
      const spec = ISTIO_SPEC_SCHEMAS[kind] ?? CORE_SPEC_SCHEMAS[kind];
      return {
        if: { properties: { kind: { const: kind } }, required: ['kind'] },
        then: {
          properties: {
            apiVersion: { enum: apiVersions },
            kind: { const: kind },
            metadata: METADATA,
            ...(spec ? { spec: convert(spec, lang) } : {}),
            ...top,
          },
          additionalProperties: false,
        },
      };
    }),
  };
}
