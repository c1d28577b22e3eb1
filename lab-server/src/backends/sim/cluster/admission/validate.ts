/**
 * Admission of one write: strict decoding (unknown fields), the schema's field errors, the core kinds' own
 * rules, then Istio's webhook, each failing the way the API server does.
 */
import type { K8sObject } from '../../../../contract.ts';
import type { ApiErrorShape } from '../../types.ts';
import type { ApiResource } from '../discovery.ts';
import { apiError, invalid, webhookDenied } from '../errors.ts';
import { mapSelects } from '../labelSelector.ts';
import { CORE_SPEC_SCHEMAS, TOP_LEVEL_FIELDS } from '../../../../kube/coreSchemas.ts';
import { ISTIO_SPEC_SCHEMAS } from '../../../../kube/istioSchemas.ts';
import { formatIstioErrors, istioWebhookErrors } from './istioWebhook.ts';
import { checkStructure, type StructuralProblems } from '../../../../kube/structural.ts';

type Obj = Record<string, any>;

const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

function nameErrors(obj: K8sObject): string[] {
  const name = obj.metadata?.name;
  if (!name) return ['metadata.name: Required value: name or generateName is required'];
  if (obj.kind === 'Service' && !DNS1035.test(name)) {
    return [
      `metadata.name: Invalid value: "${name}": a DNS-1035 label must consist ` +
        `of lower case alphanumeric characters or '-', start with an alphabetic ` +
        `character, and end with an alphanumeric character (e.g. 'my-name',  or ` +
        `'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`,
    ];
  }
  if (obj.kind === 'Namespace' && !LABEL.test(name)) {
    return [
      `metadata.name: Invalid value: "${name}": a lowercase RFC 1123 label ` +
        `must consist of lower case alphanumeric characters or '-', and must ` +
        `start and end with an alphanumeric character (e.g. 'my-name',  or ` +
        `'123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
    ];
  }
  if (!SUBDOMAIN.test(name) || name.length > 253) {
    return [
      `metadata.name: Invalid value: "${name}": a lowercase RFC 1123 subdomain must ` +
        `consist of lower case alphanumeric characters, '-' or '.', and must start and ` +
        `end with an alphanumeric character (e.g. 'example.com', regex used for ` +
        `validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    ];
  }
  return [];
}

function goMap(labels: Record<string, string>): string {
  return `map[string]string{${Object.entries(labels)
    .map(([k, v]) => `"${k}":"${v}"`)
    .join(', ')}}`;
}

function podSpecErrors(spec: Obj | undefined, path: string): string[] {
  const errors: string[] = [];
  const containers: Obj[] = spec?.containers ?? [];
  if (containers.length === 0) errors.push(`${path}.containers: Required value`);
  const names = new Set<string>();
  containers.forEach((c, i) => {
    if (!c.name) errors.push(`${path}.containers[${i}].name: Required value`);
    else if (names.has(c.name)) errors.push(`${path}.containers[${i}].name: Duplicate value: "${c.name}"`);
    names.add(c.name);
    if (!c.image) errors.push(`${path}.containers[${i}].image: Required value`);
  });
  return errors;
}

function coreErrors(obj: K8sObject): string[] {
  const spec = (obj.spec ?? {}) as Obj;
  switch (obj.kind) {
    case 'Deployment':
    case 'ReplicaSet': {
      const errors: string[] = [];
      const selector = spec.selector?.matchLabels as Record<string, string> | undefined;
      const labels = (spec.template?.metadata?.labels ?? {}) as Record<string, string>;
      if (!spec.selector) errors.push('spec.selector: Required value');
      else if (!selector || Object.keys(selector).length === 0)
        errors.push(
          'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), ' +
            'MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment',
        );
      else if (!mapSelects(selector, labels))
        errors.push(
          `spec.template.metadata.labels: Invalid value: ${goMap(labels)}: \`selector\` does not match template \`labels\``,
        );
      if (spec.replicas !== undefined && spec.replicas < 0)
        errors.push(`spec.replicas: Invalid value: ${spec.replicas}: must be greater than or equal to 0`);
      errors.push(...podSpecErrors(spec.template?.spec, 'spec.template.spec'));
      return errors;
    }
    case 'Pod':
      return podSpecErrors(spec, 'spec');
    case 'Service': {
      const errors: string[] = [];
      const type = spec.type ?? 'ClusterIP';
      const ports: Obj[] = spec.ports ?? [];
      if (type !== 'ExternalName' && ports.length === 0 && spec.clusterIP !== 'None')
        errors.push('spec.ports: Required value');
      const names = new Set<string>();
      ports.forEach((p, i) => {
        if (p.port !== undefined && (p.port < 1 || p.port > 65535))
          errors.push(`spec.ports[${i}].port: Invalid value: ${p.port}: must be between 1 and 65535, inclusive`);
        if (ports.length > 1 && !p.name) errors.push(`spec.ports[${i}].name: Required value`);
        if (p.name && names.has(p.name)) errors.push(`spec.ports[${i}].name: Duplicate value: "${p.name}"`);
        if (p.name) names.add(p.name);
        if (p.nodePort !== undefined && (p.nodePort < 30000 || p.nodePort > 32767))
          errors.push(
            `spec.ports[${i}].nodePort: Invalid value: ${p.nodePort}: provided ` +
              `port is not in the valid range. The range of valid ports is 30000-32767`,
          );
        if (p.nodePort !== undefined && type === 'ClusterIP')
          errors.push(`spec.ports[${i}].nodePort: Forbidden: may not be used when \`type\` is 'ClusterIP'`);
      });
      return errors;
    }
    case 'ConfigMap': {
      const errors: string[] = [];
      for (const [key, value] of Object.entries((obj.data ?? {}) as Obj)) {
        if (typeof value !== 'string') errors.push(`data.${key}: Invalid value: must be a string`);
      }
      return errors;
    }
    default:
      return [];
  }
}

/**
 * Throws the API server's error for an object that may not be written; returns when it may.
 * `requestApiVersion` is what the client wrote.
 */
export function admit(obj: K8sObject, resource: ApiResource, requestApiVersion: string = obj.apiVersion): void {
  const problems: StructuralProblems = { unknownFields: [], fieldErrors: [] };
  const specSchema = ISTIO_SPEC_SCHEMAS[obj.kind] ?? CORE_SPEC_SCHEMAS[obj.kind];
  const allowedTop = new Set([
    'apiVersion',
    'kind',
    'metadata',
    'status',
    ...(specSchema ? ['spec'] : []),
    ...(TOP_LEVEL_FIELDS[obj.kind] ?? []),
  ]);
  // Kinds the simulator serves but does not model (RBAC, storage...) are decoded leniently.
  const modelled = specSchema !== undefined || TOP_LEVEL_FIELDS[obj.kind] !== undefined;
  if (modelled) for (const key of Object.keys(obj)) if (!allowedTop.has(key)) problems.unknownFields.push(key);
  if (specSchema) {
    if (resource.group === 'networking.istio.io' && obj.spec === undefined)
      problems.fieldErrors.push('spec: Required value');
    checkStructure(obj.spec, specSchema, 'spec', problems);
  }
  if (problems.unknownFields.length > 0) {
    // The body is decoded in the version the client sent, so the message names that version.
    const version = requestApiVersion.split('/').at(-1);
    const fields = problems.unknownFields.map((f) => `unknown field "${f}"`).join(', ');
    throw apiError(
      400,
      'BadRequest',
      `${obj.kind} in version "${version}" cannot be handled as a ${obj.kind}: strict decoding error: ${fields}`,
    );
  }
  const fieldErrors = [...nameErrors(obj), ...problems.fieldErrors];
  if (fieldErrors.length === 0) fieldErrors.push(...coreErrors(obj));
  if (fieldErrors.length > 0) throw invalid(resource, obj.metadata?.name ?? '', fieldErrors) as ApiErrorShape;
  const denied = istioWebhookErrors(obj);
  if (denied.length > 0) throw webhookDenied(formatIstioErrors(denied));
}
