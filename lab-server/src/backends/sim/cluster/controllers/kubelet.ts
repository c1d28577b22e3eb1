/**
 * The node's kubelet: each pending pod is scheduled, its images pulled (once per node), its init containers
 * run to completion and its containers started after a short, random delay on the environment's clock; the
 * pod then runs with an IP from the node's pod range and is Ready. Each step is reported as the scheduler and
 * kubelet report it (Events).
 */
import type { K8sObject } from '../../../../contract.ts';
import { appForImage } from '../../apps/registry.ts';
import type { ContainerSpec } from '../../mesh/objects.ts';
import { containerId, timestamp } from '../names.ts';
import type { ControllerContext } from './context.ts';
import { NODE_IP, NODE_NAME } from './node.ts';
import { qosClass } from './podDefaults.ts';

type Obj = Record<string, any>;

/** Clock time from a pod's creation to its containers running: long enough to see ContainerCreating. */
const START_MIN_MS = 1500;
const START_SPREAD_MS = 2500;

/** The kubelet's memory, to start another kubelet from. */
export interface KubeletSnapshot {
  readonly images: readonly string[];
  readonly nextIp: number;
}

/** The kubelet of kind's single node. */
export class Kubelet {
  readonly #ctx: ControllerContext;
  readonly #onChange: () => void;
  readonly #starting = new Map<string, Promise<void>>();
  readonly #images = new Set<string>();
  #nextIp = 10;

  /** `onChange` asks the controllers for another pass once a pod has started. */
  constructor(ctx: ControllerContext, onChange: () => void) {
    this.#ctx = ctx;
    this.#onChange = onChange;
  }

  /** What the node remembers between pods: images pulled, the next pod IP. Only taken while idle. */
  snapshot(): KubeletSnapshot {
    if (this.busy) throw new Error('kubelet: no snapshot while pods are starting');
    return { images: [...this.#images], nextIp: this.#nextIp };
  }

  /** Continues from another kubelet's snapshot. */
  restore(from: KubeletSnapshot): void {
    for (const image of from.images) this.#images.add(image);
    this.#nextIp = from.nextIp;
  }

  /** Whether pods are still starting. */
  get busy(): boolean {
    return this.#starting.size > 0;
  }

  /** Resolves when the pods starting now have started (or gone). */
  async settled(): Promise<void> {
    await Promise.all([...this.#starting.values()]);
  }

  /** Starts every pending pod that is not starting yet. */
  sync(): void {
    for (const pod of this.#ctx.store.list('Pod')) {
      const uid = pod.metadata.uid!;
      if ((pod.status as Obj | undefined)?.phase !== 'Pending' || this.#starting.has(uid)) continue;
      this.#ctx.record(pod, {
        type: 'Normal',
        reason: 'Scheduled',
        message: `Successfully assigned ${pod.metadata.namespace}/${pod.metadata.name} to ${NODE_NAME}`,
        component: 'default-scheduler',
      });
      const delay = START_MIN_MS + Math.floor(this.#ctx.random.next() * START_SPREAD_MS);
      const started = this.#ctx.clock
        .sleep(delay)
        .then(
          () => this.#run(pod.metadata.namespace!, pod.metadata.name, uid, delay),
          () => undefined,
        )
        .finally(() => this.#starting.delete(uid));
      this.#starting.set(uid, started);
    }
  }

  /** Stops tracking a deleted pod. */
  forget(pod: K8sObject): void {
    this.#starting.delete(pod.metadata.uid ?? '');
  }

  #run(namespace: string, name: string, uid: string, delay: number): void {
    const live = this.#ctx.store.get('Pod', namespace, name);
    if (!live || live.metadata.uid !== uid) return;
    const pod = structuredClone(live);
    const spec = (pod.spec ?? {}) as Obj;
    const inits = (spec.initContainers ?? []) as Obj[];
    const containers = (spec.containers ?? []) as Obj[];
    for (const [c, field] of [
      ...inits.map((c) => [c, 'initContainers'] as const),
      ...containers.map((c) => [c, 'containers'] as const),
    ])
      this.#startEvents(pod, c, `spec.${field}{${c.name}}`, delay);
    const now = timestamp(this.#ctx.clock.now());
    const ip = spec.hostNetwork ? NODE_IP : this.#allocateIp();
    const running = (c: Obj) => ({
      name: c.name,
      image: c.image,
      imageID: `${c.image}@sha256:${containerId(this.#ctx.random).slice(-64)}`,
      containerID: containerId(this.#ctx.random),
      ready: true,
      restartCount: 0,
      started: true,
      state: { running: { startedAt: now } },
    });
    const completed = (c: Obj) => ({
      name: c.name,
      image: c.image,
      imageID: '',
      containerID: containerId(this.#ctx.random),
      ready: true,
      restartCount: 0,
      started: false,
      state: { terminated: { exitCode: 0, reason: 'Completed', startedAt: now, finishedAt: now } },
    });
    const condition = (type: string) => ({ type, status: 'True', lastProbeTime: null, lastTransitionTime: now });
    pod.status = {
      phase: 'Running',
      conditions: [
        condition('PodReadyToStartContainers'),
        condition('Initialized'),
        condition('Ready'),
        condition('ContainersReady'),
        condition('PodScheduled'),
      ],
      hostIP: NODE_IP,
      hostIPs: [{ ip: NODE_IP }],
      podIP: ip,
      podIPs: [{ ip }],
      startTime: (live.metadata.creationTimestamp as string | undefined) ?? now,
      qosClass: qosClass(spec),
      // A native sidecar (restartPolicy: Always) keeps running beside the app; other init containers completed.
      ...(inits.length
        ? { initContainerStatuses: inits.map((c) => (c.restartPolicy === 'Always' ? running(c) : completed(c))) }
        : {}),
      containerStatuses: containers.map(running),
    };
    this.#ctx.store.put(pod);
    for (const c of [...inits.filter((i) => i.restartPolicy === 'Always'), ...containers]) {
      if (c.name === 'istio-proxy')
        this.#ctx.logs.append(
          namespace,
          name,
          c.name,
          `${new Date(this.#ctx.clock.now()).toISOString().replace('Z', '000Z')}\tinfo\tEnvoy proxy is ready`,
        );
      // A server's start-up lines (gunicorn's "Listening at", WEBrick's pid) are in its log before any request.
      else
        for (const line of appForImage(c.image)?.startupLog?.(c as ContainerSpec, this.#ctx.clock.now()) ?? [])
          this.#ctx.logs.append(namespace, name, c.name, line);
    }
    this.#onChange();
  }

  /** Pulling/Pulled (or already present), Created, Started: the kubelet's events for one container. */
  #startEvents(pod: K8sObject, c: Obj, fieldPath: string, delay: number): void {
    const report = (reason: string, message: string) =>
      this.#ctx.record(pod, { type: 'Normal', reason, message, component: 'kubelet', fieldPath });
    const image = String(c.image ?? '');
    if (this.#images.has(image) && c.imagePullPolicy !== 'Always') {
      report('Pulled', `Container image "${image}" already present on machine`);
    } else {
      const seconds = ((delay * 0.6) / 1000).toFixed(3);
      report('Pulling', `Pulling image "${image}"`);
      report(
        'Pulled',
        `Successfully pulled image "${image}" in ${seconds}s (${seconds}s including waiting). Image size: ${imageSize(image)} bytes.`,
      );
      this.#images.add(image);
    }
    report('Created', `Created container: ${c.name}`);
    report('Started', `Started container: ${c.name}`);
  }

  #allocateIp(): string {
    const n = this.#nextIp++;
    return `10.244.${Math.floor(n / 250)}.${(n % 250) + 2}`;
  }
}

/** A plausible, stable size for an image (the same image always weighs the same). */
function imageSize(image: string): number {
  let h = 2166136261;
  for (let i = 0; i < image.length; i++) h = Math.imul(h ^ image.charCodeAt(i), 16777619) >>> 0;
  return 5_000_000 + (h % 120_000_000);
}
