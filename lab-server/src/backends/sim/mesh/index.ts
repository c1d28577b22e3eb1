/** Istio's data plane in the simulator: `createSimNetwork` computes every request from the cluster's objects at that moment. */
import type {
  PodEndpoint,
  RandomSource,
  SimClock,
  SimClusterApi,
  SimHttpRequest,
  SimHttpResponse,
  SimNetwork,
  SimTcpRequest,
  SimTcpResult,
} from '../types.ts';
import { resolvePublicName } from '../apps/internet/sites.ts';
import { createRandom } from '../random.ts';
import { requestFromOutside, requestFromPod } from './client.ts';
import type { MeshEnv } from './env.ts';
import { meshSettingsFor } from './meshConfig.ts';
import { Topology } from './topology.ts';
import { connectFromOutside, connectFromPod } from './tcp.ts';
import { PacketTap, type Segment } from './packets.ts';

/** A SimNetwork that can also say when its fire-and-forget work (mirrored requests) has finished. */
export interface SimNetworkWithIdle extends SimNetwork {
  /** Resolves when every mirrored request started so far has completed. */
  idle(): Promise<void>;
}

/** `parent` with a random stream seeded from its own (one draw), its calls and forks made on that stream. */
function forkEnv(parent: MeshEnv): MeshEnv {
  const child: MeshEnv = {
    ...parent,
    random: createRandom(Math.floor(parent.random.next() * 2 ** 32)),
    fork: () => forkEnv(child),
    requestFromPod: (from, request, signal) => requestFromPod(child, from, request, signal),
  };
  return child;
}

/** Creates the data plane for one environment. */
export function createSimNetwork(options: {
  cluster: SimClusterApi;
  clock: SimClock;
  random: RandomSource;
}): SimNetworkWithIdle {
  const { cluster, clock, random } = options;
  let cached: Topology | undefined;
  // Any object change invalidates the view; requests between changes share one read of the objects.
  cluster.watch((event) => {
    // Events are the only kind the data plane never reads (and the controllers post many).
    if (event.object.kind !== 'Event') cached = undefined;
  });
  const pending = new Set<Promise<unknown>>();
  const env: MeshEnv = {
    cluster,
    clock,
    random,
    topology: () => (cached ??= new Topology(cluster)),
    settings: (pod) => {
      const topology = env.topology();
      // Kept with the pod object of this view (no key to build and hash on each of a hop's several asks).
      if (pod) return topology.derived(pod, 'settings', (p) => meshSettingsFor(cluster, topology, p));
      return topology.memo('settings:', () => meshSettingsFor(cluster, topology, undefined));
    },
    publicDns: resolvePublicName,
    track(work) {
      const p = work.catch(() => {}).finally(() => pending.delete(p));
      pending.add(p);
    },
    fork: () => forkEnv(env),
    requestFromPod: (from, request, signal) => requestFromPod(env, from, request, signal),
    tap: new PacketTap(),
  };
  return {
    request(from: PodEndpoint | 'outside', request: SimHttpRequest, signal?: AbortSignal): Promise<SimHttpResponse> {
      // Each client request draws from its own stream: concurrent requests (a traffic check sends 8 at a time)
      // then get the same answers whatever order their steps interleave in.
      const own = forkEnv(env);
      return from === 'outside' ? requestFromOutside(own, request, signal) : requestFromPod(own, from, request, signal);
    },
    capture(ip: string, listener: (segment: Segment) => void): () => void {
      return env.tap!.capture(ip, listener);
    },
    connect(from: PodEndpoint | 'outside', request: SimTcpRequest, signal?: AbortSignal): Promise<SimTcpResult> {
      return from === 'outside' ? connectFromOutside(env, request, signal) : connectFromPod(env, from, request, signal);
    },
    async idle() {
      while (pending.size > 0) await Promise.all([...pending]);
    },
  };
}
