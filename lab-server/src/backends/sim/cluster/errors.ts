/** The API server's failures, worded as Kubernetes words them (kubectl prints `Error from server (Reason): message`). */
import type { ApiErrorShape } from '../types.ts';
import type { ApiResource } from './discovery.ts';

/** `virtualservices.networking.istio.io`, `deployments.apps`, `services`: how messages name a resource. */
export function qualifiedResource(resource: ApiResource): string {
  return resource.group ? `${resource.plural}.${resource.group}` : resource.plural;
}

/** `VirtualService.networking.istio.io`, `Deployment.apps`, `Service`: how Invalid messages name a kind. */
export function qualifiedKind(resource: ApiResource): string {
  return resource.group ? `${resource.kind}.${resource.group}` : resource.kind;
}

/** Makes an error value (thrown as is; kubectl reads its fields). */
export function apiError(code: number, reason: string, message: string): ApiErrorShape {
  return { code, reason, message };
}

/** 404 for an object that is not there. */
export function notFound(resource: ApiResource, name: string): ApiErrorShape {
  return apiError(404, 'NotFound', `${qualifiedResource(resource)} "${name}" not found`);
}

/** 409 for `create` of an object that exists. */
export function alreadyExists(resource: ApiResource, name: string): ApiErrorShape {
  return apiError(409, 'AlreadyExists', `${qualifiedResource(resource)} "${name}" already exists`);
}

/** 422 with the field causes, as the API server joins them. */
export function invalid(resource: ApiResource, name: string, causes: string[]): ApiErrorShape {
  const list = causes.length === 1 ? causes[0] : `[${causes.join(', ')}]`;
  return apiError(422, 'Invalid', `${qualifiedKind(resource)} "${name}" is invalid: ${list}`);
}

/** 400 from Istio's validating webhook; its status carries no reason, so kubectl prints `Error from server: ...`. */
export function webhookDenied(message: string): ApiErrorShape {
  return apiError(
    400,
    '',
    `admission webhook "validation.istio.io" denied the request: configuration is invalid: ${message}`,
  );
}

/** Whether a thrown value is an API error. */
export function isApiError(value: unknown): value is ApiErrorShape {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as ApiErrorShape).code === 'number' &&
    typeof (value as ApiErrorShape).message === 'string'
  );
}
