/**
 * What the API server fills into a new pod: the defaults of its spec, the tolerations the DefaultTolerationSeconds
 * admission plugin adds, the scheduler's node, and a Pending status whose containers wait to be created.
 */
import type { K8sObject } from '../../../../contract.ts';
import type { PodContainer, PodSpec } from '../shapes.ts';
import { NODE_NAME } from './node.ts';

/** Kubernetes' QoS class: Guaranteed when every container's requests equal its limits, BestEffort with none, else Burstable. */
export function qosClass(spec: PodSpec): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const containers = [...(spec.containers ?? []), ...(spec.initContainers ?? [])];
  const resources = containers.map((c) => c.resources ?? {});
  if (resources.every((r) => !Object.keys(r.requests ?? {}).length && !Object.keys(r.limits ?? {}).length))
    return 'BestEffort';
  const guaranteed = resources.every((r) =>
    ['cpu', 'memory'].every(
      (k) => r.limits?.[k] !== undefined && (r.requests?.[k] === undefined || r.requests[k] === r.limits[k]),
    ),
  );
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

/** Fills a new pod's defaults and its Pending status, in place. */
export function defaultPod(pod: K8sObject): void {
  const spec = (pod.spec ??= {}) as PodSpec;
  spec.restartPolicy ??= 'Always';
  spec.serviceAccountName ??= spec.serviceAccount ?? 'default';
  spec.serviceAccount ??= spec.serviceAccountName;
  spec.dnsPolicy ??= 'ClusterFirst';
  spec.schedulerName ??= 'default-scheduler';
  spec.terminationGracePeriodSeconds ??= 30;
  spec.enableServiceLinks ??= true;
  spec.priority ??= 0;
  spec.preemptionPolicy ??= 'PreemptLowerPriority';
  for (const c of [...(spec.containers ?? []), ...(spec.initContainers ?? [])]) {
    c.imagePullPolicy ??= /:latest$|^[^:]+$/.test(c.image ?? '') ? 'Always' : 'IfNotPresent';
    c.terminationMessagePath ??= '/dev/termination-log';
    c.terminationMessagePolicy ??= 'File';
    for (const p of c.ports ?? []) p.protocol ??= 'TCP';
  }
  const tolerations = (spec.tolerations ??= []);
  for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
    if (!tolerations.some((t) => t.key === key))
      tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
  }
  const waiting = (reason: string) => (c: PodContainer) => ({
    name: c.name,
    image: c.image,
    imageID: '',
    ready: false,
    restartCount: 0,
    started: false,
    state: { waiting: { reason } },
  });
  const inits = spec.initContainers ?? [];
  pod.status = {
    phase: 'Pending',
    conditions: [
      { type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: pod.metadata.creationTimestamp },
    ],
    qosClass: qosClass(spec),
    ...(inits.length ? { initContainerStatuses: inits.map(waiting('PodInitializing')) } : {}),
    containerStatuses: (spec.containers ?? []).map(waiting(inits.length ? 'PodInitializing' : 'ContainerCreating')),
  };
  spec.nodeName ??= NODE_NAME;
}
