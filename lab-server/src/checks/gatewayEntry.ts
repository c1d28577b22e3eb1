/**
 * Why a request from outside through a Kubernetes Gateway API gateway got no answer, a 404 or a 500, read from the
 * objects as a learner would with `kubectl get gateway,httproute -o yaml`: the Gateway missing or not Programmed, no
 * listener on the port, the Host outside the listener's hostname, no HTTPRoute attached, none whose hostnames and
 * matches take the request, or a backendRef istiod could not resolve. Backend-neutral: only `LabEnvironment.get/list`.
 */
import type { GatewayRef, HttpResult, K8sObject, LabEnvironment } from '../contract.ts';
import type { Localized } from '../labs/schema.ts';
import { josa } from './korean.ts';
import { text } from './types.ts';

/** The Gateway API's Gateway as the contract names it (Istio's own `Gateway` has the plain Kind). */
export const GATEWAY_API_GATEWAY_KIND = 'Gateway.gateway.networking.k8s.io';

type Obj = Record<string, unknown>;
const asObj = (v: unknown): Obj => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const asList = (v: unknown): Obj[] => (Array.isArray(v) ? v.map(asObj) : []);
const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((s): s is string => typeof s === 'string') : []);

/** True when `host` falls under a Gateway API hostname (`*.example.com` takes one or more labels). */
export function hostnameMatches(pattern: string, host: string): boolean {
  if (pattern.startsWith('*.')) return host.endsWith(pattern.slice(1)) && host.length > pattern.length - 1;
  return pattern === host;
}

/** The request's port and Host (without port), as the gateway sees them. */
export function entryOf(url: string, headers: Record<string, string>): { port: number; host?: string } | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const port = Number(parsed.port) || (parsed.protocol === 'https:' ? 443 : 80);
  const given = Object.entries(headers).find(([k]) => k.toLowerCase() === 'host')?.[1];
  // Host `ingress` is replaced by the gateway's own address, which no hostname names.
  const host = given ?? (parsed.hostname === 'ingress' ? undefined : parsed.hostname);
  return { port, ...(host !== undefined ? { host: host.replace(/:\d+$/, '').toLowerCase() } : {}) };
}

function condition(object: K8sObject, type: string): Obj | undefined {
  return asList(asObj(object.status).conditions).find((c) => c.type === type);
}

/** HTTPRoutes in the Gateway's namespace that istiod accepted on it. */
function attachedRoutes(routes: K8sObject[], ref: GatewayRef): K8sObject[] {
  return routes.filter((route) =>
    asList(asObj(route.status).parents).some((p) => {
      const parent = asObj(p.parentRef);
      const namespace = typeof parent.namespace === 'string' ? parent.namespace : route.metadata.namespace;
      return (
        parent.name === ref.name &&
        (parent.kind ?? 'Gateway') === 'Gateway' &&
        namespace === ref.namespace &&
        asList(p.conditions).some((c) => c.type === 'Accepted' && c.status === 'True')
      );
    }),
  );
}

/**
 * Why the request `r` through the Gateway `ref` failed, when the Gateway's objects say; undefined when they do not
 * (the answer then speaks for itself).
 */
export async function explainGatewayEntry(
  env: Pick<LabEnvironment, 'get' | 'list'>,
  ref: GatewayRef,
  request: { url: string; headers: Record<string, string> },
  r: HttpResult,
): Promise<Localized | undefined> {
  const entry = entryOf(request.url, request.headers);
  if (!entry || (r.status !== 0 && r.status !== 404 && r.status !== 500)) return undefined;
  const name = `${ref.namespace}/${ref.name}`;
  const gateway = await env.get({ kind: GATEWAY_API_GATEWAY_KIND, namespace: ref.namespace, name: ref.name });
  if (!gateway)
    return text(
      `Gateway API의 Gateway ${josa(name, '이', '가')} 없어서 클러스터 밖에서 연결할 주소가 없습니다. ` +
        '`kubectl get gateway`로 확인하고 Gateway를 먼저 적용합니다.',
      `There is no Gateway API Gateway ${name}, so there is no address to connect to from outside. ` +
        'Check with `kubectl get gateway` and apply the Gateway first.',
    );
  const programmed = condition(gateway, 'Programmed');
  if (programmed?.status !== 'True') {
    const why = programmed ? ` (${String(programmed.reason)}: ${String(programmed.message)})` : '';
    const noAddress = programmed?.reason === 'AddressNotAssigned';
    return text(
      `Gateway ${josa(name, '이', '가')} 아직 Programmed가 아닙니다${why}. 그래서 클러스터 밖에서 들어갈 주소가 없습니다.` +
        (noAddress
          ? ' kind에는 로드 밸런서가 없으므로 Gateway에 `networking.istio.io/service-type: NodePort` 어노테이션을 달아 노드 포트로 엽니다.'
          : ''),
      `Gateway ${name} is not Programmed yet${why}, so there is no address to enter from outside.` +
        (noAddress
          ? ' kind has no load balancer: annotate the Gateway with `networking.istio.io/service-type: NodePort` to open it on a node port.'
          : ''),
    );
  }
  const listeners = asList(asObj(gateway.spec).listeners).filter((l) => Number(l.port) === entry.port);
  if (listeners.length === 0) {
    const ports = asList(asObj(gateway.spec).listeners).map((l) => `${String(l.name)}:${String(l.port)}`);
    return text(
      `Gateway ${name}에는 포트 ${entry.port}의 리스너가 없어서 연결이 거부됩니다(리스너: ${ports.join(', ') || '없음'}).`,
      `Gateway ${name} has no listener on port ${entry.port}, so the connection is refused (listeners: ${ports.join(', ') || 'none'}).`,
    );
  }
  const pods = `kubectl get pods -l gateway.networking.k8s.io/gateway-name=${ref.name}`;
  if (r.status === 0)
    return text(
      `Gateway ${josa(name, '은', '는')} Programmed이지만 ${ref.name}-istio 파드가 아직 요청을 받지 못합니다. ` +
        `\`${pods}\`로 확인합니다.`,
      `Gateway ${name} is Programmed, but its ${ref.name}-istio pod does not take requests yet. Check with \`${pods}\`.`,
    );
  const routes = attachedRoutes(await env.list({ kind: 'HTTPRoute' }), ref);
  if (r.status === 500) return unresolvedBackends(routes);
  const patterns = listeners.map((l) => (typeof l.hostname === 'string' ? l.hostname : undefined));
  // Without a Host of its own the request carries the gateway's address, which only a listener without hostname takes.
  const host = entry.host;
  if (!patterns.some((p) => p === undefined || (host !== undefined && hostnameMatches(p, host)))) {
    const hostnames = patterns.join(', ');
    return text(
      `요청의 Host(${host ?? '게이트웨이 주소'})가 포트 ${entry.port} 리스너의 hostname(${hostnames})에 맞지 않아 ` +
        '게이트웨이가 404로 답합니다.',
      `The request's Host (${host ?? "the gateway's address"}) is outside the hostname of the port ${entry.port} ` +
        `listener (${hostnames}), so the gateway answers 404.`,
    );
  }
  if (routes.length === 0)
    return text(
      `Gateway ${name}에 붙은(Accepted) HTTPRoute가 없어서 게이트웨이가 404로 답합니다. HTTPRoute의 parentRefs가 ` +
        '이 Gateway를 가리키는지, hostnames가 리스너의 hostname과 겹치는지 `kubectl get httproute -o yaml`의 ' +
        'status.parents로 확인합니다.',
      `No HTTPRoute is attached (Accepted) to Gateway ${name}, so the gateway answers 404. Check in ` +
        "`kubectl get httproute -o yaml`'s status.parents that the route's parentRefs name this Gateway and its " +
        "hostnames overlap the listener's.",
    );
  const named = routes.flatMap((route) => strings(asObj(route.spec).hostnames));
  const forHost =
    entry.host === undefined
      ? []
      : named.filter((h) => hostnameMatches(h.toLowerCase(), entry.host!) || h === entry.host);
  const anyHost = routes.some((route) => strings(asObj(route.spec).hostnames).length === 0);
  if (!anyHost && forHost.length === 0)
    return text(
      `Gateway ${name}에 붙은 HTTPRoute의 hostnames(${named.join(', ')})에 요청의 ` +
        `Host(${entry.host ?? '게이트웨이 주소'})가 없어서 게이트웨이가 404로 답합니다.`,
      `The hostnames of the HTTPRoutes on Gateway ${name} (${named.join(', ')}) do not name the request's ` +
        `Host (${entry.host ?? "the gateway's address"}), so the gateway answers 404.`,
    );
  return text(
    '이 Host의 HTTPRoute는 있지만 어느 규칙의 matches도 이 경로를 받지 않아 게이트웨이가 404(NR, 맞는 라우트 없음)로 답합니다.',
    "There is an HTTPRoute for this Host, but no rule's matches take this path, so the gateway answers 404 (NR, no route).",
  );
}

/** Why an attached route answers 500: a backendRef istiod could not resolve (ResolvedRefs False), when one did not. */
function unresolvedBackends(routes: K8sObject[]): Localized | undefined {
  for (const route of routes)
    for (const parent of asList(asObj(route.status).parents)) {
      const refs = asList(parent.conditions).find((c) => c.type === 'ResolvedRefs');
      if (refs?.status !== 'False') continue;
      const why = `${String(refs.reason)}: ${String(refs.message)}`;
      return text(
        `HTTPRoute ${route.metadata.name}의 backendRef를 istiod가 찾지 못해(ResolvedRefs False, ${why}) ` +
          '게이트웨이가 500으로 답합니다. backendRefs가 가리키는 Service 이름과 포트를 확인합니다.',
        `istiod could not resolve a backendRef of HTTPRoute ${route.metadata.name} (ResolvedRefs False, ${why}), ` +
          'so the gateway answers 500. Check the Service name and port the backendRefs give.',
      );
    }
  return undefined;
}
