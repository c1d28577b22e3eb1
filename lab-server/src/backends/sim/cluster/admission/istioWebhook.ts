/**
 * Istio's validating webhook (istiod's `validation.istio.io`): the semantic rules the CRD schema cannot say,
 * with istiod's messages, per kind (see `istio/`). Several reasons are reported as go-multierror lists them.
 */
import type { K8sObject } from '../../../../contract.ts';
import { ISTIO_SPECS } from '../../../../kube/istioSchemas.ts';
import { type Input, parseStructure, type Schema } from '../../../../kube/structural.ts';
import { destinationRuleErrors } from './istio/destinationRule.ts';
import { gatewayErrors } from './istio/gateway.ts';
import { serviceEntryErrors } from './istio/serviceEntry.ts';
import { sidecarErrors } from './istio/sidecar.ts';
import { virtualServiceErrors } from './istio/virtualService.ts';

/**
 * Why istiod refuses the object, in istiod's order, or `[]`. The API server checked the spec's structure first
 * (`validate.ts`), so parsing it here cannot fail for an object that reached the webhook.
 */
export function istioWebhookErrors(object: K8sObject): string[] {
  const name = object.metadata.name;
  const namespace = object.metadata.namespace ?? 'default';
  const spec = object.spec ?? {};
  switch (object.kind) {
    case 'VirtualService':
      return parsed(spec, ISTIO_SPECS.VirtualService, (s) => virtualServiceErrors(s, namespace));
    case 'DestinationRule':
      return parsed(spec, ISTIO_SPECS.DestinationRule, (s) => destinationRuleErrors(s, namespace));
    case 'Gateway':
      return parsed(spec, ISTIO_SPECS.Gateway, (s) => gatewayErrors(s, name));
    case 'ServiceEntry':
      return parsed(spec, ISTIO_SPECS.ServiceEntry, (s) => serviceEntryErrors(s, namespace));
    case 'Sidecar':
      return parsed(spec, ISTIO_SPECS.Sidecar, (s) => sidecarErrors(s));
    default:
      return [];
  }
}

function parsed<S extends Schema>(spec: unknown, schema: S, rules: (spec: Input<S>) => string[]): string[] {
  const input = parseStructure(spec, schema);
  return input ? rules(input) : [];
}

/** One reason as is; several as go-multierror's list (`2 errors occurred:\n\t* a\n\t* b\n\n`). */
export function formatIstioErrors(errors: string[]): string {
  if (errors.length === 1) return errors[0]!;
  return `${errors.length} errors occurred:\n${errors.map((e) => `\t* ${e}`).join('\n')}\n\n`;
}
