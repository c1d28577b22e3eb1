/**
 * Istio's validating webhook (istiod's `validation.istio.io`): the semantic rules the CRD schema cannot say,
 * with istiod's messages, per kind (see `istio/`). Several reasons are reported as go-multierror lists them.
 */
import type { K8sObject } from '../../../../contract.ts';
import { destinationRuleErrors } from './istio/destinationRule.ts';
import { gatewayErrors } from './istio/gateway.ts';
import { serviceEntryErrors } from './istio/serviceEntry.ts';
import { sidecarErrors } from './istio/sidecar.ts';
import { virtualServiceErrors } from './istio/virtualService.ts';

type Obj = Record<string, any>;

const RULES: Record<string, (spec: Obj, name: string, namespace: string) => string[]> = {
  VirtualService: (spec, _name, ns) => virtualServiceErrors(spec, ns),
  DestinationRule: (spec, _name, ns) => destinationRuleErrors(spec, ns),
  Gateway: (spec, name) => gatewayErrors(spec, name),
  ServiceEntry: (spec, _name, ns) => serviceEntryErrors(spec, ns),
  Sidecar: (spec) => sidecarErrors(spec),
};

/** Why istiod refuses the object, in istiod's order, or `[]`. */
export function istioWebhookErrors(object: K8sObject): string[] {
  const rule = RULES[object.kind];
  if (!rule) return [];
  return rule((object.spec ?? {}) as Obj, object.metadata.name, object.metadata.namespace ?? 'default');
}

/** One reason as is; several as go-multierror's list (`2 errors occurred:\n\t* a\n\t* b\n\n`). */
export function formatIstioErrors(errors: string[]): string {
  if (errors.length === 1) return errors[0]!;
  return `${errors.length} errors occurred:\n${errors.map((e) => `\t* ${e}`).join('\n')}\n\n`;
}
