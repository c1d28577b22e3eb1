/** What the controllers need from the API server. */
import type { K8sObject } from '../../../../contract.ts';
import type { RandomSource, SimClock } from '../../types.ts';
import type { MemoryLogStore } from '../logs.ts';
import type { ObjectStore } from '../store.ts';

/** An event a controller or the kubelet reports about an object (`kubectl describe` shows them). */
export interface EventReport {
  type: 'Normal' | 'Warning';
  reason: string;
  message: string;
  /** The reporting component: `default-scheduler`, `kubelet`, `deployment-controller`, `replicaset-controller`. */
  component: string;
  /** For container events: `spec.containers{name}`. */
  fieldPath?: string;
}

/** The API server's side of the controllers. */
export interface ControllerContext {
  store: ObjectStore;
  clock: SimClock;
  random: RandomSource;
  logs: MemoryLogStore;
  /** Creates a pod through the API's create path (so it is stamped, defaulted and injected). */
  createPod(pod: K8sObject): K8sObject;
  /** Deletes an object and what it owns, through the API's delete path. */
  remove(obj: K8sObject): void;
  /** Deletes one object and nothing it owns (what it owned is deleted on its own, as a namespace's pods are). */
  removeOnly(obj: K8sObject): void;
  /** Fills a new object's server-set metadata. */
  stamp(obj: K8sObject): void;
  /** Records an Event about `about`. */
  record(about: K8sObject, report: EventReport): void;
}
