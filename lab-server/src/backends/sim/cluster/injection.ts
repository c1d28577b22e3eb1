/**
 * Sidecar injection at pod creation, as Istio's mutating webhook does it: for pods of a namespace labelled
 * `istio-injection=enabled` (or a pod labelled `sidecar.istio.io/inject: "true"`), while Istio is installed,
 * using the injector's current values (`global.proxy.includeIPRanges` / `excludeIPRanges`, overridden by the
 * pod's `traffic.sidecar.istio.io/*OutboundIPRanges` annotations). On this Kubernetes 1.34 node the sidecar is a native
 * sidecar (an init container), as Istio 1.27+ injects it. Pods that exist already are never changed.
 */
import type { K8sObject } from '../../../contract.ts';
import { injectDocument, injectSettings } from '../istio/injector.ts';
import { INCLUDE_ANNOTATION, EXCLUDE_ANNOTATION } from '../mesh/capture.ts';
import { proxyContainerOf } from '../mesh/objects.ts';
import type { SimClusterApi } from '../types.ts';
import type { ObjectStore } from './store.ts';
import { isIstioInjector, webhookCalled, webhooksOf } from './webhookSelectors.ts';

/**
 * Whether the webhook would inject this pod: the API server calls Istio's injection webhook when one of its
 * webhooks' selectors match (`istio-injection=enabled` or `istio.io/rev=default` on the namespace, or
 * `sidecar.istio.io/inject=true` on the pod, as the installed MutatingWebhookConfiguration says), and the
 * injector itself still skips a pod annotated `sidecar.istio.io/inject: "false"`.
 */
export function shouldInject(pod: K8sObject, store: ObjectStore): boolean {
  if (pod.metadata.annotations?.['sidecar.istio.io/inject'] === 'false') return false;
  if (!store.get('ConfigMap', 'istio-system', 'istio-sidecar-injector')) return false;
  const ns = store.get('Namespace', undefined, pod.metadata.namespace ?? 'default');
  const nsLabels = ns?.metadata.labels ?? {};
  const podLabels = pod.metadata.labels ?? {};
  return store
    .list('MutatingWebhookConfiguration')
    .filter(isIstioInjector)
    .some((config) => webhooksOf(config).some((webhook) => webhookCalled(webhook, podLabels, nsLabels)));
}

/** The workload a pod belongs to, as the injector names it: a ReplicaSet's pods belong to its Deployment. */
function workload(pod: K8sObject): { kind: string; name: string } {
  const owner = pod.metadata.ownerReferences?.find((r) => r.controller) as { kind: string; name: string } | undefined;
  if (!owner) return { kind: 'pods', name: pod.metadata.name };
  const hash = pod.metadata.labels?.['pod-template-hash'];
  if (owner.kind === 'ReplicaSet' && hash && owner.name.endsWith(`-${hash}`))
    return { kind: 'deployments', name: owner.name.slice(0, -hash.length - 1) };
  return { kind: `${owner.kind.toLowerCase()}s`, name: owner.name };
}

/** Injects `pod` in place when the webhook would. */
export function injectIfEnabled(pod: K8sObject, store: ObjectStore): void {
  if (!shouldInject(pod, store)) return;
  const settings = injectSettings({
    get: (kind: string, ns: string | undefined, name: string) => store.get(kind, ns, name),
    list: (kind: string, ns?: string) => store.list(kind, ns),
  } as SimClusterApi);
  const annotations = pod.metadata.annotations ?? {};
  const injected = injectDocument(pod, {
    ...settings,
    includeIPRanges: annotations[INCLUDE_ANNOTATION] ?? settings.includeIPRanges,
    excludeIPRanges: annotations[EXCLUDE_ANNOTATION] ?? settings.excludeIPRanges,
  });
  if (!injected) return;
  // kube-inject names the manifest's workload; the webhook sees a pod and names its owner.
  const { kind, name } = workload(pod);
  const ns = pod.metadata.namespace ?? 'default';
  for (const env of proxyContainerOf(pod)?.env ?? []) {
    if (env.name === 'ISTIO_META_WORKLOAD_NAME') env.value = name;
    if (env.name === 'ISTIO_META_OWNER')
      env.value =
        kind === 'pods'
          ? `kubernetes://apis/v1/namespaces/${ns}/pods/${name}`
          : `kubernetes://apis/apps/v1/namespaces/${ns}/${kind}/${name}`;
  }
}
