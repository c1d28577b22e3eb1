/**
 * Where requests start: a process in a pod (curl, an app's client) or the learner's machine. Resolves the name,
 * decides whether the pod's sidecar captures the connection, runs the exchange within curl's time limits, and
 * reports failures in curl's terms.
 */
import type { PodEndpoint, SimHttpRequest, SimHttpResponse } from '../types.ts';
import { deliverHttp } from './deliver.ts';
import { deliverToPodAddressForOutside } from './deliverOutside.ts';
import type { MeshEnv } from './env.ts';
import { resolveFromOutside, resolveFromPod } from './dns.ts';
import { capturesWith } from './capture.ts';
import { outboundHttp } from './outbound.ts';
import { tlsDirect, tlsThroughSidecar } from './tls.ts';
import { ephemeralPort } from './ids.ts';
import { podIp } from './objects.ts';
import { TIMED_OUT, withTimeout } from './timeouts.ts';
import {
  HeaderList,
  reasonPhrase,
  TransportFailure,
  type Address,
  type WireRequest,
  type WireResponse,
} from './wire.ts';

/** How long Linux keeps retrying a SYN to a black hole before curl gives up (tcp_syn_retries = 6). */
export const KERNEL_CONNECT_TIMEOUT_MS = 130_000;

/** A parsed request target. */
interface Target {
  scheme: 'http' | 'https';
  host: string;
  port: number;
  path: string;
}

/** Parsed URLs: the same few are requested over and over (a check sends hundreds of one). Read-only once made. */
const targets = new Map<string, Target | { error: SimHttpResponse['error'] }>();

function parseTarget(url: string): Target | { error: SimHttpResponse['error'] } {
  let target = targets.get(url);
  if (target === undefined) {
    if (targets.size >= 1000) targets.clear();
    target = parseUrl(url);
    targets.set(url, target);
  }
  return target;
}

function parseUrl(url: string): Target | { error: SimHttpResponse['error'] } {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { error: { curlExitCode: 3, message: 'URL rejected: Malformed input to a URL function' } };
  }
  const scheme = parsed.protocol.replace(/:$/, '');
  if (scheme !== 'http' && scheme !== 'https')
    return { error: { curlExitCode: 1, message: `Protocol "${scheme}" not supported` } };
  const host = parsed.hostname.replace(/^\[|\]$/g, '');
  const port = parsed.port ? Number(parsed.port) : scheme === 'https' ? 443 : 80;
  return { scheme, host, port, path: `${parsed.pathname || '/'}${parsed.search}` };
}

function failure(code: number, message: string, durationMs: number, connectLog: string[]): SimHttpResponse {
  return {
    status: 0,
    statusText: '',
    httpVersion: '1.1',
    headers: [],
    body: '',
    durationMs,
    connectLog,
    error: { curlExitCode: code, message },
  };
}

function toSimResponse(
  response: WireResponse,
  request: WireRequest,
  durationMs: number,
  connectLog: string[],
): SimHttpResponse {
  const h2 = request.protocol === 'HTTP/2';
  const headers = h2 ? response.headers.lowercased().entries : response.headers.entries;
  return {
    status: response.status,
    statusText: reasonPhrase(response.status),
    httpVersion: h2 ? '2' : '1.1',
    // Copies of the pairs: what leaves the simulator is the caller's to change.
    headers: headers.map((pair) => [pair[0], pair[1]]),
    body: request.method.toUpperCase() === 'HEAD' ? '' : response.body,
    durationMs,
    connectLog,
  };
}

function wireRequest(request: SimHttpRequest, target: Target): WireRequest {
  const headers = new HeaderList(request.headers);
  const host =
    headers.get('host') ??
    (target.port === (target.scheme === 'https' ? 443 : 80) ? target.host : `${target.host}:${target.port}`);
  headers.remove('host');
  const h2 = target.scheme === 'https' && request.httpVersion !== '1.1';
  return {
    method: request.method,
    path: target.path,
    authority: host,
    scheme: target.scheme,
    protocol: h2 ? 'HTTP/2' : 'HTTP/1.1',
    headers,
    body: request.body,
  };
}

function connectLines(target: Target, ips: string[] | undefined, ip: string): string[] {
  const lines: string[] = [];
  if (ips && ips[0] !== target.host)
    lines.push(`* Host ${target.host}:${target.port} was resolved.`, '* IPv6: (none)', `* IPv4: ${ips.join(', ')}`);
  lines.push(`*   Trying ${ip}:${target.port}...`);
  return lines;
}

function tlsLines(h2: boolean): string[] {
  return [
    `* ALPN: curl offers ${h2 ? 'h2,http/1.1' : 'http/1.1'}`,
    '* TLSv1.3 (OUT), TLS handshake, Client hello (1):',
    '*  CAfile: /etc/ssl/certs/ca-certificates.crt',
    '*  CApath: /etc/ssl/certs',
  ];
}

/** A proxy's answer to CONNECT that was not 2xx: curl gives up with exit code 56. */
class TunnelRefused extends Error {
  readonly status: number;
  constructor(status: number) {
    super(`CONNECT tunnel failed, response ${status}`);
    this.status = status;
  }
}

/** Where curl opens its connection: the target itself, or the proxy (`-x`). */
interface ConnectTo {
  host: string;
  port: number;
  ips: string[] | undefined;
  proxy?: string;
}

/** The addresses for `host:port`: a matching `--resolve` entry first, else `dns`. */
function lookup(
  request: SimHttpRequest,
  host: string,
  port: number,
  dns: (name: string) => string[] | undefined,
): string[] | undefined {
  const pinned = request.resolve?.find(
    (r) => (r.host === '*' || r.host.toLowerCase() === host.toLowerCase()) && r.port === port,
  );
  return pinned ? pinned.addresses : dns(host);
}

/** Where the connection goes for `target`, through `request.proxy` if there is one. */
function connectTarget(
  request: SimHttpRequest,
  target: Target,
  dns: (name: string) => string[] | undefined,
): ConnectTo {
  const proxy = request.proxy;
  if (!proxy) return { host: target.host, port: target.port, ips: lookup(request, target.host, target.port, dns) };
  return { host: proxy.host, port: proxy.port, ips: lookup(request, proxy.host, proxy.port, dns), proxy: proxy.host };
}

/** The CONNECT request curl sends a proxy to tunnel https to `target`. */
function connectRequest(target: Target, wire: WireRequest): WireRequest {
  const authority = `${target.host}:${target.port}`;
  const headers = new HeaderList([
    ['User-Agent', wire.headers.get('user-agent') ?? 'curl/8.16.0'],
    ['Proxy-Connection', 'Keep-Alive'],
  ]);
  return { method: 'CONNECT', path: authority, authority, scheme: 'http', protocol: 'HTTP/1.1', headers, body: '' };
}

/** Runs an exchange under curl's limits and maps transport failures to curl's exit codes and messages. */
async function exchange(
  env: MeshEnv,
  request: SimHttpRequest,
  target: Target,
  connect: ConnectTo,
  send: (wire: WireRequest, destination: Address, signal: AbortSignal | undefined) => Promise<WireResponse>,
  signal: AbortSignal | undefined,
): Promise<SimHttpResponse> {
  const started = env.clock.now();
  const wire = wireRequest(request, target);
  const ips = connect.ips;
  if (!ips || ips.length === 0)
    return connect.proxy
      ? failure(5, `Could not resolve proxy: ${connect.proxy}`, 0, [])
      : failure(6, `Could not resolve host: ${target.host}`, 0, []);
  const ip = ips[0]!;
  const tls = target.scheme === 'https';
  // The lines up to `Trying` are a function of where curl connects (the name, port and addresses): made once per
  // configuration view, copied for this request's own lines to follow.
  const addresses = ips.length === 1 ? ip : ips.join(',');
  const log = env
    .topology()
    .memoBy('connectLines', connect.host, connect.port, addresses, undefined, () =>
      connectLines({ ...target, host: connect.host, port: connect.port }, ips, ip),
    )
    .slice();
  const via = connect.proxy ? `via ${connect.proxy} ` : '';
  // Only a black-holed address keeps curl in the connect phase; everything else answers or refuses at once.
  let connecting = false;
  const run = async (s: AbortSignal | undefined): Promise<SimHttpResponse> => {
    try {
      const response = await send(wire, { ip, port: connect.port }, s);
      log.push(`* Connected to ${connect.host} (${ip}) port ${connect.port}`);
      if (tls)
        log.push(
          ...tlsLines(wire.protocol === 'HTTP/2'),
          `* SSL connection using TLSv1.3 / TLS_AES_256_GCM_SHA384 / x25519 / id-ecPublicKey`,
          `* ALPN: server accepted ${wire.protocol === 'HTTP/2' ? 'h2' : 'http/1.1'}`,
        );
      // The simulated internet's certificates chain to public roots: only the system bundle knows them.
      if (tls && request.tls?.trust === 'custom' && !request.tls.insecure)
        return failure(
          60,
          'SSL certificate problem: unable to get local issuer certificate',
          env.clock.now() - started,
          log,
        );
      return toSimResponse(response, wire, env.clock.now() - started + response.extraMs, log);
    } catch (error) {
      if (error instanceof TunnelRefused) return failure(56, error.message, env.clock.now() - started, log);
      if (!(error instanceof TransportFailure)) throw error;
      const elapsed = () => env.clock.now() - started;
      switch (error.kind) {
        case 'refused':
          return failure(
            7,
            `Failed to connect to ${target.host} port ${connect.port} ${via}after ${elapsed()} ms: Couldn't connect to server`,
            elapsed(),
            log,
          );
        case 'unreachable': {
          connecting = true;
          const limit = request.connectTimeoutMs ?? KERNEL_CONNECT_TIMEOUT_MS;
          await env.clock.sleep(limit, s);
          if (request.connectTimeoutMs !== undefined)
            return failure(28, `Connection timed out after ${limit + 1} milliseconds`, limit + 1, log);
          return failure(
            28,
            `Failed to connect to ${target.host} port ${connect.port} ${via}after ${limit} ms: Couldn't connect to server`,
            limit,
            log,
          );
        }
        case 'tls-mismatch':
          return failure(35, 'TLS connect error: error:0A00010B:SSL routines::wrong version number', elapsed(), log);
        case 'reset':
          return tls
            ? failure(
                35,
                `OpenSSL SSL_connect: Connection reset by peer in connection to ${target.host}:${target.port}`,
                elapsed(),
                log,
              )
            : failure(56, 'Recv failure: Connection reset by peer', elapsed(), log);
      }
    }
  };
  const outcome = await withTimeout(env.clock, request.timeoutMs, signal, run);
  if (outcome === TIMED_OUT) {
    const ms = (request.timeoutMs ?? 0) + 1;
    return connecting
      ? failure(28, `${tls ? 'SSL connection' : 'Connection'} timed out after ${ms} milliseconds`, ms, log)
      : failure(28, `Operation timed out after ${ms} milliseconds with 0 bytes received`, ms, log);
  }
  return outcome;
}

/** A request from a process in a pod: through the pod's sidecar when it captures the destination. */
export async function requestFromPod(
  env: MeshEnv,
  from: PodEndpoint,
  request: SimHttpRequest,
  signal?: AbortSignal,
): Promise<SimHttpResponse> {
  const target = parseTarget(request.url);
  if ('error' in target) return failure(target.error!.curlExitCode, target.error!.message, 0, []);
  const pod = env.cluster.get('Pod', from.namespace, from.pod);
  const ip = pod ? podIp(pod) : undefined;
  if (!pod || !ip)
    return failure(
      7,
      `Failed to connect to ${target.host} port ${target.port} after 0 ms: Couldn't connect to server`,
      0,
      [],
    );
  // The pod's resolver answers from this view's Services (and the fixed public names): kept per view, as a node's
  // DNS cache would, and shared read-only between requests.
  const dns = (name: string) => {
    const topology = env.topology();
    return topology.memoBy('dns', from.namespace, name, undefined, undefined, () =>
      resolveFromPod(topology, name, from.namespace),
    );
  };
  const facts = env.topology().podFacts(pod);
  const connect = connectTarget(request, target, dns);
  /** Plain HTTP from the pod to `destination` as dialled, through its sidecar when it captures the address. */
  const http = (wire: WireRequest, destination: Address, s: AbortSignal | undefined) => {
    const local = destination.ip.startsWith('127.') ? { ip, port: destination.port } : destination;
    if (capturesWith(facts, local.ip) && !destination.ip.startsWith('127.'))
      return outboundHttp(env, pod, ip, wire, local, s);
    return deliverHttp(env, { ip, port: ephemeralPort(env.random) }, local, wire, undefined, s);
  };
  /** TLS from the pod to `destination`, through its sidecar's TCP proxy when it captures the address. */
  const tls = (wire: WireRequest, destination: Address, s: AbortSignal | undefined) => {
    const local = destination.ip.startsWith('127.') ? { ip, port: destination.port } : destination;
    return capturesWith(facts, local.ip) && !destination.ip.startsWith('127.')
      ? tlsThroughSidecar(env, pod, ip, local, target.host, wire, s)
      : tlsDirect(env, local, wire, s, { ip, port: ephemeralPort(env.random) });
  };
  return exchange(
    env,
    request,
    target,
    connect,
    async (wire, destination, s) => {
      if (target.scheme === 'http') return http(wire, destination, s);
      if (!connect.proxy) return tls(wire, destination, s);
      // HTTPS through a proxy: CONNECT first; only a 2xx opens the tunnel to the target.
      const answer = await http(connectRequest(target, wire), destination, s);
      if (answer.status < 200 || answer.status > 299) throw new TunnelRefused(answer.status);
      const targetIp = lookup(request, target.host, target.port, dns)?.[0];
      if (!targetIp) throw new TunnelRefused(502);
      return tlsDirect(env, { ip: targetIp, port: target.port }, wire, s, { ip, port: ephemeralPort(env.random) });
    },
    signal,
  );
}

/** A request from the learner's machine: only the kind node's published ports lead into the cluster. */
export async function requestFromOutside(
  env: MeshEnv,
  request: SimHttpRequest,
  signal?: AbortSignal,
): Promise<SimHttpResponse> {
  const target = parseTarget(request.url);
  if ('error' in target) return failure(target.error!.curlExitCode, target.error!.message, 0, []);
  const connect = connectTarget(request, target, resolveFromOutside);
  return exchange(
    env,
    request,
    target,
    connect,
    async (wire, destination, s) => {
      if (!connect.proxy) return deliverToPodAddressForOutside(env, wire, destination, target.scheme === 'https', s);
      if (target.scheme === 'http') return deliverToPodAddressForOutside(env, wire, destination, false, s);
      const answer = await deliverToPodAddressForOutside(env, connectRequest(target, wire), destination, false, s);
      if (answer.status < 200 || answer.status > 299) throw new TunnelRefused(answer.status);
      const targetIp = lookup(request, target.host, target.port, resolveFromOutside)?.[0];
      if (!targetIp) throw new TunnelRefused(502);
      return deliverToPodAddressForOutside(env, wire, { ip: targetIp, port: target.port }, true, s);
    },
    signal,
  );
}
