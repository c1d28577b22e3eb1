/** The simulated API server: metadata, write outcomes, Kubernetes' and Istio's refusals, controllers, Services, injection. */
import { describe, expect, it } from 'vitest';
import type { K8sObject } from '../../../contract.ts';
import { SimulationClock } from '../clock.ts';
import { createRandom } from '../random.ts';
import type { SimCluster } from '../types.ts';
import { createSimCluster } from './index.ts';

/** The fields these tests read, as the simulated API server writes them. */
interface Spec {
  clusterIP: string;
  sessionAffinity: string;
  type: string;
  replicas: number;
  ports: { name: string; port: number; nodePort: number }[];
  template: { spec: { containers: { image: string }[] } };
  containers: { name: string; command: string[] }[];
  initContainers?: { name: string }[];
  tolerations: { key: string }[];
}
interface Status {
  phase: string;
  podIP: string;
  qosClass: string;
  nodeInfo: { kubeletVersion: string };
}
const specOf = (o: K8sObject) => o.spec as Spec;
const statusOf = (o: K8sObject) => o.status as Status;
const subsetsOf = (o: K8sObject) => o.subsets as { addresses: unknown[]; ports: { port: number }[] }[];
const dataOf = (o: K8sObject) => o.data as Record<string, string>;

async function cluster(maxObjects?: number): Promise<SimCluster> {
  const c = createSimCluster({
    clock: new SimulationClock('virtual', Date.UTC(2026, 10, 24, 10, 0, 0)),
    random: createRandom(5),
    ...(maxObjects ? { limits: { maxObjects } } : {}),
  });
  await c.idle();
  return c;
}

const vs = (spec: Record<string, unknown>, apiVersion = 'networking.istio.io/v1alpha3'): K8sObject => ({
  apiVersion,
  kind: 'VirtualService',
  metadata: { name: 'reviews', namespace: 'default' },
  spec,
});
const deploy = (name: string, labels: Record<string, string>, extra: Record<string, unknown> = {}): K8sObject => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'default' },
  spec: {
    replicas: 1,
    selector: { matchLabels: labels },
    template: {
      metadata: { labels },
      spec: { containers: [{ name: 'app', image: 'docker.io/curlimages/curl:8.16.0' }] },
    },
    ...extra,
  },
});
const thrown = (fn: () => unknown) => {
  try {
    fn();
  } catch (e) {
    return e as { code: number; reason: string; message: string };
  }
  throw new Error('did not throw');
};

describe('SimCluster writes', () => {
  it('fills metadata as Kubernetes does and serves Istio kinds as v1', async () => {
    const c = await cluster();
    const { outcome, object } = c.apply(
      vs({ hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews' } }] }] }),
    );
    expect(outcome).toBe('created');
    expect(object.apiVersion).toBe('networking.istio.io/v1');
    expect(object.metadata.uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(object.metadata.creationTimestamp).toMatch(/^2026-11-24T10:00:0\dZ$/);
    expect(object.metadata.generation).toBe(1);
    expect(Number(object.metadata.resourceVersion)).toBeGreaterThan(0);
    expect(
      JSON.parse(object.metadata.annotations!['kubectl.kubernetes.io/last-applied-configuration']!).apiVersion,
    ).toBe('networking.istio.io/v1alpha3');
  });

  it('says created, unchanged, configured, and bumps generation only on spec changes', async () => {
    const c = await cluster();
    const spec = { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' } }] }] };
    c.apply(vs(spec));
    expect(c.apply(vs(spec)).outcome).toBe('unchanged');
    const changed = c.apply(
      vs(
        { ...spec, http: [{ route: [{ destination: { host: 'reviews', subset: 'v3' } }] }] },
        'networking.istio.io/v1beta1',
      ),
    );
    expect(changed.outcome).toBe('configured');
    expect(c.get('VirtualService', 'default', 'reviews')!.apiVersion).toBe('networking.istio.io/v1');
    expect(changed.object.metadata.generation).toBe(2);
    const labelled = c.update('VirtualService', 'default', 'reviews', (o) => {
      o.metadata.labels = { a: 'b' };
    });
    expect(labelled.object.metadata.generation).toBe(2);
  });

  it('removes fields an apply no longer sets and keeps what the server filled in', async () => {
    const c = await cluster();
    const svc = (ports: unknown[], extra: Record<string, unknown> = {}): K8sObject => ({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'default' },
      spec: { selector: { app: 'web' }, ports, ...extra },
    });
    const first = c.apply(svc([{ name: 'http', port: 80 }], { sessionAffinity: 'ClientIP' })).object;
    const again = c.apply(svc([{ name: 'http', port: 80 }])).object;
    expect(specOf(again).clusterIP).toBe(specOf(first).clusterIP);
    expect(specOf(again).sessionAffinity).toBe('None');
  });

  it.each([
    [
      'create of an existing object',
      (c: SimCluster) => {
        c.create(vs({ hosts: ['a'], http: [{ route: [{ destination: { host: 'a' } }] }] }));
        return c.create(vs({ hosts: ['a'], http: [{ route: [{ destination: { host: 'a' } }] }] }));
      },
      409,
      'AlreadyExists',
      'virtualservices.networking.istio.io "reviews" already exists',
    ],
    [
      'delete of a missing object',
      (c: SimCluster) => c.delete('Deployment', 'default', 'nope'),
      404,
      'NotFound',
      'deployments.apps "nope" not found',
    ],
    [
      'replace of a missing object',
      (c: SimCluster) =>
        c.replace({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'default' }, data: {} }),
      404,
      'NotFound',
      'configmaps "x" not found',
    ],
    [
      'a write into a missing namespace',
      (c: SimCluster) => c.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'ghost' } }),
      404,
      'NotFound',
      'namespaces "ghost" not found',
    ],
    [
      'an API version the server does not serve',
      (c: SimCluster) => c.apply({ apiVersion: 'extensions/v1beta1', kind: 'Deployment', metadata: { name: 'x' } }),
      404,
      'NotFound',
      'the server could not find the requested resource',
    ],
    [
      'an unknown field (strict decoding)',
      (c: SimCluster) => c.apply(vs({ hosts: ['a'], http: [{ rout: [] }] })),
      400,
      'BadRequest',
      'VirtualService in version "v1alpha3" cannot be handled as a ' +
        'VirtualService: strict decoding error: unknown field "spec.http[0].rout"',
    ],
    [
      'a missing destination host',
      (c: SimCluster) => c.apply(vs({ hosts: ['a'], http: [{ route: [{ destination: { subset: 'v1' } }] }] })),
      422,
      'Invalid',
      'VirtualService.networking.istio.io "reviews" is invalid: spec.http[0].route[0].destination.host: Required value',
    ],
    [
      'a string where a weight belongs',
      (c: SimCluster) =>
        c.apply(vs({ hosts: ['a'], http: [{ route: [{ destination: { host: 'a' }, weight: 'fifty' }] }] })),
      422,
      'Invalid',
      'spec.http[0].route[0].weight: Invalid value: "fifty": spec.http[0].route[0].weight in body must be of type integer: "string"',
    ],
    [
      'a selector that does not match the template',
      (c: SimCluster) =>
        c.apply({
          ...deploy('web', { app: 'web' }),
          spec: {
            selector: { matchLabels: { app: 'other' } },
            template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'a', image: 'x' }] } },
          },
        }),
      422,
      'Invalid',
      'Deployment.apps "web" is invalid: spec.template.metadata.labels: Invalid value: ' +
        'map[string]string{"app":"web"}: `selector` does not match template `labels`',
    ],
    [
      'deleting the default namespace',
      (c: SimCluster) => c.delete('Namespace', undefined, 'default'),
      403,
      'Forbidden',
      'namespaces "default" is forbidden: this namespace may not be deleted',
    ],
  ])('refuses %s as the API server does', async (_what, act, code, reason, message) => {
    const c = await cluster();
    const e = thrown(() => act(c));
    expect(e.code).toBe(code);
    expect(e.reason).toBe(reason);
    expect(e.message).toContain(message);
  });

  it.each([
    [{ hosts: ['a'], http: [{ route: [{ destination: { host: 'a' }, weight: -10 }] }] }, 'weight -10 < 0'],
    [
      {
        hosts: ['a'],
        http: [
          {
            route: [
              { destination: { host: 'a', subset: 'v1' }, weight: 0 },
              { destination: { host: 'a', subset: 'v2' }, weight: 0 },
            ],
          },
        ],
      },
      'total destination weight = 0',
    ],
    [
      { hosts: ['*'], http: [{ route: [{ destination: { host: 'a' } }] }] },
      'wildcard host * is not allowed for virtual services bound to the mesh gateway',
    ],
    [{ hosts: ['a'] }, 'http, tcp or tls must be provided in virtual service'],
    [
      { hosts: ['a'], http: [{ match: [{ uri: { prefix: '/' } }] }] },
      'HTTP route, redirect or direct_response is required',
    ],
    [
      {
        hosts: ['a'],
        http: [{ route: [{ destination: { host: 'a' } }], mirror: { host: 'b' }, mirrorPercentage: { value: 150 } }],
      },
      'mirror_percentage must have a max value of 100 (it has 150.000000)',
    ],
    [
      { hosts: ['a'], http: [{ route: [{ destination: { host: 'a' } }], timeout: '0.5ms' }] },
      'duration must be greater than 1ms',
    ],
  ])("Istio's webhook refuses %j", async (spec, message) => {
    const c = await cluster();
    const refused = thrown(() => c.apply(vs(spec)));
    expect(refused.reason).toBe('');
    expect(refused.message).toBe(
      `admission webhook "validation.istio.io" denied the request: configuration is invalid: ${message}`,
    );
  });

  it('accepts relative weights that do not sum to 100', async () => {
    const c = await cluster();
    expect(
      c.apply(
        vs({
          hosts: ['a'],
          http: [
            {
              route: [
                { destination: { host: 'a', subset: 'v1' }, weight: 1 },
                { destination: { host: 'a', subset: 'v3' }, weight: 1 },
              ],
            },
          ],
        }),
      ).outcome,
    ).toBe('created');
  });

  it('refuses writes beyond the object limit', async () => {
    const c = await cluster(5);
    const e = thrown(() =>
      c.apply({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'one-too-many', namespace: 'default' },
        data: {},
      }),
    );
    expect(e.code).toBe(403);
    expect(e.message).toMatch(
      /^exceeded quota: lab-objects, requested: count\/objects=1, used: count\/objects=\d+, limited: count\/objects=5$/,
    );
  });
});

describe('SimCluster controllers', () => {
  it('makes a ReplicaSet and Pods with Kubernetes-style names that start after a while on the clock', async () => {
    const c = await cluster();
    const added: string[] = [];
    c.watch((e) => {
      if (e.type === 'ADDED' && e.object.kind === 'Pod') added.push(statusOf(e.object).phase);
    });
    c.apply(deploy('web', { app: 'web' }, { replicas: 2 }));
    await c.idle();
    // Pods are created Pending (ContainerCreating) and run once the kubelet has started them.
    expect(added).toEqual(['Pending', 'Pending']);
    const rs = c.list('ReplicaSet', 'default')[0]!;
    expect(rs.metadata.name).toMatch(/^web-[bcdfghjklmnpqrstvwxz2456789]{10}$/);
    const pods = c.list('Pod', 'default', 'app=web');
    for (const p of pods) {
      expect(p.metadata.name).toMatch(new RegExp(`^${rs.metadata.name}-[bcdfghjklmnpqrstvwxz2456789]{5}$`));
      expect(statusOf(p).phase).toBe('Running');
      expect(statusOf(p).podIP).toMatch(/^10\.244\./);
      expect(p.metadata.ownerReferences?.[0]?.uid).toBe(rs.metadata.uid);
    }
    expect(c.get('Deployment', 'default', 'web')!.status).toMatchObject({
      readyReplicas: 2,
      availableReplicas: 2,
      updatedReplicas: 2,
    });
    const ep = c.get('Endpoints', 'default', 'web');
    expect(ep).toBeUndefined();
  });

  it('rolls a changed template to a new ReplicaSet and cascades deletes to what a Deployment owns', async () => {
    const c = await cluster();
    c.apply(deploy('web', { app: 'web' }));
    await c.idle();
    const first = c.list('ReplicaSet', 'default')[0]!.metadata.name;
    c.update('Deployment', 'default', 'web', (o) => {
      specOf(o).template.spec.containers[0].image = 'docker.io/curlimages/curl:8.17.0';
    });
    await c.idle();
    const sets = c.list('ReplicaSet', 'default');
    expect(sets).toHaveLength(2);
    expect(specOf(sets.find((r) => r.metadata.name === first)!).replicas).toBe(0);
    expect(c.list('Pod', 'default', 'app=web')).toHaveLength(1);
    c.delete('Deployment', 'default', 'web');
    expect(c.list('ReplicaSet', 'default')).toHaveLength(0);
    expect(c.list('Pod', 'default', 'app=web')).toHaveLength(0);
  });

  it('gives Services cluster IPs and node ports, keeps requested ones, refuses taken ones, and keeps Endpoints of ready pods', async () => {
    const c = await cluster();
    const ingress = c.get('Service', 'istio-system', 'istio-ingressgateway')!;
    expect(specOf(ingress).ports.find((p) => p.name === 'http2')?.nodePort).toBe(30080);
    expect(specOf(ingress).type).toBe('LoadBalancer');
    expect(ingress.status).toEqual({ loadBalancer: {} });
    const svc = c.apply({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'default' },
      spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80, targetPort: 8080 }] },
    }).object;
    expect(specOf(svc).clusterIP).toMatch(/^10\.96\.\d+\.\d+$/);
    expect(specOf(svc).ports[0].nodePort).toBeGreaterThanOrEqual(30000);
    const taken = thrown(() =>
      c.apply({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'other', namespace: 'default' },
        spec: { type: 'NodePort', ports: [{ port: 80, nodePort: 30080 }] },
      }),
    );
    expect(taken.message).toContain('spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated');
    c.apply(deploy('web', { app: 'web' }));
    await c.idle();
    const ep = c.get('Endpoints', 'default', 'web')!;
    expect(subsetsOf(ep)[0].addresses).toHaveLength(1);
    expect(subsetsOf(ep)[0].ports[0].port).toBe(8080);
  });

  it('injects sidecars into new pods of a labelled namespace, never into existing ones, and honours opting out', async () => {
    const c = await cluster();
    c.apply(deploy('before', { app: 'before' }));
    await c.idle();
    c.update('Namespace', undefined, 'default', (o) => {
      o.metadata.labels = { ...o.metadata.labels, 'istio-injection': 'enabled' };
    });
    c.apply(deploy('after', { app: 'after' }));
    c.apply(deploy('optout', { app: 'optout', 'sidecar.istio.io/inject': 'false' }));
    await c.idle();
    const inits = (app: string) =>
      (specOf(c.list('Pod', 'default', `app=${app}`)[0]!).initContainers ?? []).map((x) => x.name);
    expect(inits('before')).toEqual([]);
    expect(inits('after')).toEqual(['istio-init', 'istio-proxy']);
    expect(inits('optout')).toEqual([]);
    const injected = c.list('Pod', 'default', 'app=after')[0]!;
    expect(specOf(injected).containers.map((x) => x.name)).toEqual(['app']);
    expect(injected.metadata.annotations!['sidecar.istio.io/status']).toContain('istio-proxy');
    // The sidecar's resource requests make the pod Burstable; a pod without any is BestEffort.
    expect(statusOf(injected).qosClass).toBe('Burstable');
    expect(statusOf(c.list('Pod', 'default', 'app=before')[0]!).qosClass).toBe('BestEffort');
    expect(specOf(injected).tolerations.map((t) => t.key)).toEqual([
      'node.kubernetes.io/not-ready',
      'node.kubernetes.io/unreachable',
    ]);
  });

  it("starts as kind with Istio 1.30's demo profile: node, control plane, istiod, both gateways, access logs on", async () => {
    const c = await cluster();
    const node = c.get('Node', undefined, 'kind-control-plane')!;
    expect(statusOf(node).nodeInfo.kubeletVersion).toBe('v1.34.0');
    expect(specOf(c.get('Pod', 'kube-system', 'kube-apiserver-kind-control-plane')!).containers[0].command).toContain(
      '--service-cluster-ip-range=10.96.0.0/16',
    );
    for (const name of ['istiod', 'istio-ingressgateway', 'istio-egressgateway'])
      expect(c.get('Deployment', 'istio-system', name)?.status).toMatchObject({ readyReplicas: 1 });
    expect(dataOf(c.get('ConfigMap', 'istio-system', 'istio')!).mesh).toContain('accessLogFile: /dev/stdout');
    expect(c.get('Namespace', undefined, 'default')!.metadata.labels?.['istio-injection']).toBeUndefined();
  });
});
