/**
 * Service address allocation, as the API server's service registry does: a cluster IP from 10.96.0.0/16
 * (kept for the Service's life and immutable), node ports from 30000-32767 for NodePort and LoadBalancer
 * Services (requested ones kept, conflicts refused, kept across updates of the same port).
 * What is in use is read from the stored Services at each write, so a dry run, a refused write or a Service
 * that drops its node ports never leaves an address taken.
 */
import type { K8sObject } from '../../../contract.ts';
import type { RandomSource } from '../types.ts';
import { apiError } from './errors.ts';
import type { ObjectStore } from './store.ts';

type Port = { name?: string; port: number; protocol?: string; targetPort?: number | string; nodePort?: number };
type Spec = {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  ports?: Port[];
  selector?: Record<string, string>;
  sessionAffinity?: string;
  ipFamilies?: string[];
  ipFamilyPolicy?: string;
  internalTrafficPolicy?: string;
  externalTrafficPolicy?: string;
  allocateLoadBalancerNodePorts?: boolean;
};

/** The first and last node port of kind's (and Kubernetes' default) node port range. */
export const NODE_PORT_MIN = 30000;
export const NODE_PORT_MAX = 32767;
/** kube-dns' address, reserved by kubeadm before any other Service is made. */
const DNS_IP = '10.96.0.10';

/** Cluster IPs and node ports held by every stored Service except `except` (the one being updated). */
function inUse(store: ObjectStore, except: K8sObject | undefined): { ips: Set<string>; nodePorts: Set<number> } {
  const ips = new Set<string>([DNS_IP]);
  const nodePorts = new Set<number>();
  for (const svc of store.list('Service')) {
    if (except && svc.metadata.namespace === except.metadata.namespace && svc.metadata.name === except.metadata.name)
      continue;
    const spec = (svc.spec ?? {}) as Spec;
    if (spec.clusterIP && spec.clusterIP !== 'None') ips.add(spec.clusterIP);
    for (const p of spec.ports ?? []) if (p.nodePort) nodePorts.add(p.nodePort);
  }
  return { ips, nodePorts };
}

function randomIp(random: RandomSource, taken: Set<string>): string {
  for (;;) {
    const n = 2 + Math.floor(random.next() * 65_000);
    const ip = `10.96.${n >> 8}.${n & 255}`;
    if ((n & 255) === 0 || (n & 255) === 255 || taken.has(ip)) continue;
    return ip;
  }
}

function randomNodePort(random: RandomSource, taken: Set<number>): number {
  if (taken.size > NODE_PORT_MAX - NODE_PORT_MIN)
    throw apiError(500, 'InternalError', 'Internal error occurred: failed to allocate a nodePort: range is full');
  for (;;) {
    const port = NODE_PORT_MIN + Math.floor(random.next() * (NODE_PORT_MAX - NODE_PORT_MIN + 1));
    if (!taken.has(port)) return port;
  }
}

/**
 * Fills a Service's addresses on create (`live` undefined) or update, and its defaults. Throws the API
 * server's 422 when a requested address is taken or a cluster IP would change.
 */
export function allocateServiceAddresses(
  svc: K8sObject,
  live: K8sObject | undefined,
  random: RandomSource,
  store: ObjectStore,
): void {
  const spec = (svc.spec ??= {}) as Spec;
  const liveSpec = (live?.spec ?? {}) as Spec;
  const taken = inUse(store, live ?? svc);
  spec.type ??= 'ClusterIP';
  spec.sessionAffinity ??= 'None';
  spec.ipFamilies ??= ['IPv4'];
  spec.ipFamilyPolicy ??= 'SingleStack';
  spec.internalTrafficPolicy ??= 'Cluster';
  const name = svc.metadata.name;
  if (spec.type === 'ExternalName') {
    delete spec.clusterIP;
    delete spec.clusterIPs;
  } else if (live && liveSpec.clusterIP) {
    if (spec.clusterIP && spec.clusterIP !== liveSpec.clusterIP) {
      throw apiError(
        422,
        'Invalid',
        `Service "${name}" is invalid: spec.clusterIPs[0]: Invalid value: []string{"${spec.clusterIP}"}: may not change once set`,
      );
    }
    spec.clusterIP = liveSpec.clusterIP;
  } else if (spec.clusterIP && spec.clusterIP !== 'None') {
    // kube-dns' reserved address is still free for the Service that asks for it by name.
    if (
      taken.ips.has(spec.clusterIP) &&
      !(
        spec.clusterIP === DNS_IP &&
        !store.list('Service').some((s) => (s.spec as Spec | undefined)?.clusterIP === DNS_IP)
      )
    ) {
      throw apiError(
        422,
        'Invalid',
        `Service "${name}" is invalid: spec.clusterIPs: Invalid value: []string{"${spec.clusterIP}"}: ` +
          `failed to allocate IP ${spec.clusterIP}: provided IP is already allocated`,
      );
    }
  } else if (spec.clusterIP !== 'None') {
    spec.clusterIP = randomIp(random, taken.ips);
  }
  if (spec.clusterIP) spec.clusterIPs = [spec.clusterIP];
  const wantsNodePorts = spec.type === 'NodePort' || spec.type === 'LoadBalancer';
  if (wantsNodePorts) spec.externalTrafficPolicy ??= 'Cluster';
  else delete spec.externalTrafficPolicy;
  if (spec.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true;
  (spec.ports ?? []).forEach((port, i) => {
    port.protocol ??= 'TCP';
    port.targetPort ??= port.port;
    if (!wantsNodePorts) {
      delete port.nodePort;
      return;
    }
    if (port.nodePort === undefined) {
      port.nodePort =
        (liveSpec.ports ?? []).find((p) => p.port === port.port && (p.protocol ?? 'TCP') === port.protocol)?.nodePort ??
        randomNodePort(random, taken.nodePorts);
    } else if (taken.nodePorts.has(port.nodePort)) {
      throw apiError(
        422,
        'Invalid',
        `Service "${name}" is invalid: spec.ports[${i}].nodePort: Invalid value: ${port.nodePort}: provided port is already allocated`,
      );
    }
    taken.nodePorts.add(port.nodePort);
  });
  // kind has no load balancer controller: the status stays empty and EXTERNAL-IP shows <pending>.
  svc.status = spec.type === 'LoadBalancer' ? (live?.status ?? { loadBalancer: {} }) : { loadBalancer: {} };
}
