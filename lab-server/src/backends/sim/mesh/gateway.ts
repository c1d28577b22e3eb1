/**
 * An ingress (or egress) gateway pod: listeners from the Gateway servers that select it (server port -> the
 * gateway Service's targetPort), virtual hosts from the VirtualServices bound to those Gateways, `server:
 * istio-envoy` on responses, X-Forwarded-For / X-Envoy-Internal on requests, and the gateway's access log.
 */
import type { K8sObject } from '../../../contract.ts';
import { writeAccessLog, type MeshEnv, type ProxyInfo } from './env.ts';
import { addGatewayForwarding, ensureRequestId, spiffeId, startSpan } from './envoyHeaders.ts';
import { labelsOf, serviceAccountOf, selectorMatches, serviceSelector, servicePorts } from './objects.ts';
import { localReplyResponse, requestBytes } from './responses.ts';
import { routeRequest, type RouteResult, type RouterContext } from './router.ts';
import { finishAndLog } from './outbound.ts';
import { LOCAL_REPLIES } from './localReplies.ts';
import { gatewayServersFor, gatewayVirtualHost, type GatewayServer } from './virtualHosts.ts';
import type { Topology } from './topology.ts';
import {
  isAbort,
  splitAuthority,
  TransportFailure,
  type Address,
  type WireRequest,
  type WireResponse,
} from './wire.ts';

/** The container port a Gateway server's port number maps to: the gateway Service's targetPort for it, else itself. */
export function gatewayListenerPort(topology: Topology, gatewayPod: K8sObject, serverPort: number): number {
  const ns = gatewayPod.metadata.namespace ?? 'default';
  for (const svc of topology.services()) {
    if ((svc.metadata.namespace ?? 'default') !== ns) continue;
    const selector = serviceSelector(svc);
    if (!selector || !selectorMatches(selector, labelsOf(gatewayPod))) continue;
    const port = servicePorts(svc).find((p) => p.port === serverPort);
    if (port) {
      const target = port.targetPort ?? port.port;
      return typeof target === 'number' ? target : Number(target) || serverPort;
    }
  }
  return serverPort;
}

/** Gateway servers listening on container port `port` with an HTTP protocol. */
export function httpServersOnPort(topology: Topology, gatewayPod: K8sObject, port: number): GatewayServer[] {
  return gatewayServersFor(topology, gatewayPod).filter(
    (s) => gatewayListenerPort(topology, gatewayPod, s.port) === port && ['HTTP', 'HTTP2', 'GRPC'].includes(s.protocol),
  );
}

/** Handles a plain HTTP request arriving at a gateway pod's port. No server on the port means no listener: refused. */
export async function gatewayHttp(
  env: MeshEnv,
  pod: K8sObject,
  port: number,
  incoming: WireRequest,
  conn: { remote: Address; local: Address },
  signal: AbortSignal | undefined,
): Promise<WireResponse> {
  const started = env.clock.now();
  const topology = env.topology();
  // The gateway's listener and route table, computed once per configuration (as istiod pushes it).
  const listener = topology.memoBy('gatewayServers', pod, port, undefined, undefined, () => {
    const servers = httpServersOnPort(topology, pod, port);
    return { servers, gateways: [...new Set(servers.map((s) => s.gatewayRef))] };
  });
  const servers = listener.servers;
  if (servers.length === 0) throw new TransportFailure('refused');
  const ns = pod.metadata.namespace ?? 'default';
  const proxy: ProxyInfo = {
    pod,
    ip: conn.local.ip,
    namespace: ns,
    kind: 'gateway',
    spiffe: topology.derived(pod, 'spiffe', () => spiffeId(ns, serviceAccountOf(pod))),
  };
  const request: WireRequest = { ...incoming, headers: incoming.headers.clone() };
  addGatewayForwarding(request, conn.remote.ip);
  ensureRequestId(request, env.random);
  startSpan(request, env.random, env.settings(pod).tracing);
  const host = splitAuthority(request.authority).host;
  const vhost = topology.memoBy('gatewayVhost', pod, port, host, undefined, () =>
    gatewayVirtualHost(topology, servers, host),
  );
  const ctx: RouterContext = {
    env,
    topology,
    proxy,
    listenerPort: servers[0].port,
    source: {
      labels: labelsOf(pod),
      namespace: ns,
      port: servers[0].port,
      gateways: listener.gateways,
    },
    originalDestination: conn.local,
    signal,
  };
  const logBase = {
    startMs: started,
    method: request.method,
    path: request.path,
    protocol: request.protocol,
    forwardedFor: request.headers.get('x-forwarded-for'),
    userAgent: request.headers.get('user-agent'),
    requestId: request.headers.get('x-request-id'),
    authority: request.authority,
    downstreamLocal: `${conn.local.ip}:${conn.local.port}`,
    downstreamRemote: `${conn.remote.ip}:${conn.remote.port}`,
    bytesReceived: requestBytes(request),
  };
  let result: RouteResult;
  try {
    if (!vhost) {
      const row = LOCAL_REPLIES.route_not_found;
      result = {
        response: localReplyResponse(env, row.status, row.body, request.method),
        local: true,
        flags: row.flag,
        details: row.details,
        forwarded: request,
      };
    } else {
      result = await routeRequest(ctx, { virtualServices: vhost.virtualServices }, request);
    }
  } catch (error) {
    if (isAbort(error)) {
      writeAccessLog(env, pod, {
        ...logBase,
        code: 0,
        flags: 'DC',
        details: 'downstream_remote_disconnect',
        bytesSent: 0,
        durationMs: env.clock.now() - started,
      });
    }
    throw error;
  }
  return finishAndLog(env, pod, result, 'istio-envoy', started, logBase);
}
