/**
 * `istioctl proxy-config routes|clusters <pod>[.<namespace>]`: the route table and clusters a sidecar has, derived
 * from the same functions the simulated data plane routes with, in istioctl's columns.
 */
import type { K8sObject } from '../../../../../contract.ts';
import type { SimClusterApi } from '../../../types.ts';
import { hasProxy, isGatewayPod, servicePorts, specOf } from '../../../mesh/objects.ts';
import { serviceFqdn, serviceHostForms } from '../../../mesh/names.ts';
import { Topology } from '../../../mesh/topology.ts';
import { destinationRuleFor } from '../../../mesh/clusters.ts';
import { meshVirtualServicesFor, serviceEntryHosts, serviceEntryPorts } from '../../../mesh/virtualHosts.ts';
import { httpRules } from '../../../mesh/routeRules.ts';
import type { HttpMatchRequest } from '../../../mesh/match.ts';
import { renderColumns } from './table.ts';

/** Finds the pod named `name` or `name.namespace`. */
export function findProxyPod(cluster: SimClusterApi, arg: string, namespace: string): K8sObject | string {
  const dot = arg.indexOf('.');
  const name = dot < 0 ? arg : arg.slice(0, dot);
  const ns = dot < 0 ? namespace : arg.slice(dot + 1);
  const pod = cluster.get('Pod', ns, name);
  if (!pod) return `pods "${name}" not found`;
  if (!hasProxy(pod)) return `failed to execute command on sidecar: container istio-proxy is not valid for pod ${name}`;
  return pod;
}

function matchText(m: HttpMatchRequest | undefined): string {
  const uri = m?.uri;
  if (!uri) return '/*';
  if (uri.exact !== undefined) return uri.exact;
  if (uri.prefix !== undefined) return `${uri.prefix}*`;
  return uri.regex ?? '/*';
}

function domains(forms: string[]): string {
  return forms.length <= 2 ? forms.join(', ') : `${forms.slice(0, 2).join(', ')} + ${forms.length - 2} more...`;
}

/** `proxy-config routes` for a sidecar. */
export function routesTable(cluster: SimClusterApi, pod: K8sObject): string {
  const topology = new Topology(cluster);
  const clientNs = pod.metadata.namespace ?? 'default';
  const rows: string[][] = [['NAME', 'VHOST NAME', 'DOMAINS', 'MATCH', 'VIRTUAL SERVICE']];
  const entries: { port: number; vhost: string; forms: string[]; host: string }[] = [];
  for (const svc of topology.services()) {
    const ns = svc.metadata.namespace ?? 'default';
    for (const p of servicePorts(svc)) {
      if ((p.protocol ?? 'TCP') !== 'TCP' || /^(tcp|tls|https|grpc|mongo|mysql|redis)/.test(p.name ?? '')) continue;
      const host = serviceFqdn(svc.metadata.name, ns);
      const forms = serviceHostForms(svc.metadata.name, ns, clientNs).reverse();
      entries.push({ port: p.port, vhost: `${host}:${p.port}`, forms, host });
    }
  }
  for (const se of topology.all('ServiceEntry')) {
    for (const p of serviceEntryPorts(se)) {
      if (!['HTTP', 'HTTP2', 'GRPC'].includes(p.protocol)) continue;
      for (const h of serviceEntryHosts(se))
        entries.push({ port: p.number, vhost: `${h}:${p.number}`, forms: [h], host: h });
    }
  }
  entries.sort((a, b) => a.port - b.port || a.vhost.localeCompare(b.vhost));
  for (const e of entries) {
    const vs = meshVirtualServicesFor(topology, e.host)[0];
    const vsName = vs ? `${vs.metadata.name}.${vs.metadata.namespace ?? 'default'}` : '';
    const matches = vs
      ? httpRules(vs).flatMap((r) => (r.match && r.match.length > 0 ? r.match.map(matchText) : ['/*']))
      : ['/*'];
    for (const m of matches) rows.push([String(e.port), e.vhost, domains(e.forms), m, vsName]);
  }
  const ports = [...new Set(entries.map((e) => e.port))];
  for (const port of ports) rows.push([String(port), 'allow_any', '*', '/*', '']);
  rows.push(['', 'backend', '*', '/healthz/ready*', '']);
  rows.push(['', 'backend', '*', '/stats/prometheus*', '']);
  return renderColumns(rows);
}

/** `proxy-config clusters` for a sidecar. */
export function clustersTable(cluster: SimClusterApi, pod: K8sObject): string {
  const topology = new Topology(cluster);
  const proxyNs = pod.metadata.namespace ?? 'default';
  const rows: string[][] = [['SERVICE FQDN', 'PORT', 'SUBSET', 'DIRECTION', 'TYPE', 'DESTINATION RULE']];
  const body: string[][] = [];
  if (!isGatewayPod(pod)) {
    for (const svc of topology.services()) {
      if ((svc.metadata.namespace ?? 'default') !== proxyNs) continue;
      const selector = specOf(svc).selector as Record<string, string> | undefined;
      if (!selector || !Object.entries(selector).every(([k, v]) => pod.metadata.labels?.[k] === v)) continue;
      for (const p of servicePorts(svc))
        body.push([
          '',
          String(typeof p.targetPort === 'number' ? p.targetPort : p.port),
          'inbound',
          'ORIGINAL_DST',
          '',
        ]);
    }
  }
  const outbound: string[][] = [];
  for (const svc of topology.services()) {
    const host = serviceFqdn(svc.metadata.name, svc.metadata.namespace ?? 'default');
    const dr = destinationRuleFor(topology, host, proxyNs, svc.metadata.namespace);
    const drName = dr ? `${dr.metadata.name}.${dr.metadata.namespace ?? 'default'}` : '';
    const subsets =
      dr && Array.isArray(specOf(dr).subsets) ? (specOf(dr).subsets as { name: string }[]).map((s) => s.name) : [];
    for (const p of servicePorts(svc)) {
      outbound.push([host, String(p.port), '-', 'outbound', 'EDS', drName]);
      for (const s of subsets) outbound.push([host, String(p.port), s, 'outbound', 'EDS', drName]);
    }
  }
  for (const se of topology.all('ServiceEntry')) {
    const resolution = String(specOf(se).resolution ?? 'NONE').toUpperCase();
    const type = resolution === 'DNS' ? 'STRICT_DNS' : resolution === 'STATIC' ? 'EDS' : 'ORIGINAL_DST';
    for (const h of serviceEntryHosts(se))
      for (const p of serviceEntryPorts(se)) outbound.push([h, String(p.number), '-', 'outbound', type, '']);
  }
  outbound.sort((a, b) => a[0].localeCompare(b[0]) || Number(a[1]) - Number(b[1]) || a[2].localeCompare(b[2]));
  const fixed = [
    ['BlackHoleCluster', '-', '-', '-', 'STATIC', ''],
    ['InboundPassthroughCluster', '-', '-', '-', 'ORIGINAL_DST', ''],
    ['PassthroughCluster', '-', '-', '-', 'ORIGINAL_DST', ''],
    ['agent', '-', '-', '-', 'STATIC', ''],
  ];
  const tail = [
    ['prometheus_stats', '-', '-', '-', 'STATIC', ''],
    ['sds-grpc', '-', '-', '-', 'STATIC', ''],
    ['xds-grpc', '-', '-', '-', 'STATIC', ''],
    ['zipkin', '-', '-', '-', 'STRICT_DNS', ''],
  ];
  rows.push(...body.map((r) => ['', ...r.slice(1, 2), '-', ...r.slice(2)]), ...fixed, ...outbound, ...tail);
  return renderColumns(rows);
}
