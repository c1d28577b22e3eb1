/** Converts a lab file's `from` into the contract's `HttpOrigin`, and describes it for evidence. */
import type { GatewayRef, HttpOrigin, HttpRequest } from '../contract.ts';
import { withCheckIdentity } from './identity.ts';

/** `from` as the schema fills it. */
export type LabOrigin =
  | { outside: true; gateway?: GatewayRef }
  | { pod: { namespace: string; pod?: string; selector?: string; container?: string } };
/** `request` as the schema fills it. */
export interface LabRequest {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: string;
  timeoutMs: number;
}

/** The contract's origin for a lab file's `from`. */
export function toOrigin(from: LabOrigin): HttpOrigin {
  if ('pod' in from) return { kind: 'pod', target: { ...from.pod } };
  return from.gateway ? { kind: 'outside', gateway: { ...from.gateway } } : { kind: 'outside' };
}

/** The contract's request for a lab file's `request`, carrying the checks' client identity. */
export function toRequest(request: LabRequest): HttpRequest {
  return {
    method: request.method,
    url: request.url,
    headers: withCheckIdentity(request.headers),
    body: request.body,
    timeoutMs: request.timeoutMs,
  };
}

/** Where a request enters, for evidence: `from outside`, `from outside through Gateway default/httpbin-gateway`. */
export function describeOrigin(from: LabOrigin): string {
  if ('pod' in from) return `from ${from.pod.namespace}/${from.pod.pod ?? from.pod.selector}`;
  return from.gateway ? `from outside through Gateway ${from.gateway.namespace}/${from.gateway.name}` : 'from outside';
}

/** `GET http://ingress/productpage (from outside)` */
export function describeRequest(from: LabOrigin, request: LabRequest): string {
  return `${request.method} ${request.url} (${describeOrigin(from)})`;
}
