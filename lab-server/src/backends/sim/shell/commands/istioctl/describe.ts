/**
 * `istioctl experimental describe pod|service` (1.30): the Services that select a workload, and for each port the
 * DestinationRule and VirtualService its proxy uses (as the simulated mesh picks them), the effective
 * PeerAuthentication, and the ingress gateway routes that reach it, in istioctl's words and layout.
 */
import type { K8sObject } from '../../../../../contract.ts';
import type { SimClusterApi } from '../../../types.ts';
import { destinationRuleFor } from '../../../mesh/clusters.ts';
import { resolveConfigHost, serviceFqdn } from '../../../mesh/names.ts';
import {
  containersOf,
  hasProxy,
  isGatewayPod,
  labelsOf,
  resolveTargetPort,
  selectorMatches,
  serviceSelector,
  servicePorts,
  specOf,
  statusOf,
  type ServicePortSpec,
} from '../../../mesh/objects.ts';
import type { HttpMatchRequest, StringMatch } from '../../../mesh/match.ts';
import { httpRules, type HttpRoute } from '../../../mesh/routeRules.ts';
import { tcpRules, type TcpRoute } from '../../../mesh/tcpRoutes.ts';
import { Topology } from '../../../mesh/topology.ts';
import {
  boundToServers,
  gatewayServersFor,
  MESH_GATEWAY,
  meshVirtualServicesFor,
  virtualServiceGateways,
} from '../../../mesh/virtualHosts.ts';
import { parseDurationMs } from '../../../mesh/duration.ts';

const SEPARATOR = '--------------------\n';
const sp = (n: number) => ' '.repeat(n);

/** A describe failure: istioctl prints `Error: <message>`. */
export class DescribeError extends Error {}

interface Ctx {
  cluster: SimClusterApi;
  topology: Topology;
  /** The namespace names are printed relative to (`-n`, else default). */
  namespace: string;
  out: string[];
}

const kname = (ctx: Ctx, o: K8sObject) =>
  (o.metadata.namespace ?? 'default') === ctx.namespace
    ? o.metadata.name
    : `${o.metadata.name}.${o.metadata.namespace}`;

const PROTOCOLS: Record<string, string> = {
  http: 'HTTP',
  http2: 'HTTP2',
  grpc: 'GRPC',
  'grpc-web': 'GRPC-Web',
  https: 'HTTPS',
  tls: 'TLS',
  tcp: 'TCP',
  mongo: 'Mongo',
  mysql: 'MySQL',
  redis: 'Redis',
  udp: 'UDP',
};

/** Istio's protocol for a Service port, as describe names it. */
function portProtocol(port: ServicePortSpec): string {
  if (!port.name && !port.appProtocol) return 'auto-detect';
  const from = (v: string | undefined) =>
    v ? (PROTOCOLS[v.toLowerCase()] ?? PROTOCOLS[v.toLowerCase().split('-')[0]!]) : undefined;
  return from(port.appProtocol) ?? from(port.name) ?? 'UnsupportedProtocol';
}

function revisionOf(pod: K8sObject): string {
  const annotations = pod.metadata.annotations ?? {};
  if (annotations['istio.io/rev']) return annotations['istio.io/rev'];
  try {
    return String((JSON.parse(annotations['sidecar.istio.io/status'] ?? '') as { revision?: string }).revision ?? '');
  } catch {
    return '';
  }
}

function printPod(ctx: Ctx, pod: K8sObject): void {
  const ports: string[] = [];
  for (const c of containersOf(pod))
    for (const p of c.ports ?? [])
      ports.push(`${p.containerPort}${(p.protocol ?? 'TCP') !== 'TCP' ? `/${p.protocol}` : ''} (${c.name})`);
  ctx.out.push(`Pod: ${kname(ctx, pod)}\n   Pod Revision: ${revisionOf(pod)}\n`);
  ctx.out.push(ports.length ? `   Pod Ports: ${ports.join(', ')}\n` : '   Pod does not expose ports\n');
  const status = statusOf(pod) as { phase?: string; containerStatuses?: { name: string; ready?: boolean }[] };
  if (status.phase !== 'Running') {
    ctx.out.push(`   Pod is not Running (${status.phase ?? 'Unknown'})\n`);
    return;
  }
  for (const c of status.containerStatuses ?? [])
    if (!c.ready) ctx.out.push(`WARNING: Pod ${kname(ctx, pod)} Container ${c.name} NOT READY\n`);
  if (!hasProxy(pod)) {
    ctx.out.push(`WARNING: ${kname(ctx, pod)} is not part of mesh; no Istio sidecar\n`);
    return;
  }
  const labels = labelsOf(pod);
  const url = 'https://istio.io/latest/docs/ops/deployment/application-requirements/';
  if (!labels['service.istio.io/canonical-name'] && !labels['app.kubernetes.io/name'] && !labels.app)
    ctx.out.push(`Suggestion: add required service name label for Istio telemetry. See ${url}.\n`);
  if (!labels['service.istio.io/canonical-revision'] && !labels['app.kubernetes.io/version'] && !labels.version)
    ctx.out.push(`Suggestion: add required service revision label for Istio telemetry. See ${url}.\n`);
}

function printService(ctx: Ctx, svc: K8sObject, pod: K8sObject): void {
  ctx.out.push(`Service: ${kname(ctx, svc)}\n`);
  for (const port of servicePorts(svc)) {
    if ((port.protocol ?? 'TCP') !== 'TCP') continue;
    const target = resolveTargetPort(pod, port);
    if (target === undefined) ctx.out.push(`   no suitable port for manifest: ${pod.metadata.uid ?? ''}\n`);
    else ctx.out.push(`   Port: ${port.name ?? ''} ${port.port}/${portProtocol(port)} targets pod port ${target}\n`);
  }
}

function subsetsOf(
  dr: K8sObject | undefined,
  podsLabels: Record<string, string>[],
): { matching: string[]; other: string[] } {
  const subsets = ((dr ? specOf(dr).subsets : undefined) ?? []) as {
    name: string;
    labels?: Record<string, string>;
  }[];
  const matching: string[] = [];
  const other: string[] = [];
  for (const s of subsets) (podsLabels.some((l) => selectorMatches(s.labels ?? {}, l)) ? matching : other).push(s.name);
  return { matching, other };
}

function printDestinationRule(ctx: Ctx, indent: number, dr: K8sObject, podsLabels: Record<string, string>[]): void {
  const spec = specOf(dr) as { host?: string; trafficPolicy?: Record<string, unknown> };
  ctx.out.push(`${sp(indent)}DestinationRule: ${kname(ctx, dr)} for "${spec.host ?? ''}"\n`);
  const { matching, other } = subsetsOf(dr, podsLabels);
  if (matching.length || other.length) {
    if (!matching.length)
      ctx.out.push(
        `${sp(indent + 3)}WARNING POD DOES NOT MATCH ANY SUBSETS.  (Non matching subsets ${other.join(',')})\n`,
      );
    ctx.out.push(`${sp(indent + 3)}Matching subsets: ${matching.join(',')}\n`);
    if (other.length) ctx.out.push(`${sp(indent + 6)}(Non-matching subsets ${other.join(',')})\n`);
  }
  const policy = spec.trafficPolicy;
  if (!policy) {
    ctx.out.push(`${sp(indent + 3)}No Traffic Policy\n`);
    return;
  }
  const tls = (policy.tls as { mode?: string } | undefined)?.mode;
  if (policy.tls) ctx.out.push(`${sp(indent + 3)}Traffic Policy TLS Mode: ${tls ?? 'DISABLE'}\n`);
  const short = [
    policy.loadBalancer ? 'load balancer' : '',
    policy.connectionPool ? 'connection pool' : '',
    policy.outlierDetection ? 'outlier detection' : '',
  ].filter(Boolean);
  if (short.length) ctx.out.push(`${sp(indent + 3)}Policies: ${short.join('/')}\n`);
}

function renderString(m: StringMatch | undefined): string {
  if (!m) return '';
  if (m.exact !== undefined) return m.exact;
  if (m.prefix !== undefined) return `${m.prefix}*`;
  return m.regex !== undefined ? `regex:"${m.regex}"` : '';
}

function renderMatch(m: HttpMatchRequest): string {
  let text = 'Match: ';
  if (m.uri) text += renderString(m.uri) + (m.ignoreUriCase ? ' uncased' : '');
  const headers = Object.entries(m.headers ?? {});
  if (headers.length) text += ` when headers are ${headers.map(([k, v]) => `${k}=${renderString(v)}`).join('; ')}`;
  return text.trim();
}

function protoDuration(text: string | undefined): string {
  const ms = parseDurationMs(text) ?? 0;
  const seconds = Math.floor(ms / 1000);
  const nanos = Math.round((ms - seconds * 1000) * 1e6);
  return `{${[seconds ? `seconds:${seconds}` : '', nanos ? `nanos:${nanos}` : ''].filter(Boolean).join(' ')}}`;
}

/** The fault as Go's protobuf text format prints an HTTPFaultInjection. */
function faultText(fault: NonNullable<HttpRoute['fault']>): string {
  const parts: string[] = [];
  const pct = (p: { value?: number } | undefined) => (p?.value !== undefined ? ` percentage:{value:${p.value}}` : '');
  if (fault.delay)
    parts.push(`delay:{fixed_delay:${protoDuration(fault.delay.fixedDelay)}${pct(fault.delay.percentage)}}`);
  if (fault.abort) parts.push(`abort:{http_status:${fault.abort.httpStatus ?? 0}${pct(fault.abort.percentage)}}`);
  return parts.join(' ');
}

function httpRouteFacts(
  vs: K8sObject,
  route: HttpRoute,
  svcHost: string,
  matching: string[],
  other: string[],
  dr: K8sObject | undefined,
): { match: boolean; facts: string[] } {
  const facts: string[] = [];
  const mismatch: string[] = [];
  let match = false;
  const ns = vs.metadata.namespace ?? 'default';
  for (const dest of route.route ?? []) {
    const host = resolveConfigHost(dest.destination.host, ns);
    const weight = typeof dest.weight === 'number' ? dest.weight : 0;
    if (host === svcHost) {
      const subset = dest.destination.subset;
      if (subset) {
        if (other.includes(subset)) {
          mismatch.push(
            `Route to non-matching subset ${subset} for (${route.match?.length ? route.match.map(renderMatch).join(', ') : 'everything'})`,
          );
          continue;
        }
        if (!matching.includes(subset)) {
          mismatch.push(
            dr
              ? `Warning: Route to UNKNOWN subset ${subset}; check DestinationRule ${dr.metadata.name}`
              : `Warning: Route to subset ${subset} but NO DESTINATION RULE defining subsets!`,
          );
          continue;
        }
      }
      match = true;
      if (weight > 0)
        facts.push(
          `Route to host "${dest.destination.host}"${subset ? ` subset "${subset}"` : ''} with weight ${weight}%`,
        );
    } else if (!dest.destination.subset) facts.push(`Route to host "${dest.destination.host}" with weight ${weight}%`);
    else facts.push(`Route to ${dest.destination.host} with invalid config`);
  }
  if (match) {
    const request = [
      ...(route.fault ? [`Fault injection ${faultText(route.fault)}`] : []),
      ...(route.match ?? []).map(renderMatch),
    ];
    if (request.length) facts.push(request.join(', '));
  } else facts.push(...mismatch);
  return { match, facts };
}

function tcpRouteFacts(vs: K8sObject, route: TcpRoute, svcHost: string): { match: boolean; facts: string[] } {
  const ns = vs.metadata.namespace ?? 'default';
  const match = (route.route ?? []).some((d) => resolveConfigHost(d.destination.host, ns) === svcHost);
  return {
    match,
    facts: match
      ? (route.match ?? []).map((m) =>
          Object.entries(m)
            .map(([k, v]) => (k === 'port' ? `port:${String(v)}` : `${k}:${JSON.stringify(v)}`))
            .join(' '),
        )
      : [],
  };
}

function printVirtualService(
  ctx: Ctx,
  indent: number,
  vs: K8sObject,
  svcHost: string,
  matching: string[],
  other: string[],
  dr: K8sObject | undefined,
): void {
  ctx.out.push(`${sp(indent)}VirtualService: ${kname(ctx, vs)}\n`);
  const http = httpRules(vs);
  const tcp = tcpRules(vs);
  const tls = Array.isArray(specOf(vs).tls) ? (specOf(vs).tls as unknown[]) : [];
  let matches = 0;
  let facts = 0;
  const mismatch: string[] = [];
  const take = (r: { match: boolean; facts: string[] }) => {
    if (r.match) {
      matches++;
      for (const f of r.facts) {
        ctx.out.push(`${sp(indent + 3)}${f}\n`);
        facts++;
      }
    } else mismatch.push(...r.facts);
  };
  for (const route of http) take(httpRouteFacts(vs, route, svcHost, matching, other, dr));
  for (const route of tcp) take(tcpRouteFacts(vs, route, svcHost));
  if (matches === 0) {
    if (http.length)
      ctx.out.push(
        `${sp(indent + 3)}WARNING: No destinations match pod subsets (checked ${http.length} HTTP routes)\n`,
      );
    if (tcp.length)
      ctx.out.push(`${sp(indent + 3)}WARNING: No destinations match pod subsets (checked ${tcp.length} TCP routes)\n`);
    for (const m of mismatch) ctx.out.push(`${sp(indent + 6)}${m}\n`);
    return;
  }
  const possible = http.length + tls.length + tcp.length;
  if (matches < possible) {
    ctx.out.push(`${sp(indent + 3)}${possible - matches} additional destination(s) that will not reach this pod\n`);
    if (facts === 0) for (const m of mismatch) ctx.out.push(`${sp(indent + 6)}${m}\n`);
    return;
  }
  if (facts === 0) {
    if (http.length) ctx.out.push(`${sp(indent + 3)}${http.length} HTTP route(s)\n`);
    if (tcp.length) ctx.out.push(`${sp(indent + 3)}${tcp.length} TCP route(s)\n`);
  }
}

/** The mesh VirtualService a sidecar's routes for this Service port carry (HTTP ports only: TCP has no RDS). */
function sidecarVirtualService(ctx: Ctx, svc: K8sObject, port: ServicePortSpec): K8sObject | undefined {
  const protocol = portProtocol(port);
  if (!['HTTP', 'HTTP2', 'GRPC', 'auto-detect'].includes(protocol)) return undefined;
  const host = serviceFqdn(svc.metadata.name, svc.metadata.namespace ?? 'default');
  return meshVirtualServicesFor(ctx.topology, host).find((vs) => httpRules(vs).length > 0);
}

function describeServices(ctx: Ctx, pod: K8sObject, services: K8sObject[], podsLabels: Record<string, string>[]): void {
  services.forEach((svc, row) => {
    if (row) ctx.out.push(SEPARATOR);
    printService(ctx, svc, pod);
    const ports = servicePorts(svc);
    const indent = ports.length > 1 ? 3 : 0;
    const svcNs = svc.metadata.namespace ?? 'default';
    const host = serviceFqdn(svc.metadata.name, svcNs);
    for (const port of ports) {
      if (ports.length > 1) ctx.out.push(`${port.port}:\n`);
      const dr = destinationRuleFor(ctx.topology, host, pod.metadata.namespace ?? 'default', svcNs);
      if (dr) printDestinationRule(ctx, indent, dr, podsLabels);
      const { matching, other } = subsetsOf(dr, podsLabels);
      const vs = sidecarVirtualService(ctx, svc, port);
      if (vs) printVirtualService(ctx, indent, vs, host, matching, other, dr);
    }
  });
}

function describePeerAuthentication(ctx: Ctx, namespace: string, labels: Record<string, string>): void {
  const candidates = [
    ...ctx.cluster.list('PeerAuthentication', 'istio-system'),
    ...(namespace === 'istio-system' ? [] : ctx.cluster.list('PeerAuthentication', namespace)),
  ];
  const applied = candidates.filter((pa) =>
    selectorMatches(
      (specOf(pa).selector as { matchLabels?: Record<string, string> } | undefined)?.matchLabels ?? {},
      labels,
    ),
  );
  const rank = (pa: K8sObject) =>
    (specOf(pa).selector ? 2 : 0) + ((pa.metadata.namespace ?? '') === 'istio-system' ? 0 : 1);
  const effective = [...applied]
    .sort((a, b) => rank(b) - rank(a))
    .find((pa) => {
      const mode = (specOf(pa).mtls as { mode?: string } | undefined)?.mode;
      return mode && mode !== 'UNSET';
    });
  const mode = (effective ? (specOf(effective).mtls as { mode?: string }).mode : undefined) ?? 'PERMISSIVE';
  ctx.out.push(`Effective PeerAuthentication:\n   Workload mTLS mode: ${mode}\n`);
  if (applied.length)
    ctx.out.push(
      `Applied PeerAuthentication:\n   ${applied.map((pa) => `${pa.metadata.name}.${pa.metadata.namespace}`).join(', ')}\n`,
    );
}

function ingressIp(ctx: Ctx, gwPods: K8sObject[]): string {
  for (const svc of ctx.topology.services()) {
    if (svc.metadata.namespace !== gwPods[0]?.metadata.namespace) continue;
    const selector = serviceSelector(svc);
    if (!selector || !gwPods.some((p) => selectorMatches(selector, labelsOf(p)))) continue;
    const lb = ((statusOf(svc).loadBalancer as { ingress?: { ip?: string }[] } | undefined)?.ingress ?? [])[0]?.ip;
    if (lb) return lb;
  }
  return (statusOf(gwPods[0]!).hostIP as string | undefined) ?? 'unknown';
}

function printIngressInfo(ctx: Ctx, services: K8sObject[], podsLabels: Record<string, string>[]): void {
  const gwPods = ctx.cluster
    .list('Pod')
    .filter((p) => p.metadata.labels?.istio === 'ingressgateway' && statusOf(p).phase === 'Running' && isGatewayPod(p));
  if (gwPods.length === 0) {
    ctx.out.push('Skipping Gateway information (no ingress gateway pods)\n');
    return;
  }
  const seenGateways = new Set<string>();
  for (const gwPod of gwPods) {
    const servers = gatewayServersFor(ctx.topology, gwPod);
    const bound = ctx.topology.all('VirtualService').filter((vs) => boundToServers(vs, servers));
    for (const svc of services) {
      const svcNs = svc.metadata.namespace ?? 'default';
      const host = serviceFqdn(svc.metadata.name, svcNs);
      for (const port of servicePorts(svc)) {
        const dr = destinationRuleFor(ctx.topology, host, gwPod.metadata.namespace ?? 'istio-system', svcNs);
        const { matching, other } = subsetsOf(dr, podsLabels);
        // The gateway's route to this Service port comes from the first bound VirtualService that sends there.
        const vs = bound.find((v) =>
          httpRules(v).some((r) =>
            (r.route ?? []).some(
              (d) =>
                resolveConfigHost(d.destination.host, v.metadata.namespace ?? 'default') === host &&
                (d.destination.port?.number ?? servicePorts(svc)[0]?.port) === port.port,
            ),
          ),
        );
        if (!vs) continue;
        for (const gwRef of virtualServiceGateways(vs)) {
          if (gwRef === MESH_GATEWAY || seenGateways.has(gwRef)) continue;
          seenGateways.add(gwRef);
          const [gns, gname] = gwRef.split('/');
          const gw = ctx.cluster.get('Gateway', gns, gname!);
          if (!gw) {
            ctx.out.push(`WARNING: Proxy is stale; it references to non-existent gateway ${gns}/${gname}\n`);
            continue;
          }
          const selector = specOf(gw).selector as Record<string, string> | undefined;
          const selected = gwPods.filter((p) => selectorMatches(selector ?? {}, labelsOf(p)));
          if (!selected.length) continue;
          ctx.out.push(SEPARATOR);
          ctx.out.push(`Exposed on Ingress Gateway http://${ingressIp(ctx, selected)}\n`);
          printVirtualService(ctx, 0, vs, host, matching, other, dr);
        }
      }
    }
  }
}

/** `istioctl x describe pod NAME[.NAMESPACE]`. */
export function describePod(cluster: SimClusterApi, arg: string, namespace: string): string {
  const dot = arg.indexOf('.');
  const name = dot < 0 ? arg : arg.slice(0, dot);
  const ns = dot < 0 ? namespace : arg.slice(dot + 1);
  const pod = cluster.get('Pod', ns, name);
  if (!pod) throw new DescribeError(`pods "${name}" not found`);
  const ctx: Ctx = { cluster, topology: new Topology(cluster), namespace, out: [] };
  printPod(ctx, pod);
  const labels = labelsOf(pod);
  const services = cluster.list('Service', ns).filter((s) => {
    const selector = serviceSelector(s);
    return selector && Object.keys(selector).length > 0 && selectorMatches(selector, labels);
  });
  if (services.length === 0)
    ctx.out.push(
      `Warning: No Kubernetes Services select pod ${kname(ctx, pod)} (see ` +
        `https://istio.io/docs/setup/kubernetes/additional-setup/requirements/ )\n`,
    );
  ctx.out.push(SEPARATOR);
  if (!hasProxy(pod) || statusOf(pod).phase !== 'Running')
    throw Object.assign(
      new DescribeError(`failed to execute command on sidecar: container istio-proxy is not valid for pod ${name}`),
      {
        partial: ctx.out.join(''),
      },
    );
  describeServices(ctx, pod, services, [labels]);
  ctx.out.push(SEPARATOR);
  describePeerAuthentication(ctx, ns, labels);
  printIngressInfo(ctx, services, [labels]);
  return ctx.out.join('');
}

/** `istioctl x describe service NAME[.NAMESPACE]`. */
export function describeService(cluster: SimClusterApi, arg: string, namespace: string): string {
  const dot = arg.indexOf('.');
  const name = dot < 0 ? arg : arg.slice(0, dot);
  const ns = dot < 0 ? namespace : arg.slice(dot + 1);
  const svc = cluster.get('Service', ns, name);
  if (!svc) throw new DescribeError(`services "${name}" not found`);
  const ctx: Ctx = { cluster, topology: new Topology(cluster), namespace, out: [] };
  const selector = serviceSelector(svc);
  const selected =
    selector && Object.keys(selector).length
      ? cluster.list('Pod', ns).filter((p) => selectorMatches(selector, labelsOf(p)))
      : [];
  const meshed: K8sObject[] = [];
  for (const pod of selected) {
    const status = statusOf(pod) as {
      phase?: string;
      containerStatuses?: { name: string; ready?: boolean }[];
      initContainerStatuses?: { name: string; ready?: boolean }[];
    };
    if (status.phase !== 'Running') {
      ctx.out.push(`   Pod is not Running (${status.phase ?? 'Unknown'})\n`);
      continue;
    }
    // A native sidecar (Istio >= 1.27 on Kubernetes >= 1.33) reports its status among the init containers.
    const proxy = [...(status.containerStatuses ?? []), ...(status.initContainerStatuses ?? [])].find(
      (c) => c.name === 'istio-proxy',
    );
    if (!proxy) {
      ctx.out.push(`Pod ${kname(ctx, pod)}: no container "istio-proxy" in pod\n`);
      continue;
    }
    if (!proxy.ready) {
      ctx.out.push(`WARNING: Pod ${kname(ctx, pod)} Container istio-proxy NOT READY\n`);
      continue;
    }
    meshed.push(pod);
  }
  if (meshed.length === 0) {
    if (selected.length === 0) return `${ctx.out.join('')}Service "${kname(ctx, svc)}" has no pods.\n`;
    return (
      `${ctx.out.join('')}Service "${kname(ctx, svc)}" has no Istio pods.  (${selected.length} pods ` +
      `in service).\nUse \`istioctl kube-inject\` or redeploy with Istio automatic sidecar injection.\n`
    );
  }
  const podsLabels = meshed.map(labelsOf);
  describeServices(ctx, meshed[0]!, [svc], podsLabels);
  printIngressInfo(ctx, [svc], podsLabels);
  return ctx.out.join('');
}
