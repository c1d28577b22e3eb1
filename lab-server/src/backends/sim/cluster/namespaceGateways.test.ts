/**
 * Gateways in learners' namespaces, as the kind backend deploys them in a class: a Deployment injected from Istio's
 * `gateway` template, its NodePort Service, and istiod's PILOT_SCOPE_GATEWAY_TO_NAMESPACE deciding whether a gateway
 * uses only its own namespace's Gateways or every namespace's.
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

interface ContainerShape {
  name: string;
  image?: string;
  args?: string[];
  resources?: object;
  env?: { name: string; value: string }[];
}
interface PodSpecShape {
  containers: ContainerShape[];
  initContainers?: ContainerShape[];
}
const SAMPLES = fileURLToPath(new URL('../../../../../content/samples/', import.meta.url));

function applySample(cluster: SimCluster, path: string, namespace: string): void {
  for (const doc of parseAllDocuments(readFileSync(`${SAMPLES}${path}`, 'utf8'))) {
    const obj = doc.toJS() as K8sObject | null;
    if (obj) cluster.apply({ ...obj, metadata: { ...obj.metadata, namespace } });
  }
}

function namespaceGateway(namespace: string): K8sObject[] {
  return [
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'istio-ingressgateway', namespace },
      spec: {
        selector: { matchLabels: { istio: 'ingressgateway' } },
        template: {
          metadata: {
            annotations: { 'inject.istio.io/templates': 'gateway' },
            labels: { istio: 'ingressgateway', 'sidecar.istio.io/inject': 'true' },
          },
          spec: {
            containers: [{ name: 'istio-proxy', image: 'auto', resources: { requests: { cpu: '50m' } } }],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'istio-ingressgateway', namespace },
      spec: {
        type: 'NodePort',
        selector: { istio: 'ingressgateway' },
        ports: [{ name: 'http2', port: 80, targetPort: 8080 }],
      },
    },
  ];
}

/** Two learners' namespaces with httpbin, their own gateway, and the same Gateway and VirtualService. */
async function classWorld(scoped: boolean) {
  const clock = new VirtualClock();
  const random = seededRandom(5);
  const cluster = createSimCluster({ clock, random });
  const network = createSimNetwork({ cluster, clock, random });
  if (scoped)
    cluster.update('Deployment', 'istio-system', 'istiod', (d) => {
      const container = (d.spec as { template: { spec: PodSpecShape } }).template.spec.containers[0]!;
      container.env = [...(container.env ?? []), { name: 'PILOT_SCOPE_GATEWAY_TO_NAMESPACE', value: 'true' }];
    });
  for (const ns of ['lab-ada', 'lab-bob']) {
    cluster.apply({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: ns, labels: { 'istio-injection': 'enabled' } },
    });
    for (const o of namespaceGateway(ns)) cluster.apply(o);
    applySample(cluster, 'httpbin/httpbin.yaml', ns);
    applySample(cluster, 'httpbin/httpbin-gateway.yaml', ns);
    // The same VirtualService, told apart only by a response header naming its namespace.
    cluster.update('VirtualService', ns, 'httpbin', (vs) => {
      (vs.spec as { http: { headers?: object }[] }).http[0]!.headers = {
        response: { set: { 'x-learner-namespace': ns } },
      };
    });
  }
  await cluster.idle();
  const nodePort = (ns: string) =>
    (cluster.get('Service', ns, 'istio-ingressgateway')!.spec as { ports: { nodePort: number }[] }).ports[0]!.nodePort;
  const get = (ns: string) =>
    network.request('outside', {
      method: 'GET',
      url: `http://172.18.0.2:${nodePort(ns)}/status/200`,
      headers: [['Host', 'httpbin.example.com']],
      body: '',
    });
  return { cluster, get };
}

describe("gateways in learners' namespaces", () => {
  it("are injected from the gateway template: the pod's own istio-proxy becomes the router, no init container", async () => {
    const { cluster } = await classWorld(true);
    const pod = cluster.list('Pod', 'lab-ada', 'istio=ingressgateway')[0]!;
    const spec = pod.spec as PodSpecShape;
    expect(spec.containers.map((c) => c.name)).toEqual(['istio-proxy']);
    expect(spec.containers[0]!.image).toBe('registry.istio.io/release/proxyv2:1.30.0');
    expect(spec.containers[0]!.args?.slice(0, 2)).toEqual(['proxy', 'router']);
    expect(spec.containers[0]!.resources).toEqual({ requests: { cpu: '50m' } });
    expect(spec.initContainers ?? []).toEqual([]);
    expect((pod.status as { phase?: string }).phase).toBe('Running');
  });

  it("with PILOT_SCOPE_GATEWAY_TO_NAMESPACE=true, each gateway serves its own namespace's routes only", async () => {
    const { cluster, get } = await classWorld(true);
    const ada = await get('lab-ada');
    const bob = await get('lab-bob');
    expect([ada.status, bob.status]).toEqual([200, 200]);
    expect(ada.headers.find(([k]) => k === 'x-learner-namespace')?.[1]).toBe('lab-ada');
    expect(bob.headers.find(([k]) => k === 'x-learner-namespace')?.[1]).toBe('lab-bob');
    // Bob removes his route: his gateway has nothing for the host; Ada's is untouched.
    cluster.delete('VirtualService', 'lab-bob', 'httpbin');
    expect((await get('lab-bob')).status).toBe(404);
    expect((await get('lab-ada')).status).toBe(200);
  });

  it("without it, every gateway selects every namespace's Gateways and the same host's routes merge", async () => {
    const { cluster, get } = await classWorld(false);
    const ada = await get('lab-ada');
    const bob = await get('lab-bob');
    // One route wins for both learners: the oldest (Ada's).
    expect(ada.headers.find(([k]) => k === 'x-learner-namespace')?.[1]).toBe('lab-ada');
    expect(bob.headers.find(([k]) => k === 'x-learner-namespace')?.[1]).toBe('lab-ada');
    cluster.delete('VirtualService', 'lab-bob', 'httpbin');
    expect((await get('lab-bob')).status).toBe(200);
  });
});
