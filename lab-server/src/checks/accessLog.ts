/**
 * Reading Envoy's default access log (Istio's TEXT format, the same on the simulator and on a real cluster):
 * the inbound requests a service's pods answered, per version, with the checks' own requests told apart. The
 * lesson's Traffic view and the `observed` check both count from here.
 */
import type { ContainerRef, K8sObject, LabEnvironment } from '../contract.ts';
import { containerNames } from '../kube/pods.ts';
import { CHECK_USER_AGENT } from './identity.ts';

/** The fields of one inbound access-log line that the counts need. */
export interface InboundRequest {
  method: string;
  path: string;
  code: number;
  userAgent: string;
  authority: string;
}

/** One version's share of a service's inbound requests. */
export interface VersionTraffic {
  version: string;
  requests: number;
  /** Responses 5xx (and requests without a response). */
  errors: number;
  /** Mirrored copies (Host with the `-shadow` suffix), not counted in `requests`. */
  mirrored: number;
}

const INBOUND = /^\[[^\]]+\] "([A-Z]+) (\S+) \S+" (\d+) .*? "[^"]*" "([^"]*)" "[^"]*" "([^"]*)" "[^"]*" (inbound\|\S*)/;

/** An inbound request line, or undefined for outbound, TCP and other lines. */
export function parseInboundLine(line: string): InboundRequest | undefined {
  const m = INBOUND.exec(line);
  if (!m) return undefined;
  return { method: m[1]!, path: m[2]!, code: Number(m[3]), userAgent: m[4]!, authority: m[5]! };
}

/** Which inbound requests to count. */
export interface InboundFilter {
  /** Count the checks' own requests too (default: the learner's only). */
  includeChecks?: boolean;
  /** Only requests whose path starts with this. */
  pathPrefix?: string;
}

/** Counts one pod's inbound requests into `into`. */
export function countLines(lines: readonly string[], into: VersionTraffic, filter: InboundFilter = {}): void {
  for (const line of lines) {
    const entry = parseInboundLine(line);
    if (!entry) continue;
    if (!filter.includeChecks && entry.userAgent.includes(CHECK_USER_AGENT)) continue;
    if (filter.pathPrefix !== undefined && !entry.path.startsWith(filter.pathPrefix)) continue;
    if (/-shadow(:\d+)?$/.test(entry.authority)) into.mirrored++;
    else into.requests++;
    if (entry.code === 0 || entry.code >= 500) into.errors++;
  }
}

/** What the access logs hold of a service's inbound requests since a moment, and what could not be read. */
export interface InboundSince {
  versions: VersionTraffic[];
  /** Pods whose sidecar log could not be read, with why (the counts leave them out). */
  unreadable: { pod: string; error: string }[];
}

/** The inbound requests to a service since `since` (pods labelled `app=<service>`, grouped by `version`). */
export async function inboundByVersion(
  env: LabEnvironment,
  service: string,
  namespace: string,
  since: Date,
  filter: InboundFilter = {},
): Promise<VersionTraffic[]> {
  return (await inboundSince(env, service, namespace, since, filter)).versions;
}

/**
 * Like `inboundByVersion`, and says which pods' logs could not be read: a check that finds no request must be
 * able to tell "none arrived" from "the logs could not be read".
 */
export async function inboundSince(
  env: LabEnvironment,
  service: string,
  namespace: string,
  since: Date,
  filter: InboundFilter = {},
): Promise<InboundSince> {
  const pods: K8sObject[] = await env.list({ kind: 'Pod', namespace, labelSelector: `app=${service}` });
  const byVersion = new Map<string, VersionTraffic>();
  const unreadable: InboundSince['unreadable'] = [];
  for (const pod of pods) {
    // The sidecar is a container, or (Istio 1.27+ on Kubernetes >= 1.33) an init container: a native sidecar.
    if (!containerNames(pod).includes('istio-proxy')) continue;
    const version = pod.metadata.labels?.version ?? 'unversioned';
    const entry = byVersion.get(version) ?? { version, requests: 0, errors: 0, mirrored: 0 };
    byVersion.set(version, entry);
    const target: ContainerRef = { namespace, pod: pod.metadata.name, container: 'istio-proxy' };
    try {
      countLines((await env.logs(target, { sinceTime: since.toISOString() })).split('\n'), entry, filter);
    } catch (error) {
      unreadable.push({ pod: pod.metadata.name, error: error instanceof Error ? error.message : String(error) });
    }
  }
  return { versions: [...byVersion.values()].sort((a, b) => a.version.localeCompare(b.version)), unreadable };
}

/** The learner's requests a service's pods answered in `[from, until)`: how many, and when the last one started. */
export async function inboundBetween(
  env: LabEnvironment,
  service: string,
  namespace: string,
  from: Date,
  until: Date,
  filter: InboundFilter = {},
): Promise<{ requests: number; lastStartedAt?: string }> {
  const pods: K8sObject[] = await env.list({ kind: 'Pod', namespace, labelSelector: `app=${service}` });
  let requests = 0;
  let lastStartedAt: string | undefined;
  for (const pod of pods) {
    if (!containerNames(pod).includes('istio-proxy')) continue;
    const target: ContainerRef = { namespace, pod: pod.metadata.name, container: 'istio-proxy' };
    const read = (at: Date) => env.logs(target, { sinceTime: at.toISOString() }).then((t) => t.split('\n'));
    const [wide, narrow] = await Promise.all([read(from), read(until)]).catch(() => [[], []]);
    // Lines are kept in the order they were written: those before `until` are the first of the wide read.
    const before = wide.slice(0, Math.max(0, wide.length - narrow.length));
    // The same lines `countLines` counts, one at a time, to know when the last counted one started.
    const counted = { version: '', requests: 0, errors: 0, mirrored: 0 };
    for (const line of before) {
      const was = counted.requests;
      countLines([line], counted, filter);
      const started = counted.requests > was ? /^\[([^\]]+)\]/.exec(line)?.[1] : undefined;
      if (started && (!lastStartedAt || started > lastStartedAt)) lastStartedAt = started;
    }
    requests += counted.requests;
  }
  return { requests, ...(lastStartedAt ? { lastStartedAt } : {}) };
}
