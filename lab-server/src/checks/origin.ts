/** Converts a lab file's `from` into the contract's `HttpOrigin`, and describes it for evidence. */
import type { HttpOrigin, HttpRequest } from '../contract.ts';
import { withCheckIdentity } from './identity.ts';

/** `from` as the schema fills it. */
export type LabOrigin =
  | { outside: true }
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
  return 'outside' in from ? { kind: 'outside' } : { kind: 'pod', target: { ...from.pod } };
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

/** `GET http://ingress/productpage (from outside)` */
export function describeRequest(from: LabOrigin, request: LabRequest): string {
  const where = 'outside' in from ? 'from outside' : `from ${from.pod.namespace}/${from.pod.pod ?? from.pod.selector}`;
  return `${request.method} ${request.url} (${where})`;
}
