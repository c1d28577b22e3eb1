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
import { podFor, splitNamespace } from './podRef.ts';
import { renderColumns } from './table.ts';

/** Finds the sidecar's pod `[<type>/]<name>[.<namespace>]` names, or istioctl's error. */
export function findProxyPod(cluster: SimClusterApi, arg: string, namespace: string): K8sObject | string {
  const { ref, namespace: ns } = splitNamespace(arg, namespace);
  const pod = podFor(cluster, ref, ns);
  if (typeof pod === 'string') return pod;
  if (!hasProxy(pod))
    return `failed to execute command on sidecar: container istio-proxy is not valid for pod ${pod.metadata.name}`;
  return pod;
}

/** istioctl's cluster filters (`--fqdn`, `--port`, `--direction`, `--subset`): substrings of the cluster's name. */
export interface ClusterFilter {
  fqdn?: string;
  port?: number;
  direction?: string;
  subset?: string;
}

/** True when the cluster named `name` passes every filter given, as istioctl's ClusterFilter decides. */
export function clusterPasses(name: string, f: ClusterFilter): boolean {
  if (f.fqdn && !name.includes(f.fqdn)) return false;
  if (f.direction && !name.includes(f.direction)) return false;
  if (f.subset && !name.includes(f.subset)) return false;
  if (f.port !== undefined && !name.includes(`|${f.port}|`)) return false;
  return true;
}

/** The Envoy cluster name of a row of the clusters table. */
function clusterName([fqdn, port, subset, direction]: string[]): string {
  if (direction === '-') return fqdn!;
  return `${direction}|${port}|${subset === '-' ? '' : subset}|${fqdn}`;
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
export function routesTable(cluster: SimClusterApi, pod: K8sObject, name?: string): string {
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
  // --name keeps one route configuration (the NAME column: the port's, or "backend" for the unnamed ones).
  return renderColumns(name === undefined ? rows : [rows[0]!, ...rows.slice(1).filter((r) => r[0] === name)]);
}

/** `proxy-config clusters` for a sidecar. */
export function clustersTable(cluster: SimClusterApi, pod: K8sObject, filter: ClusterFilter = {}): string {
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
  const all = [...body.map((r) => ['', ...r.slice(1, 2), '-', ...r.slice(2)]), ...fixed, ...outbound, ...tail];
  rows.push(...all.filter((r) => clusterPasses(r[3] === 'inbound' ? `inbound|${r[1]}||` : clusterName(r), filter)));
  return renderColumns(rows);
}
