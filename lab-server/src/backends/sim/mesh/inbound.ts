/**
 * The server-side sidecar: accepts a request for its pod (mTLS from another Envoy, or plaintext in PERMISSIVE
 * mode), hands it to the app from 127.0.0.6, stamps `server: istio-envoy`, and writes its access log line.
 */
import type { K8sObject } from '../../../contract.ts';
import { clusterName } from './accessLog.ts';
import { deliverToApp } from './appRuntime.ts';
import type { PeerTls } from './deliver.ts';
import { hopMs, writeAccessLog, type MeshEnv } from './env.ts';
import { downstreamHeaders, ensureRequestId, INBOUND_STRIPPED, spiffeId, startSpan, xfcc } from './envoyHeaders.ts';
import { ephemeralPort } from './ids.ts';
import { LOCAL_REPLIES } from './localReplies.ts';
import { serviceAccountOf } from './objects.ts';
import { finishLocalReply, localReplyResponse, requestBytes, responseBytes } from './responses.ts';
import { isAbort, TransportFailure, type Address, type WireRequest, type WireResponse } from './wire.ts';

/** The address the inbound sidecar connects to the app from. */
export const INBOUND_PASSTHROUGH_IP = '127.0.0.6';

/** Handles a request arriving at a sidecar-injected pod. */
export async function inboundHttp(
  env: MeshEnv,
  pod: K8sObject,
  port: number,
  incoming: WireRequest,
  conn: { remote: Address; local: Address },
  tls: PeerTls | undefined,
  signal: AbortSignal | undefined,
): Promise<WireResponse> {
  const started = env.clock.now();
  const ns = pod.metadata.namespace ?? 'default';
  const request: WireRequest = { ...incoming, headers: incoming.headers.clone() };
  request.headers.removeAll(INBOUND_STRIPPED);
  if (tls) {
    // A pure function of the two identities: kept (as the header's pair, shared) per pod object and client identity
    // in this configuration view.
    const cert = env
      .topology()
      .memoBy('xfcc', pod, tls.clientSpiffe, undefined, undefined, (): readonly [string, string] => [
        'x-forwarded-client-cert',
        xfcc(spiffeId(ns, serviceAccountOf(pod)), tls.clientSpiffe),
      ]);
    request.headers.setPair(cert);
  }
  ensureRequestId(request, env.random);
  startSpan(request, env.random, env.settings(pod).tracing);
  const upstreamLocal = `${INBOUND_PASSTHROUGH_IP}:${ephemeralPort(env.random)}`;
  const base = {
    startMs: started,
    method: request.method,
    path: incoming.path,
    protocol: request.protocol,
    forwardedFor: request.headers.get('x-forwarded-for'),
    userAgent: request.headers.get('user-agent'),
    requestId: request.headers.get('x-request-id'),
    authority: request.authority,
    upstreamCluster: clusterName('inbound', port, undefined, ''),
    downstreamLocal: `${conn.local.ip}:${conn.local.port}`,
    downstreamRemote: `${conn.remote.ip}:${conn.remote.port}`,
    sni: tls?.sni,
    routeName: 'default',
    bytesReceived: requestBytes(request),
  };
  let response: WireResponse;
  try {
    response = await deliverToApp(env, pod, port, request, INBOUND_PASSTHROUGH_IP, signal);
  } catch (error) {
    if (isAbort(error)) {
      const elapsed = env.clock.now() - started;
      writeAccessLog(env, pod, {
        ...base,
        code: 0,
        flags: 'DC',
        details: 'downstream_remote_disconnect',
        bytesSent: 0,
        durationMs: elapsed,
        upstreamHost: `${conn.local.ip}:${port}`,
        upstreamLocal,
      });
      throw error;
    }
    if (!(error instanceof TransportFailure)) throw error;
    const reply = LOCAL_REPLIES.upstream_connect_failure;
    const local = finishLocalReply(
      env,
      localReplyResponse(env, reply.status, reply.body, request.method),
      'istio-envoy',
    );
    const elapsed = env.clock.now() - started + local.extraMs;
    writeAccessLog(env, pod, {
      ...base,
      code: reply.status,
      flags: reply.flag,
      details: reply.details,
      upstreamFailure: 'delayed_connect_error:_111',
      bytesSent: responseBytes(local),
      durationMs: elapsed,
      upstreamHost: `${conn.local.ip}:${port}`,
      upstreamLocal: '-',
    });
    return local;
  }
  const serviceTime = env.clock.now() - started + response.extraMs;
  const own = hopMs(env);
  const out: WireResponse = {
    status: response.status,
    // Hop-by-hop headers end at the proxy; `server` and the upstream's time are its own.
    headers: downstreamHeaders(response.headers, 'istio-envoy', String(Math.round(serviceTime))),
    body: response.body,
    extraMs: response.extraMs + own,
  };
  writeAccessLog(env, pod, {
    ...base,
    code: out.status,
    flags: '-',
    details: 'via_upstream',
    bytesSent: responseBytes(out),
    durationMs: serviceTime + own,
    upstreamServiceTimeMs: serviceTime,
    upstreamHost: `${conn.local.ip}:${port}`,
    upstreamLocal,
  });
  return out;
}
