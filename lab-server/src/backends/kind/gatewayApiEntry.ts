/**
 * HTTP from outside through a Kubernetes Gateway API gateway on a real cluster. Istio deploys the Gateway as the
 * Deployment and Service `<name>-istio`; the lab server reaches one of its running pods through a port-forward, as
 * `kubectl port-forward svc/<name>-istio 8080:80` would, on the container port behind the Service's port for the
 * request's listener port. A Gateway that is missing, not Programmed, or has no listener on that port refuses the
 * connection, as it would for a learner's curl (the check says which).
 */
import type { GatewayRef, K8sObject } from '../../contract.ts';
import type { KubeApi, ResolvedKind } from './kubeApi.ts';
import { PORT_FORWARD_ADDRESS, type IngressRoute } from './outsideHttp.ts';

/** The Gateway API's Gateway (Istio's own `Gateway` has the same Kind in another group). */
export const GATEWAY_API_GATEWAY: ResolvedKind = {
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'Gateway',
  plural: 'gateways',
  namespaced: true,
};
const SERVICE: ResolvedKind = { apiVersion: 'v1', kind: 'Service', plural: 'services', namespaced: true };
const POD: ResolvedKind = { apiVersion: 'v1', kind: 'Pod', plural: 'pods', namespaced: true };

/** The label Istio puts on a Gateway's generated pods. */
export const GATEWAY_NAME_LABEL = 'gateway.networking.k8s.io/gateway-name';

type Obj = Record<string, unknown>;
const asObj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const asList = (v: unknown): Obj[] => (Array.isArray(v) ? v.map(asObj) : []);

function refused(message: string): Error {
  return Object.assign(new Error(message), { code: 'ECONNREFUSED' });
}

/** True when the Gateway's status says Programmed. */
export function isProgrammed(gateway: K8sObject): boolean {
  return asList(asObj(gateway.status).conditions).some((c) => c.type === 'Programmed' && c.status === 'True');
}

/** The pod's container port a Service port forwards to (a number, or a port name the pod's containers declare). */
export function targetContainerPort(servicePort: Obj, pod: K8sObject): number | undefined {
  const target = servicePort.targetPort ?? servicePort.port;
  if (typeof target === 'number') return target;
  if (typeof target !== 'string') return undefined;
  if (/^\d+$/.test(target)) return Number(target);
  for (const container of asList(asObj(pod.spec).containers))
    for (const p of asList(container.ports)) if (p.name === target) return Number(p.containerPort);
  return undefined;
}

/**
 * The route to the Gateway `ref` (its namespace already the cluster's) for the listener `ports`: `http` for plain
 * requests, `https` for TLS ones. Every connection re-reads the Gateway, so a fix takes effect at once.
 */
export function gatewayApiRoute(api: KubeApi, ref: GatewayRef, ports: { http: number; https: number }): IngressRoute {
  const where = `${ref.namespace}/${ref.name}`;
  return {
    address: PORT_FORWARD_ADDRESS,
    connect: async (scheme) => {
      const port = ports[scheme];
      const gateway = await api.read(GATEWAY_API_GATEWAY, ref.namespace, ref.name);
      if (!gateway) throw refused(`Gateway ${where} not found`);
      if (!isProgrammed(gateway)) throw refused(`Gateway ${where} is not Programmed`);
      if (!asList(asObj(gateway.spec).listeners).some((l) => Number(l.port) === port))
        throw refused(`Gateway ${where} has no listener on port ${port}`);
      const service = await api.read(SERVICE, ref.namespace, `${ref.name}-istio`);
      const servicePort = asList(asObj(service?.spec).ports).find((p) => Number(p.port) === port);
      if (!servicePort) throw refused(`Service ${ref.namespace}/${ref.name}-istio has no port ${port}`);
      const pods = await api.list(POD, ref.namespace, `${GATEWAY_NAME_LABEL}=${ref.name}`);
      const running = pods.find((p) => asObj(p.status).phase === 'Running' && !p.metadata.deletionTimestamp);
      if (!running) throw refused(`no running pod of Gateway ${where}`);
      const containerPort = targetContainerPort(servicePort, running);
      if (containerPort === undefined)
        throw refused(`Service ${ref.namespace}/${ref.name}-istio port ${port} has no target`);
      return api.portForward(ref.namespace, running.metadata.name, containerPort);
    },
  };
}
