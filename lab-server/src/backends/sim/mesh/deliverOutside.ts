/**
 * The way in from the learner's machine on kind: the node's address and its NodePorts (kube-proxy forwards to a
 * ready endpoint, SNATing the client to the node's pod-network address), plus kind's host port mappings on
 * 127.0.0.1. Nothing else inside the cluster is routable from outside.
 */
import type { K8sObject } from '../../../contract.ts';
import type { SimClusterApi } from '../types.ts';
import type { Topology } from './topology.ts';
import type { MeshEnv } from './env.ts';
import { deliverHttp } from './deliver.ts';
import { gatewayServersFor } from './virtualHosts.ts';
import { ephemeralPort } from './ids.ts';
import { isGatewayPod, servicePorts, statusOf, type ServicePortSpec } from './objects.ts';
import { TransportFailure, type Address, type WireRequest, type WireResponse } from './wire.ts';

/** The kind node's InternalIP when the cluster lists no Node. */
export const KIND_NODE_IP = '172.18.0.2';

/** kind's `extraPortMappings`: host port on 127.0.0.1 -> node port. */
export const KIND_PORT_MAPPINGS: ReadonlyMap<number, number> = new Map([
  [8080, 30080],
  [8443, 30443],
]);

/** The address a NodePort connection appears to come from inside the cluster (the node's bridge on the pod network). */
export const NODE_SNAT_IP = '10.244.0.1';

/** The nodes' InternalIPs. */
export function nodeAddresses(cluster: SimClusterApi): string[] {
  const ips: string[] = [];
  for (const node of cluster.list('Node')) {
    const addresses = statusOf(node).addresses;
    if (!Array.isArray(addresses)) continue;
    for (const a of addresses as { type?: string; address?: string }[])
      if (a.type === 'InternalIP' && a.address) ips.push(a.address);
  }
  return ips.length > 0 ? ips : [KIND_NODE_IP];
}

/**
 * The first Service (in list order) with a port of this node port, and that port: kube-proxy's node-port rule,
 * looked up in a table of this configuration view rather than by scanning every Service on every request.
 */
export function nodePortService(
  topology: Topology,
  nodePort: number,
): { svc: K8sObject; port: ServicePortSpec } | undefined {
  return topology.memoBy('nodePortService', nodePort, undefined, undefined, undefined, () => {
    for (const svc of topology.services()) {
      const port = servicePorts(svc).find((p) => p.nodePort === nodePort);
      if (port) return { svc, port };
    }
    return undefined;
  });
}

/** Delivers a request from outside; `tls` for https (the gateways' TLS listeners are not simulated: reset). */
export async function deliverToPodAddressForOutside(
  env: MeshEnv,
  wire: WireRequest,
  destination: Address,
  tls: boolean,
  signal?: AbortSignal,
): Promise<WireResponse> {
  let target = destination;
  const topology = env.topology();
  const nodes = topology.memo('nodeAddresses', () => nodeAddresses(env.cluster));
  if (destination.ip.startsWith('127.')) {
    const nodePort = KIND_PORT_MAPPINGS.get(destination.port);
    if (nodePort === undefined) throw new TransportFailure('refused');
    target = { ip: nodes[0], port: nodePort };
  }
  if (!nodes.includes(target.ip)) throw new TransportFailure('unreachable');
  const found = nodePortService(topology, target.port);
  if (found) {
    const { svc, port } = found;
    const endpoints = topology.serviceEndpoints(svc, port);
    if (endpoints.length === 0) throw new TransportFailure('refused');
    const chosen = endpoints[Math.floor(env.random.next() * endpoints.length)];
    if (tls) {
      if (!isGatewayPod(chosen.pod)) throw new TransportFailure('tls-mismatch');
      const hasTls = gatewayServersFor(topology, chosen.pod).some(
        (s) => s.protocol === 'HTTPS' || s.protocol === 'TLS',
      );
      throw new TransportFailure(hasTls ? 'reset' : 'refused');
    }
    return deliverHttp(
      env,
      { ip: NODE_SNAT_IP, port: ephemeralPort(env.random) },
      { ip: chosen.ip, port: chosen.port },
      wire,
      undefined,
      signal,
    );
  }
  throw new TransportFailure('refused');
}
