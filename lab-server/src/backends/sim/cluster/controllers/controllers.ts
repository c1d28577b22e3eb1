/**
 * The controllers, level-triggered as Kubernetes' are: after every change they compare what objects ask for
 * with what exists and act. Deployments own ReplicaSets (one per pod template), ReplicaSets own Pods, the
 * kubelet starts pods after a short delay on the environment's clock, and Endpoints follow ready pods.
 */
import type { K8sObject } from '../../../../contract.ts';
import type { RandomSource, SimClock } from '../../types.ts';
import { mapSelects } from '../labelSelector.ts';
import type { MemoryLogStore } from '../logs.ts';
import { containerId, randomSuffix, templateHash, timestamp } from '../names.ts';
import type { ObjectStore } from '../store.ts';

type Obj = Record<string, any>;

/** What the controllers need from the API server. */
export interface ControllerContext {
  store: ObjectStore;
  clock: SimClock;
  random: RandomSource;
  logs: MemoryLogStore;
  /** Creates a pod through the API's create path (so it is stamped and injected). */
  createPod(pod: K8sObject): K8sObject;
  stamp(obj: K8sObject): void;
}

const NODE = 'kind-control-plane';
const NODE_IP = '172.18.0.2';

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function controllerOf(obj: K8sObject): { kind: string; uid: string } | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller);
}

function ownerRef(owner: K8sObject): NonNullable<K8sObject['metadata']['ownerReferences']>[number] {
  return { apiVersion: owner.apiVersion, kind: owner.kind, name: owner.metadata.name, uid: owner.metadata.uid!, controller: true, blockOwnerDeletion: true } as never;
}

/** The controllers of one cluster. */
export class Controllers {
  readonly #ctx: ControllerContext;
  #scheduled = false;
  #running = false;
  #again = false;
  readonly #starting = new Map<string, Promise<void>>();
  #idleWaiters: (() => void)[] = [];
  #nextIp = 10;

  constructor(ctx: ControllerContext) {
    this.#ctx = ctx;
  }

  /** Asks for a pass soon (coalesced). */
  schedule(): void {
    if (this.#running) {
      this.#again = true;
      return;
    }
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(() => this.#pass());
  }

  /** Resolves once no pass is pending and no pod is still starting. */
  async idle(): Promise<void> {
    for (;;) {
      await new Promise<void>((resolve) => setImmediate(resolve));
      if (this.#scheduled || this.#running) continue;
      if (this.#starting.size === 0) return;
      await Promise.all([...this.#starting.values()]);
    }
  }

  /** Pod defaults the API fills on create: scheduling fields and a Pending status. */
  defaultPod(pod: K8sObject): void {
    const spec = (pod.spec ??= {}) as Obj;
    spec.restartPolicy ??= 'Always';
    spec.serviceAccountName ??= spec.serviceAccount ?? 'default';
    spec.serviceAccount ??= spec.serviceAccountName;
    spec.dnsPolicy ??= 'ClusterFirst';
    spec.schedulerName ??= 'default-scheduler';
    spec.terminationGracePeriodSeconds ??= 30;
    spec.enableServiceLinks ??= true;
    spec.priority ??= 0;
    spec.preemptionPolicy ??= 'PreemptLowerPriority';
    for (const c of [...((spec.containers ?? []) as Obj[]), ...((spec.initContainers ?? []) as Obj[])]) {
      c.imagePullPolicy ??= /:latest$|^[^:]+$/.test(c.image ?? '') ? 'Always' : 'IfNotPresent';
      c.terminationMessagePath ??= '/dev/termination-log';
      c.terminationMessagePolicy ??= 'File';
      for (const p of (c.ports ?? []) as Obj[]) p.protocol ??= 'TCP';
    }
    // The tolerations the DefaultTolerationSeconds admission plugin adds to every pod.
    const tolerations = (spec.tolerations ??= []) as Obj[];
    for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
      if (!tolerations.some((t) => t.key === key)) tolerations.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 });
    }
    const waiting = (reason: string) => (c: Obj) => ({ name: c.name, image: c.image, imageID: '', ready: false, restartCount: 0, started: false, state: { waiting: { reason } } });
    const inits = (spec.initContainers ?? []) as Obj[];
    pod.status = {
      phase: 'Pending',
      conditions: [{ type: 'PodScheduled', status: 'True', lastProbeTime: null, lastTransitionTime: pod.metadata.creationTimestamp }],
      qosClass: qosClass(spec),
      ...(inits.length ? { initContainerStatuses: inits.map(waiting('PodInitializing')) } : {}),
      containerStatuses: ((spec.containers ?? []) as Obj[]).map(waiting(inits.length ? 'PodInitializing' : 'ContainerCreating')),
    };
    spec.nodeName ??= NODE;
  }

  /** Stops tracking a deleted pod's start. */
  forgetPod(pod: K8sObject): void {
    this.#starting.delete(pod.metadata.uid ?? '');
  }

  #pass(): void {
    this.#scheduled = false;
    this.#running = true;
    try {
      let rounds = 0;
      do {
        this.#again = false;
        this.#deployments();
        this.#replicaSets();
        this.#pods();
        this.#endpoints();
      } while (this.#again && ++rounds < 20);
    } finally {
      this.#running = false;
    }
    if (this.#again) this.schedule();
  }

  #put(obj: K8sObject): void {
    this.#ctx.store.put(obj);
  }

  #deployments(): void {
    const { store } = this.#ctx;
    for (const deploy of store.list('Deployment')) {
      const spec = (deploy.spec ?? {}) as Obj;
      const ns = deploy.metadata.namespace!;
      const owned = store.list('ReplicaSet', ns).filter((rs) => controllerOf(rs)?.uid === deploy.metadata.uid);
      const hash = templateHash(JSON.stringify(spec.template ?? {}));
      let current = owned.find((rs) => rs.metadata.labels?.['pod-template-hash'] === hash);
      const replicas = spec.replicas ?? 1;
      const revision = Math.max(0, ...owned.map((rs) => Number(rs.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? 0)));
      if (!current) {
        const template = structuredClone(spec.template ?? {}) as Obj;
        template.metadata ??= {};
        template.metadata.labels = { ...template.metadata.labels, 'pod-template-hash': hash };
        current = {
          apiVersion: 'apps/v1',
          kind: 'ReplicaSet',
          metadata: {
            name: `${deploy.metadata.name}-${hash}`,
            namespace: ns,
            labels: { ...(template.metadata.labels as Record<string, string>) },
            annotations: { 'deployment.kubernetes.io/desired-replicas': String(replicas), 'deployment.kubernetes.io/max-replicas': String(replicas + Math.ceil(replicas / 4)), 'deployment.kubernetes.io/revision': String(revision + 1) },
            ownerReferences: [ownerRef(deploy)],
          },
          spec: { replicas, selector: { matchLabels: { ...(spec.selector?.matchLabels ?? {}), 'pod-template-hash': hash } }, template },
          status: { replicas: 0, observedGeneration: 1 },
        };
        this.#ctx.stamp(current);
        this.#put(current);
      } else if ((current.spec as Obj).replicas !== replicas) {
        const next = structuredClone(current);
        (next.spec as Obj).replicas = replicas;
        next.metadata.annotations = { ...next.metadata.annotations, 'deployment.kubernetes.io/desired-replicas': String(replicas) };
        next.metadata.generation = (next.metadata.generation ?? 1) + 1;
        this.#put(next);
        current = next;
      }
      for (const old of owned) {
        if (old === current || old.metadata.uid === current.metadata.uid || (old.spec as Obj).replicas === 0) continue;
        const next = structuredClone(old);
        (next.spec as Obj).replicas = 0;
        next.metadata.generation = (next.metadata.generation ?? 1) + 1;
        this.#put(next);
      }
      const pods = store.list('Pod', ns).filter((p) => owned.some((rs) => controllerOf(p)?.uid === rs.metadata.uid) || controllerOf(p)?.uid === current!.metadata.uid);
      const updated = pods.filter((p) => controllerOf(p)?.uid === current!.metadata.uid);
      const ready = pods.filter(isReady);
      const available = ready.length >= replicas;
      const status = {
        observedGeneration: deploy.metadata.generation ?? 1,
        replicas: pods.length,
        updatedReplicas: updated.length,
        readyReplicas: ready.length || undefined,
        availableReplicas: ready.length || undefined,
        unavailableReplicas: replicas - ready.length > 0 ? replicas - ready.length : undefined,
        conditions: [
          { type: 'Available', status: available ? 'True' : 'False', reason: available ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable', message: available ? 'Deployment has minimum availability.' : 'Deployment does not have minimum availability.' },
          { type: 'Progressing', status: 'True', reason: updated.filter(isReady).length >= replicas ? 'NewReplicaSetAvailable' : 'ReplicaSetUpdated', message: `ReplicaSet "${current.metadata.name}" ${updated.filter(isReady).length >= replicas ? 'has successfully progressed' : 'is progressing'}.` },
        ],
      };
      const cleaned = JSON.parse(JSON.stringify(status)) as Obj;
      const previous = (deploy.status ?? {}) as Obj;
      const comparable = (s: Obj) => ({ ...s, conditions: (s.conditions as Obj[] | undefined)?.map(({ type, status: st, reason }) => ({ type, status: st, reason })) });
      if (!same(comparable(previous), comparable(cleaned))) {
        const now = timestamp(this.#ctx.clock.now());
        cleaned.conditions = (cleaned.conditions as Obj[]).map((c) => {
          const before = (previous.conditions as Obj[] | undefined)?.find((p) => p.type === c.type);
          return { ...c, lastUpdateTime: now, lastTransitionTime: before && before.status === c.status ? before.lastTransitionTime : now };
        });
        this.#put({ ...deploy, metadata: { ...deploy.metadata, annotations: { ...deploy.metadata.annotations, 'deployment.kubernetes.io/revision': current.metadata.annotations?.['deployment.kubernetes.io/revision'] ?? '1' } }, status: cleaned });
      }
    }
  }

  #replicaSets(): void {
    const { store, random } = this.#ctx;
    for (const rs of store.list('ReplicaSet')) {
      const spec = (rs.spec ?? {}) as Obj;
      const ns = rs.metadata.namespace!;
      const pods = store.list('Pod', ns).filter((p) => controllerOf(p)?.uid === rs.metadata.uid);
      const want = spec.replicas ?? 1;
      for (let i = pods.length; i < want; i++) {
        const template = structuredClone(spec.template ?? {}) as Obj;
        const pod: K8sObject = {
          apiVersion: 'v1',
          kind: 'Pod',
          metadata: { name: `${rs.metadata.name}-${randomSuffix(random)}`, namespace: ns, labels: template.metadata?.labels ?? {}, ...(template.metadata?.annotations ? { annotations: template.metadata.annotations } : {}), ownerReferences: [ownerRef(rs)] },
          spec: template.spec ?? {},
        };
        this.#ctx.createPod(pod);
      }
      if (pods.length > want) {
        const extra = [...pods].sort((a, b) => Number(isReady(a)) - Number(isReady(b)) || b.metadata.name.localeCompare(a.metadata.name)).slice(0, pods.length - want);
        for (const pod of extra) {
          store.remove('Pod', ns, pod.metadata.name);
          this.#ctx.logs.forgetPod(ns, pod.metadata.name);
          this.forgetPod(pod);
        }
      }
      const now = store.list('Pod', ns).filter((p) => controllerOf(p)?.uid === rs.metadata.uid);
      const ready = now.filter(isReady).length;
      const status = JSON.parse(JSON.stringify({ replicas: now.length, fullyLabeledReplicas: now.length || undefined, readyReplicas: ready || undefined, availableReplicas: ready || undefined, observedGeneration: rs.metadata.generation ?? 1 })) as Obj;
      if (!same(rs.status, status)) this.#put({ ...rs, status });
    }
  }

  /** Starts pending pods after a pull-and-start delay. */
  #pods(): void {
    for (const pod of this.#ctx.store.list('Pod')) {
      const uid = pod.metadata.uid!;
      if ((pod.status as Obj | undefined)?.phase !== 'Pending' || this.#starting.has(uid)) continue;
      const delay = 1500 + Math.floor(this.#ctx.random.next() * 2500);
      const started = this.#ctx.clock.sleep(delay).then(
        () => this.#run(pod.metadata.namespace!, pod.metadata.name, uid),
        () => undefined,
      ).finally(() => this.#starting.delete(uid));
      this.#starting.set(uid, started);
    }
  }

  #run(namespace: string, name: string, uid: string): void {
    const live = this.#ctx.store.get('Pod', namespace, name);
    if (!live || live.metadata.uid !== uid) return;
    const pod = structuredClone(live);
    const spec = (pod.spec ?? {}) as Obj;
    const now = timestamp(this.#ctx.clock.now());
    const ip = (spec.hostNetwork ? NODE_IP : this.#allocateIp());
    const running = (c: Obj) => ({ name: c.name, image: c.image, imageID: `${c.image}@sha256:${containerId(this.#ctx.random).slice(-64)}`, containerID: containerId(this.#ctx.random), ready: true, restartCount: 0, started: true, state: { running: { startedAt: now } } });
    const completed = (c: Obj) => ({ name: c.name, image: c.image, imageID: '', containerID: containerId(this.#ctx.random), ready: true, restartCount: 0, started: false, state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: now, finishedAt: now } } });
    const condition = (type: string) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: now });
    pod.status = {
      phase: 'Running',
      conditions: [condition('PodReadyToStartContainers'), condition('Initialized'), condition('Ready'), condition('ContainersReady'), condition('PodScheduled')],
      hostIP: NODE_IP,
      hostIPs: [{ ip: NODE_IP }],
      podIP: ip,
      podIPs: [{ ip }],
      startTime: (live.metadata.creationTimestamp as string | undefined) ?? now,
      qosClass: qosClass(spec),
      ...((spec.initContainers as Obj[] | undefined)?.length ? { initContainerStatuses: (spec.initContainers as Obj[]).map(completed) } : {}),
      containerStatuses: ((spec.containers ?? []) as Obj[]).map(running),
    };
    this.#put(pod);
    for (const c of (spec.containers ?? []) as Obj[]) {
      if (c.name === 'istio-proxy') this.#ctx.logs.append(namespace, name, c.name, `${new Date(this.#ctx.clock.now()).toISOString().replace('Z', '000Z')}\tinfo\tEnvoy proxy is ready`);
    }
    this.schedule();
  }

  #allocateIp(): string {
    const n = this.#nextIp++;
    return `10.244.${Math.floor(n / 250)}.${(n % 250) + 2}`;
  }

  #endpoints(): void {
    const { store } = this.#ctx;
    for (const svc of store.list('Service')) {
      const spec = (svc.spec ?? {}) as Obj;
      if (!spec.selector) continue;
      const ns = svc.metadata.namespace!;
      const pods = store.list('Pod', ns).filter((p) => mapSelects(spec.selector, p.metadata.labels) && (p.status as Obj | undefined)?.podIP);
      const address = (p: K8sObject) => ({ ip: (p.status as Obj).podIP, nodeName: NODE, targetRef: { kind: 'Pod', namespace: ns, name: p.metadata.name, uid: p.metadata.uid } });
      const ready = pods.filter(isReady).map(address);
      const notReady = pods.filter((p) => !isReady(p)).map(address);
      const ports = ((spec.ports ?? []) as Obj[]).map((p) => ({ ...(p.name ? { name: p.name } : {}), port: resolveTarget(pods[0], p), protocol: p.protocol ?? 'TCP', ...(p.appProtocol ? { appProtocol: p.appProtocol } : {}) }));
      const subsets = ready.length || notReady.length ? [{ ...(ready.length ? { addresses: ready } : {}), ...(notReady.length ? { notReadyAddresses: notReady } : {}), ports }] : undefined;
      const existing = store.get('Endpoints', ns, svc.metadata.name);
      const body: K8sObject = {
        apiVersion: 'v1',
        kind: 'Endpoints',
        metadata: { name: svc.metadata.name, namespace: ns, labels: { ...svc.metadata.labels, 'endpoints.kubernetes.io/managed-by': 'endpoint-controller' } },
        ...(subsets ? { subsets } : {}),
      };
      if (existing && same(existing.subsets, body.subsets) && same(existing.metadata.labels, body.metadata.labels)) continue;
      if (existing) {
        this.#put({ ...existing, metadata: { ...existing.metadata, labels: body.metadata.labels }, ...(subsets ? { subsets } : { subsets: undefined }) } as K8sObject);
      } else {
        this.#ctx.stamp(body);
        this.#put(body);
      }
    }
    for (const ep of store.list('Endpoints')) {
      if (ep.metadata.name === 'kubernetes' && ep.metadata.namespace === 'default') continue;
      if (!store.get('Service', ep.metadata.namespace, ep.metadata.name)) store.remove('Endpoints', ep.metadata.namespace, ep.metadata.name);
    }
  }
}

/** Kubernetes' QoS class: Guaranteed when every container's requests equal its limits, BestEffort with none, else Burstable. */
function qosClass(spec: Obj): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const containers = [...((spec.containers ?? []) as Obj[]), ...((spec.initContainers ?? []) as Obj[])];
  const resources = containers.map((c) => (c.resources ?? {}) as { requests?: Obj; limits?: Obj });
  if (resources.every((r) => !Object.keys(r.requests ?? {}).length && !Object.keys(r.limits ?? {}).length)) return 'BestEffort';
  const guaranteed = resources.every((r) => ['cpu', 'memory'].every((k) => r.limits?.[k] !== undefined && (r.requests?.[k] === undefined || r.requests[k] === r.limits[k])));
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

function isReady(pod: K8sObject): boolean {
  return ((pod.status as Obj | undefined)?.conditions as Obj[] | undefined)?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
}

function resolveTarget(pod: K8sObject | undefined, port: Obj): number {
  const target = port.targetPort ?? port.port;
  if (typeof target === 'number') return target;
  for (const c of ((pod?.spec as Obj | undefined)?.containers ?? []) as Obj[]) {
    for (const p of (c.ports ?? []) as Obj[]) if (p.name === target) return p.containerPort;
  }
  return port.port;
}
