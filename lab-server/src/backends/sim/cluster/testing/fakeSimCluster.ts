/**
 * A small in-memory `SimCluster` for unit tests (kubectl's, the mesh's): objects exactly as the test puts them (no
 * admission, no controllers), so a table, a describe or a route can be checked against objects in any state.
 * Label selectors are Kubernetes' full syntax; `reject` makes the next writes fail as the API server would.
 */
import { istioCrdObjects } from '../crds.ts';
import type { K8sObject } from '../../../../contract.ts';
import { resourceForKind } from '../discovery.ts';
import { matchesSelector, parseSelector, type Requirement, SelectorError } from '../labelSelector.ts';
import type {
  ApiErrorShape,
  LogLine,
  LogStore,
  ObjectEvent,
  SimClock,
  SimCluster,
  WriteOptions,
  WriteOutcome,
} from '../../types.ts';

/** RFC 3339 to the second, as the API server writes timestamps. */
export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function qualified(kind: string): string {
  const r = resourceForKind(kind);
  return r ? (r.group ? `${r.plural}.${r.group}` : r.plural) : kind.toLowerCase();
}

/** The fake. */
export class FakeSimCluster implements SimCluster {
  readonly serverVersion = 'v1.34.0';
  readonly logs: LogStore;
  /** Writes (apply/create/replace/update) throw this while set, as admission would. */
  reject: ApiErrorShape | undefined;
  private objects = new Map<string, K8sObject>();
  private listeners = new Set<(e: ObjectEvent) => void>();
  private clock: SimClock;
  private uids = 0;

  constructor(clock: SimClock) {
    this.clock = clock;
    const lines = new Map<string, LogLine[]>();
    const followers = new Map<string, Set<(l: LogLine) => void>>();
    const push = (ns: string, pod: string, container: string, line: LogLine) => {
      const key = `${ns}/${pod}/${container}`;
      (lines.get(key) ?? lines.set(key, []).get(key)!).push(line);
      for (const f of followers.get(key) ?? []) f(line);
    };
    this.logs = {
      append: (ns, pod, container, text) => push(ns, pod, container, { at: this.clock.now(), text }),
      read: (ns, pod, container, options) => {
        let out = lines.get(`${ns}/${pod}/${container}`) ?? [];
        if (options?.sinceMs !== undefined) out = out.filter((l) => l.at >= options.sinceMs!);
        if (options?.tail !== undefined) out = out.slice(Math.max(0, out.length - options.tail));
        return out;
      },
      follow: (ns, pod, container, listener) => {
        const key = `${ns}/${pod}/${container}`;
        const set = followers.get(key) ?? followers.set(key, new Set()).get(key)!;
        set.add(listener);
        return () => set.delete(listener);
      },
    };
    // Istio is installed: its CRDs are there, so its kinds are served.
    for (const crd of istioCrdObjects()) this.objects.set(this.key(crd.kind, undefined, crd.metadata.name), crd);
  }

  private key(kind: string, namespace: string | undefined, name: string): string {
    return `${kind}/${resourceForKind(kind)?.namespaced === false ? '' : (namespace ?? '')}/${name}`;
  }

  private emit(type: ObjectEvent['type'], object: K8sObject): void {
    for (const l of this.listeners) l({ type, object });
  }

  private store(object: K8sObject, dryRun: boolean | undefined, live?: K8sObject): K8sObject {
    if (this.reject) throw this.reject;
    const stored = structuredClone(object);
    stored.metadata.creationTimestamp =
      live?.metadata.creationTimestamp ?? stored.metadata.creationTimestamp ?? isoSeconds(this.clock.now());
    stored.metadata.uid = live?.metadata.uid ?? stored.metadata.uid ?? `uid-${++this.uids}`;
    if (dryRun) return stored;
    this.objects.set(this.key(stored.kind, stored.metadata.namespace, stored.metadata.name), stored);
    this.emit(live ? 'MODIFIED' : 'ADDED', stored);
    return stored;
  }

  /** Puts objects in as they are (tests' fixtures), keeping a given creationTimestamp. */
  put(...objects: K8sObject[]): void {
    for (const o of objects) this.store(o, false, this.get(o.kind, o.metadata.namespace, o.metadata.name));
  }

  /** Log text of one container, a line each. */
  logText(namespace: string, pod: string, container: string): string[] {
    return this.logs.read(namespace, pod, container).map((l) => l.text);
  }

  get(kind: string, namespace: string | undefined, name: string): K8sObject | undefined {
    const o = this.objects.get(this.key(kind, namespace, name));
    return o && structuredClone(o);
  }

  list(kind: string, namespace?: string, labelSelector?: string): K8sObject[] {
    let requirements: Requirement[];
    try {
      requirements = parseSelector(labelSelector);
    } catch (error) {
      if (error instanceof SelectorError)
        throw { code: 400, reason: 'BadRequest', message: error.message } satisfies ApiErrorShape;
      throw error;
    }
    return [...this.objects.values()]
      .filter(
        (o) =>
          o.kind === kind &&
          (namespace === undefined || o.metadata.namespace === namespace) &&
          matchesSelector(requirements, o.metadata.labels),
      )
      .sort(
        (a, b) =>
          (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? '') ||
          a.metadata.name.localeCompare(b.metadata.name),
      )
      .map((o) => structuredClone(o));
  }

  apply(object: K8sObject, options?: WriteOptions): { outcome: WriteOutcome; object: K8sObject } {
    const live = this.get(object.kind, object.metadata.namespace, object.metadata.name);
    const strip = (o: K8sObject) =>
      JSON.stringify({
        ...o,
        metadata: { ...o.metadata, creationTimestamp: undefined, uid: undefined },
        status: undefined,
      });
    if (live && strip(live) === strip(object)) {
      if (this.reject) throw this.reject;
      return { outcome: 'unchanged', object: live };
    }
    return { outcome: live ? 'configured' : 'created', object: this.store(object, options?.dryRun, live) };
  }

  create(object: K8sObject, options?: WriteOptions): K8sObject {
    if (this.get(object.kind, object.metadata.namespace, object.metadata.name))
      throw {
        code: 409,
        reason: 'AlreadyExists',
        message: `${qualified(object.kind)} "${object.metadata.name}" already exists`,
      } satisfies ApiErrorShape;
    return this.store(object, options?.dryRun);
  }

  replace(object: K8sObject, options?: WriteOptions): K8sObject {
    const live = this.get(object.kind, object.metadata.namespace, object.metadata.name);
    if (!live) throw this.notFound(object.kind, object.metadata.name);
    return this.store(object, options?.dryRun, live);
  }

  update(
    kind: string,
    namespace: string | undefined,
    name: string,
    mutate: (object: K8sObject) => void,
    options?: WriteOptions,
  ): { outcome: WriteOutcome; object: K8sObject } {
    const live = this.get(kind, namespace, name);
    if (!live) throw this.notFound(kind, name);
    const next = structuredClone(live);
    mutate(next);
    if (JSON.stringify(next) === JSON.stringify(live)) return { outcome: 'unchanged', object: live };
    return { outcome: 'configured', object: this.store(next, options?.dryRun, live) };
  }

  addEphemeralContainer(namespace: string, pod: string, container: Record<string, unknown>): K8sObject {
    return this.update('Pod', namespace, pod, (o) => {
      const spec = o.spec as { ephemeralContainers?: unknown[] };
      spec.ephemeralContainers = [...(spec.ephemeralContainers ?? []), container];
    }).object;
  }

  delete(kind: string, namespace: string | undefined, name: string): void {
    const key = this.key(kind, namespace, name);
    const obj = this.objects.get(key);
    if (!obj) throw this.notFound(kind, name);
    this.objects.delete(key);
    this.emit('DELETED', obj);
  }

  watch(listener: (event: ObjectEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  idle(): Promise<void> {
    return Promise.resolve();
  }

  private notFound(kind: string, name: string): ApiErrorShape {
    return { code: 404, reason: 'NotFound', message: `${qualified(kind)} "${name}" not found` };
  }
}

/** Options of a pod fixture. */
export interface PodFixture {
  namespace?: string;
  labels?: Record<string, string>;
  containers?: string[];
  initContainers?: string[];
  /** Containers whose status says ready (default: all when Running). */
  ready?: string[];
  phase?: 'Pending' | 'Running' | 'Succeeded' | 'Failed';
  /** Init containers done (`Init:N/M` while fewer than all). */
  initDone?: number;
  restarts?: number;
  createdMs?: number;
  terminating?: boolean;
  ip?: string;
}

/** A Pod object in the shape the API serves, for the fake. */
export function podFixture(name: string, f: PodFixture = {}): K8sObject {
  const containers = f.containers ?? ['app'];
  const inits = f.initContainers ?? [];
  const phase = f.phase ?? 'Running';
  const ready = f.ready ?? (phase === 'Running' ? containers : []);
  const initDone = f.initDone ?? (phase === 'Running' ? inits.length : 0);
  const status: Record<string, unknown> = {
    phase,
    ...(f.ip ? { podIP: f.ip } : {}),
    conditions: [{ type: 'Ready', status: ready.length === containers.length ? 'True' : 'False' }],
    initContainerStatuses: inits.map((c, i) => ({
      name: c,
      ready: i < initDone,
      restartCount: 0,
      state:
        i < initDone
          ? { terminated: { exitCode: 0, reason: 'Completed' } }
          : i === initDone
            ? { running: {} }
            : { waiting: { reason: 'PodInitializing' } },
    })),
    containerStatuses: containers.map((c, i) => ({
      name: c,
      ready: ready.includes(c),
      restartCount: i === 0 ? (f.restarts ?? 0) : 0,
      state:
        phase === 'Running'
          ? { running: { startedAt: '2026-11-24T10:00:00Z' } }
          : { waiting: { reason: initDone < inits.length ? 'PodInitializing' : 'ContainerCreating' } },
    })),
  };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace: f.namespace ?? 'default',
      ...(f.labels ? { labels: f.labels } : {}),
      ...(f.createdMs !== undefined ? { creationTimestamp: isoSeconds(f.createdMs) } : {}),
      ...(f.terminating ? { deletionTimestamp: '2026-11-24T10:00:00Z' } : {}),
    },
    spec: {
      nodeName: 'kind-control-plane',
      containers: containers.map((c) => ({ name: c, image: `docker.io/${c}:latest` })),
      ...(inits.length ? { initContainers: inits.map((c) => ({ name: c, image: `docker.io/${c}:latest` })) } : {}),
    },
    status,
  };
}
