/**
 * How many learners a cluster can hold. One learner's chapter is a namespace with the chapter's workloads (at most
 * Bookinfo's six pods and a sleep pod, each with a sidecar), the learner's own ingress gateway, and a toolbox pod in
 * labs-toolbox. What the scheduler reserves for that (requests) is computed from the injector's sidecar requests and
 * the namespace's LimitRange defaults; the cluster's room is the nodes' allocatable CPU, memory and pods minus what
 * everything that is not a lab already requests. Figures measured on kind are in docs/kube.md.
 */
import type { K8sObject } from '../../contract.ts';
import { GATEWAY_RESOURCES } from './ingressGateway.ts';
import type { KubeApi } from './kubeApi.ts';
import { TOOLBOX_NAMESPACE } from './pins.ts';
import { TOOLBOX_RESOURCES } from './toolbox.ts';

/** Label that marks a namespace as a learner's chapter in a class (`labs class cleanup` deletes these). */
export const LEARNER_NAMESPACE_LABEL = 'labs.istio-traffic-labs/learner-namespace';

/** Requests of the application containers that set none (a learner namespace's LimitRange default). */
export const APP_DEFAULT_REQUEST = { cpu: '10m', memory: '32Mi' } as const;
/** Limits of the application containers that set none: one runaway app cannot take the node. */
export const APP_DEFAULT_LIMIT = { cpu: '1', memory: '512Mi' } as const;
/** Application pods of the largest chapter: Bookinfo (productpage, details, ratings, reviews v1-v3) and sleep. */
export const APP_PODS_PER_LEARNER = 7;
/** Node ports one learner's gateway takes (http2 and https). */
export const NODE_PORTS_PER_LEARNER = 2;
/** Size of Kubernetes' default NodePort range, 30000-32767. */
export const NODE_PORT_RANGE_SIZE = 2768;

/**
 * A learner namespace's ResourceQuota: room above one chapter's footprint for the lessons' experiments (scaling a
 * version up, an extra sleep), and a ceiling, so that one learner cannot starve the class.
 */
export const LEARNER_QUOTA: Record<string, string> = {
  pods: '20',
  services: '20',
  'services.nodeports': String(NODE_PORTS_PER_LEARNER),
  'services.loadbalancers': '0',
  configmaps: '30',
  secrets: '20',
  'count/deployments.apps': '20',
  'requests.cpu': '2',
  'requests.memory': '3Gi',
};

/** CPU, memory and pods. */
export interface Footprint {
  cpuMillis: number;
  memoryMiB: number;
  pods: number;
}

/** Millicores of a Kubernetes CPU quantity (`250m`, `1`, `0.5`); 0 when unparsable. */
export function cpuMillis(quantity: unknown): number {
  const text = String(quantity ?? '').trim();
  const m = /^(\d+(?:\.\d+)?)(m?)$/.exec(text);
  if (!m) return 0;
  return m[2] === 'm' ? Number(m[1]) : Number(m[1]) * 1000;
}

const MEMORY_UNITS: Record<string, number> = {
  '': 1 / 2 ** 20,
  k: 1000 / 2 ** 20,
  M: 1e6 / 2 ** 20,
  G: 1e9 / 2 ** 20,
  T: 1e12 / 2 ** 20,
  Ki: 1 / 1024,
  Mi: 1,
  Gi: 1024,
  Ti: 1024 ** 2,
};

/** MiB of a Kubernetes memory quantity (`128Mi`, `1Gi`, `500M`, `1048576`); 0 when unparsable. */
export function memoryMiB(quantity: unknown): number {
  const text = String(quantity ?? '').trim();
  const m = /^(\d+(?:\.\d+)?)(Ki|Mi|Gi|Ti|k|M|G|T)?$/.exec(text);
  if (!m) return 0;
  return Number(m[1]) * (MEMORY_UNITS[m[2] ?? ''] ?? 0);
}

/** The sidecar's requests as the injector will set them (its `values`: `global.proxy.resources.requests`). */
export function sidecarRequests(injectorConfigMap: K8sObject | null): { cpuMillis: number; memoryMiB: number } {
  let requests: { cpu?: unknown; memory?: unknown } = {};
  try {
    const values = JSON.parse((injectorConfigMap?.data as Record<string, string> | undefined)?.values ?? '{}') as {
      global?: { proxy?: { resources?: { requests?: typeof requests } } };
    };
    requests = values.global?.proxy?.resources?.requests ?? {};
  } catch {
    requests = {};
  }
  // Istio's own defaults when the values say nothing (the `default` profile).
  return { cpuMillis: cpuMillis(requests.cpu ?? '100m'), memoryMiB: memoryMiB(requests.memory ?? '128Mi') };
}

/** What one learner's chapter reserves: app pods with sidecars, the gateway and the toolbox. */
export function learnerFootprint(sidecar: { cpuMillis: number; memoryMiB: number }): Footprint {
  const app = { cpu: cpuMillis(APP_DEFAULT_REQUEST.cpu), memory: memoryMiB(APP_DEFAULT_REQUEST.memory) };
  return {
    cpuMillis: Math.round(
      APP_PODS_PER_LEARNER * (app.cpu + sidecar.cpuMillis) +
        cpuMillis(GATEWAY_RESOURCES.requests.cpu) +
        cpuMillis(TOOLBOX_RESOURCES.requests.cpu),
    ),
    memoryMiB: Math.round(
      APP_PODS_PER_LEARNER * (app.memory + sidecar.memoryMiB) +
        memoryMiB(GATEWAY_RESOURCES.requests.memory) +
        memoryMiB(TOOLBOX_RESOURCES.requests.memory),
    ),
    pods: APP_PODS_PER_LEARNER + 2,
  };
}

/** The cluster's room for learners, and what runs out first. */
export interface ClusterCapacity {
  maxLearners: number;
  limitedBy: 'cpu' | 'memory' | 'pods' | 'node ports';
  /** Allocatable on schedulable, Ready nodes, minus what non-lab pods request. */
  free: Footprint;
  perLearner: Footprint;
}

interface ContainerShape {
  restartPolicy?: string;
  resources?: { requests?: { cpu?: unknown; memory?: unknown } };
}

interface PodSpecShape {
  nodeName?: string;
  containers?: ContainerShape[];
  initContainers?: ContainerShape[];
}

/**
 * A pod's requests as the scheduler counts them: its containers and its native sidecars (init containers with
 * `restartPolicy: Always`, as Istio injects `istio-proxy` when native sidecars are on) add up; an ordinary init
 * container runs alone with the sidecars started before it, and counts only if that is more.
 */
export function podRequests(pod: K8sObject): { cpuMillis: number; memoryMiB: number } {
  const spec = (pod.spec ?? {}) as PodSpecShape;
  const of = (c: ContainerShape) => ({
    cpuMillis: cpuMillis(c.resources?.requests?.cpu),
    memoryMiB: memoryMiB(c.resources?.requests?.memory),
  });
  const add = (a: { cpuMillis: number; memoryMiB: number }, b: { cpuMillis: number; memoryMiB: number }) => ({
    cpuMillis: a.cpuMillis + b.cpuMillis,
    memoryMiB: a.memoryMiB + b.memoryMiB,
  });
  let sidecars = { cpuMillis: 0, memoryMiB: 0 };
  let initPeak = { cpuMillis: 0, memoryMiB: 0 };
  for (const c of spec.initContainers ?? []) {
    if (c.restartPolicy === 'Always') sidecars = add(sidecars, of(c));
    else {
      const running = add(sidecars, of(c));
      initPeak = {
        cpuMillis: Math.max(initPeak.cpuMillis, running.cpuMillis),
        memoryMiB: Math.max(initPeak.memoryMiB, running.memoryMiB),
      };
    }
  }
  const main = add((spec.containers ?? []).map(of).reduce(add, { cpuMillis: 0, memoryMiB: 0 }), sidecars);
  return {
    cpuMillis: Math.max(main.cpuMillis, initPeak.cpuMillis),
    memoryMiB: Math.max(main.memoryMiB, initPeak.memoryMiB),
  };
}

function schedulable(node: K8sObject): boolean {
  if ((node.spec as { unschedulable?: boolean } | undefined)?.unschedulable) return false;
  const taints = ((node.spec as { taints?: { effect?: string }[] } | undefined)?.taints ?? []).filter(
    (t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute',
  );
  if (taints.length > 0) return false;
  const conditions = (node.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions;
  return conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

/**
 * How many learners fit: `nodes` and every pod in the cluster, `isLabPod` telling the pods learners made (they are
 * counted by `perLearner`, not as used), and the node ports held by Services that are not learners'.
 */
export function clusterCapacity(options: {
  nodes: K8sObject[];
  pods: K8sObject[];
  isLabPod: (pod: K8sObject) => boolean;
  perLearner: Footprint;
  nodePortsInUse: number;
}): ClusterCapacity {
  const nodes = options.nodes.filter(schedulable);
  const names = new Set(nodes.map((n) => n.metadata.name));
  const free: Footprint = { cpuMillis: 0, memoryMiB: 0, pods: 0 };
  for (const node of nodes) {
    const allocatable = (node.status as { allocatable?: Record<string, unknown> } | undefined)?.allocatable ?? {};
    free.cpuMillis += cpuMillis(allocatable.cpu);
    free.memoryMiB += memoryMiB(allocatable.memory);
    free.pods += Number(allocatable.pods ?? 0) || 0;
  }
  for (const pod of options.pods) {
    const phase = (pod.status as { phase?: string } | undefined)?.phase;
    const node = (pod.spec as PodSpecShape | undefined)?.nodeName;
    if (phase === 'Succeeded' || phase === 'Failed' || !node || !names.has(node) || options.isLabPod(pod)) continue;
    const r = podRequests(pod);
    free.cpuMillis -= r.cpuMillis;
    free.memoryMiB -= r.memoryMiB;
    free.pods -= 1;
  }
  const per = options.perLearner;
  const fits: [ClusterCapacity['limitedBy'], number][] = [
    ['cpu', Math.floor(free.cpuMillis / per.cpuMillis)],
    ['memory', Math.floor(free.memoryMiB / per.memoryMiB)],
    ['pods', Math.floor(free.pods / per.pods)],
    ['node ports', Math.floor((NODE_PORT_RANGE_SIZE - options.nodePortsInUse) / NODE_PORTS_PER_LEARNER)],
  ];
  const [limitedBy, maxLearners] = fits.reduce((a, b) => (b[1] < a[1] ? b : a));
  return {
    maxLearners: Math.max(0, maxLearners),
    limitedBy,
    free: { cpuMillis: Math.round(free.cpuMillis), memoryMiB: Math.round(free.memoryMiB), pods: free.pods },
    perLearner: per,
  };
}

/** Reads what `clusterCapacity` needs from the cluster: nodes, every pod, Services' node ports, the injector. */
export async function measureCapacity(api: KubeApi): Promise<ClusterCapacity> {
  const kinds = await Promise.all(['Node', 'Pod', 'Service', 'Namespace', 'ConfigMap'].map((k) => api.resolveKind(k)));
  const [nodeKind, podKind, serviceKind, namespaceKind, configMapKind] = kinds;
  if (!nodeKind || !podKind || !serviceKind || !namespaceKind || !configMapKind)
    throw new Error('the API serves no Nodes, Pods, Services, Namespaces or ConfigMaps; is this a Kubernetes cluster?');
  const [nodes, pods, services, learnerNamespaces, injector] = await Promise.all([
    api.list(nodeKind, undefined),
    api.list(podKind, undefined),
    api.list(serviceKind, undefined),
    api.list(namespaceKind, undefined, `${LEARNER_NAMESPACE_LABEL}=true`),
    api.read(configMapKind, 'istio-system', 'istio-sidecar-injector'),
  ]);
  const labNamespaces = new Set([TOOLBOX_NAMESPACE, ...learnerNamespaces.map((n) => n.metadata.name)]);
  const nodePortsInUse = services
    .filter((s) => !labNamespaces.has(s.metadata.namespace ?? ''))
    .flatMap((s) => (s.spec as { ports?: { nodePort?: number }[] } | undefined)?.ports ?? [])
    .filter((p) => p.nodePort).length;
  return clusterCapacity({
    nodes,
    pods,
    isLabPod: (pod) => labNamespaces.has(pod.metadata.namespace ?? ''),
    perLearner: learnerFootprint(sidecarRequests(injector)),
    nodePortsInUse,
  });
}

/** One line: how many learners fit and why not more. */
export function describeCapacity(c: ClusterCapacity): string {
  const cores = (m: number) => `${(m / 1000).toFixed(2).replace(/\.?0+$/, '')}`;
  const gib = (mib: number) => `${(mib / 1024).toFixed(1)}Gi`;
  return (
    `room for ${c.maxLearners} learner${c.maxLearners === 1 ? '' : 's'} (limited by ${c.limitedBy}; free: ` +
    `${cores(c.free.cpuMillis)} CPU, ${gib(c.free.memoryMiB)} memory, ${c.free.pods} pods; one learner's chapter ` +
    `reserves ${c.perLearner.cpuMillis}m CPU, ${c.perLearner.memoryMiB}Mi, ${c.perLearner.pods} pods)`
  );
}
