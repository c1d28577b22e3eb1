/**
 * Event objects, as the scheduler, kubelet and controllers post them (`kubectl describe` and `kubectl get events`
 * read them): named `<object>.<hex nanoseconds>`, repeats of the same report counted on one Event, and only the
 * newest kept so that a long session cannot fill memory (the API server expires them after an hour).
 */
import type { K8sObject } from '../../../contract.ts';
import type { SimClock } from '../types.ts';
import type { EventReport } from './controllers/context.ts';
import { NODE_NAME } from './controllers/node.ts';
import { timestamp } from './names.ts';
import type { EventShape } from './shapes.ts';
import type { ObjectStore } from './store.ts';

/** Events kept in the whole cluster; the oldest go first. */
export const MAX_EVENTS = 1000;

/** An EventRecorder's memory. */
export interface EventsSnapshot {
  readonly order: readonly K8sObject[];
  readonly seq: number;
}

/** Posts Events into the store. */
export class EventRecorder {
  readonly #store: ObjectStore;
  readonly #clock: SimClock;
  readonly #stamp: (obj: K8sObject) => void;
  readonly #order: K8sObject[] = [];
  #seq = 0;
  /** Counts changes of `#order`: the last snapshot stands while it does not move (one per command is asked). */
  #changes = 0;
  #snapshot: { changes: number; value: EventsSnapshot } | undefined;

  constructor(store: ObjectStore, clock: SimClock, stamp: (obj: K8sObject) => void) {
    this.#store = store;
    this.#clock = clock;
    this.#stamp = stamp;
  }

  /** The recorder's memory (Events kept, oldest first, and the sequence number), to start another from. */
  snapshot(): EventsSnapshot {
    if (this.#snapshot?.changes !== this.#changes)
      this.#snapshot = { changes: this.#changes, value: { order: [...this.#order], seq: this.#seq } };
    return this.#snapshot.value;
  }

  /** Continues from another recorder's snapshot (whose Events are in this recorder's store too). */
  restore(from: EventsSnapshot): void {
    this.#order.push(...from.order);
    this.#seq = from.seq;
    this.#changes++;
  }

  /** Records `report` about `about`: a new Event, or one more count of the same one. */
  record(about: K8sObject, report: EventReport): void {
    const namespace = about.metadata.namespace ?? 'default';
    const now = timestamp(this.#clock.now());
    const involvedObject = {
      kind: about.kind,
      namespace: about.metadata.namespace,
      name: about.metadata.name,
      uid: about.metadata.uid,
      apiVersion: about.apiVersion,
      resourceVersion: about.metadata.resourceVersion,
      ...(report.fieldPath ? { fieldPath: report.fieldPath } : {}),
    };
    const repeat = (this.#store.list('Event', namespace) as EventShape[]).find((o) => {
      return (
        o.involvedObject?.uid === about.metadata.uid &&
        o.reason === report.reason &&
        o.message === report.message &&
        o.involvedObject?.fieldPath === report.fieldPath
      );
    });
    if (repeat) {
      this.#store.put({ ...repeat, count: (repeat.count ?? 1) + 1, lastTimestamp: now } as K8sObject);
      return;
    }
    const host = report.component === 'kubelet' ? NODE_NAME : '';
    const nanos = BigInt(this.#clock.now()) * 1_000_000n + BigInt(this.#seq++ % 1_000_000);
    // The sequence and (below) the order move: a snapshot taken after this is a new one.
    this.#changes++;
    const event = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: `${about.metadata.name}.${nanos.toString(16)}`, namespace },
      involvedObject,
      reason: report.reason,
      message: report.message,
      source: { component: report.component, ...(host ? { host } : {}) },
      firstTimestamp: now,
      lastTimestamp: now,
      count: 1,
      type: report.type,
      eventTime: null,
      reportingComponent: report.component,
      reportingInstance: host,
    } as unknown as K8sObject;
    this.#stamp(event);
    delete event.metadata.generation;
    this.#order.push(this.#store.put(event));
    while (this.#order.length > MAX_EVENTS) {
      const old = this.#order.shift()!;
      this.#store.remove('Event', old.metadata.namespace, old.metadata.name);
    }
  }
}
