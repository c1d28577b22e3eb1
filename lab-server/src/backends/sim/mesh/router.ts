/**
 * Envoy's router for one virtual host, shared by sidecars (outbound) and gateways: picks the rule, applies faults,
 * rewrites and headers, fires mirrors, draws the weighted destination, finds the cluster and its endpoints, and
 * forwards with Istio's retry and timeout behaviour. Returns the response and what the access log needs.
 */
import type { K8sObject } from '../../../contract.ts';
import { lookupCluster, defaultDestinationPort, type ClusterRef, type UpstreamEndpoint } from './clusters.ts';
import { deliverHttp, ENVOY_CONNECT_TIMEOUT_MS } from './deliver.ts';
import { parseDurationMs } from './duration.ts';
import type { MeshEnv, ProxyInfo } from './env.ts';
import { addPeerMetadata, peerMetadataOf } from './envoyHeaders.ts';
import { ephemeralPort } from './ids.ts';
import { LOCAL_REPLIES, retriedConnectFailureBody, type LocalReplyKind } from './localReplies.ts';
import type { MatchSource } from './match.ts';
import { resolveConfigHost } from './names.ts';
import { localReplyResponse } from './responses.ts';
import {
  drawWithin,
  percentFraction,
  retriableConnectFailure,
  retriableStatus,
  retryPolicyOf,
  rewritePath,
  selectRule,
  type Destination,
  type HttpRoute,
  type RetryPolicy,
  type SelectedRule,
} from './routeRules.ts';
import { applyCompiledHeaderOps, pickCompiled } from './compiledRule.ts';
import { TIMED_OUT, withTimeout } from './timeouts.ts';
import type { Topology } from './topology.ts';
import {
  isAbort,
  splitAuthority,
  TransportFailure,
  type Address,
  type WireRequest,
  type WireResponse,
} from './wire.ts';

/** Everything the router needs about where it runs. */
export interface RouterContext {
  env: MeshEnv;
  topology: Topology;
  proxy: ProxyInfo;
  /** The port the request arrived on at this proxy. */
  listenerPort: number;
  source: MatchSource;
  /** The address the client dialled (for passthrough and `resolution: NONE`). */
  originalDestination: Address;
  signal?: AbortSignal;
}

/** What the router produced, for the response and the access log. */
export interface RouteResult {
  response: WireResponse;
  /** True when this proxy answered by itself. */
  local: boolean;
  flags: string;
  details: string;
  upstreamFailure?: string;
  upstreamHost?: string;
  upstreamCluster?: string;
  upstreamLocal?: string;
  routeName?: string;
  /** Set for proxied responses: time spent waiting for the upstream. */
  upstreamServiceTimeMs?: number;
  /** The request as forwarded (path rewritten etc.) - the access log prints the original path. */
  forwarded: WireRequest;
}

/** A virtual host's routing input: VirtualServices to try, or a default route to one cluster. */
export interface VirtualHostRoutes {
  virtualServices: K8sObject[];
  /** Used when there are no VirtualServices (Istio's default route for a Service or ServiceEntry). */
  defaultDestination?: ClusterRef;
}

function local(
  ctx: RouterContext,
  kind: LocalReplyKind,
  request: WireRequest,
  extra: Partial<RouteResult> = {},
  status?: number,
  body?: string,
): RouteResult {
  const row = LOCAL_REPLIES[kind];
  const response = localReplyResponse(ctx.env, status ?? row.status, body ?? row.body, request.method);
  return { response, local: true, flags: row.flag, details: row.details, forwarded: request, ...extra };
}

function clusterRefOf(ctx: RouterContext, destination: Destination, namespace: string): ClusterRef {
  // One ref per destination of this view's rules, config namespace and listener port (a table of the push).
  return ctx.topology.memoBy('clusterRef', destination, namespace, ctx.listenerPort, undefined, () => {
    const host = resolveConfigHost(destination.host, namespace);
    const port = destination.port?.number ?? defaultDestinationPort(ctx.topology, host, ctx.listenerPort);
    return { host, port, subset: destination.subset };
  });
}

function copyRequest(request: WireRequest): WireRequest {
  return { ...request, headers: request.headers.clone() };
}

/** `x-envoy-attempt-count` pairs of the first attempts (pairs are shared, never edited). */
const attemptCounts: [string, string][] = [];

function attemptCount(attempt: number): readonly [string, string] {
  if (attempt > 10) return ['x-envoy-attempt-count', String(attempt)];
  return (attemptCounts[attempt] ??= ['x-envoy-attempt-count', String(attempt)]);
}

/** `x-envoy-decorator-operation` per cluster ref: a ref is one of this configuration view's (`clusterRefOf`). */
const decorators = new WeakMap<ClusterRef, readonly [string, string]>();

function decoratorOperation(ref: ClusterRef): readonly [string, string] {
  let pair = decorators.get(ref);
  if (pair === undefined) {
    pair = ['x-envoy-decorator-operation', `${ref.host}:${ref.port}/*`];
    decorators.set(ref, pair);
  }
  return pair;
}

/** A route with retries off (the PassthroughCluster's, a mirror's). */
export const NO_RETRIES: RetryPolicy = retryPolicyOf({ retries: { attempts: 0 } });

/**
 * Routes one request through a virtual host. The request is the proxy's own copy (it cloned what arrived): the
 * router rewrites and forwards it as it is, without copying it again, and every hop below copies what it changes.
 */
export async function routeRequest(
  ctx: RouterContext,
  vhost: VirtualHostRoutes,
  request: WireRequest,
): Promise<RouteResult> {
  let selected: SelectedRule | undefined;
  let routeName: string | undefined;
  if (vhost.virtualServices.length > 0) {
    selected = selectRule(vhost.virtualServices, request, ctx.source);
    if (!selected) return local(ctx, 'route_not_found', request);
    routeName = selected.rule.name;
  } else if (vhost.defaultDestination) {
    const d = vhost.defaultDestination;
    // One rule object per configuration, so that its compiled form is memoised with it.
    const rule = ctx.topology.memoBy(
      'defaultRoute',
      d.host,
      d.port,
      undefined,
      undefined,
      (): HttpRoute => ({
        route: [{ destination: { host: d.host, port: { number: d.port } } }],
      }),
    );
    selected = { rule, namespace: ctx.proxy.namespace };
    routeName = 'default';
  } else {
    return local(ctx, 'route_not_found', request);
  }
  const rule: HttpRoute = selected.rule;
  const compiled = ctx.topology.compiledRule(rule);

  if (rule.redirect) {
    const r = rule.redirect;
    const { host, port } = splitAuthority(r.authority ?? request.authority);
    const authority = r.port ? `${host}:${r.port}` : (r.authority ?? (port ? `${host}:${port}` : host));
    const location = `${r.scheme ?? request.scheme}://${authority}${r.uri ?? request.path}`;
    const result = local(ctx, 'redirect', request, { routeName }, r.redirectCode ?? 301, '');
    result.response.headers.set('location', location);
    return result;
  }
  if (rule.directResponse) {
    const body =
      rule.directResponse.body?.string ??
      (rule.directResponse.body?.bytes ? Buffer.from(rule.directResponse.body.bytes, 'base64').toString('latin1') : '');
    return local(ctx, 'direct_response', request, { routeName }, rule.directResponse.status, body);
  }

  // The fault filter runs before the router, so injected delays do not count against the route timeout.
  let faultFlags = '';
  const delay = rule.fault?.delay;
  if (delay && drawWithin(percentFraction(delay.percentage, delay.percent), ctx.env.random)) {
    const ms = parseDurationMs(delay.fixedDelay) ?? 0;
    await ctx.env.clock.sleep(ms, ctx.signal);
    faultFlags = 'DI';
  }
  const abort = rule.fault?.abort;
  if (abort && drawWithin(percentFraction(abort.percentage, abort.percent), ctx.env.random)) {
    const result = local(ctx, 'fault_abort', request, { routeName }, abort.httpStatus ?? 503);
    if (faultFlags) result.flags = `${faultFlags},FI`;
    return result;
  }

  const forwarded = request;
  if (rule.rewrite?.uri !== undefined || rule.rewrite?.uriRegexRewrite) {
    const original = request.path;
    const path = rewritePath(original, rule.rewrite, selected.entry);
    if (path !== original) {
      forwarded.headers.set('x-envoy-original-path', original);
      forwarded.path = path;
    }
  }
  if (rule.rewrite?.authority) forwarded.authority = rule.rewrite.authority;
  applyCompiledHeaderOps(forwarded.headers, compiled.request);

  for (const mirror of compiled.mirrors) {
    if (!drawWithin(mirror.fraction, ctx.env.random)) continue;
    ctx.env.track(sendMirror(ctx, forwarded, clusterRefOf(ctx, mirror.destination, selected.namespace)));
  }

  if (compiled.destinations.length === 0) return local(ctx, 'route_not_found', request);
  const chosen = compiled.destinations[pickCompiled(compiled, ctx.env.random)]!;
  applyCompiledHeaderOps(forwarded.headers, chosen.request);
  const ref = clusterRefOf(ctx, chosen.route.destination, selected.namespace);
  const timeoutMs = compiled.timeoutMs;
  if (timeoutMs && timeoutMs > 0)
    forwarded.headers.set('x-envoy-expected-rq-timeout-ms', String(Math.round(timeoutMs)));
  forwarded.headers.setPair(decoratorOperation(ref));

  const result = await forwardToCluster(ctx, ref, forwarded, compiled.retryPolicy, timeoutMs, routeName);
  result.forwarded = forwarded;
  if (!result.local) {
    applyCompiledHeaderOps(result.response.headers, compiled.response);
    applyCompiledHeaderOps(result.response.headers, chosen.response);
  }
  if (faultFlags) result.flags = result.flags === '-' ? faultFlags : `${faultFlags},${result.flags}`;
  return result;
}

/** Sends to a cluster: NC when it does not exist, UH when it has no endpoints, else tries with retries under the timeout. */
export async function forwardToCluster(
  ctx: RouterContext,
  ref: ClusterRef,
  request: WireRequest,
  policy: RetryPolicy,
  timeoutMs: number | undefined,
  routeName: string | undefined,
): Promise<RouteResult> {
  // The proxy's cluster and its endpoints, computed once per configuration (as istiod pushes CDS and EDS).
  const cluster = ctx.topology.memoBy('cluster', ctx.proxy.namespace, ref.host, ref.port, ref.subset, () =>
    lookupCluster(ctx.topology, ref, ctx.proxy.namespace, ctx.env.publicDns),
  );
  if (!cluster.found) return local(ctx, 'cluster_not_found', request, { routeName, upstreamCluster: cluster.name });
  const endpoints: UpstreamEndpoint[] = cluster.originalDestination
    ? [{ ip: ctx.originalDestination.ip, port: ctx.originalDestination.port }]
    : cluster.endpoints;
  if (endpoints.length === 0)
    return local(ctx, 'no_healthy_upstream', request, { routeName, upstreamCluster: cluster.name });
  const sni = `outbound_.${ref.port}_.${ref.subset ?? ''}_.${ref.host}`;
  return sendWithRetries(ctx, endpoints, cluster.name, sni, request, policy, timeoutMs, routeName);
}

/**
 * Forwards to one of `endpoints` with the route's retry policy, all within the route timeout. Each attempt stamps
 * its own headers on the request itself (the same names each time, so they keep their places): the receiving
 * proxy or app copies what it changes, so nothing of an attempt leaks into the next.
 */
export async function sendWithRetries(
  ctx: RouterContext,
  endpoints: UpstreamEndpoint[],
  clusterLabel: string,
  sni: string | undefined,
  request: WireRequest,
  policy: RetryPolicy,
  timeoutMs: number | undefined,
  routeName: string | undefined,
): Promise<RouteResult> {
  const started = ctx.env.clock.now();
  const proxy = ctx.proxy;
  const peer = ctx.topology.derived(proxy.pod, proxy.kind === 'gateway' ? 'peer:gateway' : 'peer:sidecar', () =>
    peerMetadataOf(proxy),
  );
  // The addresses of earlier attempts: made at the first retry (most requests never retry).
  let tried: Set<string> | undefined;
  let attempt = 0;
  let lastHost = '-';
  let lastLocal = '-';
  let extraMs = 0;
  const run = async (signal: AbortSignal | undefined): Promise<RouteResult> => {
    for (;;) {
      attempt++;
      // The first attempt has tried nothing: every endpoint is fresh (no filter, no address strings to build).
      if (attempt > 1) (tried ??= new Set()).add(lastHost);
      const earlier = tried;
      const fresh = earlier ? endpoints.filter((e) => !earlier.has(`${e.ip}:${e.port}`)) : endpoints;
      const pool = fresh.length > 0 ? fresh : endpoints;
      const endpoint = pool[Math.floor(ctx.env.random.next() * pool.length)];
      lastHost = `${endpoint.ip}:${endpoint.port}`;
      const source = { ip: ctx.proxy.ip, port: ephemeralPort(ctx.env.random) };
      lastLocal = `${source.ip}:${source.port}`;
      const attemptRequest = request;
      attemptRequest.headers.setPair(attemptCount(attempt));
      addPeerMetadata(attemptRequest, ctx.proxy, peer);
      const targetPod = endpoint.pod ?? ctx.topology.podByIp(endpoint.ip);
      const tls =
        targetPod && sni && ctx.topology.podFacts(targetPod).hasProxy
          ? { clientSpiffe: ctx.proxy.spiffe, sni }
          : undefined;
      let failure: TransportFailure | undefined;
      let response: WireResponse | undefined;
      try {
        const outcome = await withTimeout(ctx.env.clock, policy.perTryTimeoutMs, signal, (s) =>
          connectThenSend(ctx, source, endpoint, attemptRequest, tls, s),
        );
        if (outcome === TIMED_OUT) {
          if (attempt <= policy.attempts && policy.retryOn.length > 0) {
            await backoff(ctx, attempt, signal);
            continue;
          }
          return local(ctx, 'route_timeout', request, {
            routeName,
            upstreamCluster: clusterLabel,
            upstreamHost: lastHost,
            upstreamLocal: lastLocal,
          });
        }
        response = outcome;
      } catch (error) {
        if (!(error instanceof TransportFailure)) throw error;
        failure = error;
      }
      if (failure) {
        if (attempt <= policy.attempts && retriableConnectFailure(policy)) {
          await backoff(ctx, attempt, signal);
          continue;
        }
        const body = attempt > 1 ? retriedConnectFailureBody() : LOCAL_REPLIES.upstream_connect_failure.body;
        const kind = failure.kind === 'reset' ? 'upstream_reset' : 'upstream_connect_failure';
        const result = local(
          ctx,
          kind,
          request,
          { routeName, upstreamCluster: clusterLabel, upstreamHost: lastHost, upstreamLocal: '-' },
          undefined,
          body,
        );
        if (attempt > 1) result.flags = `${result.flags},URX`;
        result.upstreamFailure = failure.kind === 'reset' ? undefined : 'delayed_connect_error:_111';
        return result;
      }
      const res = response!;
      extraMs += res.extraMs;
      if (retriableStatus(policy, res.status) && attempt <= policy.attempts) {
        await backoff(ctx, attempt, signal);
        continue;
      }
      return {
        response: res,
        local: false,
        flags: retriableStatus(policy, res.status) && attempt > 1 ? 'URX' : '-',
        details: 'via_upstream',
        upstreamHost: lastHost,
        upstreamCluster: clusterLabel,
        upstreamLocal: lastLocal,
        routeName,
        upstreamServiceTimeMs: ctx.env.clock.now() - started + extraMs,
        forwarded: request,
      };
    }
  };
  const outcome = await withTimeout(ctx.env.clock, timeoutMs, ctx.signal, run);
  if (outcome === TIMED_OUT) {
    return local(ctx, 'route_timeout', request, {
      routeName,
      upstreamCluster: clusterLabel,
      upstreamHost: lastHost,
      upstreamLocal: lastLocal,
    });
  }
  return outcome;
}

async function backoff(ctx: RouterContext, attempt: number, signal: AbortSignal | undefined): Promise<void> {
  // Envoy's default: 25 ms base interval, exponential, fully jittered.
  const ms = Math.floor(ctx.env.random.next() * 25 * 2 ** (attempt - 1));
  if (ms > 0) await ctx.env.clock.sleep(ms, signal);
}

/** Connects (waiting out Envoy's connect timeout for black-holed addresses) and sends. */
async function connectThenSend(
  ctx: RouterContext,
  source: Address,
  endpoint: UpstreamEndpoint,
  request: WireRequest,
  tls: { clientSpiffe: string; sni: string } | undefined,
  signal: AbortSignal | undefined,
): Promise<WireResponse> {
  try {
    return await deliverHttp(ctx.env, source, { ip: endpoint.ip, port: endpoint.port }, request, tls, signal);
  } catch (error) {
    if (error instanceof TransportFailure && error.kind === 'unreachable') {
      await ctx.env.clock.sleep(ENVOY_CONNECT_TIMEOUT_MS, signal);
      throw new TransportFailure('refused', 'connection timeout');
    }
    throw error;
  }
}

/** Fire-and-forget copy of a request to a mirror cluster; its response (or failure) is dropped. */
async function sendMirror(ctx: RouterContext, request: WireRequest, ref: ClusterRef): Promise<void> {
  // Its own stream, forked before the first await: the copy runs beside the original request.
  const env = ctx.env.fork();
  const copy = copyRequest(request);
  if (ctx.env.settings(ctx.proxy.pod).shadowHostSuffix) {
    const { host, port } = splitAuthority(copy.authority);
    copy.authority = port !== undefined ? `${host}-shadow:${port}` : `${host}-shadow`;
  }
  copy.headers.setPair(decoratorOperation(ref));
  const mirrorCtx: RouterContext = { ...ctx, env, signal: undefined };
  try {
    await forwardToCluster(mirrorCtx, ref, copy, NO_RETRIES, undefined, undefined);
  } catch (error) {
    if (!isAbort(error)) throw error;
  }
}
