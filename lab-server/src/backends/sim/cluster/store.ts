/**
 * The simulated etcd: objects by kind, namespace and name, with resource versions and watchers. It keeps
 * what it is given; admission and defaulting happen before (see `index.ts`). Kinds are kind keys
 * (`ApiResource.id`): `Gateway` is Istio's, `Gateway.gateway.networking.k8s.io` the Gateway API's.
 */
import type { K8sObject } from '../../../contract.ts';
import { deepFreeze } from '../deepFreeze.ts';
import type { ObjectEvent } from '../types.ts';
import { kindKeyOf } from './discovery.ts';
import { matchesSelector, parseSelector } from './labelSelector.ts';

function keyOf(kind: string, namespace: string | undefined, name: string): string {
  return `${kind}\u0000${namespace ?? ''}\u0000${name}`;
}

/** What a store holds, to start another store from: its frozen objects (shared) and its resource version. */
export interface StoreSnapshot {
  readonly objects: ReadonlyMap<string, K8sObject>;
  readonly version: number;
}

/** Objects and their watchers. */
export class ObjectStore {
  readonly #objects = new Map<string, K8sObject>();
  readonly #listeners = new Set<(event: ObjectEvent) => void>();
  /** The same objects by kind: a list reads its kind only, not every object (Events alone may be a thousand). */
  readonly #byKind = new Map<string, Map<string, K8sObject>>();
  /** Each kind's objects in list order, made on the first list after a change of that kind. */
  readonly #sorted = new Map<string, K8sObject[]>();
  #version = 1000;
  /** Counts every put and removal: the last snapshot stands while it does not move (one per command is asked). */
  #changes = 0;
  #snapshot: { changes: number; value: StoreSnapshot } | undefined;

  /** An empty store, or one holding what `from` held (the objects themselves are shared: they are frozen). */
  constructor(from?: StoreSnapshot) {
    if (!from) return;
    for (const [key, object] of from.objects) {
      this.#objects.set(key, object);
      const kind = kindKeyOf(object);
      let ofKind = this.#byKind.get(kind);
      if (!ofKind) this.#byKind.set(kind, (ofKind = new Map()));
      ofKind.set(key, object);
    }
    this.#version = from.version;
  }

  /** The resource version now: every change moves it on, a deletion included. */
  get version(): number {
    return this.#version;
  }

  /** The objects and resource version now (the objects are frozen, so they can be shared as they are). */
  snapshot(): StoreSnapshot {
    if (this.#snapshot?.changes !== this.#changes)
      this.#snapshot = {
        changes: this.#changes,
        value: { objects: new Map(this.#objects), version: this.#version },
      };
    return this.#snapshot.value;
  }

  get size(): number {
    return this.#objects.size;
  }

  /** How many objects of `kind` are stored. */
  count(kind: string): number {
    return this.#byKind.get(kind)?.size ?? 0;
  }

  get(kind: string, namespace: string | undefined, name: string): K8sObject | undefined {
    return this.#objects.get(keyOf(kind, namespace, name));
  }

  /** Objects of a kind, in a namespace or all, matching a label selector string; sorted by namespace and name. */
  list(kind: string, namespace?: string, labelSelector?: string): K8sObject[] {
    const requirements = parseSelector(labelSelector);
    const out: K8sObject[] = [];
    for (const obj of this.#sortedOf(kind)) {
      if (namespace !== undefined && obj.metadata.namespace !== namespace) continue;
      if (!matchesSelector(requirements, obj.metadata.labels)) continue;
      out.push(obj);
    }
    return out;
  }

  #sortedOf(kind: string): readonly K8sObject[] {
    let sorted = this.#sorted.get(kind);
    if (!sorted) {
      sorted = [...(this.#byKind.get(kind)?.values() ?? [])].sort(
        (a, b) =>
          (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? '') ||
          a.metadata.name.localeCompare(b.metadata.name),
      );
      this.#sorted.set(kind, sorted);
    }
    return sorted;
  }

  /** Every object (for cascades and counts). */
  all(): IterableIterator<K8sObject> {
    return this.#objects.values();
  }

  /** Stores an object (a new resourceVersion each time) and tells the watchers. */
  put(given: K8sObject): K8sObject {
    const kind = kindKeyOf(given);
    const key = keyOf(kind, given.metadata.namespace, given.metadata.name);
    const existed = this.#objects.has(key);
    const resourceVersion = String(++this.#version);
    // Stored objects are frozen and may be shared (with the previous version, or between environments made
    // from one starting state): a given object whose metadata is already stored gets metadata of its own.
    let object = given;
    if (Object.isFrozen(given.metadata)) object = { ...given, metadata: { ...given.metadata, resourceVersion } };
    else given.metadata.resourceVersion = resourceVersion;
    deepFreeze(object);
    this.#changes++;
    this.#objects.set(key, object);
    let ofKind = this.#byKind.get(kind);
    if (!ofKind) this.#byKind.set(kind, (ofKind = new Map()));
    ofKind.set(key, object);
    this.#sorted.delete(kind);
    this.#emit({ type: existed ? 'MODIFIED' : 'ADDED', object });
    return object;
  }

  /** Removes an object; returns it, or undefined when it was not there. */
  remove(kind: string, namespace: string | undefined, name: string): K8sObject | undefined {
    const key = keyOf(kind, namespace, name);
    const object = this.#objects.get(key);
    if (!object) return undefined;
    // A deletion is a revision of its own, as in etcd: the store's version says that something changed.
    this.#version++;
    this.#changes++;
    this.#objects.delete(key);
    this.#byKind.get(kind)?.delete(key);
    this.#sorted.delete(kind);
    this.#emit({ type: 'DELETED', object });
    return object;
  }

  watch(listener: (event: ObjectEvent) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #emit(event: ObjectEvent): void {
    for (const listener of [...this.#listeners]) {
      try {
        listener(event);
      } catch {
        // A watcher's failure must not break the write that triggered it.
      }
    }
  }
}
