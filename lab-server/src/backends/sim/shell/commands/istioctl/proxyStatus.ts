/**
 * `istioctl proxy-status` (`ps`) 1.30: every proxy connected to istiod with the xDS types it subscribed to
 * (`-v 1`: one column per type with SYNCED and the time since the last push), or, for one proxy, whether what
 * istiod would send and what the proxy has match. Proxies are the ready pods with an istio-proxy container; a
 * gateway with no HTTP server has asked for no routes (RDS).
 */
import type { K8sObject } from '../../../../../contract.ts';
import type { SimClusterApi } from '../../../types.ts';
import { humanAge } from '../kubectl/age.ts';
import { hasProxy, isGatewayPod, isPodReady, proxyContainerOf } from '../../../mesh/objects.ts';
import { Topology } from '../../../mesh/topology.ts';
import { gatewayServersFor } from '../../../mesh/virtualHosts.ts';
import { renderColumns } from './table.ts';

/** One connected proxy as istiod reports it. */
interface ProxyRow {
  id: string;
  pod: K8sObject;
  istiod: string;
  version: string;
  types: string[];
  /** When istiod last pushed to it (ms). */
  lastPush: number;
}

/** What can go wrong, worded as istioctl words it. */
export class ProxyStatusError extends Error {}

function readyTime(pod: K8sObject): number {
  const conditions = ((pod.status as { conditions?: { type?: string; lastTransitionTime?: string }[] } | undefined)
    ?.conditions ?? []) as { type?: string; lastTransitionTime?: string }[];
  const ready = conditions.find((c) => c.type === 'Ready')?.lastTransitionTime;
  return Date.parse(ready ?? pod.metadata.creationTimestamp ?? '') || 0;
}

/** The latest change to the configuration istiod pushes (Istio config, Services), in ms. */
export function lastConfigChange(cluster: SimClusterApi): number {
  let latest = 0;
  for (const kind of [
    'VirtualService',
    'DestinationRule',
    'Gateway',
    'ServiceEntry',
    'Sidecar',
    'Service',
    'ConfigMap',
  ])
    for (const o of cluster.list(kind)) {
      const times = [
        o.metadata.creationTimestamp,
        ...((o.metadata.managedFields ?? []) as { time?: string }[]).map((f) => f.time),
      ];
      for (const t of times) latest = Math.max(latest, Date.parse(t ?? '') || 0);
    }
  return latest;
}

/** The istiod pod proxies connect to, if one runs. */
export function istiodPod(cluster: SimClusterApi): K8sObject | undefined {
  return cluster.list('Pod', 'istio-system').find((p) => p.metadata.labels?.app === 'istiod' && isPodReady(p));
}

/** The proxies connected to istiod, sorted by `pod.namespace`. */
export function connectedProxies(cluster: SimClusterApi, namespace?: string): ProxyRow[] {
  const istiod = istiodPod(cluster);
  if (!istiod) throw new ProxyStatusError('unable to find any Istiod instances');
  const topology = new Topology(cluster);
  const config = lastConfigChange(cluster);
  return cluster
    .list('Pod', namespace)
    .filter((p) => hasProxy(p) && isPodReady(p))
    .map((pod) => {
      const proxy = proxyContainerOf(pod);
      const gateway = isGatewayPod(pod);
      const hasRoutes =
        !gateway ||
        gatewayServersFor(topology, pod).some((s) => ['HTTP', 'HTTP2', 'GRPC', 'HTTPS'].includes(s.protocol));
      return {
        id: `${pod.metadata.name}.${pod.metadata.namespace ?? 'default'}`,
        pod,
        istiod: istiod.metadata.name,
        version: /:([^:@/]+)$/.exec(proxy?.image ?? '')?.[1] ?? '',
        types: hasRoutes ? ['CDS', 'LDS', 'EDS', 'RDS'] : ['CDS', 'LDS', 'EDS'],
        lastPush: Math.max(readyTime(pod), config),
      };
    })
    .sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** `istioctl proxy-status` for all proxies (table, or `-v 1` with a column per xDS type). */
export function proxyStatusTable(cluster: SimClusterApi, now: number, namespace?: string, verbose = false): string {
  const rows = connectedProxies(cluster, namespace);
  if (verbose) {
    const types = ['CDS', 'LDS', 'EDS', 'RDS', 'ECDS'];
    return renderColumns([
      ['NAME', 'CLUSTER', ...types, 'ISTIOD', 'VERSION'],
      ...rows.map((r) => [
        r.id,
        'Kubernetes',
        ...types.map((t) => (r.types.includes(t) ? `SYNCED (${humanAge(r.lastPush, now)})` : 'IGNORED')),
        r.istiod,
        r.version,
      ]),
    ]);
  }
  return renderColumns([
    ['NAME', 'CLUSTER', 'ISTIOD', 'VERSION', 'SUBSCRIBED TYPES'],
    ...rows.map((r) => [r.id, 'Kubernetes', r.istiod, r.version, `${r.types.length} (${r.types.join(',')})`]),
  ]);
}

/** RFC 1123 as Go's time.RFC1123 prints it in UTC: `Tue, 24 Nov 2026 10:00:00 UTC`. */
function rfc1123(ms: number): string {
  return new Date(ms).toUTCString().replace('GMT', 'UTC');
}

/** `istioctl proxy-status POD[.NAMESPACE]`: istiod's config and the proxy's agree (they always do here). */
export function proxyStatusOne(cluster: SimClusterApi, pod: K8sObject): string {
  const row = connectedProxies(cluster, pod.metadata.namespace).find((r) => r.pod.metadata.name === pod.metadata.name);
  if (!row)
    throw new ProxyStatusError(
      `could not find proxy ${pod.metadata.name}.${pod.metadata.namespace} connected to istiod`,
    );
  return `Clusters Match\nListeners Match\nRoutes Match (RDS last loaded at ${rfc1123(row.lastPush)})\n`;
}
