/**
 * The client-side sidecar for plain HTTP: the outbound listener for the dialled port, its route table
 * (Services, ServiceEntries, mesh VirtualServices, then `allow_any` / `block_all`), the router, `server: envoy`
 * on what goes back, and the outbound access log line.
 */
import type { K8sObject } from '../../../contract.ts';
import type { AccessLogEntry } from './accessLog.ts';
import { writeAccessLog, hopMs, type MeshEnv, type ProxyInfo } from './env.ts';
import { downstreamHeaders, ensureRequestId, spiffeId, startSpan } from './envoyHeaders.ts';
import { ephemeralPort } from './ids.ts';
import { LOCAL_REPLIES } from './localReplies.ts';
import { MESH_GATEWAY, sidecarVirtualHost } from './virtualHosts.ts';
import { labelsOf, serviceAccountOf } from './objects.ts';
import { localReplyResponse, requestBytes, responseBytes } from './responses.ts';
import { NO_RETRIES, routeRequest, sendWithRetries, type RouteResult, type RouterContext } from './router.ts';
import { isAbort, splitAuthority, type Address, type WireRequest, type WireResponse } from './wire.ts';

/** The Envoy of a sidecar-injected pod. */
export function sidecarProxy(pod: K8sObject, ip: string): ProxyInfo {
  const ns = pod.metadata.namespace ?? 'default';
  return { pod, ip, namespace: ns, kind: 'sidecar', spiffe: spiffeId(ns, serviceAccountOf(pod)) };
}

/** Stamps what an Envoy puts on every response it sends downstream. */
export function finishResponse(result: RouteResult, server: string): WireResponse {
  const response = result.response;
  const serviceTime = result.local ? undefined : String(Math.round(result.upstreamServiceTimeMs ?? 0));
  response.headers = downstreamHeaders(response.headers, server, serviceTime);
  return response;
}

/** What a proxy's access-log line says of its response: filled in by `finishAndLog`. */
type ResponseFields =
  | 'code'
  | 'flags'
  | 'details'
  | 'upstreamFailure'
  | 'bytesSent'
  | 'durationMs'
  | 'upstreamServiceTimeMs'
  | 'upstreamHost'
  | 'upstreamCluster'
  | 'upstreamLocal'
  | 'routeName';

/**
 * The last thing an HTTP proxy (a sidecar's outbound, a gateway) does with a routed request: stamps the response
 * (`finishResponse`), adds its own hop time, and writes the access-log line from `logBase` and the result.
 */
export function finishAndLog(
  env: MeshEnv,
  pod: K8sObject,
  result: RouteResult,
  server: string,
  started: number,
  logBase: Omit<AccessLogEntry, ResponseFields>,
): WireResponse {
  const response = finishResponse(result, server);
  const own = hopMs(env);
  response.extraMs += own;
  const duration = result.local
    ? env.clock.now() - started + response.extraMs
    : (result.upstreamServiceTimeMs ?? 0) + own;
  writeAccessLog(env, pod, {
    ...logBase,
    code: response.status,
    flags: result.flags,
    details: result.details,
    upstreamFailure: result.upstreamFailure,
    bytesSent: responseBytes(response),
    durationMs: duration,
    upstreamServiceTimeMs: result.local ? undefined : result.upstreamServiceTimeMs,
    upstreamHost: result.upstreamHost,
    upstreamCluster: result.upstreamCluster,
    upstreamLocal: result.upstreamLocal,
    routeName: result.routeName,
  });
  return response;
}

/** Sends a plain HTTP request from an app in `pod` through its sidecar to `destination` (as dialled). */
export async function outboundHttp(
  env: MeshEnv,
  pod: K8sObject,
  podIpAddress: string,
  incoming: WireRequest,
  destination: Address,
  signal?: AbortSignal,
): Promise<WireResponse> {
  const started = env.clock.now();
  const topology = env.topology();
  // One ProxyInfo per pod and configuration: its identity's text is then the same string on every request (the
  // server's sidecar keys its certificate hash by it).
  const kept = topology.derived(pod, 'sidecarProxy', () => sidecarProxy(pod, podIpAddress));
  const proxy = kept.ip === podIpAddress ? kept : sidecarProxy(pod, podIpAddress);
  const settings = env.settings(pod);
  const request: WireRequest = { ...incoming, headers: incoming.headers.clone() };
  ensureRequestId(request, env.random);
  startSpan(request, env.random, settings.tracing);
  const downstreamRemote = `${podIpAddress}:${ephemeralPort(env.random)}`;
  const { host, port: authorityPort } = splitAuthority(request.authority);
  // The sidecar's route table for this listener and Host, computed once per configuration (as istiod pushes it).
  const vhost = topology.memoBy(
    settings.outboundMode === 'REGISTRY_ONLY' ? 'sidecarVhost:REGISTRY_ONLY' : 'sidecarVhost:ALLOW_ANY',
    proxy.namespace,
    destination.port,
    host,
    authorityPort,
    () => sidecarVirtualHost(topology, proxy.namespace, destination.port, host, authorityPort, settings.outboundMode),
  );
  const ctx: RouterContext = {
    env,
    topology,
    proxy,
    listenerPort: destination.port,
    source: { labels: labelsOf(pod), namespace: proxy.namespace, port: destination.port, gateways: [MESH_GATEWAY] },
    originalDestination: destination,
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
    downstreamLocal: `${destination.ip}:${destination.port}`,
    downstreamRemote,
    bytesReceived: requestBytes(request),
  };
  let result: RouteResult;
  try {
    if (vhost.kind === 'block_all') {
      const row = LOCAL_REPLIES.block_all;
      result = {
        response: localReplyResponse(env, row.status, row.body, request.method),
        local: true,
        flags: row.flag,
        details: row.details,
        routeName: 'block_all',
        forwarded: request,
      };
    } else if (vhost.kind === 'allow_any') {
      // The catch-all route sends to the PassthroughCluster: the original destination, no retries.
      result = await sendWithRetries(
        ctx,
        [{ ip: destination.ip, port: destination.port }],
        'PassthroughCluster',
        undefined,
        request,
        NO_RETRIES,
        undefined,
        'allow_any',
      );
      result.forwarded.headers.remove('x-envoy-decorator-operation');
    } else if ('virtualServices' in vhost) {
      result = await routeRequest(
        ctx,
        { virtualServices: vhost.virtualServices, defaultDestination: { host: vhost.host, port: vhost.port } },
        request,
      );
    } else {
      throw new Error('unreachable: every virtual host kind is handled');
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
  return finishAndLog(env, pod, result, 'envoy', started, logBase);
}
