/** The headers Istio's Envoys add to requests: request id, trace context, XFCC, peer metadata, forwarding info. */
import { createHash } from 'node:crypto';
import type { RandomSource } from '../types.ts';
import { hex, uuid } from './ids.ts';
import type { ProxyInfo } from './env.ts';
import { podIp, labelsOf } from './objects.ts';
import type { TraceContext } from './meshConfig.ts';
import { HeaderList, type WireRequest } from './wire.ts';
import { isPrivateIp } from './cidr.ts';

/** Sets `x-request-id` when absent and `x-forwarded-proto` as Envoy does at the first proxy. */
export function ensureRequestId(request: WireRequest, random: RandomSource): void {
  // `add` where `set` would find nothing to replace: the same list, one scan fewer (every proxy of every hop).
  if (!request.headers.has('x-request-id')) request.headers.add('x-request-id', uuid(random));
  if (!request.headers.has('x-forwarded-proto')) request.headers.add('x-forwarded-proto', request.scheme);
}

/**
 * Starts a span when the proxy has a tracer (none by default since Istio 1.22): a new root trace when there is none,
 * else a child span of the incoming one. Zipkin propagates B3 (128-bit trace ids), OpenTelemetry W3C `traceparent`.
 */
export function startSpan(request: WireRequest, random: RandomSource, tracing: TraceContext | undefined): void {
  if (tracing === 'w3c') {
    const incoming = /^00-([0-9a-f]{32})-[0-9a-f]{16}-([0-9a-f]{2})$/.exec(request.headers.get('traceparent') ?? '');
    request.headers.set(
      'traceparent',
      `00-${incoming?.[1] ?? hex(random, 32)}-${hex(random, 16)}-${incoming?.[2] ?? '01'}`,
    );
    return;
  }
  if (tracing !== 'b3') return;
  const trace = request.headers.get('x-b3-traceid');
  if (!trace) {
    const traceId = hex(random, 32);
    request.headers.set('x-b3-traceid', traceId);
    request.headers.set('x-b3-spanid', traceId.slice(16));
    request.headers.set('x-b3-sampled', '1');
    return;
  }
  const parent = request.headers.get('x-b3-spanid');
  if (parent) request.headers.set('x-b3-parentspanid', parent);
  request.headers.set('x-b3-spanid', hex(random, 16));
  if (!request.headers.has('x-b3-sampled')) request.headers.set('x-b3-sampled', '1');
}

/** The SPIFFE identity of a pod's service account. */
export function spiffeId(namespace: string, serviceAccount: string): string {
  return `spiffe://cluster.local/ns/${namespace}/sa/${serviceAccount}`;
}

/** The client certificate's hash per identity: a pure function of it, kept (boundedly) instead of hashed per request. */
const certificateHashes = new Map<string, string>();

/** `X-Forwarded-Client-Cert` as the server's sidecar sets it after an mTLS handshake. */
export function xfcc(serverSpiffe: string, clientSpiffe: string): string {
  let hash = certificateHashes.get(clientSpiffe);
  if (hash === undefined) {
    if (certificateHashes.size >= 1000) certificateHashes.clear();
    hash = createHash('sha256').update(`cert:${clientSpiffe}`).digest('hex');
    certificateHashes.set(clientSpiffe, hash);
  }
  return `By=${serverSpiffe};Hash=${hash};Subject="";URI=${clientSpiffe}`;
}

/** Encoded peer metadata per workload (a pure function of it), kept boundedly instead of encoded per request. */
const peerMetadata = new Map<string, string>();

/** The metadata-exchange header values of a proxy: a function of its pod (the router keeps them per configuration). */
export interface PeerMetadata {
  metadata: string;
  id: string;
  /** The two headers, made once: every request the proxy sends carries them. */
  pairs: readonly [readonly [string, string], readonly [string, string]];
}

/** Metadata-exchange headers the client Envoy sends (the server's sidecar consumes and removes them). */
export function addPeerMetadata(
  request: WireRequest,
  proxy: ProxyInfo,
  values: PeerMetadata = peerMetadataOf(proxy),
): void {
  request.headers.setPair(values.pairs[0]);
  request.headers.setPair(values.pairs[1]);
}

/** Computes a proxy's metadata-exchange header values. */
export function peerMetadataOf(proxy: ProxyInfo): PeerMetadata {
  const labels = labelsOf(proxy.pod);
  const workload = labels.app ?? proxy.pod.metadata.name;
  const meta =
    `\n\x1aNAMESPACE\x12\x07${proxy.namespace}\n\x0fWORKLOAD_NAME\x12\x05` +
    `${workload}\n\x04NAME\x12\x05${proxy.pod.metadata.name}`;
  let encoded = peerMetadata.get(meta);
  if (encoded === undefined) {
    if (peerMetadata.size >= 1000) peerMetadata.clear();
    encoded = Buffer.from(meta, 'latin1').toString('base64');
    peerMetadata.set(meta, encoded);
  }
  const kind = proxy.kind === 'gateway' ? 'router' : 'sidecar';
  const id = `${kind}~${podIp(proxy.pod) ?? proxy.ip}~${proxy.pod.metadata.name}.${proxy.namespace}~${proxy.namespace}.svc.cluster.local`;
  return {
    metadata: encoded,
    id,
    pairs: [
      ['x-envoy-peer-metadata', encoded],
      ['x-envoy-peer-metadata-id', id],
    ],
  };
}

/** What a gateway (use_remote_address: true) adds: the peer to X-Forwarded-For, and X-Envoy-Internal for private peers. */
export function addGatewayForwarding(request: WireRequest, remoteIp: string): void {
  const xff = request.headers.get('x-forwarded-for');
  request.headers.set('x-forwarded-for', xff ? `${xff},${remoteIp}` : remoteIp);
  if (isPrivateIp(remoteIp)) request.headers.set('x-envoy-internal', 'true');
  else request.headers.remove('x-envoy-internal');
}

/** Headers the inbound sidecar strips before the app sees the request. */
/** Hop-by-hop headers: they end at the proxy. */
export const HOP_BY_HOP: readonly string[] = [
  'connection',
  'keep-alive',
  'transfer-encoding',
  'upgrade',
  'proxy-connection',
];

export const INBOUND_STRIPPED = ['x-envoy-decorator-operation', 'x-envoy-peer-metadata', 'x-envoy-peer-metadata-id'];

/** `server` pairs by value: a pair is never edited once in a list, so every response an Envoy stamps shares one. */
const serverPairs = new Map<string, [string, string]>();

/**
 * What an Envoy sends downstream for a response's `headers`: names in lower case, hop-by-hop headers dropped,
 * `server: <server>` then every `date` first, the rest in order, and `x-envoy-upstream-service-time: <serviceTime>`
 * last (dropped when undefined). The list lower-casing, removing, setting, adding and moving in turn would give, made
 * as one new list instead of four: a response crosses every proxy of its path, and each stamps it.
 */
export function downstreamHeaders(headers: HeaderList, server: string, serviceTime: string | undefined): HeaderList {
  let serverPair = serverPairs.get(server);
  if (serverPair === undefined) {
    if (serverPairs.size >= 100) serverPairs.clear();
    serverPair = ['server', server];
    serverPairs.set(server, serverPair);
  }
  const entries = headers.entries;
  const out: [string, string][] = [serverPair];
  // Two indexed passes (the dates, then the rest): no insertion in the middle, no iterator.
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    if (entry[0].length === 4 && entry[0].toLowerCase() === 'date') out.push(lowerPair(entry));
  }
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    const lower = entry[0].toLowerCase();
    if (lower === 'date' || lower === 'server' || lower === 'x-envoy-upstream-service-time') continue;
    if (HOP_BY_HOP.includes(lower)) continue;
    out.push(lower === entry[0] ? entry : [lower, entry[1]]);
  }
  if (serviceTime !== undefined) out.push(['x-envoy-upstream-service-time', serviceTime]);
  const list = new HeaderList();
  list.entries = out;
  return list;
}

/** The pair with its name in lower case: itself when it already is (pairs are shared, never edited). */
function lowerPair(entry: [string, string]): [string, string] {
  const lower = entry[0].toLowerCase();
  return lower === entry[0] ? entry : [lower, entry[1]];
}
