/**
 * HTTPS as the mesh sees it: only a TCP connection. Through a sidecar, the outbound listener for the port picks a
 * Service (by cluster IP), a ServiceEntry with a TLS/HTTPS/TCP port (by SNI), or the catch-all: PassthroughCluster
 * (ALLOW_ANY) or BlackHoleCluster (REGISTRY_ONLY, the connection is reset). One TCP access-log line per connection.
 */
import type { K8sObject } from '../../../contract.ts';
import { siteAt } from '../apps/internet/sites.ts';
import { runApp } from './appRuntime.ts';
import { lookupCluster, type UpstreamEndpoint } from './clusters.ts';
import { addressTarget, ENVOY_CONNECT_TIMEOUT_MS } from './deliver.ts';
import { hopMs, writeAccessLog, type MeshEnv } from './env.ts';
import { ephemeralPort } from './ids.ts';
import { hostMatches, serviceFqdn } from './names.ts';
import { servicePorts } from './objects.ts';
import { serviceEntryHosts, serviceEntryPorts } from './virtualHosts.ts';
import { isAbort, TransportFailure, type Address, type WireRequest, type WireResponse } from './wire.ts';
import { encrypted, rawRequest, rawResponse } from './packets.ts';

const TLS_PROTOCOLS = ['HTTPS', 'TLS', 'TCP'];

/** Approximate TLS overhead in bytes (handshake and records), for the TCP access log's byte counts. */
const TLS_BYTES_OUT = 517;
const TLS_BYTES_IN = 4_700;

function headerBytes(entries: [string, string][]): number {
  return entries.reduce((n, [k, v]) => n + k.length + v.length + 4, 0);
}

/** Opens TLS to `destination` with nothing in between and exchanges one HTTP request with what is there. */
export async function tlsDirect(
  env: MeshEnv,
  destination: Address,
  request: WireRequest,
  signal?: AbortSignal,
  from?: Address,
): Promise<WireResponse> {
  const tap = from && env.tap?.active ? env.tap : undefined;
  if (!tap || !from) return tlsExchange(env, destination, request, signal);
  tap.emit({
    atMs: env.clock.now(),
    src: from,
    dst: destination,
    payload: encrypted(rawRequest(request), env.random),
    encrypted: true,
  });
  const response = await tlsExchange(env, destination, request, signal);
  tap.emit({
    atMs: env.clock.now() + response.extraMs,
    src: destination,
    dst: from,
    payload: encrypted(rawResponse(response), env.random),
    encrypted: true,
  });
  return response;
}

async function tlsExchange(
  env: MeshEnv,
  destination: Address,
  request: WireRequest,
  signal?: AbortSignal,
): Promise<WireResponse> {
  const target = addressTarget(env, destination);
  if (target.kind === 'refused') throw new TransportFailure('refused');
  if (target.kind === 'unreachable') throw new TransportFailure('unreachable');
  if (target.kind === 'pod') {
    // Every app in the samples speaks plain HTTP: the TLS ClientHello gets an HTTP error back.
    if ((target.pod.status as { phase?: string } | undefined)?.phase !== 'Running')
      throw new TransportFailure('refused');
    throw new TransportFailure('tls-mismatch');
  }
  const site = siteAt(target.ip)!;
  if (target.port !== 443) throw new TransportFailure(target.port === 80 ? 'tls-mismatch' : 'unreachable');
  const response = await runApp(env, site.app, { name: site.host }, undefined, request, '203.0.113.45', true, signal);
  response.extraMs += hopMs(env, 40, 120);
  return response;
}

/** The TCP route a sidecar picks for a TLS connection to `destination` with `sni`. */
function tcpRoute(
  env: MeshEnv,
  namespace: string,
  destination: Address,
  sni: string,
): { cluster: string; endpoints: UpstreamEndpoint[] } | 'catchall' | 'blackhole' {
  const topology = env.topology();
  const svc = topology.serviceByClusterIp(destination.ip);
  if (svc && servicePorts(svc).some((p) => p.port === destination.port)) {
    const host = serviceFqdn(svc.metadata.name, svc.metadata.namespace ?? 'default');
    const found = lookupCluster(topology, { host, port: destination.port }, namespace, env.publicDns);
    return found.found ? { cluster: found.name, endpoints: found.endpoints } : 'blackhole';
  }
  for (const se of topology.all('ServiceEntry')) {
    if (!serviceEntryPorts(se).some((p) => p.number === destination.port && TLS_PROTOCOLS.includes(p.protocol)))
      continue;
    const host = serviceEntryHosts(se).find((h) => hostMatches(h, sni));
    if (!host) continue;
    const found = lookupCluster(topology, { host, port: destination.port }, namespace, env.publicDns);
    if (!found.found) continue;
    return {
      cluster: found.name,
      endpoints: found.originalDestination ? [{ ip: destination.ip, port: destination.port }] : found.endpoints,
    };
  }
  return 'catchall';
}

/** A TLS connection from an app in `pod` through its sidecar's outbound TCP proxy. */
export async function tlsThroughSidecar(
  env: MeshEnv,
  pod: K8sObject,
  podIpAddress: string,
  destination: Address,
  sni: string,
  request: WireRequest,
  signal?: AbortSignal,
): Promise<WireResponse> {
  const started = env.clock.now();
  const downstreamRemote = `${podIpAddress}:${ephemeralPort(env.random)}`;
  const settingsMode = env.settings(pod).outboundMode;
  const found = tcpRoute(env, pod.metadata.namespace ?? 'default', destination, sni);
  const route = found === 'catchall' ? (settingsMode === 'REGISTRY_ONLY' ? 'blackhole' : 'passthrough') : found;
  const base = {
    startMs: started,
    code: 0,
    downstreamLocal: `${destination.ip}:${destination.port}`,
    downstreamRemote,
    sni,
  };
  // No upstream: the connection is logged as UH and reset.
  const noUpstream = (upstreamCluster: string): never => {
    writeAccessLog(env, pod, { ...base, flags: 'UH', bytesReceived: 0, bytesSent: 0, durationMs: 0, upstreamCluster });
    throw new TransportFailure('reset');
  };
  if (route === 'blackhole') return noUpstream('BlackHoleCluster');
  const cluster = route === 'passthrough' ? 'PassthroughCluster' : route.cluster;
  const endpoints = route === 'passthrough' ? [{ ip: destination.ip, port: destination.port }] : route.endpoints;
  if (endpoints.length === 0) return noUpstream(cluster);
  const endpoint = endpoints[Math.floor(env.random.next() * endpoints.length)];
  const upstreamLocal = `${podIpAddress}:${ephemeralPort(env.random)}`;
  const upstreamHost = `${endpoint.ip}:${endpoint.port}`;
  const requestSize =
    TLS_BYTES_OUT +
    headerBytes(request.headers.entries) +
    request.method.length +
    request.path.length +
    Buffer.byteLength(request.body);
  try {
    const response = await tlsDirect(env, { ip: endpoint.ip, port: endpoint.port }, request, signal, {
      ip: podIpAddress,
      port: Number(upstreamLocal.split(':')[1]),
    });
    const duration = env.clock.now() - started + response.extraMs;
    writeAccessLog(env, pod, {
      ...base,
      flags: '-',
      bytesReceived: requestSize,
      bytesSent: TLS_BYTES_IN + headerBytes(response.headers.entries) + Buffer.byteLength(response.body),
      durationMs: duration,
      upstreamHost,
      upstreamCluster: cluster,
      upstreamLocal,
    });
    return response;
  } catch (error) {
    const duration = env.clock.now() - started;
    if (isAbort(error)) {
      writeAccessLog(env, pod, {
        ...base,
        flags: '-',
        bytesReceived: requestSize,
        bytesSent: 0,
        durationMs: duration,
        upstreamHost,
        upstreamCluster: cluster,
        upstreamLocal,
      });
      throw error;
    }
    if (error instanceof TransportFailure && error.kind === 'unreachable') {
      await env.clock.sleep(ENVOY_CONNECT_TIMEOUT_MS, signal);
      writeAccessLog(env, pod, {
        ...base,
        flags: 'UF',
        bytesReceived: 0,
        bytesSent: 0,
        durationMs: ENVOY_CONNECT_TIMEOUT_MS,
        upstreamHost,
        upstreamCluster: cluster,
        upstreamFailure: 'delayed_connect_error:_110',
      });
      throw new TransportFailure('reset');
    }
    if (error instanceof TransportFailure && error.kind === 'tls-mismatch') {
      writeAccessLog(env, pod, {
        ...base,
        flags: '-',
        bytesReceived: requestSize,
        bytesSent: 7,
        durationMs: duration,
        upstreamHost,
        upstreamCluster: cluster,
        upstreamLocal,
      });
      throw error;
    }
    writeAccessLog(env, pod, {
      ...base,
      flags: 'UF',
      bytesReceived: 0,
      bytesSent: 0,
      durationMs: duration,
      upstreamHost,
      upstreamCluster: cluster,
    });
    throw new TransportFailure('reset');
  }
}
