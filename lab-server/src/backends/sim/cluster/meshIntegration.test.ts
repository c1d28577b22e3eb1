/**
 * The proof that the mesh and this API server fit: Istio's data plane on top of the real simulated cluster
 * (bootstrap, controllers, injection, Service addresses), with Bookinfo and its gateway applied from the samples.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { K8sObject } from '../../../contract.ts';
import { createSimNetwork } from '../mesh/index.ts';
import { VirtualClock, seededRandom } from '../mesh/testing/fakeCluster.ts';
import type { SimCluster } from '../types.ts';
import { createSimCluster } from './index.ts';

const SAMPLES = fileURLToPath(new URL('../../../../../content/samples/', import.meta.url));

function applySample(cluster: SimCluster, path: string): void {
  for (const doc of parseAllDocuments(readFileSync(`${SAMPLES}${path}`, 'utf8'))) {
    const obj = doc.toJS() as K8sObject | null;
    if (obj) cluster.apply(obj);
  }
}

async function bookinfoWorld(options: { injected: boolean }) {
  const clock = new VirtualClock();
  const random = seededRandom(3);
  const cluster = createSimCluster({ clock, random });
  const network = createSimNetwork({ cluster, clock, random });
  if (options.injected)
    cluster.update('Namespace', undefined, 'default', (ns) => {
      ns.metadata.labels = { ...ns.metadata.labels, 'istio-injection': 'enabled' };
    });
  applySample(cluster, 'bookinfo/platform/kube/bookinfo.yaml');
  applySample(cluster, 'bookinfo/networking/bookinfo-gateway.yaml');
  await cluster.idle();
  return { cluster, network };
}

const productPage = {
  method: 'GET',
  url: 'http://172.18.0.2:30080/productpage',
  headers: [['Host', '172.18.0.2:30080']] as [string, string][],
  body: '',
};

describe('the mesh on the simulated cluster', () => {
  it("serves Bookinfo's product page through the ingress gateway's node port, from injected pods", async () => {
    const { cluster, network } = await bookinfoWorld({ injected: true });
    const pods = cluster.list('Pod', 'default');
    expect(pods.length).toBe(6);
    for (const pod of pods) {
      expect((pod.status as { phase: string }).phase).toBe('Running');
      // A native sidecar: istio-proxy among the init containers, with restartPolicy: Always.
      const inits = (pod.spec as { initContainers: { name: string; restartPolicy?: string }[] }).initContainers;
      expect(inits.find((c) => c.name === 'istio-proxy')?.restartPolicy).toBe('Always');
    }
    const res = await network.request('outside', productPage);
    expect(res.error).toBeUndefined();
    expect(res.status).toBe(200);
    expect(res.body).toContain('The Comedy of Errors');
    expect(res.body).toContain('Book Details');
    // The gateway's sidecar-less proxy logs the request, read through this cluster's LogStore.
    const gateway = cluster.list('Pod', 'istio-system', 'app=istio-ingressgateway')[0]!;
    expect(
      cluster.logs
        .read('istio-system', gateway.metadata.name, 'istio-proxy')
        .some((l) => l.text.includes('"GET /productpage HTTP/1.1" 200')),
    ).toBe(true);
  });

  it('follows what changes in the cluster: without the gateway the ingress answers 404', async () => {
    const { cluster, network } = await bookinfoWorld({ injected: true });
    cluster.delete('VirtualService', 'default', 'bookinfo');
    const res = await network.request('outside', productPage);
    expect(res.status).toBe(404);
  });

  it('serves the product page from pods without sidecars too (mesh-less Bookinfo behind the gateway)', async () => {
    const { cluster, network } = await bookinfoWorld({ injected: false });
    for (const pod of cluster.list('Pod', 'default')) {
      expect((pod.spec as { containers: { name: string }[] }).containers.map((c) => c.name)).not.toContain(
        'istio-proxy',
      );
    }
    const res = await network.request('outside', productPage);
    expect(res.status).toBe(200);
    expect(res.body).toContain('Book Details');
  });
});
