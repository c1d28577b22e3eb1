/**
 * The lesson's traffic view: how the last requests to a service split over its versions, read from the
 * inbound access logs of the service's sidecars (so it works the same on the simulator and on kind). Mirrored
 * copies are counted apart when their Host carries the `-shadow` suffix (Istio up to 1.27, or with
 * `DISABLE_SHADOW_HOST_SUFFIX=false`).
 */
import type { ContainerRef, K8sObject, LabEnvironment } from '../contract.ts';

/** One version's share. */
export interface VersionTraffic {
  version: string;
  requests: number;
  /** Responses 5xx (and requests without a response). */
  errors: number;
  mirrored: number;
}

/** What the view shows. */
export interface TrafficSummary {
  service: string;
  namespace: string;
  /** RFC 3339: the window starts here. */
  since: string;
  versions: VersionTraffic[];
}

/** The fields of one default-format access-log line the view needs, or undefined for other lines. */
export function parseInboundLine(line: string): { code: number; authority: string } | undefined {
  const m = /^\[[^\]]+\] "([A-Z]+) \S+ \S+" (\d+) .*? "[^"]*" "[^"]*" "[^"]*" "([^"]*)" "[^"]*" (inbound\|\S*)/.exec(
    line,
  );
  if (!m) return undefined;
  return { code: Number(m[2]), authority: m[3]! };
}

/** Counts one pod's inbound requests. */
export function countLines(lines: string[], into: VersionTraffic): void {
  for (const line of lines) {
    const entry = parseInboundLine(line);
    if (!entry) continue;
    const shadow = /-shadow(:\d+)?$/.test(entry.authority);
    if (shadow) into.mirrored++;
    else into.requests++;
    if (entry.code === 0 || entry.code >= 500) into.errors++;
  }
}

/** Summarises the window for a service (pods labelled `app=<service>`, grouped by their `version` label). */
export async function trafficSummary(
  env: LabEnvironment,
  service: string,
  namespace: string,
  sinceMs: number,
): Promise<TrafficSummary> {
  const pods: K8sObject[] = await env.list({ kind: 'Pod', namespace, labelSelector: `app=${service}` });
  const byVersion = new Map<string, VersionTraffic>();
  const since = new Date(sinceMs).toISOString();
  for (const pod of pods) {
    // The sidecar is a container, or (Istio 1.27+ on Kubernetes >= 1.33) an init container with restartPolicy Always.
    const spec = pod.spec as
      | { containers?: { name: string }[]; initContainers?: { name: string; restartPolicy?: string }[] }
      | undefined;
    const hasSidecar =
      (spec?.containers ?? []).some((c) => c.name === 'istio-proxy') ||
      (spec?.initContainers ?? []).some((c) => c.name === 'istio-proxy' && c.restartPolicy === 'Always');
    if (!hasSidecar) continue;
    const version = pod.metadata.labels?.version ?? 'unversioned';
    const entry = byVersion.get(version) ?? { version, requests: 0, errors: 0, mirrored: 0 };
    byVersion.set(version, entry);
    const target: ContainerRef = { namespace, pod: pod.metadata.name, container: 'istio-proxy' };
    const text = await env.logs(target, { sinceTime: since }).catch(() => '');
    countLines(text.split('\n'), entry);
  }
  return {
    service,
    namespace,
    since,
    versions: [...byVersion.values()].sort((a, b) => a.version.localeCompare(b.version)),
  };
}
