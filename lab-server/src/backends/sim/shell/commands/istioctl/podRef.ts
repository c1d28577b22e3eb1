/**
 * The pod an istioctl command names as `[<type>/]<name>[.<namespace>]` (istioctl's typed resources: a pod, or a
 * Deployment's first pod for `deploy/NAME`), with istioctl's error when there is none.
 */
import type { K8sObject } from '../../../../../contract.ts';
import type { SimClusterApi } from '../../../types.ts';

/** The pod `ref` (without its `.namespace`) names in `namespace`, or istioctl's error message. */
export function podFor(cluster: SimClusterApi, ref: string, namespace: string): K8sObject | string {
  const slash = ref.indexOf('/');
  const type = slash < 0 ? 'pod' : ref.slice(0, slash).toLowerCase();
  const name = slash < 0 ? ref : ref.slice(slash + 1);
  if (['pod', 'pods', 'po'].includes(type)) return cluster.get('Pod', namespace, name) ?? `pods "${name}" not found`;
  if (!['deployment', 'deployments', 'deploy'].includes(type)) return `unsupported resource type "${type}"`;
  const deployment = cluster.get('Deployment', namespace, name);
  if (!deployment) return `deployments.apps "${name}" not found`;
  const selector = (deployment.spec as { selector?: { matchLabels?: Record<string, string> } }).selector?.matchLabels;
  const pod = cluster
    .list('Pod', namespace)
    .find((p) => Object.entries(selector ?? {}).every(([k, v]) => p.metadata.labels?.[k] === v));
  return pod ?? `no pods found for deployment ${name}`;
}

/** Splits `[<type>/]<name>[.<namespace>]` into the reference and its namespace (`namespace` when it has none). */
export function splitNamespace(target: string, namespace: string): { ref: string; namespace: string } {
  const slash = target.indexOf('/');
  const dot = target.indexOf('.', slash + 1);
  return dot < 0 ? { ref: target, namespace } : { ref: target.slice(0, dot), namespace: target.slice(dot + 1) };
}
