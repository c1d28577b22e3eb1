/** Turning what was typed (`vs`, `pods,svc`, `deploy/reviews-v1`, `all`) into resources and names, and API errors into kubectl's text. */
import type { ApiErrorShape, SimClusterApi } from '../../../types.ts';
import { isApiError } from '../../../cluster/errors.ts';
import { resolveResourceName, resourceForKind, type ApiResource } from '../../../cluster/discovery.ts';

/** `all`: what kubectl's "all" category shows that the simulator serves. */
const ALL_KINDS = ['Pod', 'Service', 'Deployment', 'ReplicaSet'];

/** One requested set: a resource and the names asked for (empty: all). */
export interface Target {
  resource: ApiResource;
  names: string[];
}

/** A resource type the server does not have. */
export class UnknownResourceError extends Error {}

/** Whether the API serves a resource now: a custom resource only while its CustomResourceDefinition exists. */
export function isServed(cluster: Pick<SimClusterApi, 'get'>, resource: ApiResource): boolean {
  return !resource.crd || !!cluster.get('CustomResourceDefinition', undefined, `${resource.plural}.${resource.group}`);
}

function resolveOne(typed: string, served: (r: ApiResource) => boolean): ApiResource[] {
  if (typed === 'all') return ALL_KINDS.map((k) => resourceForKind(k)!);
  const resource = resolveResourceName(typed);
  if (!resource || !served(resource))
    throw new UnknownResourceError(`error: the server doesn't have a resource type "${typed}"`);
  return [resource];
}

/** Parses `TYPE [NAME...]`, `TYPE1,TYPE2`, or `TYPE/NAME...` positionals. */
export function parseTargets(positionals: string[], served: (r: ApiResource) => boolean = () => true): Target[] {
  if (positionals.length === 0) return [];
  if (positionals.some((p) => p.includes('/'))) {
    const targets: Target[] = [];
    for (const p of positionals) {
      const slash = p.indexOf('/');
      if (slash < 0)
        throw new UnknownResourceError(
          `error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name ` +
            `form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'`,
        );
      const [resource] = resolveOne(p.slice(0, slash), served);
      const name = p.slice(slash + 1);
      const existing = targets.find((t) => t.resource === resource);
      if (existing) existing.names.push(name);
      else targets.push({ resource: resource!, names: [name] });
    }
    return targets;
  }
  const [types, ...names] = positionals;
  return types!
    .split(',')
    .filter(Boolean)
    .flatMap((t) => resolveOne(t, served))
    .map((resource) => ({ resource, names }));
}

/** `deployment.apps`, `service`, `virtualservice.networking.istio.io`: how kubectl prefixes names in messages. */
export function typePrefix(resource: ApiResource): string {
  return resource.group ? `${resource.singular}.${resource.group}` : resource.singular;
}

/** `Error from server (NotFound): pods "x" not found`, or the message of a non-API error. */
export function serverError(error: unknown, context?: string): string {
  if (isApiError(error)) {
    const e = error as ApiErrorShape;
    return `Error from server${e.reason ? ` (${e.reason})` : ''}: ${context ? `${context}: ` : ''}${e.message}`;
  }
  return `error: ${(error as Error).message ?? String(error)}`;
}

/** The API server's deprecation warning for v1 Endpoints (Kubernetes 1.33+), which kubectl prints on stderr. */
export function deprecationWarnings(targets: Target[]): string {
  return targets.some((t) => t.resource.kind === 'Endpoints')
    ? 'Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice\n'
    : '';
}
