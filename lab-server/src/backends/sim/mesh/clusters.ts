/**
 * Envoy clusters as Istio builds them: `outbound|port|subset|host` for Services and ServiceEntries, subsets from
 * DestinationRules, endpoints from ready pods (or a ServiceEntry's endpoints / DNS answer).
 */
import type { K8sObject } from '../../../contract.ts';
import { creationOrder, servicePorts, specOf, type ServicePortSpec } from './objects.ts';
import { hostMatches, resolveConfigHost, CLUSTER_DOMAIN } from './names.ts';
import { clusterName } from './accessLog.ts';
import { ROOT_NAMESPACE } from './meshConfig.ts';
import { serviceEntryHosts, serviceEntryPorts } from './virtualHosts.ts';
import type { Topology } from './topology.ts';
import { isIpv4 } from './cidr.ts';

/** A route destination: host (FQDN or ServiceEntry host), port, optional subset. */
export interface ClusterRef {
  host: string;
  port: number;
  subset?: string;
}

/** One upstream endpoint. `original` means "the address the client dialled" (passthrough, resolution NONE). */
export interface UpstreamEndpoint {
  ip: string;
  port: number;
  pod?: K8sObject;
}

/** A cluster found, with its endpoints (maybe none), or not found (NC). */
export type ClusterLookup =
  | {
      found: true;
      name: string;
      kind: 'service' | 'serviceEntry';
      endpoints: UpstreamEndpoint[];
      originalDestination: boolean;
      serviceNamespace?: string;
    }
  | { found: false; name: string };

/** The Service named by an FQDN `name.ns.svc.cluster.local`. */
export function serviceForFqdn(topology: Topology, host: string): K8sObject | undefined {
  const suffix = `.svc.${CLUSTER_DOMAIN}`;
  if (!host.endsWith(suffix)) return undefined;
  const [name, ns, ...rest] = host.slice(0, -suffix.length).split('.');
  if (!name || !ns || rest.length > 0) return undefined;
  return topology.service(name, ns);
}

/** The port a destination without `port` gets: the Service's only port, else the port the request came in on. */
export function defaultDestinationPort(topology: Topology, host: string, listenerPort: number): number {
  const svc = serviceForFqdn(topology, host);
  if (svc) {
    const ports = servicePorts(svc);
    if (ports.length === 1) return ports[0].port;
    return listenerPort;
  }
  const se = serviceEntryFor(topology, host);
  if (se) {
    const ports = serviceEntryPorts(se);
    if (ports.length === 1) return ports[0].number;
  }
  return listenerPort;
}

/** The oldest ServiceEntry declaring `host` (exactly or by wildcard). */
export function serviceEntryFor(topology: Topology, host: string): K8sObject | undefined {
  return [...topology.all('ServiceEntry')]
    .sort(creationOrder)
    .find((se) => serviceEntryHosts(se).some((h) => hostMatches(h, host)));
}

/**
 * The DestinationRule that applies to `host` for a proxy in `proxyNamespace`: Istio looks in the proxy's namespace,
 * then the service's, then the root namespace.
 */
export function destinationRuleFor(
  topology: Topology,
  host: string,
  proxyNamespace: string,
  serviceNamespace?: string,
): K8sObject | undefined {
  const matching = [...topology.all('DestinationRule')].sort(creationOrder).filter((dr) => {
    const h = specOf(dr).host;
    return typeof h === 'string' && hostMatches(resolveConfigHost(h, dr.metadata.namespace ?? 'default'), host);
  });
  const inNs = (ns: string | undefined) => matching.find((dr) => (dr.metadata.namespace ?? 'default') === ns);
  return inNs(proxyNamespace) ?? inNs(serviceNamespace) ?? inNs(ROOT_NAMESPACE) ?? matching[0];
}

/** A subset's labels, or undefined when the DestinationRule does not define it. */
export function subsetLabels(dr: K8sObject | undefined, subset: string): Record<string, string> | undefined {
  if (!dr) return undefined;
  const subsets = specOf(dr).subsets;
  if (!Array.isArray(subsets)) return undefined;
  const found = (subsets as { name?: string; labels?: Record<string, string> }[]).find((s) => s.name === subset);
  return found ? (found.labels ?? {}) : undefined;
}

/** Public DNS as the proxy sees it (the simulated internet), for ServiceEntries with `resolution: DNS`. */
export type DnsResolver = (name: string) => string[] | undefined;

/** Looks a cluster up and lists its endpoints. */
export function lookupCluster(
  topology: Topology,
  ref: ClusterRef,
  proxyNamespace: string,
  dns: DnsResolver,
): ClusterLookup {
  const name = clusterName('outbound', ref.port, ref.subset, ref.host);
  const svc = serviceForFqdn(topology, ref.host);
  if (svc) {
    const port = servicePorts(svc).find((p) => p.port === ref.port);
    if (!port) return { found: false, name };
    const svcNs = svc.metadata.namespace ?? 'default';
    let labels: Record<string, string> | undefined;
    if (ref.subset) {
      labels = subsetLabels(destinationRuleFor(topology, ref.host, proxyNamespace, svcNs), ref.subset);
      if (!labels) return { found: false, name };
    }
    const endpoints = topology
      .serviceEndpoints(svc, port as ServicePortSpec, labels)
      .map((e) => ({ ip: e.ip, port: e.port, pod: e.pod }));
    return { found: true, name, kind: 'service', endpoints, originalDestination: false, serviceNamespace: svcNs };
  }
  const se = serviceEntryFor(topology, ref.host);
  if (se) {
    const sePort = serviceEntryPorts(se).find((p) => p.number === ref.port);
    if (!sePort) return { found: false, name };
    if (
      ref.subset &&
      !subsetLabels(destinationRuleFor(topology, ref.host, proxyNamespace, se.metadata.namespace), ref.subset)
    ) {
      return { found: false, name };
    }
    const resolution = String(specOf(se).resolution ?? 'NONE').toUpperCase();
    const declared = Array.isArray(specOf(se).endpoints)
      ? (specOf(se).endpoints as { address?: string; ports?: Record<string, number> }[])
      : [];
    const targetPort = (e?: { ports?: Record<string, number> }) =>
      (sePort.name && e?.ports?.[sePort.name]) || sePort.targetPort || sePort.number;
    if (resolution === 'NONE')
      return { found: true, name, kind: 'serviceEntry', endpoints: [], originalDestination: true };
    const endpoints: UpstreamEndpoint[] = [];
    if (declared.length > 0) {
      for (const e of declared) {
        if (!e.address) continue;
        const ips = isIpv4(e.address) ? [e.address] : resolution === 'DNS' ? (dns(e.address) ?? []) : [];
        for (const ip of ips.slice(0, 1)) endpoints.push({ ip, port: targetPort(e) });
      }
    } else if (resolution === 'DNS' && !ref.host.includes('*')) {
      // Envoy's STRICT_DNS/LOGICAL_DNS cluster connects to the first address of the host's DNS answer.
      const ips = dns(ref.host) ?? [];
      if (ips.length > 0) endpoints.push({ ip: ips[0], port: targetPort() });
    }
    return { found: true, name, kind: 'serviceEntry', endpoints, originalDestination: false };
  }
  return { found: false, name };
}
