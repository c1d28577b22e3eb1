/**
 * How Istio 1.30's gateway controller reads the Gateway API objects: which Gateways it manages (class `istio`),
 * which listeners a route attaches to (parentRefs, sectionName, port, allowedRoutes, hostnames; or a Service or an
 * Istio ServiceEntry for mesh routes), which backends resolve (Services in the route's namespace, or another namespace
 * a ReferenceGrant allows; Istio's `Hostname` kind for a host the registry knows), and the route status conditions
 * that follow. Shared by the status controller and the data plane's translation, so both agree.
 */
import type { K8sObject } from '../../../contract.ts';

/** The simulator's kind key of the Gateway API's Gateway (Istio's own `Gateway` keeps the plain name). */
export const KUBE_GATEWAY = 'Gateway.gateway.networking.k8s.io';
/** The Gateway API group. */
export const GROUP = 'gateway.networking.k8s.io';
/** Istio's API group: a ServiceEntry parent and a Hostname backend are of this group. */
export const ISTIO_GROUP = 'networking.istio.io';
/** Istio's controller name for the `istio` GatewayClass. */
export const ISTIO_CONTROLLER = 'istio.io/gateway-controller';

/** What the bindings read: lists and gets by kind key. */
export interface ObjectSource {
  list(kind: string, namespace?: string): K8sObject[];
  get(kind: string, namespace: string | undefined, name: string): K8sObject | undefined;
}

type Obj = Record<string, unknown>;

/** A Gateway listener as the API server stored it (defaults applied). */
export interface ListenerView {
  name: string;
  port: number;
  protocol: string;
  hostname?: string;
  allowedFrom: 'All' | 'Same' | 'Selector';
  selector?: Record<string, string>;
}

/** One condition as the Gateway API writes it. */
export interface Condition {
  type: string;
  status: 'True' | 'False' | 'Unknown';
  reason: string;
  message: string;
}

/** A route's attachment to one parent, with the listeners it landed on (none: not accepted). */
export interface ParentBinding {
  parentRef: Obj;
  /** The Gateway, when the parent is one Istio manages. */
  gateway?: K8sObject;
  /** The Service, for a mesh (GAMMA) route. */
  service?: K8sObject;
  /** The ServiceEntry, for a mesh route on an external service's hosts. */
  serviceEntry?: K8sObject;
  listeners: ListenerView[];
  accepted: Condition;
  /** A Gateway of another class: another controller's to report on, not istiod's. */
  foreign?: boolean;
}

/** A backendRef resolved to a Service or a registry host (or why not). */
export interface BackendView {
  name: string;
  namespace: string;
  /** The destination host Envoy's cluster is named after (`name.ns.svc.cluster.local`, or the Hostname itself). */
  host: string;
  port?: number;
  weight: number;
  service?: K8sObject;
  problem?: BackendProblem;
}

/** Why a backendRef does not resolve. A `hard` problem fails the whole route: istiod builds no config from it. */
export interface BackendProblem {
  reason: 'BackendNotFound' | 'RefNotPermitted' | 'InvalidKind' | 'InvalidDestination';
  message: string;
  hard?: boolean;
}

const asObj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const asList = (v: unknown): Obj[] => (Array.isArray(v) ? v.map(asObj) : []);

/** A Gateway's listeners. */
export function listenersOf(gateway: K8sObject): ListenerView[] {
  return asList(asObj(gateway.spec).listeners).map((l) => {
    const namespaces = asObj(asObj(l.allowedRoutes).namespaces);
    return {
      name: String(l.name),
      port: Number(l.port),
      protocol: String(l.protocol),
      ...(typeof l.hostname === 'string' ? { hostname: l.hostname } : {}),
      allowedFrom: (namespaces.from as ListenerView['allowedFrom']) ?? 'Same',
      selector: asObj(asObj(namespaces.selector).matchLabels) as Record<string, string>,
    };
  });
}

/** Whether Istio manages a Gateway: its class is `istio` (the deployment controller and the gateway controller). */
export function isIstioGateway(gateway: K8sObject): boolean {
  return asObj(gateway.spec).gatewayClassName === 'istio';
}

/** Whether a listener hostname (`*.example.com`, absent: any) and route hostnames can meet; the hosts they share. */
export function sharedHostnames(listener: string | undefined, route: string[]): string[] | undefined {
  if (route.length === 0) return [listener ?? '*'];
  if (!listener) return route;
  const matches = (pattern: string, host: string) =>
    pattern === host || (pattern.startsWith('*.') && host.endsWith(pattern.slice(1)));
  const out = route
    .filter((h) => matches(listener, h) || matches(h, listener))
    .map((h) => (h.startsWith('*') ? listener : h));
  return out.length > 0 ? out : undefined;
}

function routeHostnames(route: K8sObject): string[] {
  const list = asObj(route.spec).hostnames;
  return Array.isArray(list) ? list.filter((h): h is string => typeof h === 'string') : [];
}

function namespaceAllowed(source: ObjectSource, listener: ListenerView, gatewayNs: string, routeNs: string): boolean {
  if (listener.allowedFrom === 'All') return true;
  if (listener.allowedFrom === 'Same') return gatewayNs === routeNs;
  const labels = source.get('Namespace', undefined, routeNs)?.metadata.labels ?? {};
  return Object.entries(listener.selector ?? {}).every(([k, v]) => labels[k] === v);
}

const accepted = (status: 'True' | 'False', reason: string, message: string): Condition => ({
  type: 'Accepted',
  status,
  reason,
  message,
});

/** Where a route (HTTPRoute, GRPCRoute) attaches, parent by parent. */
export function parentBindings(source: ObjectSource, route: K8sObject, routeKind = 'HTTPRoute'): ParentBinding[] {
  const routeNs = route.metadata.namespace ?? 'default';
  return asList(asObj(route.spec).parentRefs).map((parentRef): ParentBinding => {
    const kind = String(parentRef.kind ?? 'Gateway');
    const group = String(parentRef.group ?? GROUP);
    const ns = typeof parentRef.namespace === 'string' ? parentRef.namespace : routeNs;
    const name = String(parentRef.name);
    if (kind === 'Service' && group === '') {
      const service = source.get('Service', ns, name);
      if (!service)
        return {
          parentRef,
          listeners: [],
          accepted: accepted('False', 'NoMatchingParent', `parent service: "${name}" not found`),
        };
      return { parentRef, service, listeners: [], accepted: accepted('True', 'Accepted', 'Route was valid') };
    }
    if (kind === 'ServiceEntry' && group === ISTIO_GROUP) {
      const serviceEntry = source.get('ServiceEntry', ns, name);
      if (!serviceEntry)
        return {
          parentRef,
          listeners: [],
          accepted: accepted('False', 'NoMatchingParent', `parent service entry: "${name}" not found`),
        };
      return { parentRef, serviceEntry, listeners: [], accepted: accepted('True', 'Accepted', 'Route was valid') };
    }
    const gateway = kind === 'Gateway' && group === GROUP ? source.get(KUBE_GATEWAY, ns, name) : undefined;
    if (gateway && !isIstioGateway(gateway))
      return {
        parentRef,
        listeners: [],
        foreign: true,
        accepted: accepted('False', 'NoMatchingParent', 'parent gateway not found'),
      };
    // istiod reports only on parents it knows: a Gateway that does not exist gets no status entry at all.
    if (!gateway)
      return { parentRef, listeners: [], foreign: true, accepted: accepted('False', 'NoMatchingParent', '') };
    // Each listener is judged on its own (istiod's referenceAllowed, 1.30); the route reports the most severe
    // reason, its messages joined, or Accepted when any listener took it.
    const gatewayNs = gateway.metadata.namespace ?? 'default';
    const hosts = routeHostnames(route);
    const fits = (l: ListenerView) =>
      routeKind === 'HTTPRoute' || routeKind === 'GRPCRoute' ? ['HTTP', 'HTTPS'].includes(l.protocol) : true;
    const verdicts = listenersOf(gateway).map((l): [ListenerView, number, string] => {
      if (typeof parentRef.port === 'number' && parentRef.port !== l.port)
        return [l, 3, `port ${parentRef.port} not found`];
      if (typeof parentRef.sectionName === 'string' && parentRef.sectionName !== l.name)
        return [l, 3, `sectionName "${parentRef.sectionName}" not found`];
      const shared = sharedHostnames(l.hostname, hosts);
      const nsOk = namespaceAllowed(source, l, gatewayNs, routeNs);
      if (!shared) return [l, 2, `no hostnames matched parent hostname "${l.hostname ?? ''}"`];
      if (!nsOk)
        return [
          l,
          1,
          `hostnames matched parent hostname "${l.hostname ?? ''}", but namespace "${routeNs}" is not allowed by the parent`,
        ];
      if (!fits(l)) return [l, 1, `kind ${GROUP}/v1, Kind=${routeKind} is not allowed`];
      return [l, 0, ''];
    });
    const fitting = verdicts.filter(([, rank]) => rank === 0).map(([l]) => l);
    if (fitting.length === 0) {
      // istiod keeps the lowest rank seen (NotAllowedByListeners before NoMatchingListenerHostname before NoMatchingParent).
      const worst = Math.min(...verdicts.map(([, rank]) => rank));
      const reason =
        worst === 3 ? 'NoMatchingParent' : worst === 2 ? 'NoMatchingListenerHostname' : 'NotAllowedByListeners';
      const message = verdicts
        .filter(([, rank]) => rank === worst)
        .map(([, , m]) => m)
        .join('; ');
      return { parentRef, gateway, listeners: [], accepted: accepted('False', reason, message || 'no listeners') };
    }
    const message = fitting.length > 1 ? `Route was valid, bound to ${fitting.length} parents` : 'Route was valid';
    return { parentRef, gateway, listeners: fitting, accepted: accepted('True', 'Accepted', message) };
  });
}

/** Whether a ReferenceGrant in `to` lets routes of `fromNs` reach Services there. */
function referenceGranted(
  source: ObjectSource,
  fromNs: string,
  toNs: string,
  serviceName: string,
  routeKind: string,
): boolean {
  return source.list('ReferenceGrant', toNs).some((grant) => {
    const spec = asObj(grant.spec);
    const from = asList(spec.from).some((f) => f.group === GROUP && f.kind === routeKind && f.namespace === fromNs);
    const to = asList(spec.to).some(
      (t) => (t.group ?? '') === '' && t.kind === 'Service' && (t.name === undefined || t.name === serviceName),
    );
    return from && to;
  });
}

/** A backendRef of a route rule, resolved. */
export function resolveBackend(source: ObjectSource, route: K8sObject, ref: Obj, routeKind = 'HTTPRoute'): BackendView {
  const routeNs = route.metadata.namespace ?? 'default';
  const namespace = typeof ref.namespace === 'string' ? ref.namespace : routeNs;
  const name = String(ref.name);
  const view: BackendView = {
    name,
    namespace,
    host: `${name}.${namespace}.svc.cluster.local`,
    ...(typeof ref.port === 'number' ? { port: ref.port } : {}),
    weight: typeof ref.weight === 'number' ? ref.weight : 1,
  };
  if (ref.group === ISTIO_GROUP && ref.kind === 'Hostname')
    return hostnameBackend(source, ref, { ...view, host: name });
  if ((ref.group ?? '') !== '' || (ref.kind ?? 'Service') !== 'Service')
    return {
      ...view,
      problem: {
        reason: 'InvalidKind',
        message: `referencing unsupported backendRef: group "${String(ref.group)}" kind "${String(ref.kind)}"`,
      },
    };
  if (namespace !== routeNs && !referenceGranted(source, routeNs, namespace, name, routeKind))
    return {
      ...view,
      problem: {
        reason: 'RefNotPermitted',
        message: `backendRef ${name}/${namespace} not accessible to a ${routeKind} in namespace "${routeNs}" (missing a ReferenceGrant?)`,
      },
    };
  const service = source.get('Service', namespace, name);
  if (!service)
    return {
      ...view,
      problem: { reason: 'BackendNotFound', message: `backend(${name}.${namespace}.svc.cluster.local) not found` },
    };
  return { ...view, service };
}

/**
 * Istio's `Hostname` backend (istiod's buildDestination): a host of the service registry as the route's namespace sees
 * it (a ServiceEntry's host, or a Service's cluster name), no namespace of its own, and a port (the CRD requires a port
 * only for Services; istiod requires one for every kind).
 */
function hostnameBackend(source: ObjectSource, ref: Obj, view: BackendView): BackendView {
  if (typeof ref.namespace === 'string')
    return {
      ...view,
      problem: { reason: 'InvalidDestination', message: 'namespace may not be set with Hostname type', hard: true },
    };
  if (view.port === undefined)
    return {
      ...view,
      problem: { reason: 'InvalidDestination', message: 'port is required in backendRef', hard: true },
    };
  if (!registryHasHost(source, view.host, view.namespace))
    return { ...view, problem: { reason: 'BackendNotFound', message: `backend(${view.host}) not found` } };
  return view;
}

/** Whether the service registry, as namespace `ns` sees it, has a service named `host` (istiod's LookupHostname). */
export function registryHasHost(source: ObjectSource, host: string, ns: string): boolean {
  const entry = source.list('ServiceEntry').some((se) => {
    const spec = asObj(se.spec);
    const hosts = Array.isArray(spec.hosts) ? spec.hosts : [];
    return hosts.includes(host) && exportedTo(spec.exportTo, se.metadata.namespace ?? 'default', ns);
  });
  if (entry) return true;
  const m = /^([^.]+)\.([^.]+)\.svc\.cluster\.local$/.exec(host);
  return !!m && !!source.get('Service', m[2], m[1]!);
}

/** A ServiceEntry's `exportTo` (absent: every namespace; `.`: its own; `*`: all; else the names listed). */
function exportedTo(exportTo: unknown, own: string, ns: string): boolean {
  if (!Array.isArray(exportTo) || exportTo.length === 0) return true;
  return exportTo.some((e) => e === '*' || e === ns || (e === '.' && own === ns));
}

/** Every backendRef of a route, rule by rule. */
export function routeBackends(source: ObjectSource, route: K8sObject, routeKind = 'HTTPRoute'): BackendView[][] {
  return asList(asObj(route.spec).rules).map((rule) =>
    asList(rule.backendRefs).map((ref) => resolveBackend(source, route, ref, routeKind)),
  );
}

/** The route's `ResolvedRefs` condition: the first backend problem, else all resolved. */
export function resolvedRefs(backends: BackendView[][]): Condition {
  const problem = backends.flat().find((b) => b.problem)?.problem;
  return problem
    ? { type: 'ResolvedRefs', status: 'False', reason: problem.reason, message: problem.message }
    : { type: 'ResolvedRefs', status: 'True', reason: 'ResolvedRefs', message: 'All references resolved' };
}
