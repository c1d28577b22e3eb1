/** Helpers for this folder's tests: a settled cluster on a virtual clock, and the error a write throws. */
import type { K8sObject } from '../../../../contract.ts';
import { VirtualClock, seededRandom } from '../../mesh/testing/fakeCluster.ts';
import type { ApiErrorShape, SimCluster } from '../../types.ts';
import { createSimCluster } from '../index.ts';

/** A freshly bootstrapped cluster whose controllers have settled, with the clock it runs on. */
export async function newCluster(
  options: { maxObjects?: number; seed?: number } = {},
): Promise<SimCluster & { clock: VirtualClock }> {
  const clock = new VirtualClock();
  const cluster = createSimCluster({
    clock,
    random: seededRandom(options.seed ?? 5),
    ...(options.maxObjects ? { limits: { maxObjects: options.maxObjects } } : {}),
  });
  await cluster.idle();
  return Object.assign(cluster, { clock });
}

/** The API error `act` throws; fails the test when it throws nothing. */
export function refusal(act: () => unknown): ApiErrorShape {
  try {
    act();
  } catch (error) {
    return error as ApiErrorShape;
  }
  throw new Error('expected the API server to refuse the write');
}

/** A Deployment of one curl container with `labels` as selector and pod labels. */
export function deployment(
  name: string,
  labels: Record<string, string>,
  extra: Record<string, unknown> = {},
  namespace = 'default',
): K8sObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      replicas: 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { containers: [{ name: 'app', image: 'docker.io/curlimages/curl:8.16.0' }] },
      },
      ...extra,
    },
  };
}

/** A Service in `default`. */
export function service(name: string, spec: Record<string, unknown>): K8sObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: 'default' }, spec };
}
