/**
 * Raw TCP through the mesh, as `nc` uses it: the client's bytes go out, the server's come back when both sides have
 * closed. A sidecar's outbound listener proxies TCP ports (and sniffed ports that carry no HTTP) with the `tcp`
 * rules of mesh VirtualServices (port, subnets, source labels; weighted destinations) or to the Service's own
 * cluster; a gateway's TCP servers route with the `tcp` rules of the VirtualServices bound to them; inbound
 * sidecars hand the bytes to the app from 127.0.0.6. Each proxy writes one TCP access-log line per connection.
 * HTTP written by hand over such a connection is parsed and served as HTTP where an HTTP listener would get it.
 */
import type { K8sObject } from '../../../contract.ts';
import type { PodEndpoint, SimTcpRequest, SimTcpResult } from '../types.ts';
import { appListeningOn } from '../apps/registry.ts';
import { siteAt } from '../apps/internet/sites.ts';
import { clusterName, type AccessLogEntry } from './accessLog.ts';
import { runApp } from './appRuntime.ts';
import { sidecarCaptures } from './capture.ts';
import { lookupCluster, type ClusterRef, type UpstreamEndpoint } from './clusters.ts';
import type { PeerTls } from './deliver.ts';
import { KIND_PORT_MAPPINGS, NODE_SNAT_IP, nodeAddresses } from './deliverOutside.ts';
import { resolveFromOutside, resolveFromPod } from './dns.ts';
import { hopMs, writeAccessLog, type MeshEnv } from './env.ts';
import { spiffeId } from './envoyHeaders.ts';
import { gatewayHttp, gatewayListenerPort, httpServersOnPort } from './gateway.ts';
import { ephemeralPort } from './ids.ts';
import { inboundHttp, INBOUND_PASSTHROUGH_IP } from './inbound.ts';
import { resolveConfigHost, serviceFqdn } from './names.ts';
import {
  containersOf,
  hasProxy,
  isGatewayPod,
  labelsOf,
  podIp,
  serviceAccountOf,
  servicePorts,
  statusOf,
  type ServicePortSpec,
} from './objects.ts';
import { outboundHttp } from './outbound.ts';
import { looksLikeHttp, parseRawRequest, serializeRawResponse } from './rawHttp.ts';
import { encrypted } from './packets.ts';
import { pickWeighted } from './routeRules.ts';
import { portProtocol, selectTcpRule } from './tcpRoutes.ts';
import { boundToServers, gatewayServersFor, MESH_GATEWAY, meshVirtualServicesFor } from './virtualHosts.ts';
import { isAbort, TransportFailure, type Address, type WireRequest, type WireResponse } from './wire.ts';

/** What one hop answered: the server's bytes, and time spent that was accounted rather than slept. */
interface TcpOutcome {
  reply: string;
  extraMs: number;
}

/** Envoy's answer when bytes that are not HTTP reach an HTTP listener. */
const BAD_REQUEST =
  'HTTP/1.1 400 Bad Request\r\ncontent-length: 11\r\ncontent-type: text/plain\r\nconnection: close\r\n\r\nBad Request';

function running(pod: K8sObject): boolean {
  return statusOf(pod).phase === 'Running' && !pod.metadata.deletionTimestamp;
}

/** Serves hand-written HTTP: an incomplete request head gets nothing back (the server is still waiting for it). */
async function httpOverTcp(data: string, send: (request: WireRequest) => Promise<WireResponse>): Promise<TcpOutcome> {
  const request = parseRawRequest(data);
  if (!request) return { reply: '', extraMs: 0 };
  const response = await send(request);
  return { reply: serializeRawResponse(response, request.protocol), extraMs: response.extraMs };
}

/** Where a connection to an address lands: a pod's port (through kube-proxy for cluster IPs and node ports), or a site. */
function connectionTarget(
  env: MeshEnv,
  destination: Address,
): { pod: K8sObject; port: number; via?: 'nodePort' } | { site: string; port: number } {
  const topology = env.topology();
  const pick = (svc: K8sObject, port: ServicePortSpec) => {
    const endpoints = topology.serviceEndpoints(svc, port);
    // kube-proxy rejects connections to a Service without endpoints.
    if (endpoints.length === 0) throw new TransportFailure('refused');
    return endpoints[Math.floor(env.random.next() * endpoints.length)]!;
  };
  const svc = topology.serviceByClusterIp(destination.ip);
  if (svc) {
    const port = servicePorts(svc).find((p) => p.port === destination.port);
    if (!port) throw new TransportFailure('refused');
    const chosen = pick(svc, port);
    return { pod: chosen.pod, port: chosen.port };
  }
  // kube-proxy's node-port rules come before anything listening on the node itself (host-network pods share its IP).
  if (nodeAddresses(env.cluster).includes(destination.ip)) {
    for (const nodeSvc of topology.services()) {
      const port = servicePorts(nodeSvc).find((p) => p.nodePort === destination.port);
      if (!port) continue;
      const chosen = pick(nodeSvc, port);
      return { pod: chosen.pod, port: chosen.port, via: 'nodePort' };
    }
  }
  const pod = topology.podByIp(destination.ip);
  if (pod) return { pod, port: destination.port };
  const site = siteAt(destination.ip);
  if (site) return { site: site.host, port: destination.port };
  throw new TransportFailure('unreachable');
}

/** Opens a connection from `source` to `destination` and exchanges `data`. Throws TransportFailure when none is made. */
export async function deliverTcp(
  env: MeshEnv,
  source: Address,
  destination: Address,
  data: string,
  tls: PeerTls | undefined,
  signal: AbortSignal | undefined,
): Promise<TcpOutcome> {
  const tap = env.tap?.active ? env.tap : undefined;
  if (!tap) return deliverTcpOnce(env, source, destination, data, tls, signal);
  const wire = (text: string) => (tls ? encrypted(text, env.random) : text);
  if (data) tap.emit({ atMs: env.clock.now(), src: source, dst: destination, payload: wire(data), encrypted: !!tls });
  const outcome = await deliverTcpOnce(env, source, destination, data, tls, signal);
  if (outcome.reply)
    tap.emit({
      atMs: env.clock.now() + outcome.extraMs,
      src: destination,
      dst: source,
      payload: wire(outcome.reply),
      encrypted: !!tls,
    });
  return outcome;
}

async function deliverTcpOnce(
  env: MeshEnv,
  source: Address,
  destination: Address,
  data: string,
  tls: PeerTls | undefined,
  signal: AbortSignal | undefined,
): Promise<TcpOutcome> {
  const target = connectionTarget(env, destination);
  if ('site' in target) {
    const site = siteAt(destination.ip)!;
    if (target.port !== 80) throw new TransportFailure(target.port === 443 ? 'reset' : 'unreachable');
    const outcome = await httpOverTcp(data, (request) =>
      runApp(env, site.app, { name: site.host }, undefined, request, '203.0.113.45', false, signal),
    );
    return { reply: outcome.reply, extraMs: outcome.extraMs + hopMs(env, 15, 60) };
  }
  const { pod, port } = target;
  if (!running(pod)) throw new TransportFailure('refused');
  const from = target.via === 'nodePort' ? { ip: NODE_SNAT_IP, port: ephemeralPort(env.random) } : source;
  const local = { ip: podIp(pod) ?? destination.ip, port };
  if (isGatewayPod(pod)) return gatewayTcp(env, pod, port, data, { remote: from, local }, signal);
  if (hasProxy(pod)) return inboundTcp(env, pod, port, data, { remote: from, local }, tls, signal);
  return appStream(env, pod, port, data, from.ip, signal);
}

/** The app in `pod` listening on `port` gets the bytes: a TCP server answers them, an HTTP server parses them. */
async function appStream(
  env: MeshEnv,
  pod: K8sObject,
  port: number,
  data: string,
  peerIp: string,
  signal: AbortSignal | undefined,
): Promise<TcpOutcome> {
  const found = appListeningOn(containersOf(pod), port);
  if (!found) throw new TransportFailure('refused');
  const { app, container } = found;
  if (app.stream) {
    const ns = pod.metadata.namespace ?? 'default';
    const reply = await app.stream(data, port, {
      clock: env.clock,
      random: env.random,
      pod,
      container,
      log: (text) => env.cluster.logs.append(ns, pod.metadata.name, container.name, text),
      call: () => Promise.reject(new Error('a TCP server makes no calls')),
      ...(signal ? { signal } : {}),
    });
    return { reply, extraMs: hopMs(env, 0, 1) };
  }
  if (!looksLikeHttp(data)) return { reply: '', extraMs: 0 };
  return httpOverTcp(data, (request) => runApp(env, app, container, pod, request, peerIp, false, signal));
}

function tcpLog(
  env: MeshEnv,
  pod: K8sObject,
  started: number,
  fields: Omit<AccessLogEntry, 'startMs' | 'code' | 'bytesReceived' | 'bytesSent' | 'durationMs'>,
  sent: string,
  received: string,
  extraMs: number,
): void {
  writeAccessLog(env, pod, {
    startMs: started,
    code: 0,
    flags: '-',
    bytesReceived: Buffer.byteLength(sent),
    bytesSent: Buffer.byteLength(received),
    durationMs: env.clock.now() - started + extraMs,
    ...fields,
  });
}

/** The server-side sidecar: HTTP to HTTP apps, everything else passed through to the app from 127.0.0.6. */
async function inboundTcp(
  env: MeshEnv,
  pod: K8sObject,
  port: number,
  data: string,
  conn: { remote: Address; local: Address },
  tls: PeerTls | undefined,
  signal: AbortSignal | undefined,
): Promise<TcpOutcome> {
  const found = appListeningOn(containersOf(pod), port);
  if (found && !found.app.stream && looksLikeHttp(data))
    return httpOverTcp(data, (request) => inboundHttp(env, pod, port, request, conn, tls, signal));
  const started = env.clock.now();
  const base = {
    upstreamCluster: clusterName('inbound', port, undefined, ''),
    downstreamLocal: `${conn.local.ip}:${conn.local.port}`,
    downstreamRemote: `${conn.remote.ip}:${conn.remote.port}`,
    sni: tls?.sni,
  };
  try {
    const outcome = await appStream(env, pod, port, data, INBOUND_PASSTHROUGH_IP, signal);
    const upstream = {
      upstreamHost: `${conn.local.ip}:${port}`,
      upstreamLocal: `${INBOUND_PASSTHROUGH_IP}:${ephemeralPort(env.random)}`,
    };
    tcpLog(env, pod, started, { ...base, ...upstream }, data, outcome.reply, outcome.extraMs);
    return { reply: outcome.reply, extraMs: outcome.extraMs + hopMs(env) };
  } catch (error) {
    if (!(error instanceof TransportFailure)) throw error;
    // Envoy accepted the connection; the app refused it: the client sees its connection closed.
    tcpLog(env, pod, started, { ...base, flags: 'UF', upstreamHost: `${conn.local.ip}:${port}` }, '', '', 0);
    return { reply: '', extraMs: 0 };
  }
}

/** Picks an endpoint of a cluster and proxies the connection to it, with auto mTLS to sidecars. */
async function proxyToEndpoints(
  env: MeshEnv,
  proxyIp: string,
  endpoints: UpstreamEndpoint[],
  sni: string | undefined,
  clientSpiffe: string | undefined,
  data: string,
  signal: AbortSignal | undefined,
): Promise<{ outcome: TcpOutcome; upstreamHost: string; upstreamLocal: string } | { failed: string }> {
  const endpoint = endpoints[Math.floor(env.random.next() * endpoints.length)]!;
  const upstreamHost = `${endpoint.ip}:${endpoint.port}`;
  const upstreamLocal = `${proxyIp}:${ephemeralPort(env.random)}`;
  const targetPod = endpoint.pod ?? env.topology().podByIp(endpoint.ip);
  const tls = targetPod && hasProxy(targetPod) && sni && clientSpiffe ? { clientSpiffe, sni } : undefined;
  try {
    const outcome = await deliverTcp(
      env,
      { ip: proxyIp, port: Number(upstreamLocal.split(':')[1]) },
      { ip: endpoint.ip, port: endpoint.port },
      data,
      tls,
      signal,
    );
    return { outcome, upstreamHost, upstreamLocal };
  } catch (error) {
    if (error instanceof TransportFailure) return { failed: upstreamHost };
    throw error;
  }
}

/** A TCP route's destination as a cluster reference (short hosts resolve in the VirtualService's namespace). */
function tcpClusterRef(
  destination: { host: string; subset?: string; port?: { number?: number } },
  namespace: string,
  fallbackPort: number,
): ClusterRef {
  return {
    host: resolveConfigHost(destination.host, namespace),
    port: destination.port?.number ?? fallbackPort,
    subset: destination.subset,
  };
}

/** A gateway pod's TCP listener: the `tcp` rules of VirtualServices bound to its TCP servers on this port. */
export async function gatewayTcp(
  env: MeshEnv,
  pod: K8sObject,
  port: number,
  data: string,
  conn: { remote: Address; local: Address },
  signal: AbortSignal | undefined,
): Promise<TcpOutcome> {
  const topology = env.topology();
  const tcpServers = gatewayServersFor(topology, pod).filter(
    (s) => gatewayListenerPort(topology, pod, s.port) === port && (s.protocol === 'TCP' || s.protocol === 'MONGO'),
  );
  if (tcpServers.length === 0) {
    if (httpServersOnPort(topology, pod, port).length === 0) throw new TransportFailure('refused');
    if (!looksLikeHttp(data)) return { reply: BAD_REQUEST, extraMs: 0 };
    return httpOverTcp(data, (request) => gatewayHttp(env, pod, port, request, conn, signal));
  }
  const ns = pod.metadata.namespace ?? 'default';
  const serverPort = tcpServers[0]!.port;
  const bound = topology
    .all('VirtualService')
    .filter((vs) => boundToServers(vs, tcpServers))
    .sort((a, b) => String(a.metadata.creationTimestamp).localeCompare(String(b.metadata.creationTimestamp)));
  const selected = selectTcpRule(bound, {
    destinationIp: conn.local.ip,
    source: {
      labels: labelsOf(pod),
      namespace: ns,
      port: serverPort,
      gateways: [...new Set(tcpServers.map((s) => s.gatewayRef))],
    },
  });
  // Istio builds no filter chain for a TCP server that no route uses: nothing listens.
  const routes = selected?.rule.route ?? [];
  if (!selected || routes.length === 0) throw new TransportFailure('refused');
  const chosen = routes[pickWeighted(routes, env.random)]!;
  const ref = tcpClusterRef(chosen.destination, selected.namespace, serverPort);
  return proxyThroughCluster(env, pod, conn.local.ip, ref, data, conn, undefined, signal);
}

/** Proxies a connection to a cluster and writes the proxy's TCP log line; no endpoint means the connection closes. */
async function proxyThroughCluster(
  env: MeshEnv,
  pod: K8sObject,
  proxyIp: string,
  ref: ClusterRef,
  data: string,
  conn: { remote: Address; local: Address },
  sni: string | undefined,
  signal: AbortSignal | undefined,
): Promise<TcpOutcome> {
  const started = env.clock.now();
  const ns = pod.metadata.namespace ?? 'default';
  const cluster = lookupCluster(env.topology(), ref, ns, env.publicDns);
  const base = {
    downstreamLocal: `${conn.local.ip}:${conn.local.port}`,
    downstreamRemote: `${conn.remote.ip}:${conn.remote.port}`,
    sni,
    upstreamCluster: cluster.name,
  };
  const endpoints = cluster.found
    ? cluster.originalDestination
      ? [{ ip: conn.local.ip, port: conn.local.port }]
      : cluster.endpoints
    : [];
  if (endpoints.length === 0) {
    tcpLog(env, pod, started, { ...base, flags: cluster.found ? 'UH' : 'NC' }, '', '', 0);
    return { reply: '', extraMs: 0 };
  }
  const spiffe = spiffeId(ns, serviceAccountOf(pod));
  const mtlsSni = `outbound_.${ref.port}_.${ref.subset ?? ''}_.${ref.host}`;
  const sent = await proxyToEndpoints(env, proxyIp, endpoints, mtlsSni, spiffe, data, signal);
  if ('failed' in sent) {
    tcpLog(env, pod, started, { ...base, flags: 'UF', upstreamHost: sent.failed }, '', '', 0);
    return { reply: '', extraMs: 0 };
  }
  const { outcome, upstreamHost, upstreamLocal } = sent;
  tcpLog(env, pod, started, { ...base, upstreamHost, upstreamLocal }, data, outcome.reply, outcome.extraMs);
  return { reply: outcome.reply, extraMs: outcome.extraMs + hopMs(env) };
}

/** The client-side sidecar's outbound listener for a dialled address. */
export async function outboundTcp(
  env: MeshEnv,
  pod: K8sObject,
  podIpAddress: string,
  destination: Address,
  data: string,
  signal: AbortSignal | undefined,
): Promise<TcpOutcome> {
  const topology = env.topology();
  const ns = pod.metadata.namespace ?? 'default';
  const conn = { remote: { ip: podIpAddress, port: ephemeralPort(env.random) }, local: destination };
  const svc = topology.serviceByClusterIp(destination.ip);
  const svcPort = svc ? servicePorts(svc).find((p) => p.port === destination.port) : undefined;
  const protocol = svcPort ? portProtocol(svcPort) : looksLikeHttp(data) ? 'SNIFF' : 'TCP';
  // An HTTP listener (declared, or sniffed from the first bytes) parses what comes.
  if (protocol === 'HTTP' || (protocol === 'SNIFF' && looksLikeHttp(data))) {
    if (!looksLikeHttp(data))
      return { reply: BAD_REQUEST.replace('\r\n\r\n', '\r\nserver: envoy\r\n\r\n'), extraMs: 0 };
    return httpOverTcp(data, (request) => outboundHttp(env, pod, podIpAddress, request, destination, signal));
  }
  if (svc && svcPort) {
    const host = serviceFqdn(svc.metadata.name, svc.metadata.namespace ?? 'default');
    const selected = selectTcpRule(meshVirtualServicesFor(topology, host), {
      destinationIp: destination.ip,
      source: { labels: labelsOf(pod), namespace: ns, port: destination.port, gateways: [MESH_GATEWAY] },
    });
    const routes = selected?.rule.route ?? [];
    const ref =
      selected && routes.length > 0
        ? tcpClusterRef(routes[pickWeighted(routes, env.random)]!.destination, selected.namespace, destination.port)
        : { host, port: destination.port };
    return proxyThroughCluster(env, pod, podIpAddress, ref, data, conn, undefined, signal);
  }
  // Nothing registered at this address: the catch-all cluster.
  const started = env.clock.now();
  const base = {
    downstreamLocal: `${destination.ip}:${destination.port}`,
    downstreamRemote: `${conn.remote.ip}:${conn.remote.port}`,
  };
  if (env.settings(pod).outboundMode === 'REGISTRY_ONLY') {
    tcpLog(env, pod, started, { ...base, flags: 'UH', upstreamCluster: 'BlackHoleCluster' }, '', '', 0);
    return { reply: '', extraMs: 0 };
  }
  const upstreamLocal = `${podIpAddress}:${ephemeralPort(env.random)}`;
  try {
    const outcome = await deliverTcp(env, { ip: podIpAddress, port: 0 }, destination, data, undefined, signal);
    const upstream = { upstreamHost: `${destination.ip}:${destination.port}`, upstreamLocal };
    tcpLog(
      env,
      pod,
      started,
      { ...base, ...upstream, upstreamCluster: 'PassthroughCluster' },
      data,
      outcome.reply,
      outcome.extraMs,
    );
    return outcome;
  } catch (error) {
    if (!(error instanceof TransportFailure)) throw error;
    const upstream = { upstreamHost: `${destination.ip}:${destination.port}`, upstreamCluster: 'PassthroughCluster' };
    tcpLog(env, pod, started, { ...base, ...upstream, flags: 'UF' }, '', '', 0);
    return { reply: '', extraMs: 0 };
  }
}

function failed(error: SimTcpResult['error'], ip: string | undefined, durationMs: number): SimTcpResult {
  return { reply: '', error, ...(ip ? { ip } : {}), durationMs };
}

/** Runs an exchange, mapping transport failures and the client's connect timeout to results. */
async function exchange(
  env: MeshEnv,
  request: SimTcpRequest,
  ip: string,
  send: (destination: Address) => Promise<TcpOutcome>,
  signal: AbortSignal | undefined,
): Promise<SimTcpResult> {
  const started = env.clock.now();
  try {
    const outcome = await send({ ip, port: request.port });
    return { reply: outcome.reply, ip, durationMs: env.clock.now() - started + outcome.extraMs };
  } catch (error) {
    if (isAbort(error)) throw error;
    if (!(error instanceof TransportFailure)) throw error;
    if (error.kind === 'unreachable') {
      // SYNs to a black hole: the client waits for its own limit, or the kernel's.
      const limit = request.connectTimeoutMs ?? 130_000;
      await env.clock.sleep(limit, signal);
      return failed(request.connectTimeoutMs !== undefined ? 'timeout' : 'unreachable', ip, limit);
    }
    return failed(error.kind === 'refused' ? 'refused' : 'reset', ip, env.clock.now() - started);
  }
}

/** A connection from a process in a pod: through its sidecar when it captures the address. */
export async function connectFromPod(
  env: MeshEnv,
  from: PodEndpoint,
  request: SimTcpRequest,
  signal?: AbortSignal,
): Promise<SimTcpResult> {
  const pod = env.cluster.get('Pod', from.namespace, from.pod);
  const ip = pod ? podIp(pod) : undefined;
  if (!pod || !ip) return failed('refused', undefined, 0);
  const ips = resolveFromPod(env.topology(), request.host, from.namespace);
  if (!ips?.length) return failed('dns', undefined, 0);
  return exchange(
    env,
    request,
    ips[0]!,
    (destination) => {
      if (destination.ip.startsWith('127.'))
        return appStream(env, pod, destination.port, request.data, '127.0.0.1', signal);
      if (sidecarCaptures(pod, destination.ip)) return outboundTcp(env, pod, ip, destination, request.data, signal);
      return deliverTcp(env, { ip, port: ephemeralPort(env.random) }, destination, request.data, undefined, signal);
    },
    signal,
  );
}

/** A connection from the learner's machine: kind's port mappings on 127.0.0.1 and the node's ports. */
export async function connectFromOutside(
  env: MeshEnv,
  request: SimTcpRequest,
  signal?: AbortSignal,
): Promise<SimTcpResult> {
  const ips = resolveFromOutside(request.host);
  if (!ips?.length) return failed('dns', undefined, 0);
  return exchange(
    env,
    request,
    ips[0]!,
    (destination) => {
      let target = destination;
      if (destination.ip.startsWith('127.')) {
        const nodePort = KIND_PORT_MAPPINGS.get(destination.port);
        if (nodePort === undefined) throw new TransportFailure('refused');
        target = { ip: nodeAddresses(env.cluster)[0]!, port: nodePort };
      }
      if (!nodeAddresses(env.cluster).includes(target.ip)) throw new TransportFailure('unreachable');
      return deliverTcp(
        env,
        { ip: '172.18.0.1', port: ephemeralPort(env.random) },
        target,
        request.data,
        undefined,
        signal,
      );
    },
    signal,
  );
}
