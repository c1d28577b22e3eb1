/**
 * How the API server picks the mutating webhooks a pod goes through: a webhook is called when its
 * `namespaceSelector` matches the pod's namespace's labels and its `objectSelector` the pod's own labels (an
 * absent or empty selector matches everything). Sidecar injection and `istioctl x check-inject` both read it.
 */
import type { K8sObject } from '../../../contract.ts';

type Labels = Record<string, string>;

/** One requirement of a label selector. */
export interface SelectorExpression {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

/** A Kubernetes label selector as a webhook carries it. */
export interface WebhookSelector {
  matchLabels?: Labels;
  matchExpressions?: SelectorExpression[];
}

/** One webhook of a MutatingWebhookConfiguration (the fields that decide whether it is called). */
export interface MutatingWebhook {
  name: string;
  namespaceSelector?: WebhookSelector;
  objectSelector?: WebhookSelector;
}

/** Whether `labels` satisfy the selector; an absent selector matches everything. */
export function selectorMatches(selector: WebhookSelector | undefined, labels: Labels): boolean {
  for (const [k, v] of Object.entries(selector?.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector?.matchExpressions ?? []) {
    const has = e.key in labels;
    if (e.operator === 'In' && !(has && (e.values ?? []).includes(labels[e.key]!))) return false;
    if (e.operator === 'NotIn' && has && (e.values ?? []).includes(labels[e.key]!)) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

/** The webhooks of a MutatingWebhookConfiguration. */
export function webhooksOf(config: K8sObject): MutatingWebhook[] {
  const webhooks = (config as K8sObject & { webhooks?: unknown }).webhooks;
  return Array.isArray(webhooks) ? (webhooks as MutatingWebhook[]) : [];
}

/** Whether Istio's sidecar injector is one of them (its webhooks are named `*.istio.io`). */
export function isIstioInjector(config: K8sObject): boolean {
  return webhooksOf(config).some((w) => typeof w.name === 'string' && w.name.endsWith('istio.io'));
}

/** Whether the API server would call this webhook for a pod with these labels in a namespace with these. */
export function webhookCalled(webhook: MutatingWebhook, podLabels: Labels, namespaceLabels: Labels): boolean {
  return (
    selectorMatches(webhook.namespaceSelector, namespaceLabels) && selectorMatches(webhook.objectSelector, podLabels)
  );
}
