/**
 * Sidecar injection at pod creation, as Istio's mutating webhook does it: for pods of a namespace labelled
 * `istio-injection=enabled` (or a pod labelled `sidecar.istio.io/inject: "true"`), while Istio is installed,
 * using the injector's current values. Pods that exist already are never changed.
 */
import type { K8sObject } from '../../../contract.ts';
import { injectDocument, injectSettings } from '../shell/commands/istioctl/kubeInject.ts';
import { INCLUDE_ANNOTATION, EXCLUDE_ANNOTATION } from '../mesh/capture.ts';
import type { SimClusterApi } from '../types.ts';
import type { ObjectStore } from './store.ts';

/** Whether the webhook would inject this pod. */
export function shouldInject(pod: K8sObject, store: ObjectStore): boolean {
  const labels = pod.metadata.labels ?? {};
  const annotations = pod.metadata.annotations ?? {};
  const podChoice = labels['sidecar.istio.io/inject'] ?? annotations['sidecar.istio.io/inject'];
  if (podChoice === 'false') return false;
  if (!store.get('ConfigMap', 'istio-system', 'istio-sidecar-injector')) return false;
  const ns = store.get('Namespace', undefined, pod.metadata.namespace ?? 'default');
  const nsLabels = ns?.metadata.labels ?? {};
  if (nsLabels['istio-injection'] === 'disabled') return false;
  return nsLabels['istio-injection'] === 'enabled' || podChoice === 'true';
}

/** Injects `pod` in place when the webhook would. */
export function injectIfEnabled(pod: K8sObject, store: ObjectStore): void {
  if (!shouldInject(pod, store)) return;
  const settings = injectSettings({ get: (kind: string, ns: string | undefined, name: string) => store.get(kind, ns, name) } as SimClusterApi);
  const annotations = pod.metadata.annotations ?? {};
  injectDocument(pod as Record<string, any>, {
    includeIPRanges: annotations[INCLUDE_ANNOTATION] ?? settings.includeIPRanges,
    excludeIPRanges: annotations[EXCLUDE_ANNOTATION] ?? settings.excludeIPRanges,
  });
}
