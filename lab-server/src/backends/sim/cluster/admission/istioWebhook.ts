/**
 * Istio's validating webhook (istiod's `validation.istio.io`): the semantic rules the CRD schema cannot say,
 * with istiod's messages. Returns the reasons a config is refused (empty when it is accepted); istiod joins
 * several with ", ".
 */
import type { K8sObject } from '../../../../contract.ts';

type Obj = Record<string, any>;

const DURATION = /^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/;

function durationMs(text: string): number | undefined {
  if (!DURATION.test(text)) return undefined;
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  let total = 0;
  for (const m of text.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) total += Number(m[1]) * units[m[2]!]!;
  return total;
}

function checkDuration(value: unknown, field: string, errors: string[]): void {
  if (value === undefined) return;
  const ms = typeof value === 'string' ? durationMs(value) : undefined;
  if (ms === undefined) errors.push(`${field}: invalid duration "${String(value)}"`);
  else if (ms < 1) errors.push('duration must be greater than 1ms');
}

function checkRegex(match: Obj | undefined, field: string, errors: string[]): void {
  if (match?.regex === undefined) return;
  try {
    new RegExp(match.regex);
  } catch {
    errors.push(`${field}: "${match.regex}" is not a valid regex`);
  }
}

function checkHost(host: string, errors: string[]): void {
  if (host === '*') return;
  const name = host.startsWith('*.') ? host.slice(2) : host;
  if (!/^[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?(\.[a-zA-Z0-9]([-a-zA-Z0-9]*[a-zA-Z0-9])?)*$/.test(name)) errors.push(`invalid host ${host}`);
}

function checkPercent(value: Obj | undefined, field: string, errors: string[]): void {
  if (value?.value === undefined) return;
  const v = Number(value.value);
  if (v > 100) errors.push(`${field} must have a max value of 100 (it has ${v.toFixed(6)})`);
  if (v < 0) errors.push(`${field} must have a min value of 0`);
}

function checkDestinations(routes: Obj[] | undefined, errors: string[]): void {
  if (!routes) return;
  let total = 0;
  for (const r of routes) {
    const w = r.weight ?? 0;
    if (w < 0) errors.push(`weight ${w} < 0`);
    total += w;
    if (r.destination?.host) checkHost(r.destination.host, errors);
  }
  if (routes.length > 1 && total === 0) errors.push('total destination weight = 0');
}

function virtualService(spec: Obj): string[] {
  const errors: string[] = [];
  const hosts: string[] = spec.hosts ?? [];
  if (hosts.length === 0) errors.push('virtual service must have at least one host');
  const gateways: string[] = spec.gateways ?? [];
  const boundToMesh = gateways.length === 0 || gateways.includes('mesh');
  for (const host of hosts) {
    if (host === '*' && boundToMesh) errors.push('wildcard host * is not allowed for virtual services bound to the mesh gateway');
    else checkHost(host, errors);
  }
  const http: Obj[] = spec.http ?? [];
  if (http.length === 0 && !(spec.tcp?.length) && !(spec.tls?.length)) errors.push('http, tcp or tls must be provided in virtual service');
  for (const rule of http) {
    const routes = rule.route as Obj[] | undefined;
    if (!routes?.length && !rule.redirect && !rule.directResponse && !rule.delegate) errors.push('HTTP route, redirect or direct_response is required');
    if (rule.redirect && routes?.length) errors.push('HTTP route cannot contain both route and redirect');
    if (rule.directResponse && routes?.length) errors.push('HTTP route cannot contain both route and direct_response');
    checkDestinations(routes, errors);
    for (const m of (rule.match as Obj[] | undefined) ?? []) {
      checkRegex(m.uri, 'uri', errors);
      for (const [name, hm] of Object.entries((m.headers as Obj | undefined) ?? {})) {
        if (name !== name.toLowerCase()) errors.push(`header match %v must be lowercase`.replace('%v', name));
        checkRegex(hm as Obj, `header ${name}`, errors);
      }
    }
    checkDuration(rule.timeout, 'timeout', errors);
    if (rule.retries) checkDuration(rule.retries.perTryTimeout, 'perTryTimeout', errors);
    if (rule.retries?.attempts !== undefined && rule.retries.attempts < 0) errors.push('attempts cannot be negative');
    if (rule.fault?.delay) checkDuration(rule.fault.delay.fixedDelay, 'fixedDelay', errors);
    if (rule.fault?.abort?.httpStatus !== undefined && (rule.fault.abort.httpStatus < 200 || rule.fault.abort.httpStatus > 599)) errors.push('abort http status must be in range 200 - 599');
    checkPercent(rule.fault?.delay?.percentage, 'percentage', errors);
    checkPercent(rule.fault?.abort?.percentage, 'percentage', errors);
    checkPercent(rule.mirrorPercentage, 'mirror_percentage', errors);
    if (rule.mirror && rule.mirrors?.length) errors.push('specify only one of mirror and mirrors');
    for (const m of (rule.mirrors as Obj[] | undefined) ?? []) checkPercent(m.percentage, 'mirror_percentage', errors);
    if (rule.directResponse && (rule.directResponse.status < 200 || rule.directResponse.status > 599)) errors.push(`invalid status code ${rule.directResponse.status}`);
  }
  for (const rule of [...((spec.tcp as Obj[] | undefined) ?? []), ...((spec.tls as Obj[] | undefined) ?? [])]) {
    if (!rule.route?.length) errors.push('route is required');
    checkDestinations(rule.route, errors);
  }
  return errors;
}

function destinationRule(spec: Obj): string[] {
  const errors: string[] = [];
  if (spec.host) checkHost(spec.host, errors);
  const seen = new Set<string>();
  for (const subset of (spec.subsets as Obj[] | undefined) ?? []) {
    if (!subset.name) errors.push('subset name is invalid: ""');
    else if (seen.has(subset.name)) errors.push(`duplicate subset names: ${subset.name}`);
    seen.add(subset.name);
  }
  return errors;
}

function gateway(spec: Obj): string[] {
  const errors: string[] = [];
  const servers: Obj[] = spec.servers ?? [];
  if (servers.length === 0) errors.push('gateway must have at least one server');
  const names = new Set<string>();
  for (const server of servers) {
    if (!(server.hosts?.length)) errors.push('server config must contain at least one host');
    for (const host of (server.hosts as string[] | undefined) ?? []) {
      const bare = host.includes('/') ? host.split('/')[1]! : host;
      checkHost(bare, errors);
    }
    const port = server.port ?? {};
    if (port.number !== undefined && (port.number < 1 || port.number > 65535)) errors.push(`port number ${port.number} must be in the range 1..65535`);
    if (port.protocol && !/^(HTTP|HTTPS|HTTP2|GRPC|GRPC-WEB|MONGO|REDIS|MYSQL|TCP|TLS|UDP)$/i.test(port.protocol)) errors.push(`unrecognized protocol "${port.protocol}"`);
    if (port.name) {
      if (names.has(port.name)) errors.push(`port names in servers must be unique: duplicate name ${port.name}`);
      names.add(port.name);
    }
    if (/^HTTPS$/i.test(port.protocol ?? '') && !server.tls) errors.push('server must have TLS settings for HTTPS/TLS protocols');
  }
  return errors;
}

function serviceEntry(spec: Obj): string[] {
  const errors: string[] = [];
  const hosts: string[] = spec.hosts ?? [];
  if (hosts.length === 0) errors.push('service entry must have at least one host');
  for (const host of hosts) {
    if (host === '*') errors.push('invalid host *');
    else checkHost(host, errors);
  }
  const resolution = spec.resolution ?? 'NONE';
  if ((resolution === 'DNS' || resolution === 'DNS_ROUND_ROBIN') && !(spec.endpoints?.length)) {
    for (const host of hosts) if (host.startsWith('*')) errors.push(`DNS resolution with wildcard host "${host}" requires endpoints`);
  }
  if (resolution === 'STATIC' && !(spec.endpoints?.length) && !spec.workloadSelector) errors.push('endpoints must be provided if service entry resolution mode is static');
  const names = new Set<string>();
  for (const port of (spec.ports as Obj[] | undefined) ?? []) {
    if (port.number !== undefined && (port.number < 1 || port.number > 65535)) errors.push(`port number ${port.number} must be in the range 1..65535`);
    if (port.name && names.has(port.name)) errors.push(`port names must be unique: duplicate name ${port.name}`);
    if (port.name) names.add(port.name);
  }
  return errors;
}

function sidecar(spec: Obj): string[] {
  const errors: string[] = [];
  for (const egress of (spec.egress as Obj[] | undefined) ?? []) {
    if (!(egress.hosts?.length)) errors.push('sidecar: egress listener must contain at least one host');
    for (const host of (egress.hosts as string[] | undefined) ?? []) {
      if (!host.includes('/')) errors.push(`sidecar: host must be of form namespace/dnsName: ${host}`);
    }
  }
  return errors;
}

const RULES: Record<string, (spec: Obj) => string[]> = {
  VirtualService: virtualService,
  DestinationRule: destinationRule,
  Gateway: gateway,
  ServiceEntry: serviceEntry,
  Sidecar: sidecar,
};

/** Why istiod refuses the object, or `[]`. */
export function istioWebhookErrors(object: K8sObject): string[] {
  const rule = RULES[object.kind];
  if (!rule) return [];
  return [...new Set(rule((object.spec ?? {}) as Obj))];
}
