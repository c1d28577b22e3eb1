/**
 * Name resolution as a pod's resolver does it (search domains `<ns>.svc.cluster.local svc.cluster.local cluster.local`,
 * ndots 5), and from outside.
 */
import { resolvePublicName } from '../apps/internet/sites.ts';
import { isIpv4 } from './cidr.ts';
import { clusterIp, podIp, serviceSelector } from './objects.ts';
import { CLUSTER_DOMAIN } from './names.ts';
import type { Topology } from './topology.ts';

function clusterRecord(topology: Topology, fqdn: string): string[] | undefined {
  const suffix = `.svc.${CLUSTER_DOMAIN}`;
  if (!fqdn.endsWith(suffix)) return undefined;
  const parts = fqdn.slice(0, -suffix.length).split('.');
  if (parts.length !== 2) return undefined;
  const svc = topology.service(parts[0], parts[1]);
  if (!svc) return undefined;
  const ip = clusterIp(svc);
  if (ip) return [ip];
  // Headless Service: the ready pods' addresses.
  const selector = serviceSelector(svc);
  if (!selector) return undefined;
  const ips = topology
    .pods()
    .filter(
      (p) =>
        p.metadata.namespace === parts[1] && Object.entries(selector).every(([k, v]) => p.metadata.labels?.[k] === v),
    )
    .map(podIp)
    .filter((x): x is string => !!x);
  return ips.length > 0 ? ips : undefined;
}

/** Resolves `name` from a pod in `namespace`; undefined means NXDOMAIN. */
export function resolveFromPod(topology: Topology, name: string, namespace: string): string[] | undefined {
  const host = name.toLowerCase();
  if (isIpv4(host)) return [host];
  if (host === 'localhost') return ['127.0.0.1'];
  const absolute = host.endsWith('.');
  const bare = absolute ? host.slice(0, -1) : host;
  const dots = bare.split('.').length - 1;
  const searched = [
    `${bare}.${namespace}.svc.${CLUSTER_DOMAIN}`,
    `${bare}.svc.${CLUSTER_DOMAIN}`,
    `${bare}.${CLUSTER_DOMAIN}`,
  ];
  const candidates = absolute ? [bare] : dots >= 5 ? [bare, ...searched] : [...searched, bare];
  for (const candidate of candidates) {
    const found = clusterRecord(topology, candidate) ?? resolvePublicName(candidate);
    if (found) return found;
  }
  return undefined;
}

/** Resolves `name` on the learner's machine: addresses and `localhost` only (nothing else is simulated there). */
export function resolveFromOutside(name: string): string[] | undefined {
  const host = name.toLowerCase().replace(/\.$/, '');
  if (isIpv4(host)) return [host];
  if (host === 'localhost') return ['127.0.0.1'];
  return undefined;
}
