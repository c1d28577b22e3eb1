/** Cluster states for the mesh's tests: Istio's demo install, Bookinfo, httpbin, sleep; built on `FakeCluster`. */
import type { K8sObject } from '../../../../contract.ts';
import { createSimNetwork, type SimNetworkWithIdle } from '../index.ts';
import { FakeCluster, VirtualClock, seededRandom } from './fakeCluster.ts';
import type { ContainerSpec } from '../objects.ts';
import type { PodEndpoint, SimHttpRequest, SimHttpResponse } from '../../types.ts';
import { parse } from 'yaml';

/** The demo profile's mesh config (access logs on, no outboundTrafficPolicy key). */
export const DEMO_MESH =
  'accessLogFile: /dev/stdout\ndefaultConfig:\n  discoveryAddress: ' +
  'istiod.istio-system.svc:15012\nenablePrometheusMerge: true\nrootNamespace: istio-system\ntrustDomain: cluster.local\n';

/** A test world: cluster, clock, network and helpers. */
export class World {
  clock = new VirtualClock();
  cluster = new FakeCluster(this.clock);
  random = seededRandom(7);
  network: SimNetworkWithIdle;
  private nextPod = 10;
  private nextSvc = 10;

  constructor(seed = 7) {
    this.random = seededRandom(seed);
    this.network = createSimNetwork({ cluster: this.cluster, clock: this.clock, random: this.random });
  }

  /** Applies YAML documents (Istio config, ConfigMaps...). */
  applyYaml(text: string, namespace = 'default'): void {
    for (const doc of text.split(/^---$/m)) {
      const obj = parse(doc) as K8sObject | null;
      if (!obj) continue;
      obj.metadata.namespace ??= namespace;
      this.cluster.apply(obj);
    }
  }

  /** Adds a running pod with the given containers; `sidecar` adds an istio-proxy container. */
  addPod(
    namespace: string,
    name: string,
    labels: Record<string, string>,
    containers: ContainerSpec[],
    options: { sidecar?: boolean; annotations?: Record<string, string>; serviceAccount?: string; args?: string[] } = {},
  ): K8sObject {
    const ip = `10.244.0.${this.nextPod++}`;
    const all = [...containers];
    if (options.sidecar)
      all.push({ name: 'istio-proxy', image: 'registry.istio.io/release/proxyv2:1.30.0', args: ['proxy', 'sidecar'] });
    const pod: K8sObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace, labels, annotations: options.annotations },
      spec: { containers: all, serviceAccountName: options.serviceAccount ?? 'default' },
      status: { phase: 'Running', podIP: ip, hostIP: '172.18.0.2', conditions: [{ type: 'Ready', status: 'True' }] },
    };
    return this.cluster.apply(pod).object;
  }

  /** Adds a ClusterIP (or NodePort) Service. */
  addService(
    namespace: string,
    name: string,
    selector: Record<string, string>,
    ports: { name?: string; port: number; targetPort?: number | string; nodePort?: number }[],
    type = 'ClusterIP',
  ): K8sObject {
    const ip = `10.96.0.${this.nextSvc++}`;
    return this.cluster.apply({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name, namespace, labels: { app: name } },
      spec: { type, clusterIP: ip, selector, ports },
    }).object;
  }

  /** Istio's demo install: istiod, the ingress gateway pod and Service, the `istio` ConfigMap. */
  installIstio(mesh = DEMO_MESH): void {
    this.cluster.apply({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'istio', namespace: 'istio-system' },
      data: { mesh },
    });
    this.cluster.apply({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'istiod', namespace: 'istio-system' },
      spec: {
        template: {
          metadata: { name: 'istiod' },
          spec: {
            containers: [
              {
                name: 'discovery',
                image: 'registry.istio.io/release/pilot:1.30.0',
                env: [{ name: 'PILOT_TRACE_SAMPLING', value: '100' }],
              },
            ],
          },
        },
      },
    });
    this.addPod(
      'istio-system',
      'istio-ingressgateway-6b7b8c9d5f-x2k8q',
      { app: 'istio-ingressgateway', istio: 'ingressgateway' },
      [{ name: 'istio-proxy', image: 'registry.istio.io/release/proxyv2:1.30.0', args: ['proxy', 'router'] }],
      { serviceAccount: 'istio-ingressgateway-service-account' },
    );
    this.addService(
      'istio-system',
      'istio-ingressgateway',
      { app: 'istio-ingressgateway', istio: 'ingressgateway' },
      [
        { name: 'status-port', port: 15021, targetPort: 15021, nodePort: 31021 },
        { name: 'http2', port: 80, targetPort: 8080, nodePort: 30080 },
        { name: 'https', port: 443, targetPort: 8443, nodePort: 30443 },
      ],
      'LoadBalancer',
    );
  }

  /** Bookinfo in `default`, injected. */
  deployBookinfo(): void {
    const img = (n: string) => `registry.istio.io/release/examples-bookinfo-${n}:1.20.3`;
    const port = [{ containerPort: 9080 }];
    this.addService('default', 'details', { app: 'details' }, [{ name: 'http', port: 9080 }]);
    this.addService('default', 'ratings', { app: 'ratings' }, [{ name: 'http', port: 9080 }]);
    this.addService('default', 'reviews', { app: 'reviews' }, [{ name: 'http', port: 9080 }]);
    this.addService('default', 'productpage', { app: 'productpage' }, [{ name: 'http', port: 9080 }]);
    this.addPod(
      'default',
      'details-v1-79dfbd6fff-kx2s4',
      { app: 'details', version: 'v1' },
      [{ name: 'details', image: img('details-v1'), ports: port }],
      { sidecar: true, serviceAccount: 'bookinfo-details' },
    );
    this.addPod(
      'default',
      'ratings-v1-5d4c7c9b8-q9wzt',
      { app: 'ratings', version: 'v1' },
      [{ name: 'ratings', image: img('ratings-v1'), ports: port }],
      { sidecar: true, serviceAccount: 'bookinfo-ratings' },
    );
    for (const v of ['v1', 'v2', 'v3']) {
      this.addPod(
        'default',
        `reviews-${v}-5b9d4c6f7b-${v}x2k`,
        { app: 'reviews', version: v },
        [{ name: 'reviews', image: img(`reviews-${v}`), ports: port }],
        { sidecar: true, serviceAccount: 'bookinfo-reviews' },
      );
    }
    this.addPod(
      'default',
      'productpage-v1-7d6cfb7dfd-4hxkz',
      { app: 'productpage', version: 'v1' },
      [{ name: 'productpage', image: img('productpage-v1'), ports: port }],
      { sidecar: true, serviceAccount: 'bookinfo-productpage' },
    );
  }

  /** The seed's httpbin v1/v2 (the multi-arch kong/httpbin, gunicorn with access logs) and Service 8000 -> 80. */
  deploySeedHttpbin(): void {
    const c = (name: string): ContainerSpec => ({
      name,
      image: 'docker.io/kong/httpbin:0.2.3',
      command: [
        'pipenv',
        'run',
        'gunicorn',
        '--access-logfile',
        '-',
        '-b',
        '0.0.0.0:80',
        'httpbin:app',
        '-k',
        'gevent',
      ],
      ports: [{ containerPort: 80 }],
    });
    this.addPod('default', 'httpbin-v1-6d8c9b7f5c-abcde', { app: 'httpbin', version: 'v1' }, [c('httpbin')], {
      sidecar: true,
    });
    this.addPod('default', 'httpbin-v2-5f7d8c6b4d-fghij', { app: 'httpbin', version: 'v2' }, [c('httpbin')], {
      sidecar: true,
    });
    this.addService('default', 'httpbin', { app: 'httpbin' }, [{ name: 'http', port: 8000, targetPort: 80 }]);
  }

  /** A `sleep` client pod. */
  deploySleep(
    options: { sidecar?: boolean; annotations?: Record<string, string>; namespace?: string; name?: string } = {},
  ): PodEndpoint {
    const name = options.name ?? 'sleep-7b9f8bfcd-2djx5';
    const ns = options.namespace ?? 'default';
    this.addPod(
      ns,
      name,
      { app: 'sleep' },
      [{ name: 'sleep', image: 'docker.io/curlimages/curl:8.16.0', command: ['/bin/sleep', 'infinity'] }],
      { sidecar: options.sidecar ?? true, annotations: options.annotations, serviceAccount: 'sleep' },
    );
    return { namespace: ns, pod: name, container: 'sleep' };
  }

  /** curl-like GET from a pod. */
  get(
    from: PodEndpoint | 'outside',
    url: string,
    headers: [string, string][] = [],
    extra: Partial<SimHttpRequest> = {},
  ): Promise<SimHttpResponse> {
    const host = headers.find(([k]) => k.toLowerCase() === 'host')?.[1] ?? new URL(url).host;
    return this.network.request(from, {
      method: 'GET',
      url,
      headers: [
        ['Host', host],
        ['User-Agent', 'curl/8.16.0'],
        ['Accept', '*/*'],
        ...headers.filter(([k]) => k.toLowerCase() !== 'host'),
      ],
      body: '',
      ...extra,
    });
  }

  /** Lines of a container's log. */
  log(namespace: string, pod: string, container: string): string[] {
    return this.cluster.logText(namespace, pod, container);
  }

  /** The pod whose name starts with `prefix`. */
  pod(prefix: string, namespace = 'default'): K8sObject {
    const found = this.cluster.list('Pod', namespace).find((p) => p.metadata.name.startsWith(prefix));
    if (!found) throw new Error(`no pod ${prefix}`);
    return found;
  }
}

/** Which reviews version rendered a product page: v1 no stars, v2 black, v3 red. */
export function starsOf(html: string): 'none' | 'black' | 'red' | 'unavailable' {
  if (html.includes('Sorry, product reviews are currently unavailable')) return 'unavailable';
  if (html.includes('<div class="flex gap-x-1 text-red-500">')) return 'red';
  if (html.includes('<div class="flex gap-x-1 text-black-500">')) return 'black';
  return 'none';
}
