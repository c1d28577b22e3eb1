/**
 * How the API server picks the mutating webhooks a pod goes through: a webhook is called when its
 * `namespaceSelector` matches the pod's namespace's labels and its `objectSelector` the pod's own labels (an
 * absent or empty selector matches everything). Sidecar injection and `istioctl x check-inject` both read it.
 */
import { z } from 'zod';
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

const selectorSchema = z.object({
  matchLabels: z.record(z.string(), z.string()).optional(),
  matchExpressions: z
    .array(
      z.object({
        key: z.string(),
        operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
        values: z.array(z.string()).optional(),
      }),
    )
    .optional(),
});
const webhookSchema = z.object({
  name: z.string(),
  namespaceSelector: selectorSchema.optional(),
  objectSelector: selectorSchema.optional(),
});

/**
 * The webhooks of a MutatingWebhookConfiguration, parsed. A webhook whose selectors are malformed (the API server
 * would have refused the object) is left out rather than read as something it does not say.
 */
export function webhooksOf(config: K8sObject): MutatingWebhook[] {
  const webhooks = (config as K8sObject & { webhooks?: unknown }).webhooks;
  if (!Array.isArray(webhooks)) return [];
  return webhooks.flatMap((w) => {
    const parsed = webhookSchema.safeParse(w);
    return parsed.success ? [parsed.data] : [];
  });
}

/** Whether Istio's sidecar injector is one of them (its webhooks are named `*.istio.io`). */
export function isIstioInjector(config: K8sObject): boolean {
  return webhooksOf(config).some((w) => w.name.endsWith('istio.io'));
}

/** Whether the API server would call this webhook for a pod with these labels in a namespace with these. */
export function webhookCalled(webhook: MutatingWebhook, podLabels: Labels, namespaceLabels: Labels): boolean {
  return (
    selectorMatches(webhook.namespaceSelector, namespaceLabels) && selectorMatches(webhook.objectSelector, podLabels)
  );
}
