/**
 * Service address allocation, as the API server's service registry does: a cluster IP from 10.96.0.0/16
 * (kept for the Service's life and immutable), node ports from 30000-32767 for NodePort and LoadBalancer
 * Services (requested ones kept, conflicts refused, kept across updates of the same port).
 */
import type { K8sObject } from '../../../contract.ts';
import type { RandomSource } from '../types.ts';
import { apiError } from './errors.ts';
import type { ObjectStore } from './store.ts';

type Port = { name?: string; port: number; protocol?: string; targetPort?: number | string; nodePort?: number };
type Spec = { type?: string; clusterIP?: string; clusterIPs?: string[]; ports?: Port[]; selector?: Record<string, string>; sessionAffinity?: string; ipFamilies?: string[]; ipFamilyPolicy?: string; internalTrafficPolicy?: string; externalTrafficPolicy?: string; allocateLoadBalancerNodePorts?: boolean };

/** The IPs and ports in use. */
export class ServiceAllocator {
  readonly #ips = new Set<string>();
  readonly #nodePorts = new Set<number>();
  readonly #random: RandomSource;

  constructor(random: RandomSource) {
    this.#random = random;
  }

  /** Reserves a given IP; false when taken. */
  takeIp(ip: string): boolean {
    if (this.#ips.has(ip)) return false;
    this.#ips.add(ip);
    return true;
  }

  nextIp(): string {
    for (;;) {
      const n = 2 + Math.floor(this.#random.next() * 65_000);
      const ip = `10.96.${n >> 8}.${n & 255}`;
      if ((n & 255) === 0 || (n & 255) === 255 || ip === '10.96.0.10') continue;
      if (this.takeIp(ip)) return ip;
    }
  }

  takeNodePort(port: number): boolean {
    if (this.#nodePorts.has(port)) return false;
    this.#nodePorts.add(port);
    return true;
  }

  nextNodePort(): number {
    for (;;) {
      const port = 30000 + Math.floor(this.#random.next() * 2768);
      if (this.takeNodePort(port)) return port;
    }
  }

  /** Frees what a deleted Service held. */
  release(svc: K8sObject): void {
    const spec = (svc.spec ?? {}) as Spec;
    if (spec.clusterIP) this.#ips.delete(spec.clusterIP);
    for (const p of spec.ports ?? []) if (p.nodePort) this.#nodePorts.delete(p.nodePort);
  }
}

/** Fills a Service's addresses on create (`live` undefined) or update, and its defaults. */
export function allocateServiceAddresses(svc: K8sObject, live: K8sObject | undefined, allocator: ServiceAllocator, _store: ObjectStore): void {
  const spec = (svc.spec ??= {}) as Spec;
  const liveSpec = (live?.spec ?? {}) as Spec;
  spec.type ??= 'ClusterIP';
  spec.sessionAffinity ??= 'None';
  spec.ipFamilies ??= ['IPv4'];
  spec.ipFamilyPolicy ??= 'SingleStack';
  spec.internalTrafficPolicy ??= 'Cluster';
  const name = svc.metadata.name;
  if (spec.type === 'ExternalName') {
    delete spec.clusterIP;
  } else if (live) {
    if (spec.clusterIP && spec.clusterIP !== liveSpec.clusterIP) {
      throw apiError(422, 'Invalid', `Service "${name}" is invalid: spec.clusterIPs[0]: Invalid value: []string{"${spec.clusterIP}"}: may not change once set`);
    }
    spec.clusterIP = liveSpec.clusterIP;
  } else if (spec.clusterIP && spec.clusterIP !== 'None') {
    if (!allocator.takeIp(spec.clusterIP)) {
      throw apiError(422, 'Invalid', `Service "${name}" is invalid: spec.clusterIPs: Invalid value: []string{"${spec.clusterIP}"}: failed to allocate IP ${spec.clusterIP}: provided IP is already allocated`);
    }
  } else if (spec.clusterIP !== 'None') {
    spec.clusterIP = allocator.nextIp();
  }
  if (spec.clusterIP) spec.clusterIPs = [spec.clusterIP];
  const wantsNodePorts = spec.type === 'NodePort' || spec.type === 'LoadBalancer';
  if (wantsNodePorts) spec.externalTrafficPolicy ??= 'Cluster';
  if (spec.type === 'LoadBalancer') spec.allocateLoadBalancerNodePorts ??= true;
  const kept = new Set<number>();
  (spec.ports ?? []).forEach((port, i) => {
    port.protocol ??= 'TCP';
    port.targetPort ??= port.port;
    if (!wantsNodePorts) {
      delete port.nodePort;
      return;
    }
    const previous = (liveSpec.ports ?? []).find((p) => p.port === port.port && (p.protocol ?? 'TCP') === port.protocol)?.nodePort;
    if (port.nodePort === undefined && previous !== undefined) {
      port.nodePort = previous;
      kept.add(previous);
    } else if (port.nodePort === undefined) {
      port.nodePort = allocator.nextNodePort();
    } else if (port.nodePort !== previous && !allocator.takeNodePort(port.nodePort)) {
      throw apiError(422, 'Invalid', `Service "${name}" is invalid: spec.ports[${i}].nodePort: Invalid value: ${port.nodePort}: provided port is already allocated`);
    } else kept.add(port.nodePort);
  });
  if (spec.type === 'LoadBalancer') svc.status = live?.status ?? { loadBalancer: {} };
  else svc.status = { loadBalancer: {} };
}
