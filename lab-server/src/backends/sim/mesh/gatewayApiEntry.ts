/**
 * The way in from the learner's machine to a Kubernetes Gateway API gateway on kind: Istio deploys the Gateway as
 * the Service `<name>-istio`, and with no load balancer a client reaches it at a node's address and the NodePort of
 * the listener's port. A Gateway that does not exist, is not Programmed, or has no listener on the port gives the
 * client nothing to connect to: the caller answers as curl does (connection refused).
 */
import type { GatewayRef, K8sObject } from '../../../contract.ts';
import { KUBE_GATEWAY, listenersOf } from '../gatewayApi/bindings.ts';
import type { SimClusterApi } from '../types.ts';
import { nodeAddresses } from './deliverOutside.ts';
import { servicePorts, statusOf } from './objects.ts';

/** Where the client connects (`ip:port`), or why it cannot (for logs and tests; the check explains it to the learner). */
export type GatewayApiEntry = { address: string } | { refused: string };

/** True when the Gateway's status says Programmed (istiod writes it once the Service has its address). */
export function isProgrammed(gateway: K8sObject): boolean {
  const conditions = statusOf(gateway).conditions;
  return (
    Array.isArray(conditions) &&
    (conditions as { type?: string; status?: string }[]).some((c) => c.type === 'Programmed' && c.status === 'True')
  );
}

/** The node address and NodePort a client outside the cluster uses for `port` of the Gateway `ref`. */
export function gatewayApiEntry(cluster: SimClusterApi, ref: GatewayRef, port: number): GatewayApiEntry {
  const gateway = cluster.get(KUBE_GATEWAY, ref.namespace, ref.name);
  if (!gateway) return { refused: `Gateway ${ref.namespace}/${ref.name} not found` };
  if (!isProgrammed(gateway)) return { refused: `Gateway ${ref.namespace}/${ref.name} is not Programmed` };
  if (!listenersOf(gateway).some((l) => l.port === port))
    return { refused: `Gateway ${ref.namespace}/${ref.name} has no listener on port ${port}` };
  const service = cluster.get('Service', ref.namespace, `${ref.name}-istio`);
  const nodePort = service ? servicePorts(service).find((p) => p.port === port)?.nodePort : undefined;
  if (!nodePort) return { refused: `Service ${ref.namespace}/${ref.name}-istio has no node port for port ${port}` };
  return { address: `${nodeAddresses(cluster)[0]}:${nodePort}` };
}
