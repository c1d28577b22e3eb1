/**
 * The simulated Kubernetes API server: every write is normalised (Istio kinds served as v1, namespaces
 * defaulted), admitted (schema, core rules, Istio's webhook), given Kubernetes' metadata, mutated as the
 * API's admission plugins do (Service IPs and node ports, sidecar injection), and stored; controllers then
 * move Deployments, ReplicaSets, Pods and Endpoints toward what the objects ask for.
 */
import type { K8sObject } from '../../../contract.ts';
import type { ObjectEvent, RandomSource, SimClock, SimCluster, WriteOptions, WriteOutcome } from '../types.ts';
import { admit } from './admission/validate.ts';
import type { ContainerSpec } from '../mesh/objects.ts';
import { bootstrapObjects } from './bootstrap.ts';
import { Controllers } from './controllers/controllers.ts';
import { defaultPod } from './controllers/podDefaults.ts';
import { kindKeyOf, resourceForApiVersion, resourceForKind, servedApiVersion, type ApiResource } from './discovery.ts';
import { alreadyExists, apiError, notFound } from './errors.ts';
import { EventRecorder } from './events.ts';
import { injectIfEnabled } from './injection.ts';
import { LAST_APPLIED, lastAppliedConfiguration } from './lastApplied.ts';
import { applyMergePatch, threeWayMergePatch } from './mergePatch.ts';
import { MemoryLogStore } from './logs.ts';
import { randomSuffix, timestamp, uuid } from './names.ts';
import { allocateServiceAddresses } from './services.ts';
import { ObjectStore, type StoreSnapshot } from './store.ts';
import type { EventsSnapshot } from './events.ts';
import type { KubeletSnapshot } from './controllers/kubelet.ts';
import type { LogSnapshot } from './logs.ts';

/** Options of the simulated cluster. */
export interface SimClusterOptions {
  clock: SimClock;
  random: RandomSource;
  limits?: { maxObjects?: number; maxBytes?: number; logChars?: number };
  /** Start as the cluster this snapshot was taken of was then (instead of a fresh kind with Istio installed). */
  from?: ClusterSnapshot;
}

/**
 * A settled cluster's whole state: its objects (frozen, so shared rather than copied), container logs, the
 * kubelet's and the event recorder's memory, the bytes clients wrote. Clusters started from it share its objects
 * until they change them.
 */
export interface ClusterSnapshot {
  readonly store: StoreSnapshot;
  readonly logs: LogSnapshot;
  readonly kubelet: KubeletSnapshot;
  readonly events: EventsSnapshot;
  readonly sizes: ReadonlyMap<string, number>;
}

const PROTECTED_NAMESPACES = new Set(['default', 'kube-system', 'kube-public', 'kube-node-lease']);

type JsonObject = Record<string, unknown>;

function isPlainObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Everything but metadata and status, for generation bumps. */
function specPart(obj: K8sObject): string {
  const { metadata: _m, status: _s, ...rest } = obj;
  return JSON.stringify(rest);
}

/** The API server's limit on a ConfigMap's or Secret's data. */
const MAX_DATA_BYTES = 1024 * 1024;
/** etcd's default request size limit, which bounds every stored object. */
const MAX_REQUEST_BYTES = 1572864;

/**
 * Objects no controller reads: Events (the controllers' own reports) and Istio's configuration (read by the
 * data plane, not by Kubernetes' controllers). Their changes need no controller pass.
 */
function ignoredByControllers(obj: K8sObject): boolean {
  // A ServiceEntry is read by istiod's gateway controller (an HTTPRoute's parent, a Hostname backend's registry).
  return obj.kind === 'Event' || (obj.apiVersion.includes('.istio.io/') && obj.kind !== 'ServiceEntry');
}

class SimClusterImpl implements SimCluster {
  readonly serverVersion = 'v1.34.0';
  readonly logs: MemoryLogStore;
  readonly #store: ObjectStore;
  readonly #clock: SimClock;
  readonly #random: RandomSource;
  readonly #maxObjects: number;
  readonly #maxBytes: number;
  /** Stored size of every object a client wrote (controllers' own objects are bounded by the object count). */
  readonly #sizes = new Map<string, number>();
  #usedBytes = 0;
  readonly #controllers: Controllers;
  readonly #events: EventRecorder;

  constructor(options: SimClusterOptions) {
    this.#clock = options.clock;
    this.#random = options.random;
    this.#maxObjects = options.limits?.maxObjects ?? 2000;
    this.#maxBytes = options.limits?.maxBytes ?? 16 * 1024 * 1024;
    this.#store = new ObjectStore(options.from?.store);
    this.logs = new MemoryLogStore(options.clock, options.from?.logs, options.limits?.logChars);
    if (options.from) {
      for (const [key, size] of options.from.sizes) this.#sizes.set(key, size);
      this.#usedBytes = [...this.#sizes.values()].reduce((a, b) => a + b, 0);
    }
    const events = new EventRecorder(this.#store, options.clock, (obj) => this.#stamp(obj));
    this.#events = events;
    this.#controllers = new Controllers({
      store: this.#store,
      clock: options.clock,
      random: options.random,
      logs: this.logs,
      createPod: (pod) => this.#createInternal(pod),
      remove: (obj) => this.#cascade(obj),
      removeOnly: (obj) => this.#removeOne(obj),
      stamp: (obj) => this.#stamp(obj),
      record: (about, report) => events.record(about, report),
    });
    if (options.from) {
      events.restore(options.from.events);
      this.#controllers.kubelet.restore(options.from.kubelet);
    } else {
      for (const obj of bootstrapObjects()) this.#createInternal(obj);
    }
    this.#store.watch((event) => {
      if (!ignoredByControllers(event.object)) this.#controllers.schedule();
    });
    // A snapshot is taken settled: only a fresh cluster has work waiting.
    if (!options.from) this.#controllers.schedule();
  }

  /** The store's resource version now: equal versions of one cluster, equal objects. */
  get objectsVersion(): number {
    return this.#store.version;
  }

  /** The whole state now, to start other clusters from; only while settled (after `idle()`). */
  snapshot(): ClusterSnapshot {
    if (!this.#controllers.settled) throw new Error('cluster: no snapshot while controllers have work to do');
    return {
      store: this.#store.snapshot(),
      logs: this.logs.snapshot(),
      kubelet: this.#controllers.kubelet.snapshot(),
      events: this.#events.snapshot(),
      sizes: new Map(this.#sizes),
    };
  }

  /** Whether a kind is served now: a custom resource only while its CustomResourceDefinition exists. */
  #served(resource: ApiResource | undefined): boolean {
    return (
      !resource?.crd || !!this.#store.get('CustomResourceDefinition', undefined, `${resource.plural}.${resource.group}`)
    );
  }

  get(kind: string, namespace: string | undefined, name: string): K8sObject | undefined {
    const resource = resourceForKind(kind);
    if (!this.#served(resource)) return undefined;
    return this.#store.get(kind, resource?.namespaced ? namespace : undefined, name);
  }

  list(kind: string, namespace?: string, labelSelector?: string): K8sObject[] {
    const resource = resourceForKind(kind);
    if (!this.#served(resource)) return [];
    try {
      return this.#store.list(kind, resource?.namespaced ? namespace : undefined, labelSelector);
    } catch (error) {
      throw apiError(400, 'BadRequest', (error as Error).message);
    }
  }

  watch(listener: (event: ObjectEvent) => void): () => void {
    return this.#store.watch(listener);
  }

  idle(): Promise<void> {
    return this.#controllers.idle();
  }

  /** Resolves the resource and normalises the object as the API server would serve it. */
  #normalise(input: K8sObject): { obj: K8sObject; resource: ApiResource } {
    if (!input || typeof input !== 'object' || typeof input.kind !== 'string' || typeof input.apiVersion !== 'string') {
      throw apiError(400, 'BadRequest', "Object 'Kind' is missing in the request body");
    }
    const resource = resourceForApiVersion(input.apiVersion, input.kind);
    if (!resource || !this.#served(resource))
      throw apiError(404, 'NotFound', 'the server could not find the requested resource');
    const obj = structuredClone(input);
    obj.apiVersion = servedApiVersion(resource);
    obj.metadata = isPlainObject(obj.metadata)
      ? (obj.metadata as K8sObject['metadata'])
      : ({ name: '' } as K8sObject['metadata']);
    if (resource.namespaced) obj.metadata.namespace ||= 'default';
    else delete obj.metadata.namespace;
    return { obj, resource };
  }

  #checkNamespace(obj: K8sObject, resource: ApiResource): void {
    if (!resource.namespaced) return;
    const ns = this.#store.get('Namespace', undefined, obj.metadata.namespace!);
    if (!ns) throw apiError(404, 'NotFound', `namespaces "${obj.metadata.namespace}" not found`);
    if (ns.metadata.deletionTimestamp) {
      throw apiError(
        403,
        'Forbidden',
        `${resource.plural} "${obj.metadata.name}" is forbidden: unable to create new ` +
          `content in namespace ${obj.metadata.namespace} because it is being terminated`,
      );
    }
  }

  /** Events are bounded on their own (see events.ts) and do not count: the quota is about what learners make. */
  #checkQuota(): void {
    const used = this.#store.size - this.#store.count('Event');
    if (used >= this.#maxObjects) {
      throw apiError(
        403,
        'Forbidden',
        `exceeded quota: lab-objects, requested: count/objects=1, used: count/objects=${used}, limited: count/objects=${this.#maxObjects}`,
      );
    }
  }

  /**
   * Sizes as the API server and etcd bound them: a ConfigMap's or Secret's data at most 1 MiB (the API
   * server's own validation), any object at most etcd's 1.5 MiB request limit; and the environment's byte quota.
   */
  #checkBytes(obj: K8sObject): { key: string; size: number } {
    const key = `${kindKeyOf(obj)}/${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
    if (obj.kind === 'ConfigMap' || obj.kind === 'Secret') {
      let data = 0;
      for (const field of ['data', 'binaryData', 'stringData'])
        for (const [k, v] of Object.entries((obj[field] as Record<string, unknown> | undefined) ?? {}))
          data += k.length + Buffer.byteLength(String(v));
      if (data > MAX_DATA_BYTES)
        throw apiError(
          422,
          'Invalid',
          `${obj.kind} "${obj.metadata.name}" is invalid: []: Too long: must have at most ${MAX_DATA_BYTES} bytes`,
        );
    }
    const size = Buffer.byteLength(JSON.stringify(obj));
    if (size > MAX_REQUEST_BYTES) throw apiError(413, '', 'etcdserver: request is too large');
    const used = this.#usedBytes - (this.#sizes.get(key) ?? 0);
    if (used + size > this.#maxBytes)
      throw apiError(
        403,
        'Forbidden',
        `exceeded quota: lab-objects, requested: storage=${size}, used: storage=${used}, limited: storage=${this.#maxBytes}`,
      );
    return { key, size };
  }

  #recordBytes({ key, size }: { key: string; size: number }): void {
    this.#usedBytes += size - (this.#sizes.get(key) ?? 0);
    this.#sizes.set(key, size);
  }

  /** Fills server-set metadata of a new object. */
  #stamp(obj: K8sObject): void {
    obj.metadata.uid = uuid(this.#random);
    obj.metadata.creationTimestamp = timestamp(this.#clock.now());
    obj.metadata.generation = 1;
  }

  /** The create path without the client's checks: bootstrap objects and controllers' pods. */
  #createInternal(input: K8sObject): K8sObject {
    const { obj } = this.#normalise(input);
    this.#stamp(obj);
    this.#mutateOnCreate(obj);
    return this.#store.put(obj);
  }

  /** What admission plugins add on create: Service addresses, sidecars, pod defaults. */
  #mutateOnCreate(obj: K8sObject): void {
    if (obj.kind === 'Service') allocateServiceAddresses(obj, undefined, this.#random, this.#store);
    if (obj.kind === 'Pod') {
      injectIfEnabled(obj, this.#store);
      defaultPod(obj);
    }
    if (obj.kind === 'Namespace') {
      obj.metadata.labels = { ...obj.metadata.labels, 'kubernetes.io/metadata.name': obj.metadata.name };
      obj.spec = { finalizers: ['kubernetes'] };
      obj.status = { phase: 'Active' };
    }
  }

  create(input: K8sObject, options: WriteOptions = {}): K8sObject {
    const { obj, resource } = this.#normalise(input);
    return this.#create(obj, resource, input.apiVersion, options);
  }

  /** `obj` is normalised; `requestApiVersion` is the version the client wrote (errors name it). */
  #create(obj: K8sObject, resource: ApiResource, requestApiVersion: string, options: WriteOptions): K8sObject {
    delete obj.status;
    const generateName = (obj.metadata as { generateName?: unknown }).generateName;
    if (!obj.metadata.name && typeof generateName === 'string' && generateName)
      obj.metadata.name = `${generateName}${randomSuffix(this.#random)}`;
    admit(obj, resource, requestApiVersion);
    this.#checkNamespace(obj, resource);
    if (this.#store.get(resource.id, obj.metadata.namespace, obj.metadata.name))
      throw alreadyExists(resource, obj.metadata.name);
    this.#checkQuota();
    delete obj.metadata.resourceVersion;
    this.#stamp(obj);
    this.#mutateOnCreate(obj);
    const bytes = this.#checkBytes(obj);
    if (options.dryRun) return obj;
    this.#recordBytes(bytes);
    return structuredClone(this.#store.put(obj));
  }

  replace(input: K8sObject, options: WriteOptions = {}): K8sObject {
    const { obj, resource } = this.#normalise(input);
    admit(obj, resource, input.apiVersion);
    const live = this.#store.get(resource.id, obj.metadata.namespace, obj.metadata.name);
    if (!live) throw notFound(resource, obj.metadata.name);
    return structuredClone(this.#update(live, obj, resource, options).object);
  }

  apply(input: K8sObject, options: WriteOptions = {}): { outcome: WriteOutcome; object: K8sObject } {
    const { obj, resource } = this.#normalise(input);
    const clientSide = options.fieldManager === undefined || options.fieldManager === 'kubectl-client-side-apply';
    // kubectl records what the user applied, as written (the apiVersion of the file, not the stored one).
    const appliedText = lastAppliedConfiguration(input, obj.metadata.namespace);
    const applied = JSON.parse(appliedText) as K8sObject;
    const live = this.#store.get(resource.id, obj.metadata.namespace, obj.metadata.name);
    if (!live) {
      if (clientSide) obj.metadata.annotations = { ...obj.metadata.annotations, [LAST_APPLIED]: `${appliedText}\n` };
      return { outcome: 'created', object: this.#create(obj, resource, input.apiVersion, options) };
    }
    const lastText = live.metadata.annotations?.[LAST_APPLIED];
    if (clientSide && lastText?.trim() === appliedText) {
      admit(obj, resource, input.apiVersion);
      return { outcome: 'unchanged', object: structuredClone(live) };
    }
    let last: unknown;
    try {
      last = lastText ? JSON.parse(lastText) : undefined;
    } catch {
      last = undefined;
    }
    const merged = applyMergePatch(structuredClone(live), threeWayMergePatch(last, applied, live)) as K8sObject;
    merged.apiVersion = obj.apiVersion;
    if (clientSide)
      merged.metadata.annotations = { ...merged.metadata.annotations, [LAST_APPLIED]: `${appliedText}\n` };
    admit(merged, resource, input.apiVersion);
    const result = this.#update(live, merged, resource, options);
    return {
      outcome: result.outcome === 'unchanged' ? 'unchanged' : 'configured',
      object: structuredClone(result.object),
    };
  }

  update(
    kind: string,
    namespace: string | undefined,
    name: string,
    mutate: (object: K8sObject) => void,
    options: WriteOptions = {},
  ): { outcome: WriteOutcome; object: K8sObject } {
    const resource = resourceForKind(kind);
    if (!resource) throw apiError(404, 'NotFound', 'the server could not find the requested resource');
    const live = this.#store.get(kind, resource.namespaced ? (namespace ?? 'default') : undefined, name);
    if (!live) throw notFound(resource, name);
    const next = structuredClone(live);
    mutate(next);
    admit(next, resource);
    const result = this.#update(live, next, resource, options);
    return { outcome: result.outcome, object: structuredClone(result.object) };
  }

  /** Writes `next` over `live`, keeping what the server owns. */
  #update(
    live: K8sObject,
    next: K8sObject,
    resource: ApiResource,
    options: WriteOptions,
  ): { outcome: WriteOutcome; object: K8sObject } {
    next.metadata.uid = live.metadata.uid;
    next.metadata.creationTimestamp = live.metadata.creationTimestamp;
    next.metadata.namespace = live.metadata.namespace;
    if (next.metadata.namespace === undefined) delete next.metadata.namespace;
    if (live.status !== undefined && resource.kind !== 'ConfigMap') next.status = live.status;
    if (next.kind === 'Service') allocateServiceAddresses(next, live, this.#random, this.#store);
    if (next.kind === 'Pod') {
      const liveSpec = JSON.stringify({ ...(live.spec as JsonObject), nodeName: undefined });
      const nextSpec = JSON.stringify({ ...(next.spec as JsonObject), nodeName: undefined });
      if (liveSpec !== nextSpec) {
        throw apiError(
          422,
          'Invalid',
          `Pod "${live.metadata.name}" is invalid: spec: Forbidden: pod updates may not change fields other than ` +
            `\`spec.containers[*].image\`,\`spec.initContainers[*].image\`,\`spec.activeDeadlineSeconds\`,\`spec.tolerations\` ` +
            `(only additions to existing tolerations),\`spec.terminationGracePeriodSeconds\` ` +
            `(allow it to be set to 1 if it was previously negative)`,
        );
      }
    }
    const specChanged = specPart(live) !== specPart(next);
    next.metadata.generation = (live.metadata.generation ?? 1) + (specChanged ? 1 : 0);
    next.metadata.resourceVersion = live.metadata.resourceVersion;
    const changed = JSON.stringify(live) !== JSON.stringify(next);
    if (!changed) return { outcome: 'unchanged', object: live };
    const bytes = this.#checkBytes(next);
    if (options.dryRun) return { outcome: 'configured', object: next };
    this.#recordBytes(bytes);
    return { outcome: 'configured', object: this.#store.put(next) };
  }

  addEphemeralContainer(namespace: string, pod: string, container: Record<string, unknown>): K8sObject {
    const live = this.#store.get('Pod', namespace, pod);
    if (!live) throw notFound(resourceForKind('Pod')!, pod);
    const next = structuredClone(live);
    const spec = next.spec as {
      containers?: ContainerSpec[];
      initContainers?: ContainerSpec[];
      ephemeralContainers?: unknown[];
    };
    const names = [...(spec.containers ?? []), ...(spec.initContainers ?? [])].map((c) => c.name);
    for (const c of (spec.ephemeralContainers ?? []) as { name: string }[]) names.push(c.name);
    if (names.includes(String(container.name)))
      throw apiError(
        422,
        'Invalid',
        `Pod "${pod}" is invalid: spec.ephemeralContainers[${(spec.ephemeralContainers ?? []).length}].name: ` +
          `Duplicate value: "${String(container.name)}"`,
      );
    spec.ephemeralContainers = [...(spec.ephemeralContainers ?? []), container];
    // The kubelet starts an ephemeral container as soon as it sees it (images are pulled instantly here).
    const status = (next.status ?? {}) as { ephemeralContainerStatuses?: unknown[] };
    status.ephemeralContainerStatuses = [
      ...(status.ephemeralContainerStatuses ?? []),
      {
        name: container.name,
        image: container.image,
        imageID: '',
        ready: false,
        restartCount: 0,
        state: { running: { startedAt: timestamp(this.#clock.now()) } },
      },
    ];
    next.status = status;
    next.metadata.resourceVersion = live.metadata.resourceVersion;
    return structuredClone(this.#store.put(next));
  }

  delete(kind: string, namespace: string | undefined, name: string): void {
    const resource = resourceForKind(kind);
    if (!resource) throw apiError(404, 'NotFound', 'the server could not find the requested resource');
    const ns = resource.namespaced ? (namespace ?? 'default') : undefined;
    const live = this.#store.get(kind, ns, name);
    if (!live) throw notFound(resource, name);
    if (kind === 'Namespace' && PROTECTED_NAMESPACES.has(name)) {
      throw apiError(403, 'Forbidden', `namespaces "${name}" is forbidden: this namespace may not be deleted`);
    }
    // A namespace terminates: its content goes first, on the namespace controller's time (controllers/namespaces.ts).
    if (kind === 'Namespace') {
      if (live.metadata.deletionTimestamp)
        throw apiError(
          409,
          'Conflict',
          `Operation cannot be fulfilled on namespaces "${name}": The system is ensuring all content is removed from ` +
            'this namespace.  Upon completion, this namespace will automatically be purged by the system.',
        );
      this.#controllers.namespaces.terminate(live);
      return;
    }
    this.#cascade(live);
  }

  /** Deletes an object and what it owns (ReplicaSets of a Deployment, Pods of a ReplicaSet, a namespace's content). */
  #cascade(obj: K8sObject): void {
    // Deleting a CustomResourceDefinition deletes every object of its kind.
    if (obj.kind === 'CustomResourceDefinition') {
      const spec = obj.spec as
        | { group?: unknown; names?: { kind?: unknown }; versions?: { name?: unknown }[] }
        | undefined;
      const kind = spec?.names?.kind;
      const version = spec?.versions?.[0]?.name;
      if (typeof kind === 'string' && typeof spec?.group === 'string') {
        const key = kindKeyOf({ apiVersion: `${spec.group}/${String(version)}`, kind });
        for (const cr of this.#store.list(key)) this.#cascade(cr);
      }
    }
    if (obj.kind === 'Namespace') {
      for (const child of [...this.#store.all()]) {
        if (
          child.metadata.namespace === obj.metadata.name &&
          this.#store.get(kindKeyOf(child), child.metadata.namespace, child.metadata.name)
        )
          this.#removeOne(child);
      }
    }
    const uid = obj.metadata.uid;
    this.#removeOne(obj);
    if (!uid) return;
    for (const child of [...this.#store.all()]) {
      if (child.metadata.ownerReferences?.some((r) => r.uid === uid)) this.#cascade(child);
    }
  }

  #removeOne(obj: K8sObject): void {
    this.#store.remove(kindKeyOf(obj), obj.metadata.namespace, obj.metadata.name);
    const key = `${kindKeyOf(obj)}/${obj.metadata.namespace ?? ''}/${obj.metadata.name}`;
    this.#usedBytes -= this.#sizes.get(key) ?? 0;
    this.#sizes.delete(key);
    if (obj.kind === 'Pod') {
      this.logs.forgetPod(obj.metadata.namespace ?? 'default', obj.metadata.name);
      this.#controllers.kubelet.forget(obj);
    }
  }
}

/** A simulated cluster whose settled state can start other clusters (`from` in the options). */
export type SnapshottableCluster = SimCluster & { snapshot(): ClusterSnapshot; readonly objectsVersion: number };

/** Makes a simulated cluster: kind with Istio 1.30's demo profile installed, nothing of the labs' yet. */
export function createSimCluster(options: SimClusterOptions): SnapshottableCluster {
  return new SimClusterImpl(options);
}
