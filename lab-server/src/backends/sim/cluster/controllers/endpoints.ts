/**
 * The Endpoints controller: for each Service with a selector, the addresses of the pods it selects that have an
 * IP (ready ones under `addresses`, the others under `notReadyAddresses`), with the Service's ports resolved to
 * the pods' container ports; Endpoints of deleted Services go too.
 */
import type { K8sObject } from '../../../../contract.ts';
import { podIp, resolveTargetPort, serviceSelector, servicePorts } from '../../mesh/objects.ts';
import { mapSelects } from '../labelSelector.ts';
import type { ControllerContext } from './context.ts';
import { NODE_NAME } from './node.ts';
import { isReady, same } from './owners.ts';

/** One pass over every Service and Endpoints. */
export function syncEndpoints(ctx: ControllerContext): void {
  const { store } = ctx;
  for (const svc of store.list('Service')) {
    const selector = serviceSelector(svc);
    if (!selector) continue;
    const ns = svc.metadata.namespace!;
    const pods = store.list('Pod', ns).filter((p) => mapSelects(selector, p.metadata.labels) && podIp(p));
    const address = (p: K8sObject) => ({
      ip: podIp(p),
      nodeName: NODE_NAME,
      targetRef: { kind: 'Pod', namespace: ns, name: p.metadata.name, uid: p.metadata.uid },
    });
    const ready = pods.filter(isReady).map(address);
    const notReady = pods.filter((p) => !isReady(p)).map(address);
    const ports = servicePorts(svc).map((p) => ({
      ...(p.name ? { name: p.name } : {}),
      // A name no container declares: the Service's port stands in (Kubernetes would leave the pod out of it).
      port: resolveTargetPort(pods[0], p) ?? p.port,
      protocol: p.protocol ?? 'TCP',
      ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}),
    }));
    const subsets =
      ready.length || notReady.length
        ? [
            {
              ...(ready.length ? { addresses: ready } : {}),
              ...(notReady.length ? { notReadyAddresses: notReady } : {}),
              ports,
            },
          ]
        : undefined;
    const existing = store.get('Endpoints', ns, svc.metadata.name);
    const labels = { ...svc.metadata.labels, 'endpoints.kubernetes.io/managed-by': 'endpoint-controller' };
    if (existing && same(existing.subsets, subsets) && same(existing.metadata.labels, labels)) continue;
    if (existing) {
      const next = { ...existing, metadata: { ...existing.metadata, labels } } as K8sObject;
      if (subsets) next.subsets = subsets;
      else delete next.subsets;
      store.put(next);
    } else {
      const body: K8sObject = {
        apiVersion: 'v1',
        kind: 'Endpoints',
        metadata: { name: svc.metadata.name, namespace: ns, labels },
        ...(subsets ? { subsets } : {}),
      };
      ctx.stamp(body);
      store.put(body);
    }
  }
  for (const ep of store.list('Endpoints')) {
    if (ep.metadata.name === 'kubernetes' && ep.metadata.namespace === 'default') continue;
    if (!store.get('Service', ep.metadata.namespace, ep.metadata.name))
      store.remove('Endpoints', ep.metadata.namespace, ep.metadata.name);
  }
}
