/**
 * The mesh-wide settings the proxies obey, read from where istiod reads them: the `istio` ConfigMap's
 * `mesh` YAML (access logging, outbound traffic policy), `Sidecar` resources, and istiod's environment.
 */
import { parse } from 'yaml';
import type { K8sObject } from '../../../contract.ts';
import { deepFreeze } from '../deepFreeze.ts';
import type { SimClusterApi } from '../types.ts';
import { containersOf, envValue, labelsOf, proxyContainerOf, selectorMatches, specOf } from './objects.ts';
import type { Topology } from './topology.ts';

/** Istio's root namespace (where mesh-wide defaults such as a root Sidecar live). */
export const ROOT_NAMESPACE = 'istio-system';

/** How a sidecar treats destinations it does not know. */
export type OutboundMode = 'ALLOW_ANY' | 'REGISTRY_ONLY';

/** The parts of MeshConfig the data plane uses. */
export interface MeshSettings {
  /** Empty when access logging is off. */
  accessLogFile: string;
  outboundMode: OutboundMode;
  /** Whether mirrored requests get `-shadow` appended to their Host (Istio <= 1.27, or the flag set to false). */
  shadowHostSuffix: boolean;
  /** The trace context this proxy's tracer propagates, if a tracer is configured at all. */
  tracing: TraceContext | undefined;
}

/** Headers a tracer adds: B3 (Zipkin) or W3C `traceparent` (OpenTelemetry). */
export type TraceContext = 'b3' | 'w3c';

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** The proxy config a sidecar started with: its `PROXY_CONFIG` env (set at injection), else the mesh's defaultConfig. */
function proxyConfigOf(mesh: Readonly<Record<string, unknown>>, pod: K8sObject | undefined): Record<string, unknown> {
  const proxy = pod ? proxyContainerOf(pod) : undefined;
  const text = proxy ? envValue(proxy, 'PROXY_CONFIG') : undefined;
  if (text) {
    try {
      return asRecord(JSON.parse(text));
    } catch {
      return {};
    }
  }
  return asRecord(mesh.defaultConfig);
}

/**
 * Which tracer a proxy runs, as istiod configures it in 1.30: the Telemetry API's provider (here the mesh's
 * `defaultProviders.tracing`, looked up in `extensionProviders`) when set; otherwise, with `enableTracing` (default
 * true), the legacy `defaultConfig.tracing` the proxy was started with. Istio 1.22 dropped the default Zipkin tracer
 * (`global.proxy.tracer: none`), so a stock 1.30 install has neither and its proxies add no trace headers.
 */
export function tracingFor(
  mesh: Readonly<Record<string, unknown>>,
  pod: K8sObject | undefined,
): TraceContext | undefined {
  const providers = asRecord(mesh.defaultProviders).tracing;
  const name = Array.isArray(providers) ? providers[0] : undefined;
  if (typeof name === 'string') {
    const list = Array.isArray(mesh.extensionProviders) ? mesh.extensionProviders : [];
    const provider = asRecord(list.find((p) => asRecord(p).name === name));
    if (provider.zipkin) return 'b3';
    if (provider.opentelemetry) return 'w3c';
    return undefined;
  }
  if (mesh.enableTracing === false) return undefined;
  const tracing = asRecord(proxyConfigOf(mesh, pod).tracing);
  return tracing.zipkin ? 'b3' : undefined;
}

/**
 * The last `mesh` text parsed, and what it gave (frozen: it is shared). The view of the objects is rebuilt after every
 * change of any object, and each proxy's settings were read from a new parse of the same text: 7 % of a worker's CPU
 * among 200 learners typing. Every environment of a worker mostly holds the same text.
 */
let lastParsed: { text: string; mesh: Readonly<Record<string, unknown>> } | undefined;

/** Reads the `istio` ConfigMap's `mesh` key; a missing or broken one means Istio's defaults. Shared: never change it. */
export function readMeshConfig(cluster: SimClusterApi): Readonly<Record<string, unknown>> {
  const cm = cluster.get('ConfigMap', ROOT_NAMESPACE, 'istio');
  const text = (cm?.data as Record<string, string> | undefined)?.mesh;
  if (typeof text !== 'string') return {};
  if (lastParsed?.text === text) return lastParsed.mesh;
  let mesh: Record<string, unknown> = {};
  try {
    const parsed: unknown = parse(text);
    if (parsed && typeof parsed === 'object') mesh = parsed as Record<string, unknown>;
  } catch {
    // A broken text means Istio's defaults, as istiod keeps its defaults for a mesh config it cannot read.
  }
  lastParsed = { text, mesh: deepFreeze(mesh) };
  return lastParsed.mesh;
}

/** An environment variable of istiod (where `values.pilot.env` of `istioctl install` ends up), if set. */
export function istiodEnv(cluster: SimClusterApi, name: string): string | undefined {
  const istiod = cluster.get('Deployment', ROOT_NAMESPACE, 'istiod');
  if (!istiod) return undefined;
  const template = specOf(istiod).template as K8sObject | undefined;
  if (!template) return undefined;
  for (const c of containersOf(template)) {
    const v = envValue(c, name);
    if (v !== undefined) return v;
  }
  return undefined;
}

/** Whether istiod runs with `DISABLE_SHADOW_HOST_SUFFIX=false` (the default since 1.28 is true). */
export function shadowSuffixEnabled(cluster: SimClusterApi): boolean {
  return istiodEnv(cluster, 'DISABLE_SHADOW_HOST_SUFFIX')?.toLowerCase() === 'false';
}

/** Whether istiod runs with `PILOT_SCOPE_GATEWAY_TO_NAMESPACE=true`: a gateway uses only Gateways of its own namespace. */
export function gatewaysScopedToNamespace(cluster: SimClusterApi): boolean {
  return istiodEnv(cluster, 'PILOT_SCOPE_GATEWAY_TO_NAMESPACE')?.toLowerCase() === 'true';
}

function modeOf(value: unknown): OutboundMode | undefined {
  const mode = (value as { mode?: unknown } | undefined)?.mode;
  return mode === 'REGISTRY_ONLY' || mode === 'ALLOW_ANY' ? mode : undefined;
}

/** The Sidecar resource that applies to a workload: one selecting it, else the namespace's selector-less one, else the root one. */
export function sidecarFor(
  topology: Topology,
  namespace: string,
  labels: Record<string, string>,
): K8sObject | undefined {
  const sidecars = topology.all('Sidecar');
  const inNs = sidecars.filter((s) => (s.metadata.namespace ?? 'default') === namespace);
  const selected = inNs.find((s) => {
    const sel = (specOf(s).workloadSelector as { labels?: Record<string, string> } | undefined)?.labels;
    return sel && Object.keys(sel).length > 0 && selectorMatches(sel, labels);
  });
  if (selected) return selected;
  const nsWide = inNs.find((s) => !(specOf(s).workloadSelector as { labels?: object } | undefined)?.labels);
  if (nsWide) return nsWide;
  return sidecars.find(
    (s) =>
      s.metadata.namespace === ROOT_NAMESPACE &&
      !(specOf(s).workloadSelector as { labels?: object } | undefined)?.labels,
  );
}

/** The settings in force for one proxy (a pod's Sidecar resource may override the outbound policy). */
export function meshSettingsFor(cluster: SimClusterApi, topology: Topology, pod: K8sObject | undefined): MeshSettings {
  // Read once per view of the objects, for all its proxies.
  const mesh = topology.memo('meshConfig', () => readMeshConfig(cluster));
  let outboundMode = modeOf(mesh.outboundTrafficPolicy) ?? 'ALLOW_ANY';
  if (pod) {
    const sidecar = sidecarFor(topology, pod.metadata.namespace ?? 'default', labelsOf(pod));
    const override = sidecar ? modeOf(specOf(sidecar).outboundTrafficPolicy) : undefined;
    if (override) outboundMode = override;
  }
  const accessLogFile = typeof mesh.accessLogFile === 'string' ? mesh.accessLogFile : '';
  return {
    accessLogFile,
    outboundMode,
    shadowHostSuffix: topology.memo('shadowHostSuffix', () => shadowSuffixEnabled(cluster)),
    tracing: tracingFor(mesh, pod),
  };
}
