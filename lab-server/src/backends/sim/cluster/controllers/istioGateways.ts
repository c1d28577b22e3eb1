/**
 * Istio 1.30's Gateway API controllers, as istiod runs them once the Gateway API CRDs are installed: the built-in
 * GatewayClasses (`istio`, `istio-remote`, `istio-waypoint`), the automated deployment of a Gateway of class
 * `istio` (`<name>-istio` ServiceAccount, Deployment and Service, owned by the Gateway), and the status istiod
 * writes: the Gateway's `Accepted`/`Programmed` conditions, addresses and listeners, and each route's parents.
 */
import type { K8sObject } from '../../../../contract.ts';
import {
  type Condition,
  GROUP,
  ISTIO_CONTROLLER,
  isIstioGateway,
  KUBE_GATEWAY,
  listenersOf,
  parentBindings,
  resolvedRefs,
  routeBackends,
  type ObjectSource,
} from '../../gatewayApi/bindings.ts';
import { ISTIO_HUB, ISTIO_VERSION } from '../../istio/version.ts';
import { timestamp } from '../names.ts';
import { allocateServiceAddresses } from '../services.ts';
import type { ControllerContext } from './context.ts';
import { ownerRef, same } from './owners.ts';

type Obj = Record<string, unknown>;

/** The classes istiod creates, with the controller that handles each. */
const CLASSES = [
  { name: 'istio', controllerName: ISTIO_CONTROLLER, description: 'The default Istio GatewayClass' },
  {
    name: 'istio-remote',
    controllerName: 'istio.io/unmanaged-gateway',
    description: 'Remote to this cluster. Does not deploy or affect configuration.',
  },
  {
    name: 'istio-waypoint',
    controllerName: 'istio.io/mesh-controller',
    description: 'The default Istio waypoint GatewayClass',
  },
];

/** The annotation that picks the generated Service's type (kind has no load balancer: `ClusterIP` there). */
const SERVICE_TYPE = 'networking.istio.io/service-type';

function installed(ctx: ControllerContext): boolean {
  return (
    !!ctx.store.get('CustomResourceDefinition', undefined, `gateways.${GROUP}`) &&
    !!ctx.store.get('Deployment', 'istio-system', 'istiod')
  );
}

function source(ctx: ControllerContext): ObjectSource {
  return { list: (kind, ns) => ctx.store.list(kind, ns), get: (kind, ns, name) => ctx.store.get(kind, ns, name) };
}

/** One pass: classes, deployments and status. */
export function syncIstioGateways(ctx: ControllerContext): void {
  if (!installed(ctx)) return;
  syncClasses(ctx);
  const src = source(ctx);
  const routes = ctx.store.list('HTTPRoute');
  for (const gateway of ctx.store.list(KUBE_GATEWAY)) {
    if (!isIstioGateway(gateway)) continue;
    const service = syncDeployment(ctx, gateway);
    writeStatus(ctx, gateway, gatewayStatus(ctx, src, gateway, service, routes));
  }
  for (const route of routes) {
    const parents = routeParents(ctx, src, route);
    // A route only other controllers' Gateways hold is not istiod's to report on.
    if (parents.length > 0 || route.status !== undefined) writeStatus(ctx, route, { parents });
  }
}

function condition(ctx: ControllerContext, object: K8sObject, c: Condition, previous: unknown): Obj {
  const before = (Array.isArray(previous) ? (previous as Obj[]) : []).find((p) => p.type === c.type);
  const unchanged = before && before.status === c.status && before.reason === c.reason;
  return {
    lastTransitionTime: unchanged ? before.lastTransitionTime : timestamp(ctx.clock.now()),
    message: c.message,
    observedGeneration: object.metadata.generation ?? 1,
    reason: c.reason,
    status: c.status,
    type: c.type,
  };
}

function writeStatus(ctx: ControllerContext, object: K8sObject, status: Obj): void {
  if (same(object.status ?? {}, status)) return;
  ctx.store.put({ ...object, metadata: { ...object.metadata }, status });
}

function syncClasses(ctx: ControllerContext): void {
  for (const c of CLASSES) {
    let cls = ctx.store.get('GatewayClass', undefined, c.name);
    if (!cls) {
      cls = {
        apiVersion: `${GROUP}/v1`,
        kind: 'GatewayClass',
        metadata: { name: c.name },
        spec: { controllerName: c.controllerName, description: c.description },
      };
      ctx.stamp(cls);
      cls = ctx.store.put(cls);
    }
    const conditions = [
      condition(
        ctx,
        cls,
        { type: 'Accepted', status: 'True', reason: 'Accepted', message: 'Handled by Istio controller' },
        (cls.status as Obj | undefined)?.conditions,
      ),
    ];
    writeStatus(ctx, cls, { conditions });
  }
}

/** The generated Service's ports: the status port, then one per listener port (named after the listener). */
function servicePorts(gateway: K8sObject): Obj[] {
  const ports: Obj[] = [{ name: 'status-port', port: 15021, appProtocol: 'tcp', protocol: 'TCP', targetPort: 15021 }];
  const seen = new Set<number>();
  listenersOf(gateway).forEach((l, i) => {
    if (seen.has(l.port)) return;
    seen.add(l.port);
    const name = l.name.replace(/[^a-z0-9-]/g, '-') || `${l.protocol.toLowerCase()}-${i}`;
    ports.push({ name, port: l.port, appProtocol: l.protocol.toLowerCase(), protocol: 'TCP', targetPort: l.port });
  });
  return ports;
}

function generatedLabels(gateway: K8sObject): Record<string, string> {
  return {
    'gateway.istio.io/managed': 'istio.io-gateway-controller',
    'gateway.networking.k8s.io/gateway-class-name': 'istio',
    'gateway.networking.k8s.io/gateway-name': gateway.metadata.name,
  };
}

function create(ctx: ControllerContext, object: K8sObject): K8sObject {
  ctx.stamp(object);
  if (object.kind === 'Service') allocateServiceAddresses(object, undefined, ctx.random, ctx.store);
  return ctx.store.put(object);
}

/** Makes the Gateway's ServiceAccount, Deployment and Service when missing; keeps the Service's ports and type. */
function syncDeployment(ctx: ControllerContext, gateway: K8sObject): K8sObject {
  const ns = gateway.metadata.namespace ?? 'default';
  const name = `${gateway.metadata.name}-istio`;
  const labels = generatedLabels(gateway);
  const selector = { 'gateway.networking.k8s.io/gateway-name': gateway.metadata.name };
  const owner = { ownerReferences: [{ ...ownerRef(gateway), controller: true }] };
  const annotations = {
    ...(asObj(asObj(gateway.spec).infrastructure).annotations as Obj),
    ...gateway.metadata.annotations,
  };
  const type = typeof annotations[SERVICE_TYPE] === 'string' ? String(annotations[SERVICE_TYPE]) : 'LoadBalancer';
  if (!ctx.store.get('ServiceAccount', ns, name))
    create(ctx, { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name, namespace: ns, labels, ...owner } });
  if (!ctx.store.get('Deployment', ns, name))
    create(ctx, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: ns, labels, annotations: { 'gateway.istio.io/controller-version': '5' }, ...owner },
      spec: {
        replicas: 1,
        selector: { matchLabels: selector },
        template: {
          metadata: {
            labels: {
              ...labels,
              'istio.io/gateway-name': gateway.metadata.name,
              'service.istio.io/canonical-name': name,
              'service.istio.io/canonical-revision': 'latest',
              'sidecar.istio.io/inject': 'false',
            },
            annotations: {
              'istio.io/rev': 'default',
              'prometheus.io/path': '/stats/prometheus',
              'prometheus.io/port': '15020',
              'prometheus.io/scrape': 'true',
            },
          },
          spec: {
            serviceAccountName: name,
            containers: [
              {
                name: 'istio-proxy',
                image: `${ISTIO_HUB}/proxyv2:${ISTIO_VERSION}`,
                args: [
                  'proxy',
                  'router',
                  '--domain',
                  '$(POD_NAMESPACE).svc.cluster.local',
                  '--proxyLogLevel=warning',
                  '--proxyComponentLogLevel=misc:error',
                  '--log_output_level=default:info',
                ],
                ports: [
                  { containerPort: 15021, name: 'status-port', protocol: 'TCP' },
                  { containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP' },
                ],
              },
            ],
          },
        },
      },
    });
  const live = ctx.store.get('Service', ns, name);
  const spec = { type, selector, ports: servicePorts(gateway) };
  if (!live)
    return create(ctx, {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace: ns, labels, ...owner },
      spec,
    });
  const liveSpec = asObj(live.spec);
  const ports = (spec.ports as Obj[]).map((p) => {
    const before = (liveSpec.ports as Obj[] | undefined)?.find((q) => q.port === p.port);
    return type === 'ClusterIP' || !before?.nodePort ? p : { ...p, nodePort: before.nodePort };
  });
  if (
    liveSpec.type === type &&
    same(
      (liveSpec.ports as Obj[]).map(({ nodePort: _n, ...p }) => p),
      ports.map(({ nodePort: _n, ...p }) => p),
    )
  )
    return live;
  const next = structuredClone(live);
  next.spec = { ...asObj(next.spec), type, ports };
  allocateServiceAddresses(next, live, ctx.random, ctx.store);
  return ctx.store.put(next);
}

/** `a`, `a and b`, `a, b, and c`: how istiod lists services in a condition message. */
function humanReadableJoin(items: string[]): string {
  if (items.length <= 1) return items.join('');
  if (items.length === 2) return `${items[0]} and ${items[1]}`;
  return `${items.slice(0, -1).join(', ')}, and ${items.at(-1)}`;
}

function asObj(v: unknown): Obj {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {};
}

function gatewayStatus(
  ctx: ControllerContext,
  src: ObjectSource,
  gateway: K8sObject,
  service: K8sObject,
  routes: K8sObject[],
): Obj {
  const previous = asObj(gateway.status);
  const ns = gateway.metadata.namespace ?? 'default';
  const host = `${service.metadata.name}.${ns}.svc.cluster.local`;
  const ports = listenersOf(gateway).map((l) => l.port);
  const assigned = humanReadableJoin([...new Set(ports)].map((p) => `${host}:${p}`));
  const svcSpec = asObj(service.spec);
  const ingress = (asObj(asObj(service.status).loadBalancer).ingress as Obj[] | undefined) ?? [];
  let addresses: Obj[];
  let programmed: Condition;
  if (svcSpec.type === 'LoadBalancer' && ingress.length === 0) {
    addresses = [{ type: 'Hostname', value: host }];
    programmed = {
      type: 'Programmed',
      status: 'False',
      reason: 'AddressNotAssigned',
      message:
        `Assigned to service(s) ${assigned}, but failed to assign to all requested addresses: ` +
        `address pending for hostname "${host}"`,
    };
  } else {
    const ips =
      svcSpec.type === 'LoadBalancer' ? ingress.map((i) => String(i.ip ?? i.hostname)) : [String(svcSpec.clusterIP)];
    addresses = ips.map((value) => ({ type: 'IPAddress', value }));
    programmed = {
      type: 'Programmed',
      status: 'True',
      reason: 'Programmed',
      message: `Resource programmed, assigned to service(s) ${assigned}`,
    };
  }
  const attached = new Map<string, number>();
  for (const route of routes)
    for (const binding of parentBindings(src, route))
      if (binding.gateway?.metadata.uid === gateway.metadata.uid)
        for (const l of binding.listeners) attached.set(l.name, (attached.get(l.name) ?? 0) + 1);
  const previousListeners = (previous.listeners as Obj[] | undefined) ?? [];
  const ok = (type: string, reason: string, status: 'True' | 'False' = 'True'): Condition => ({
    type,
    status,
    reason,
    message: 'No errors found',
  });
  return {
    addresses,
    conditions: [
      condition(
        ctx,
        gateway,
        { type: 'Accepted', status: 'True', reason: 'Accepted', message: 'Resource accepted' },
        previous.conditions,
      ),
      condition(ctx, gateway, programmed, previous.conditions),
    ],
    listeners: listenersOf(gateway).map((l) => {
      const before = previousListeners.find((p) => p.name === l.name)?.conditions;
      return {
        attachedRoutes: attached.get(l.name) ?? 0,
        conditions: [
          ok('Accepted', 'Accepted'),
          ok('Conflicted', 'NoConflicts', 'False'),
          ok('Programmed', 'Programmed'),
          ok('ResolvedRefs', 'ResolvedRefs'),
        ].map((c) => condition(ctx, gateway, c, before)),
        name: l.name,
        supportedKinds: ['HTTP', 'HTTPS'].includes(l.protocol)
          ? [
              { group: GROUP, kind: 'HTTPRoute' },
              { group: GROUP, kind: 'GRPCRoute' },
            ]
          : [{ group: GROUP, kind: `${l.protocol === 'TLS' ? 'TLS' : 'TCP'}Route` }],
      };
    }),
  };
}

/** A route's `status.parents` as istiod writes it. */
function routeParents(ctx: ControllerContext, src: ObjectSource, route: K8sObject): Obj[] {
  const refs = resolvedRefs(routeBackends(src, route));
  const previous = (asObj(route.status).parents as Obj[] | undefined) ?? [];
  return parentBindings(src, route)
    .filter((b) => !b.foreign)
    .map((b) => {
      const before = previous.find((p) => same(p.parentRef, b.parentRef))?.conditions;
      return {
        conditions: [condition(ctx, route, b.accepted, before), condition(ctx, route, refs, before)],
        controllerName: ISTIO_CONTROLLER,
        parentRef: b.parentRef,
      };
    });
}
