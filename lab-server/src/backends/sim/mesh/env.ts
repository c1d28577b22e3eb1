/** What every part of the data plane shares for one simulated network: the cluster, time, randomness, and helpers. */
import type { K8sObject } from '../../../contract.ts';
import type { PodEndpoint, RandomSource, SimClock, SimClusterApi, SimHttpRequest, SimHttpResponse } from '../types.ts';
import type { MeshSettings } from './meshConfig.ts';
import type { Topology } from './topology.ts';
import type { DnsResolver } from './clusters.ts';
import type { PacketTap } from './packets.ts';
import { formatAccessLog, type AccessLogEntry } from './accessLog.ts';

/** The shared context of one `SimNetwork`. */
export interface MeshEnv {
  cluster: SimClusterApi;
  clock: SimClock;
  random: RandomSource;
  /** The current view of the cluster's objects. */
  topology(): Topology;
  /** Mesh settings in force for a proxy (its pod may have a Sidecar resource). */
  settings(proxyPod: K8sObject | undefined): MeshSettings;
  /** Public DNS (the simulated internet). */
  publicDns: DnsResolver;
  /** Keeps track of fire-and-forget work (mirrored requests) so tests can wait for it. */
  track(work: Promise<unknown>): void;
  /** What crosses the wire, for captures (`tcpdump`); absent in networks nobody captures. */
  tap?: PacketTap;
  /**
   * The same network with a random stream of its own, drawn from this one's: every request from a client
   * (and every mirrored copy) gets one, so what it draws does not depend on how concurrent requests interleave.
   */
  fork(): MeshEnv;
  /** An HTTP request made by a process inside a pod (curl, an app's client library). */
  requestFromPod(from: PodEndpoint, request: SimHttpRequest, signal?: AbortSignal): Promise<SimHttpResponse>;
}

/** The Envoy of a pod, as a request passes through it. */
export interface ProxyInfo {
  pod: K8sObject;
  ip: string;
  namespace: string;
  kind: 'sidecar' | 'gateway';
  /** `spiffe://cluster.local/ns/<ns>/sa/<sa>` */
  spiffe: string;
}

/** Writes one access-log line to a proxy's `istio-proxy` container when the mesh has access logging on. */
export function writeAccessLog(env: MeshEnv, pod: K8sObject, entry: AccessLogEntry): void {
  if (!env.settings(pod).accessLogFile) return;
  env.cluster.logs.append(
    pod.metadata.namespace ?? 'default',
    pod.metadata.name,
    'istio-proxy',
    formatAccessLog(entry),
  );
}

/** Small synthetic processing time (ms) for a hop, accounted instead of slept. */
export function hopMs(env: MeshEnv, min = 0, max = 1): number {
  return min + Math.floor(env.random.next() * (max - min + 1));
}
