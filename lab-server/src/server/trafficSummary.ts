/**
 * The lesson's traffic view: how the learner's last requests to a service split over its versions, read from
 * the inbound access logs of the service's sidecars (so it works the same on the simulator and on kind), the
 * checks' own requests left out. Mirrored copies are counted apart when their Host carries the `-shadow` suffix
 * (Istio up to 1.27, or with `DISABLE_SHADOW_HOST_SUFFIX=false`).
 */
import { inboundByVersion, type VersionTraffic } from '../checks/accessLog.ts';
import type { LabEnvironment } from '../contract.ts';

export type { VersionTraffic };

/** What the view shows. */
export interface TrafficSummary {
  service: string;
  namespace: string;
  /** RFC 3339: the window starts here. */
  since: string;
  versions: VersionTraffic[];
}

/** Summarises the window for a service (pods labelled `app=<service>`, grouped by their `version` label). */
export async function trafficSummary(
  env: LabEnvironment,
  service: string,
  namespace: string,
  sinceMs: number,
): Promise<TrafficSummary> {
  const since = new Date(sinceMs);
  return {
    service,
    namespace,
    since: since.toISOString(),
    versions: await inboundByVersion(env, service, namespace, since),
  };
}
