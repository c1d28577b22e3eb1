/**
 * Which virtual host of a proxy's route table a request lands on: for sidecars, the per-port route config built
 * from Services, ServiceEntries and mesh-bound VirtualServices (plus the `allow_any` / `block_all` catch-all);
 * for gateways, the VirtualServices bound to the Gateways that select the gateway pod.
 */
import type { K8sObject } from '../../../contract.ts';
import { clusterIp, creationOrder, labelsOf, selectorMatches, servicePorts, specOf } from './objects.ts';
import {
  hostMatches,
  hostsIntersect,
  narrowerHost,
  resolveConfigHost,
  serviceFqdn,
  serviceHostForms,
} from './names.ts';
import { gatewaysScopedToNamespace, type OutboundMode } from './meshConfig.ts';
import type { Topology } from './topology.ts';

/** The reserved gateway name for sidecars. */
export const MESH_GATEWAY = 'mesh';

/** Protocols whose ServiceEntry ports get HTTP routes. */
const HTTP_PROTOCOLS = ['HTTP', 'HTTP2', 'GRPC', 'GRPC-WEB'];

/** Where a sidecar's route table sends a request, before the VirtualService's rules are applied. */
export type SidecarVirtualHost =
  | { kind: 'service'; host: string; port: number; service: K8sObject; virtualServices: K8sObject[] }
  | { kind: 'serviceEntry'; host: string; port: number; serviceEntry: K8sObject; virtualServices: K8sObject[] }
  | { kind: 'virtualServiceOnly'; host: string; port: number; virtualServices: K8sObject[] }
  | { kind: 'allow_any' | 'block_all'; port: number };

/** The `hosts` of a VirtualService, resolved as Istio resolves them (short names in the VS's namespace). */
export function virtualServiceHosts(vs: K8sObject): string[] {
  const hosts = specOf(vs).hosts;
  const ns = vs.metadata.namespace ?? 'default';
  return Array.isArray(hosts)
    ? hosts.filter((h): h is string => typeof h === 'string').map((h) => resolveConfigHost(h, ns))
    : [];
}

/** The gateways a VirtualService binds to, as `ns/name` or `mesh`; omitted means mesh only. */
export function virtualServiceGateways(vs: K8sObject): string[] {
  const gws = specOf(vs).gateways;
  const ns = vs.metadata.namespace ?? 'default';
  if (!Array.isArray(gws) || gws.length === 0) return [MESH_GATEWAY];
  return gws
    .filter((g): g is string => typeof g === 'string')
    .map((g) => (g === MESH_GATEWAY || g.includes('/') ? g : `${ns}/${g}`));
}

/** Mesh-bound VirtualServices whose hosts match `host`, oldest first (the oldest one wins for sidecars). */
export function meshVirtualServicesFor(topology: Topology, host: string): K8sObject[] {
  return topology
    .all('VirtualService')
    .filter((vs) => virtualServiceGateways(vs).includes(MESH_GATEWAY))
    .filter((vs) => virtualServiceHosts(vs).some((h) => hostMatches(h, host)))
    .sort(creationOrder);
}

function oldestOnly(list: K8sObject[]): K8sObject[] {
  return list.length > 0 ? [list[0]] : [];
}

/** ServiceEntry hosts and ports as declared. */
export function serviceEntryPorts(
  se: K8sObject,
): { number: number; protocol: string; name?: string; targetPort?: number }[] {
  const ports = specOf(se).ports;
  return Array.isArray(ports)
    ? (ports as { number: number; protocol?: string; name?: string; targetPort?: number }[]).map((p) => ({
        ...p,
        protocol: (p.protocol ?? 'TCP').toUpperCase(),
      }))
    : [];
}

/** ServiceEntry `hosts`. */
export function serviceEntryHosts(se: K8sObject): string[] {
  const hosts = specOf(se).hosts;
  return Array.isArray(hosts)
    ? hosts.filter((h): h is string => typeof h === 'string').map((h) => h.toLowerCase())
    : [];
}

/**
 * The virtual host a sidecar picks for a request arriving on outbound port `port` with Host `authority`.
 * Domains are `host` and `host:port`; an authority with another port matches none of them.
 */
export function sidecarVirtualHost(
  topology: Topology,
  clientNamespace: string,
  port: number,
  hostPart: string,
  authorityPort: number | undefined,
  mode: OutboundMode,
): SidecarVirtualHost {
  const catchAll: SidecarVirtualHost = { kind: mode === 'REGISTRY_ONLY' ? 'block_all' : 'allow_any', port };
  if (authorityPort !== undefined && authorityPort !== port) return catchAll;

  for (const svc of topology.services()) {
    if (!servicePorts(svc).some((p) => p.port === port)) continue;
    const ns = svc.metadata.namespace ?? 'default';
    const forms = serviceHostForms(svc.metadata.name, ns, clientNamespace);
    if (forms.includes(hostPart) || clusterIp(svc) === hostPart) {
      const host = serviceFqdn(svc.metadata.name, ns);
      return {
        kind: 'service',
        host,
        port,
        service: svc,
        virtualServices: oldestOnly(meshVirtualServicesFor(topology, host)),
      };
    }
  }
  for (const se of [...topology.all('ServiceEntry')].sort(creationOrder)) {
    if (!serviceEntryPorts(se).some((p) => p.number === port && HTTP_PROTOCOLS.includes(p.protocol))) continue;
    const host = serviceEntryHosts(se).find((h) => hostMatches(h, hostPart));
    if (host)
      return {
        kind: 'serviceEntry',
        host,
        port,
        serviceEntry: se,
        virtualServices: oldestOnly(meshVirtualServicesFor(topology, hostPart)),
      };
  }
  // Istio puts VirtualService hosts that name no service on port 80 ("a gross hack" in its own words).
  if (port === 80) {
    const vss = meshVirtualServicesFor(topology, hostPart).filter((vs) => !virtualServiceHosts(vs).includes('*'));
    if (vss.length > 0) return { kind: 'virtualServiceOnly', host: hostPart, port, virtualServices: oldestOnly(vss) };
  }
  return catchAll;
}

/** A Gateway server: port, protocol, hosts (with their optional `ns/` part). */
export interface GatewayServer {
  gateway: K8sObject;
  /** `ns/name` of the Gateway. */
  gatewayRef: string;
  port: number;
  protocol: string;
  hosts: { namespace: string; host: string }[];
  tlsMode?: string;
}

/**
 * Servers of the Gateways whose selector picks this gateway pod: in any namespace, or only in the pod's own when
 * istiod runs with PILOT_SCOPE_GATEWAY_TO_NAMESPACE=true.
 */
export function gatewayServersFor(topology: Topology, gatewayPod: K8sObject): GatewayServer[] {
  const labels = labelsOf(gatewayPod);
  const out: GatewayServer[] = [];
  const scoped = gatewaysScopedToNamespace(topology.cluster);
  const podNamespace = gatewayPod.metadata.namespace ?? 'default';
  for (const gw of [...topology.all('Gateway')].sort(creationOrder)) {
    if (scoped && (gw.metadata.namespace ?? 'default') !== podNamespace) continue;
    const selector = specOf(gw).selector as Record<string, string> | undefined;
    if (!selector || Object.keys(selector).length === 0 || !selectorMatches(selector, labels)) continue;
    const servers = Array.isArray(specOf(gw).servers) ? (specOf(gw).servers as Record<string, unknown>[]) : [];
    for (const server of servers) {
      const port = server.port as { number?: number; protocol?: string } | undefined;
      if (!port || typeof port.number !== 'number') continue;
      const hosts = (Array.isArray(server.hosts) ? (server.hosts as string[]) : []).map((h) => {
        const slash = h.indexOf('/');
        return slash < 0
          ? { namespace: '*', host: h.toLowerCase() }
          : { namespace: h.slice(0, slash), host: h.slice(slash + 1).toLowerCase() };
      });
      out.push({
        gateway: gw,
        gatewayRef: `${gw.metadata.namespace ?? 'default'}/${gw.metadata.name}`,
        port: port.number,
        protocol: (port.protocol ?? 'HTTP').toUpperCase(),
        hosts,
        tlsMode: (server.tls as { mode?: string } | undefined)?.mode,
      });
    }
  }
  return out;
}

/** A gateway virtual host: the domain it serves and the VirtualServices merged into it, oldest first. */
export interface GatewayVirtualHost {
  domain: string;
  virtualServices: K8sObject[];
}

/** Whether a VirtualService binds to one of these Gateway servers (gateway named, host admitted by the server). */
export function boundToServers(vs: K8sObject, servers: GatewayServer[]): boolean {
  const bound = virtualServiceGateways(vs);
  const vsNs = vs.metadata.namespace ?? 'default';
  return servers.some(
    (server) =>
      bound.includes(server.gatewayRef) &&
      virtualServiceHosts(vs).some((vsHost) =>
        server.hosts.some(
          (sh) =>
            (sh.namespace === '*' ||
              sh.namespace === vsNs ||
              (sh.namespace === '.' && vsNs === (server.gateway.metadata.namespace ?? 'default'))) &&
            hostsIntersect(vsHost, sh.host),
        ),
      ),
  );
}

function domainScore(domain: string, host: string): number {
  if (domain === host) return 1_000_000;
  if (domain === '*') return 0;
  return hostMatches(domain, host) ? domain.length : -1;
}

/**
 * The virtual host a gateway picks for Host `hostPart` among VirtualServices bound to these servers' Gateways.
 * Envoy prefers an exact domain, then the longest wildcard suffix, then `*`.
 */
export function gatewayVirtualHost(
  topology: Topology,
  servers: GatewayServer[],
  hostPart: string,
): GatewayVirtualHost | undefined {
  const byDomain = new Map<string, K8sObject[]>();
  for (const vs of [...topology.all('VirtualService')].sort(creationOrder)) {
    const bound = virtualServiceGateways(vs);
    const vsNs = vs.metadata.namespace ?? 'default';
    for (const server of servers) {
      if (!bound.includes(server.gatewayRef)) continue;
      for (const vsHost of virtualServiceHosts(vs)) {
        for (const sh of server.hosts) {
          if (sh.namespace !== '*' && sh.namespace !== '.' && sh.namespace !== vsNs) continue;
          if (sh.namespace === '.' && vsNs !== (server.gateway.metadata.namespace ?? 'default')) continue;
          if (!hostsIntersect(vsHost, sh.host)) continue;
          const domain = narrowerHost(vsHost, sh.host);
          const list = byDomain.get(domain) ?? [];
          if (!list.includes(vs)) list.push(vs);
          byDomain.set(domain, list);
        }
      }
    }
  }
  let best: GatewayVirtualHost | undefined;
  let bestScore = -1;
  for (const [domain, virtualServices] of byDomain) {
    const score = domainScore(domain, hostPart);
    if (score > bestScore) {
      best = { domain, virtualServices };
      bestScore = score;
    }
  }
  return best;
}
