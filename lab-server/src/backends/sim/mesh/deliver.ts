/**
 * Layer 3/4 delivery of a plain HTTP request to an address: a pod (its gateway Envoy, its inbound sidecar, or its
 * app), a Service's cluster IP (kube-proxy picks a ready pod), a site of the simulated internet, or nowhere.
 */
import type { K8sObject } from '../../../contract.ts';
import { siteAt } from '../apps/internet/sites.ts';
import { servicePorts } from './objects.ts';
import { runApp, deliverToApp } from './appRuntime.ts';
import type { MeshEnv } from './env.ts';
import { inboundHttp } from './inbound.ts';
import { gatewayHttp } from './gateway.ts';
import { TransportFailure, type Address, type WireRequest, type WireResponse } from './wire.ts';
import { hopMs } from './env.ts';
import { encrypted, rawRequest, rawResponse } from './packets.ts';
import { nodeAddresses, nodePortService } from './deliverOutside.ts';

/** mTLS details when the caller is an Envoy talking to another Envoy (auto mTLS). */
export interface PeerTls {
  clientSpiffe: string;
  sni: string;
}

/** How long Istio's clusters wait for a TCP connect before giving up (connectTimeout 10s). */
export const ENVOY_CONNECT_TIMEOUT_MS = 10_000;

/** Where an address leads. */
export type AddressTarget =
  | { kind: 'pod'; pod: K8sObject; port: number }
  | { kind: 'internet'; ip: string; port: number }
  | { kind: 'refused' }
  | { kind: 'unreachable' };

/** Resolves an address through kube-proxy (cluster IPs) to a pod, a public site, or nothing. */
export function addressTarget(env: MeshEnv, address: Address): AddressTarget {
  const topology = env.topology();
  // kube-proxy's node-port rules come before anything on the node itself (host-network pods share its IP).
  if (topology.memo('nodeAddresses', () => nodeAddresses(env.cluster)).includes(address.ip)) {
    const found = nodePortService(topology, address.port);
    if (found) {
      const endpoints = topology.serviceEndpoints(found.svc, found.port);
      if (endpoints.length === 0) return { kind: 'refused' };
      const chosen = endpoints[Math.floor(env.random.next() * endpoints.length)];
      return { kind: 'pod', pod: chosen.pod, port: chosen.port };
    }
  }
  const pod = topology.podByIp(address.ip);
  if (pod) return { kind: 'pod', pod, port: address.port };
  const svc = topology.serviceByClusterIp(address.ip);
  if (svc) {
    const port = servicePorts(svc).find((p) => p.port === address.port);
    if (!port) return { kind: 'refused' };
    const endpoints = topology.serviceEndpoints(svc, port);
    // kube-proxy rejects connections to a Service without endpoints.
    if (endpoints.length === 0) return { kind: 'refused' };
    const chosen = endpoints[Math.floor(env.random.next() * endpoints.length)];
    return { kind: 'pod', pod: chosen.pod, port: chosen.port };
  }
  if (siteAt(address.ip)) return { kind: 'internet', ip: address.ip, port: address.port };
  return { kind: 'unreachable' };
}

/** Sends a plain HTTP request over TCP from `source` to `destination`; a capture sees both directions. */
export async function deliverHttp(
  env: MeshEnv,
  source: Address,
  destination: Address,
  request: WireRequest,
  tls: PeerTls | undefined,
  signal: AbortSignal | undefined,
): Promise<WireResponse> {
  const tap = env.tap?.active ? env.tap : undefined;
  if (!tap) return deliverHttpOnce(env, source, destination, request, tls, signal);
  const wire = (text: string) => (tls ? encrypted(text, env.random) : text);
  const resolved = env.topology().podByIp(destination.ip) ? undefined : resolvedIp(env, destination);
  tap.emit(
    { atMs: env.clock.now(), src: source, dst: destination, payload: wire(rawRequest(request)), encrypted: !!tls },
    resolved,
  );
  const response = await deliverHttpOnce(env, source, destination, request, tls, signal);
  tap.emit(
    {
      atMs: env.clock.now() + response.extraMs,
      src: destination,
      dst: source,
      payload: wire(rawResponse(response)),
      encrypted: !!tls,
    },
    resolved,
  );
  return response;
}

function resolvedIp(env: MeshEnv, destination: Address): string | undefined {
  const svc = env.topology().serviceByClusterIp(destination.ip);
  const port = svc ? servicePorts(svc).find((p) => p.port === destination.port) : undefined;
  return svc && port ? env.topology().serviceEndpoints(svc, port)[0]?.ip : undefined;
}

/** Sends a plain HTTP request over TCP from `source` to `destination`. Throws TransportFailure when no HTTP answer comes. */
async function deliverHttpOnce(
  env: MeshEnv,
  source: Address,
  destination: Address,
  request: WireRequest,
  tls: PeerTls | undefined,
  signal: AbortSignal | undefined,
): Promise<WireResponse> {
  const target = addressTarget(env, destination);
  if (target.kind === 'refused') throw new TransportFailure('refused');
  if (target.kind === 'unreachable') throw new TransportFailure('unreachable');
  if (target.kind === 'internet') {
    const site = siteAt(target.ip)!;
    if (target.port !== 80) throw new TransportFailure(target.port === 443 ? 'reset' : 'unreachable');
    const response = await runApp(
      env,
      site.app,
      { name: site.host },
      undefined,
      request,
      '203.0.113.45',
      false,
      signal,
    );
    response.extraMs += hopMs(env, 15, 60);
    return response;
  }
  const pod = target.pod;
  const local = { ip: podAddress(pod, destination), port: target.port };
  // A pod that is not running has nothing listening.
  if ((pod.status as { phase?: string } | undefined)?.phase !== 'Running') throw new TransportFailure('refused');
  const facts = env.topology().podFacts(pod);
  if (facts.isGateway) return gatewayHttp(env, pod, target.port, request, { remote: source, local }, signal);
  if (facts.hasProxy) return inboundHttp(env, pod, target.port, request, { remote: source, local }, tls, signal);
  return deliverToApp(env, pod, target.port, request, source.ip, signal);
}

function podAddress(pod: K8sObject, fallback: Address): string {
  const ip = (pod.status as { podIP?: string } | undefined)?.podIP;
  return ip ?? fallback.ip;
}
