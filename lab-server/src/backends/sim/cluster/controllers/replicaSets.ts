/**
 * The ReplicaSet controller: keeps `spec.replicas` pods of the template (named `<rs>-<5 chars>`), deleting
 * not-ready pods first when there are too many, and reports replicas, ready and available counts.
 */
import type { K8sObject } from '../../../../contract.ts';
import { workloadSpec } from '../shapes.ts';
import { randomSuffix } from '../names.ts';
import type { ControllerContext } from './context.ts';
import { isOwnedBy, isReady, ownerRef, same } from './owners.ts';

/** The pods a ReplicaSet controls. */
export function podsOf(ctx: ControllerContext, rs: K8sObject): K8sObject[] {
  return ctx.store.list('Pod', rs.metadata.namespace).filter((p) => isOwnedBy(p, rs));
}

/** One pass over every ReplicaSet. */
export function syncReplicaSets(ctx: ControllerContext): void {
  for (const rs of ctx.store.list('ReplicaSet')) syncReplicaSet(ctx, rs);
}

function syncReplicaSet(ctx: ControllerContext, rs: K8sObject): void {
  const spec = workloadSpec(rs);
  const pods = podsOf(ctx, rs);
  const want = spec.replicas ?? 1;
  for (let i = pods.length; i < want; i++) {
    const template = structuredClone(spec.template ?? {});
    const pod: K8sObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: `${rs.metadata.name}-${randomSuffix(ctx.random)}`,
        namespace: rs.metadata.namespace,
        labels: template.metadata?.labels ?? {},
        ...(template.metadata?.annotations ? { annotations: template.metadata.annotations } : {}),
        ownerReferences: [ownerRef(rs)],
      },
      spec: template.spec ?? {},
    };
    const created = ctx.createPod(pod);
    ctx.record(rs, {
      type: 'Normal',
      reason: 'SuccessfulCreate',
      message: `Created pod: ${created.metadata.name}`,
      component: 'replicaset-controller',
    });
  }
  if (pods.length > want) {
    // As the controller does: not-ready pods go first, then the youngest.
    const extra = [...pods]
      .sort(
        (a, b) =>
          Number(isReady(a)) - Number(isReady(b)) ||
          String(b.metadata.creationTimestamp).localeCompare(String(a.metadata.creationTimestamp)) ||
          b.metadata.name.localeCompare(a.metadata.name),
      )
      .slice(0, pods.length - want);
    for (const pod of extra) {
      ctx.remove(pod);
      ctx.record(rs, {
        type: 'Normal',
        reason: 'SuccessfulDelete',
        message: `Deleted pod: ${pod.metadata.name}`,
        component: 'replicaset-controller',
      });
    }
  }
  const now = podsOf(ctx, rs);
  const ready = now.filter(isReady).length;
  const status = JSON.parse(
    JSON.stringify({
      replicas: now.length,
      fullyLabeledReplicas: now.length || undefined,
      readyReplicas: ready || undefined,
      availableReplicas: ready || undefined,
      observedGeneration: rs.metadata.generation ?? 1,
    }),
  ) as Record<string, unknown>;
  if (!same(rs.status, status)) ctx.store.put({ ...rs, status });
}
