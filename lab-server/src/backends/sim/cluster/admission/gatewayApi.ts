/**
 * The Gateway API CRDs' CEL validation rules (v1.5.1, standard channel) where a learner meets them, with the
 * messages the API server writes: path matches that are not absolute, a filter without its body, listener names
 * used twice, a mirror with both `percent` and `fraction`, timeouts that are not Gateway API durations.
 */
import type { K8sObject } from '../../../../contract.ts';
import type { ApiResource } from '../discovery.ts';

type Obj = Record<string, unknown>;

const FILTER_FIELDS: Record<string, string> = {
  RequestHeaderModifier: 'requestHeaderModifier',
  ResponseHeaderModifier: 'responseHeaderModifier',
  RequestMirror: 'requestMirror',
  RequestRedirect: 'requestRedirect',
  URLRewrite: 'urlRewrite',
  ExtensionRef: 'extensionRef',
  CORS: 'cors',
};

/** The Gateway API's Duration (GEP-2257): up to four number+unit pairs, units h, m, s, ms. */
const DURATION = /^([0-9]{1,5}(h|m|s|ms)){1,4}$/;

function list(value: unknown): Obj[] {
  return Array.isArray(value) ? (value.filter((v) => typeof v === 'object' && v !== null) as Obj[]) : [];
}

function filterErrors(filters: unknown, at: string): string[] {
  const errors: string[] = [];
  list(filters).forEach((filter, i) => {
    const type = String(filter.type);
    const field = FILTER_FIELDS[type];
    if (field && filter[field] === undefined)
      errors.push(`${at}[${i}]: Invalid value: "object": filter.${field} must be specified for ${type} filter.type`);
    for (const [other, name] of Object.entries(FILTER_FIELDS))
      if (other !== type && filter[name] !== undefined)
        errors.push(
          `${at}[${i}]: Invalid value: "object": filter.${name} must be nil if the filter.type is not ${other}`,
        );
    const mirror = filter.requestMirror as Obj | undefined;
    if (mirror && mirror.percent !== undefined && mirror.fraction !== undefined)
      errors.push(
        `${at}[${i}].requestMirror: Invalid value: "object": Only one of percent or fraction may be specified in HTTPRequestMirrorFilter`,
      );
  });
  return errors;
}

function httpRouteErrors(spec: Obj): string[] {
  const errors: string[] = [];
  list(spec.rules).forEach((rule, r) => {
    const at = `spec.rules[${r}]`;
    list(rule.matches).forEach((match, m) => {
      const path = match.path as Obj | undefined;
      if (!path) return;
      const value = String(path.value ?? '/');
      if ((path.type === 'Exact' || path.type === 'PathPrefix') && !value.startsWith('/'))
        errors.push(
          `${at}.matches[${m}].path: Invalid value: "object": ` +
            "value must be an absolute path and start with '/' when type one of ['Exact', 'PathPrefix']",
        );
    });
    errors.push(...filterErrors(rule.filters, `${at}.filters`));
    list(rule.backendRefs).forEach((ref, b) => {
      errors.push(...filterErrors(ref.filters, `${at}.backendRefs[${b}].filters`));
      if ((ref.group ?? '') === '' && (ref.kind ?? 'Service') === 'Service' && ref.port === undefined)
        errors.push(`${at}.backendRefs[${b}]: Invalid value: "object": Must have port for Service reference`);
    });
    const timeouts = rule.timeouts as Obj | undefined;
    for (const key of ['request', 'backendRequest'] as const) {
      const value = timeouts?.[key];
      if (typeof value === 'string' && !DURATION.test(value))
        errors.push(
          `${at}.timeouts.${key}: Invalid value: "${value}": ${at}.timeouts.${key} in body should match '^([0-9]{1,5}(h|m|s|ms)){1,4}$'`,
        );
    }
  });
  return errors;
}

function gatewayErrors(spec: Obj): string[] {
  const errors: string[] = [];
  const names = list(spec.listeners).map((l) => l.name);
  if (new Set(names).size !== names.length)
    errors.push('spec.listeners: Invalid value: "array": Listener name must be unique within the Gateway');
  list(spec.listeners).forEach((listener, i) => {
    const protocol = String(listener.protocol);
    if ((protocol === 'HTTP' || protocol === 'TCP' || protocol === 'UDP') && listener.tls !== undefined)
      errors.push(
        `spec.listeners[${i}]: Invalid value: "object": tls must not be specified for protocols ['HTTP', 'TCP', 'UDP']`,
      );
    if (protocol === 'HTTPS' && listener.tls === undefined)
      errors.push(`spec.listeners[${i}]: Invalid value: "object": tls mode must be set for protocols ['HTTPS', 'TLS']`);
  });
  return errors;
}

/** The CEL rule failures of a Gateway API object (after defaulting), as `field: Invalid value: ...` lines. */
export function gatewayApiErrors(object: K8sObject, resource: ApiResource): string[] {
  const spec = (object.spec ?? {}) as Obj;
  switch (resource.kind) {
    case 'HTTPRoute':
      return httpRouteErrors(spec);
    case 'Gateway':
      return gatewayErrors(spec);
    default:
      return [];
  }
}
