/**
 * How a `ContainerRef` (lab-server/src/contract.ts) picks a pod and a container: one rule for every backend, so a
 * check reads the same container on the simulator and on a real cluster.
 * - By name, the named pod. By selector, the oldest running pod that is not being deleted (ties broken by name),
 *   so the answer does not change while a rollout adds newer pods.
 * - The named container may be any of the pod's containers, init containers (Istio's native sidecar is one) or
 *   ephemeral containers. Without a name, kubectl's default: the `kubectl.kubernetes.io/default-container`
 *   annotation (Istio's injector sets it to the application), else the first of `spec.containers`.
 */
import type { K8sObject } from '../contract.ts';

/** The annotation kubectl reads for the default container of `exec` and `logs`. */
export const DEFAULT_CONTAINER_ANNOTATION = 'kubectl.kubernetes.io/default-container';

interface NamedContainer {
  name: string;
}

interface PodShape {
  spec?: { containers?: NamedContainer[]; initContainers?: NamedContainer[]; ephemeralContainers?: NamedContainer[] };
  status?: { phase?: string };
}

function shape(pod: K8sObject): PodShape {
  return pod as PodShape;
}

/** True for a pod that runs and is not being deleted. */
export function isRunningPod(pod: K8sObject): boolean {
  return shape(pod).status?.phase === 'Running' && !pod.metadata.deletionTimestamp;
}

/** The pod a selector names among `pods`: the oldest running one (ties by name), or undefined. */
export function pickPod(pods: readonly K8sObject[]): K8sObject | undefined {
  return pods
    .filter(isRunningPod)
    .sort(
      (a, b) =>
        String(a.metadata.creationTimestamp ?? '').localeCompare(String(b.metadata.creationTimestamp ?? '')) ||
        a.metadata.name.localeCompare(b.metadata.name),
    )[0];
}

/** Every container name of a pod: containers, then init containers, then ephemeral containers. */
export function containerNames(pod: K8sObject): string[] {
  const spec = shape(pod).spec ?? {};
  return [...(spec.containers ?? []), ...(spec.initContainers ?? []), ...(spec.ephemeralContainers ?? [])].map(
    (c) => c.name,
  );
}

/** The container `requested` names in `pod`, or kubectl's default; an error in kubectl's words when it has none. */
export function pickContainer(pod: K8sObject, requested?: string): { container: string } | { error: string } {
  const names = containerNames(pod);
  const fallback = pod.metadata.annotations?.[DEFAULT_CONTAINER_ANNOTATION];
  const container =
    requested ?? (fallback && names.includes(fallback) ? fallback : shape(pod).spec?.containers?.[0]?.name);
  if (!container || !names.includes(container))
    return { error: `error: container ${container ?? ''} is not valid for pod ${pod.metadata.name}` };
  return { container };
}
