/** Runs a pod's application (chosen by image) for one request, and the sites of the simulated internet. */
import type { K8sObject } from '../../../contract.ts';
import type { SimHttpResponse } from '../types.ts';
import { appListeningOn } from '../apps/registry.ts';
import type { AppContext, AppRequest, SimApp } from '../apps/types.ts';
import type { ContainerSpec } from './objects.ts';
import { containersOf } from './objects.ts';
import { hopMs, type MeshEnv } from './env.ts';
import { HeaderList, splitPath, TransportFailure, type WireRequest, type WireResponse } from './wire.ts';
import { httpDate } from '../apps/logTime.ts';

/** Serves a request with an app; the response carries the app's own processing time plus its calls' unslept time. */
export async function runApp(
  env: MeshEnv,
  app: SimApp,
  container: ContainerSpec,
  pod: K8sObject | undefined,
  request: WireRequest,
  peerIp: string,
  tls: boolean,
  signal: AbortSignal | undefined,
): Promise<WireResponse> {
  let extra = hopMs(env, 1, 3);
  const { pathname, query } = splitPath(request.path);
  const appRequest: AppRequest = {
    method: request.method,
    path: pathname,
    query,
    headers: appHeaders(request),
    body: request.body,
    protocol: request.protocol,
    peerIp,
    tls,
  };
  const ns = pod?.metadata.namespace ?? 'default';
  const context: AppContext = {
    clock: env.clock,
    random: env.random,
    pod,
    container,
    signal,
    log: (text) => {
      if (pod) env.cluster.logs.append(ns, pod.metadata.name, container.name, text);
    },
    call: async (call, callSignal): Promise<SimHttpResponse> => {
      if (!pod) throw new Error('only pods make calls');
      const started = env.clock.now();
      const res = await env.requestFromPod(
        { namespace: ns, pod: pod.metadata.name, container: container.name },
        {
          method: call.method ?? 'GET',
          url: call.url,
          headers: withDefaults(call.headers ?? [], [
            ['Host', hostOf(call.url)],
            ['User-Agent', 'python-requests/2.32.3'],
            ['Accept', '*/*'],
          ]),
          body: '',
          timeoutMs: call.timeoutMs,
        },
        callSignal ?? signal,
      );
      extra += Math.max(0, res.durationMs - (env.clock.now() - started));
      return res;
    },
  };
  const response = await app.handle(appRequest, context);
  const headers = new HeaderList(response.headers);
  if (!headers.has('date')) headers.add('Date', httpDate(env.clock.now()));
  return { status: response.status, headers, body: response.body, extraMs: extra };
}

/** Delivers a plain HTTP request to whatever app in `pod` listens on `port`; nothing listening means refused. */
export async function deliverToApp(
  env: MeshEnv,
  pod: K8sObject,
  port: number,
  request: WireRequest,
  peerIp: string,
  signal?: AbortSignal,
): Promise<WireResponse> {
  const found = appListeningOn(containersOf(pod), port);
  if (!found) throw new TransportFailure('refused');
  if (found.app.tls) throw new TransportFailure('reset');
  return runApp(env, found.app, found.container, pod, request, peerIp, false, signal);
}

/** The request's headers as the app's server hands them over: `Host` first (from the authority), then the rest. */
function appHeaders(request: WireRequest): [string, string][] {
  const entries = request.headers.entries;
  const out: [string, string][] = [['Host', request.authority]];
  // An indexed loop: no iterator, no destructured pair, on every request an app serves.
  for (let i = 0; i < entries.length; i++) {
    const name = entries[i]![0];
    if (name.length !== 4 || name.toLowerCase() !== 'host') out.push(entries[i]!);
  }
  return out;
}

/** URLs' `host` parts: an app calls the same few URLs again and again. */
const hosts = new Map<string, string>();

/** `new URL(url).host`, kept per URL (bounded); throws as `new URL` does for a malformed one. */
function hostOf(url: string): string {
  let host = hosts.get(url);
  if (host === undefined) {
    host = new URL(url).host;
    if (hosts.size >= 1000) hosts.clear();
    hosts.set(url, host);
  }
  return host;
}

/** The call's headers, plus each default the call did not set itself (defaults first, as requests sends them). */
function withDefaults(given: [string, string][], defaults: [string, string][]): [string, string][] {
  const out: [string, string][] = [];
  // Plain loops: an app's client adds its defaults on every call, and the lists are a handful long.
  for (let d = 0; d < defaults.length; d++) {
    const entry = defaults[d]!;
    const lower = entry[0].toLowerCase();
    let set = false;
    for (let g = 0; g < given.length && !set; g++) {
      const name = given[g]![0];
      set = name.length === lower.length && name.toLowerCase() === lower;
    }
    if (!set) out.push(entry);
  }
  for (let g = 0; g < given.length; g++) out.push(given[g]!);
  return out;
}
