/** Ownership and readiness, as every controller reads them. */
import type { K8sObject } from '../../../../contract.ts';
import { conditionOf } from '../shapes.ts';

/** The owner reference with `controller: true`, if any. */
export function controllerOf(obj: K8sObject): { kind: string; uid: string } | undefined {
  return obj.metadata.ownerReferences?.find((r) => r.controller);
}

/** Whether `owner` controls `obj`. */
export function isOwnedBy(obj: K8sObject, owner: K8sObject): boolean {
  return owner.metadata.uid !== undefined && controllerOf(obj)?.uid === owner.metadata.uid;
}

/** A controller owner reference to `owner`, as the controllers write it. */
export function ownerRef(owner: K8sObject): NonNullable<K8sObject['metadata']['ownerReferences']>[number] {
  return {
    apiVersion: owner.apiVersion,
    kind: owner.kind,
    name: owner.metadata.name,
    uid: owner.metadata.uid!,
    controller: true,
    blockOwnerDeletion: true,
  } as never;
}

/** Whether a pod's Ready condition is True (and it is not being deleted). */
export function isReady(pod: K8sObject): boolean {
  if (pod.metadata.deletionTimestamp) return false;
  return conditionOf(pod, 'Ready')?.status === 'True';
}

/** Deep equality of JSON values (objects the controllers compare before writing). */
export function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
