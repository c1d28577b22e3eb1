/**
 * The namespace controller's deletion, as Kubernetes runs it: a deleted namespace turns `Terminating` (its
 * deletionTimestamp set, the `kubernetes` finalizer still there, the deletion conditions in its status), its
 * content is deleted (Deployments, ReplicaSets, Services, Istio configuration go at once), its pods terminate
 * gracefully, and once the last pod is gone the finalizer is removed and the namespace with it. A pod takes its
 * containers' time to stop after SIGTERM, at most its `terminationGracePeriodSeconds` (30 by default): an
 * Istio sidecar drains for its `terminationDrainDuration` (5 s by default), an application stops at once
 * (the samples' `sleep` never stops, so they set a grace period of 0).
 */
import type { K8sObject } from '../../../../contract.ts';
import { timestamp } from '../names.ts';
import type { ControllerContext } from './context.ts';

/** Kubernetes' default `terminationGracePeriodSeconds`. */
const DEFAULT_GRACE_S = 30;
/** Istio's default `terminationDrainDuration` for the sidecar (meshConfig.defaultConfig). */
const SIDECAR_DRAIN_S = 5;

type PodSpec = {
  terminationGracePeriodSeconds?: number;
  containers?: { name: string }[];
  initContainers?: { name: string; restartPolicy?: string }[];
};

/** Seconds a pod takes to go once deleted: its containers' stop, within its grace period. */
export function terminationSeconds(pod: K8sObject): number {
  const spec = (pod.spec ?? {}) as PodSpec;
  const grace = spec.terminationGracePeriodSeconds ?? DEFAULT_GRACE_S;
  const sidecar = [...(spec.containers ?? []), ...(spec.initContainers ?? [])].some((c) => c.name === 'istio-proxy');
  return Math.min(grace, sidecar ? SIDECAR_DRAIN_S : 0);
}

/** The conditions the namespace controller writes while content remains (as `kubectl get ns -o yaml` shows). */
function terminatingConditions(now: string, remainingPods: number): Record<string, string>[] {
  const condition = (type: string, status: string, reason: string, message: string) => ({
    lastTransitionTime: now,
    message,
    reason,
    status,
    type,
  });
  return [
    condition(
      'NamespaceDeletionDiscoveryFailure',
      'False',
      'ResourcesDiscovered',
      'All resources successfully discovered',
    ),
    condition(
      'NamespaceDeletionGroupVersionParsingFailure',
      'False',
      'ParsedGroupVersions',
      'All legacy kube types successfully parsed',
    ),
    condition(
      'NamespaceDeletionContentFailure',
      'False',
      'ContentDeleted',
      'All content successfully deleted, may be waiting on finalization',
    ),
    remainingPods > 0
      ? condition(
          'NamespaceContentRemaining',
          'True',
          'SomeResourcesRemain',
          `Some resources are remaining: pods. has ${remainingPods} resource instances`,
        )
      : condition('NamespaceContentRemaining', 'False', 'ContentRemoved', 'All content successfully removed'),
    condition(
      'NamespaceFinalizersRemaining',
      'False',
      'ContentHasNoFinalizers',
      'All content-preserving finalizers finished',
    ),
  ];
}

/** Deletes namespaces as the namespace controller does, on the environment's clock. */
export class NamespaceTerminator {
  readonly #ctx: ControllerContext;
  readonly #removeOnly: (obj: K8sObject) => void;
  readonly #terminating = new Map<string, Promise<void>>();

  /** `removeOnly` deletes one object without what it owns (the pods stay to terminate on their own). */
  constructor(ctx: ControllerContext, removeOnly: (obj: K8sObject) => void) {
    this.#ctx = ctx;
    this.#removeOnly = removeOnly;
  }

  /** Whether a namespace is still terminating. */
  get busy(): boolean {
    return this.#terminating.size > 0;
  }

  /** Resolves when the namespaces terminating now are gone. */
  async settled(): Promise<void> {
    await Promise.all([...this.#terminating.values()]);
  }

  /** Starts deleting `namespace` (already checked to exist and not to be terminating). */
  terminate(namespace: K8sObject): void {
    const name = namespace.metadata.name;
    const now = this.#ctx.clock.now();
    const content = [...this.#ctx.store.all()].filter((o) => o.metadata.namespace === name);
    const pods = content.filter((o) => o.kind === 'Pod');
    for (const o of content) if (o.kind !== 'Pod' && o.kind !== 'Event') this.#removeOnly(o);
    let seconds = 0;
    for (const pod of pods) {
      const s = terminationSeconds(pod);
      seconds = Math.max(seconds, s);
      const next = structuredClone(pod);
      next.metadata.deletionTimestamp = timestamp(now + s * 1000);
      (next.metadata as { deletionGracePeriodSeconds?: number }).deletionGracePeriodSeconds = s;
      this.#ctx.store.put(next);
    }
    const next = structuredClone(namespace);
    next.metadata.deletionTimestamp = timestamp(now);
    next.status = { phase: 'Terminating', conditions: terminatingConditions(timestamp(now), pods.length) };
    this.#ctx.store.put(next);
    const gone = this.#ctx.clock
      .sleep(seconds * 1000)
      .catch(() => undefined)
      .then(() => {
        const live = this.#ctx.store.get('Namespace', undefined, name);
        if (live && live.metadata.uid === namespace.metadata.uid) this.#ctx.remove(live);
      })
      .finally(() => this.#terminating.delete(name));
    this.#terminating.set(name, gone);
  }

  /** Whether `name` is terminating now. */
  isTerminating(name: string): boolean {
    return this.#terminating.has(name);
  }
}
