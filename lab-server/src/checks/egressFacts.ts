/**
 * What the cluster says about a request from a pod to a host outside the mesh, read through the backend
 * contract (so it holds on the simulator and on kind alike): the outbound traffic policy in force for the pod
 * and where it comes from, the ServiceEntries and VirtualService timeouts that name hosts, and which addresses
 * the pod's sidecar captures compared with what a pod created now would capture.
 */
import { parse } from 'yaml';
import type { ContainerRef, K8sObject, LabEnvironment } from '../contract.ts';

/** How a sidecar treats destinations it does not know, and what set it. */
export interface OutboundPolicy {
  mode: 'ALLOW_ANY' | 'REGISTRY_ONLY';
  /** `default` (nothing set), `mesh` (the istio ConfigMap's mesh config) or the Sidecar resource's name. */
  from: 'default' | 'mesh' | { sidecar: string };
}

/** A ServiceEntry that registers the host, with its ports. */
export interface HostEntry {
  name: string;
  ports: { number: number; protocol: string }[];
}

/** A VirtualService rule with a timeout. */
export interface TimeoutRule {
  name: string;
  hosts: string[];
  timeout: string;
}

/** The source pod's outbound capture: its own (fixed at creation) and what a pod created now would get. */
export interface Capture {
  pod: string;
  include: string;
  wouldBe: string;
  /** Where `wouldBe` comes from: the pod template's annotation or the injector's values. */
  wouldBeFrom: 'annotation' | 'injector' | 'default';
  /** The pod's own includeOutboundIPRanges annotation, if any (added after creation, it changes nothing). */
  podAnnotation?: string;
}

/** Everything the egress explanations use. */
export interface EgressFacts {
  host: string;
  port: number;
  scheme: 'http' | 'https';
  /** Seconds the request asks the server to take (`/delay/N`), if it says. */
  delaySeconds?: number;
  policy: OutboundPolicy;
  entries: HostEntry[];
  /** Timeout rules of every VirtualService in the namespace, whatever their hosts. */
  timeouts: TimeoutRule[];
  capture?: Capture;
}

const INCLUDE_ANNOTATION = 'traffic.sidecar.istio.io/includeOutboundIPRanges';

/** True when `url`'s host is outside the cluster (a dotted name that is not a cluster name, and not an address). */
export function externalTarget(url: string): { host: string; port: number; scheme: 'http' | 'https' } | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  const host = parsed.hostname.toLowerCase();
  const scheme = parsed.protocol === 'https:' ? 'https' : parsed.protocol === 'http:' ? 'http' : undefined;
  if (!scheme || !host.includes('.') || /^[\d.]+$/.test(host)) return undefined;
  if (/\.(svc|cluster\.local|local)$/.test(host) || (host.split('.').length === 2 && host.endsWith('.default')))
    return undefined;
  return { host, port: parsed.port ? Number(parsed.port) : scheme === 'https' ? 443 : 80, scheme };
}

/** True when a ServiceEntry or VirtualService host (`*.example.com` allowed) names `host`. */
export function hostMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  if (p === '*') return true;
  if (p.startsWith('*.')) return host.endsWith(p.slice(1));
  return p === host;
}

type Obj = Record<string, unknown>;
const spec = (o: K8sObject): Obj => (o.spec ?? {}) as Obj;

function modeOf(value: unknown): OutboundPolicy['mode'] | undefined {
  const mode = (value as { mode?: unknown } | undefined)?.mode;
  return mode === 'REGISTRY_ONLY' || mode === 'ALLOW_ANY' ? mode : undefined;
}

async function safeList(env: LabEnvironment, kind: string, namespace: string): Promise<K8sObject[]> {
  try {
    return await env.list({ kind, namespace });
  } catch {
    return [];
  }
}

async function safeGet(env: LabEnvironment, kind: string, namespace: string, name: string): Promise<K8sObject | null> {
  try {
    return await env.get({ kind, namespace, name });
  } catch {
    return null;
  }
}

function selects(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  return !!selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);
}

async function outboundPolicy(
  env: LabEnvironment,
  namespace: string,
  labels: Record<string, string>,
): Promise<OutboundPolicy> {
  for (const ns of [namespace, 'istio-system']) {
    const sidecars = await safeList(env, 'Sidecar', ns);
    const chosen =
      ns === namespace
        ? (sidecars.find((s) =>
            selects((spec(s).workloadSelector as { labels?: Record<string, string> })?.labels, labels),
          ) ?? sidecars.find((s) => !(spec(s).workloadSelector as { labels?: object } | undefined)?.labels))
        : sidecars.find((s) => !(spec(s).workloadSelector as { labels?: object } | undefined)?.labels);
    const mode = chosen ? modeOf(spec(chosen).outboundTrafficPolicy) : undefined;
    if (chosen && mode) return { mode, from: { sidecar: `${ns}/${chosen.metadata.name}` } };
  }
  const cm = await safeGet(env, 'ConfigMap', 'istio-system', 'istio');
  const text = (cm?.data as Record<string, string> | undefined)?.mesh;
  let mesh: Obj = {};
  try {
    const parsed: unknown = typeof text === 'string' ? parse(text) : undefined;
    if (parsed && typeof parsed === 'object') mesh = parsed as Obj;
  } catch {
    mesh = {};
  }
  const mode = modeOf(mesh.outboundTrafficPolicy);
  return mode ? { mode, from: 'mesh' } : { mode: 'ALLOW_ANY', from: 'default' };
}

function initIncludes(pod: K8sObject): string | undefined {
  const inits = ((spec(pod).initContainers ?? []) as { name?: string; args?: string[]; command?: string[] }[]).find(
    (c) => c.name === 'istio-init',
  );
  if (!inits) return undefined;
  const args = [...(inits.command ?? []), ...(inits.args ?? [])];
  const at = args.indexOf('-i');
  return at >= 0 ? (args[at + 1] ?? '*') : '*';
}

async function capture(env: LabEnvironment, pod: K8sObject): Promise<Capture | undefined> {
  const include = initIncludes(pod);
  if (include === undefined) return undefined;
  const own = pod.metadata.annotations?.[INCLUDE_ANNOTATION];
  const withOwn = (c: Capture): Capture => (own !== undefined ? { ...c, podAnnotation: own } : c);
  const namespace = pod.metadata.namespace ?? 'default';
  const labels = pod.metadata.labels ?? {};
  const deployment = (await safeList(env, 'Deployment', namespace)).find((d) =>
    selects((spec(d).selector as { matchLabels?: Record<string, string> } | undefined)?.matchLabels, labels),
  );
  const template = (spec(deployment ?? pod).template ?? {}) as { metadata?: { annotations?: Record<string, string> } };
  const annotated = deployment ? template.metadata?.annotations?.[INCLUDE_ANNOTATION] : undefined;
  if (annotated !== undefined)
    return withOwn({ pod: pod.metadata.name, include, wouldBe: annotated, wouldBeFrom: 'annotation' });
  const injector = await safeGet(env, 'ConfigMap', 'istio-system', 'istio-sidecar-injector');
  let fromValues: string | undefined;
  try {
    const values = JSON.parse((injector?.data as Record<string, string> | undefined)?.values ?? '{}') as {
      global?: { proxy?: { includeIPRanges?: string } };
    };
    fromValues = values.global?.proxy?.includeIPRanges;
  } catch {
    fromValues = undefined;
  }
  return withOwn(
    fromValues !== undefined && fromValues !== ''
      ? { pod: pod.metadata.name, include, wouldBe: fromValues, wouldBeFrom: 'injector' }
      : { pod: pod.metadata.name, include, wouldBe: '*', wouldBeFrom: 'default' },
  );
}

/** The pod a check's `from` names (by name, or the first running one matching its selector). */
async function sourcePod(env: LabEnvironment, from: ContainerRef): Promise<K8sObject | undefined> {
  if (from.pod) return (await safeGet(env, 'Pod', from.namespace, from.pod)) ?? undefined;
  try {
    const pods = await env.list({ kind: 'Pod', namespace: from.namespace, labelSelector: from.selector });
    const live = pods.filter((p) => !p.metadata.deletionTimestamp);
    return live.find((p) => (p.status as { phase?: string } | undefined)?.phase === 'Running') ?? live[0];
  } catch {
    return undefined;
  }
}

/** Gathers the facts for a request from `from` to `url`; undefined when the host is not outside the cluster. */
export async function gatherEgressFacts(
  env: LabEnvironment,
  from: ContainerRef,
  url: string,
): Promise<EgressFacts | undefined> {
  const target = externalTarget(url);
  if (!target) return undefined;
  const pod = await sourcePod(env, from);
  const namespace = from.namespace;
  const labels = pod?.metadata.labels ?? {};
  const entries: HostEntry[] = [];
  for (const ns of new Set([namespace, 'istio-system']))
    for (const se of await safeList(env, 'ServiceEntry', ns)) {
      const hosts = (spec(se).hosts ?? []) as string[];
      if (!hosts.some((h) => hostMatches(h, target.host))) continue;
      const ports = ((spec(se).ports ?? []) as { number?: number; protocol?: string }[]).map((p) => ({
        number: Number(p.number),
        protocol: String(p.protocol ?? 'TCP').toUpperCase(),
      }));
      entries.push({ name: se.metadata.name, ports });
    }
  const timeouts: TimeoutRule[] = [];
  for (const vs of await safeList(env, 'VirtualService', namespace)) {
    const hosts = (spec(vs).hosts ?? []) as string[];
    for (const rule of (spec(vs).http ?? []) as { timeout?: string }[])
      if (typeof rule.timeout === 'string') timeouts.push({ name: vs.metadata.name, hosts, timeout: rule.timeout });
  }
  const delay = /\/delay\/(\d+(?:\.\d+)?)/.exec(new URL(url).pathname);
  const captured = pod ? await capture(env, pod) : undefined;
  return {
    ...target,
    ...(delay ? { delaySeconds: Number(delay[1]) } : {}),
    policy: await outboundPolicy(env, namespace, labels),
    entries,
    timeouts,
    ...(captured ? { capture: captured } : {}),
  };
}
