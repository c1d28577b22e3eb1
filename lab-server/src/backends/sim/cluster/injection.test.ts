/** Sidecar injection: who gets a sidecar, with which capture ranges, and that existing pods are left alone. */
import { describe, expect, it } from 'vitest';
import type { K8sObject } from '../../../contract.ts';
import { nativeSidecarsFor } from '../istio/injector.ts';
import { captureRanges, sidecarCaptures } from '../mesh/capture.ts';
import type { ContainerSpec } from '../mesh/objects.ts';
import { podColumns } from '../shell/commands/kubectl/tables.ts';
import { workloadSpec } from './shapes.ts';
import { deployment, newCluster } from './testing/newCluster.ts';

/** A container as these tests read it: the injected proxy's lifecycle and probe besides the common fields. */
interface Container extends ContainerSpec {
  lifecycle?: { preStop?: { exec?: { command?: string[] } } };
  startupProbe?: { httpGet?: unknown };
}
const spec = (pod: K8sObject) => pod.spec as { containers: Container[]; initContainers?: Container[] };
/** The pod's long-running containers: its containers, then its native sidecars (init containers that keep running). */
const containerNames = (pod: K8sObject) => [
  ...spec(pod).containers.map((c) => c.name),
  ...(spec(pod).initContainers ?? []).filter((c) => c.restartPolicy === 'Always').map((c) => c.name),
];
const proxyOf = (pod: K8sObject) => (spec(pod).initContainers ?? []).find((c) => c.name === 'istio-proxy')!;
const podOf = (c: Awaited<ReturnType<typeof newCluster>>, app: string) => c.list('Pod', 'default', `app=${app}`)[0]!;
const labelDefault = (c: Awaited<ReturnType<typeof newCluster>>, value: string) =>
  c.update('Namespace', undefined, 'default', (o) => {
    o.metadata.labels = { ...o.metadata.labels, 'istio-injection': value };
  });
const withTemplate = (
  d: K8sObject,
  meta: { labels?: Record<string, string>; annotations?: Record<string, string> },
) => {
  const template = workloadSpec(d).template!;
  template.metadata = {
    labels: { ...template.metadata?.labels, ...meta.labels },
    ...(meta.annotations ? { annotations: meta.annotations } : {}),
  };
  return d;
};

describe('sidecar injection', () => {
  it.each<[string, string | undefined, Record<string, string>, boolean]>([
    ['an unlabelled namespace', undefined, {}, false],
    ['a namespace labelled istio-injection=enabled', 'enabled', {}, true],
    ['a pod opting out in a labelled namespace', 'enabled', { 'sidecar.istio.io/inject': 'false' }, false],
    ['a pod opting in in an unlabelled namespace', undefined, { 'sidecar.istio.io/inject': 'true' }, true],
    ['a pod opting in in a namespace labelled disabled', 'disabled', { 'sidecar.istio.io/inject': 'true' }, false],
  ])('%s: injected %s', async (_what, nsLabel, podLabels, injected) => {
    const c = await newCluster();
    if (nsLabel) labelDefault(c, nsLabel);
    c.apply(withTemplate(deployment('web', { app: 'web' }), { labels: podLabels }));
    await c.idle();
    const pod = podOf(c, 'web');
    expect(containerNames(pod)).toEqual(injected ? ['app', 'istio-proxy'] : ['app']);
    expect(pod.metadata.annotations?.['sidecar.istio.io/status'] !== undefined).toBe(injected);
    if (injected) {
      // Istio 1.27+ on Kubernetes 1.34: istio-proxy is a native sidecar right after istio-init.
      expect((spec(pod).initContainers ?? []).map((x) => [x.name, x.restartPolicy])).toEqual([
        ['istio-init', undefined],
        ['istio-proxy', 'Always'],
      ]);
      expect(spec(pod).containers.map((x) => x.name)).toEqual(['app']);
      expect(proxyOf(pod).image).toBe('registry.istio.io/release/proxyv2:1.30.0');
      const inits = (pod.status as { initContainerStatuses: { name: string; state: object; ready: boolean }[] })
        .initContainerStatuses;
      expect(inits.map((x) => [x.name, Object.keys(x.state)[0], x.ready])).toEqual([
        ['istio-init', 'terminated', true],
        ['istio-proxy', 'running', true],
      ]);
      expect(podColumns(pod, Date.now()).ready).toBe('2/2');
    }
  });

  it.each<
    [string, Record<string, string>, { labels?: Record<string, string>; annotations?: Record<string, string> }, boolean]
  >([
    ['a namespace labelled istio.io/rev=default (the revision webhook)', { 'istio.io/rev': 'default' }, {}, true],
    ['a namespace labelled with another revision', { 'istio.io/rev': 'canary' }, {}, false],
    [
      'a pod labelled istio.io/rev=default in an unlabelled namespace',
      {},
      { labels: { 'istio.io/rev': 'default' } },
      true,
    ],
    // The webhook selects by labels: the annotation alone does not make the API server call it.
    [
      'a pod annotated (not labelled) inject=true in an unlabelled namespace',
      {},
      { annotations: { 'sidecar.istio.io/inject': 'true' } },
      false,
    ],
    [
      'a pod annotated inject=false in a labelled namespace',
      { 'istio-injection': 'enabled' },
      { annotations: { 'sidecar.istio.io/inject': 'false' } },
      false,
    ],
  ])('as the webhook configuration selects, %s', async (_what, nsLabels, meta, injected) => {
    const c = await newCluster();
    c.update('Namespace', undefined, 'default', (o) => {
      o.metadata.labels = { ...o.metadata.labels, ...nsLabels };
    });
    c.apply(withTemplate(deployment('web', { app: 'web' }), meta));
    await c.idle();
    expect(containerNames(podOf(c, 'web'))).toEqual(injected ? ['app', 'istio-proxy'] : ['app']);
  });

  it('follows the webhook configuration as it is: a deactivated injector injects nothing', async () => {
    const c = await newCluster();
    labelDefault(c, 'enabled');
    c.update('MutatingWebhookConfiguration', undefined, 'istio-sidecar-injector', (o) => {
      const never = { matchLabels: { 'istio.io/deactivated': 'never-match' } };
      const config = o as K8sObject & { webhooks: { namespaceSelector?: unknown; objectSelector?: unknown }[] };
      for (const w of config.webhooks) Object.assign(w, { namespaceSelector: never, objectSelector: never });
    });
    c.apply(deployment('web', { app: 'web' }));
    await c.idle();
    expect(containerNames(podOf(c, 'web'))).toEqual(['app']);
  });

  it('reads a malformed webhook configuration as the API server never calls it, and still injects by the good one', async () => {
    const c = await newCluster();
    labelDefault(c, 'enabled');
    c.apply({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata: { name: 'bad' },
      webhooks: [
        { name: 'x.istio.io', namespaceSelector: { matchExpressions: 5 }, objectSelector: { matchLabels: 7 } },
      ],
    } as K8sObject);
    c.apply(deployment('web', { app: 'web' }));
    await c.idle();
    expect(containerNames(podOf(c, 'web'))).toEqual(['app', 'istio-proxy']);
  });

  it("names the Deployment as the proxy's workload", async () => {
    const c = await newCluster();
    labelDefault(c, 'enabled');
    c.apply(deployment('reviews-v1', { app: 'reviews' }));
    await c.idle();
    const env = Object.fromEntries((proxyOf(podOf(c, 'reviews')).env ?? []).map((e) => [e.name, e.value]));
    expect(env.ISTIO_META_WORKLOAD_NAME).toBe('reviews-v1');
    expect(env.ISTIO_META_OWNER).toBe('kubernetes://apis/apps/v1/namespaces/default/deployments/reviews-v1');
  });

  it('never changes pods that exist when the label comes or goes', async () => {
    const c = await newCluster();
    c.apply(deployment('before', { app: 'before' }));
    await c.idle();
    labelDefault(c, 'enabled');
    c.apply(deployment('after', { app: 'after' }));
    await c.idle();
    expect(containerNames(podOf(c, 'before'))).toEqual(['app']);
    expect(containerNames(podOf(c, 'after'))).toEqual(['app', 'istio-proxy']);
    labelDefault(c, 'disabled');
    await c.idle();
    expect(containerNames(podOf(c, 'after'))).toEqual(['app', 'istio-proxy']);
    // A restarted pod is a new pod: it follows the label of the moment.
    c.delete('Pod', 'default', podOf(c, 'before').metadata.name);
    c.delete('Pod', 'default', podOf(c, 'after').metadata.name);
    await c.idle();
    expect(containerNames(podOf(c, 'after'))).toEqual(['app']);
  });

  it("captures what the injector's values say at creation, unless the pod's annotation says otherwise", async () => {
    const c = await newCluster();
    labelDefault(c, 'enabled');
    c.apply(deployment('old', { app: 'old' }));
    await c.idle();
    // What `istioctl install --set values.global.proxy.includeIPRanges=10.96.0.0/16` rewrites.
    c.update('ConfigMap', 'istio-system', 'istio-sidecar-injector', (o) => {
      const values = JSON.parse((o.data as Record<string, string>).values);
      values.global.proxy.includeIPRanges = '10.96.0.0/16';
      (o.data as Record<string, string>).values = JSON.stringify(values);
    });
    c.apply(deployment('new', { app: 'new' }));
    c.apply(
      withTemplate(deployment('own', { app: 'own' }), {
        annotations: { 'traffic.sidecar.istio.io/includeOutboundIPRanges': '10.244.0.0/16' },
      }),
    );
    await c.idle();
    expect(captureRanges(podOf(c, 'old')).include).toBe('*');
    expect(captureRanges(podOf(c, 'new')).include).toBe('10.96.0.0/16');
    expect(captureRanges(podOf(c, 'own')).include).toBe('10.244.0.0/16');
    expect(sidecarCaptures(podOf(c, 'new'), '10.96.12.34')).toBe(true);
    expect(sidecarCaptures(podOf(c, 'new'), '54.85.1.2')).toBe(false);
    expect(sidecarCaptures(podOf(c, 'old'), '54.85.1.2')).toBe(true);
  });

  it("has the injector's output shape: status annotation, default container, native sidecar fields", async () => {
    const c = await newCluster();
    labelDefault(c, 'enabled');
    c.apply(deployment('hello', { app: 'hello' }));
    await c.idle();
    const pod = podOf(c, 'hello');
    // As istio/istio 1.30's pkg/kube/inject/testdata/inject/hello.yaml.injected shows it.
    expect(pod.metadata.annotations?.['sidecar.istio.io/status']).toBe(
      '{"initContainers":["istio-init","istio-proxy"],"containers":null,"volumes":["workload-socket",' +
        '"credential-socket","workload-certs","istio-envoy","istio-data","istio-podinfo","istio-token",' +
        '"istiod-ca-cert","istio-ca-crl"],"imagePullSecrets":null,"revision":"default"}',
    );
    expect(pod.metadata.annotations?.['kubectl.kubernetes.io/default-container']).toBe('app');
    expect(pod.metadata.annotations?.['istio.io/rev']).toBe('default');
    const proxy = proxyOf(pod);
    expect(proxy.restartPolicy).toBe('Always');
    expect(proxy.lifecycle?.preStop?.exec?.command).toEqual([
      'pilot-agent',
      'request',
      '--debug-port=15020',
      'POST',
      'drain',
    ]);
    expect(proxy.startupProbe?.httpGet).toEqual({ path: '/healthz/ready', port: 15021 });
    const env = Object.fromEntries((proxy.env ?? []).map((e) => [e.name, e.value]));
    expect(env.ISTIO_META_APP_CONTAINERS).toBe('app');
    // Only what differs from ProxyConfig's defaults (the demo profile's defaultConfig has none).
    expect(env.PROXY_CONFIG).toBe('{}\n');
  });

  it.each<[string, (c: Awaited<ReturnType<typeof newCluster>>) => void, Record<string, string>]>([
    [
      'istiod runs with ENABLE_NATIVE_SIDECARS=false',
      (c) =>
        c.update('Deployment', 'istio-system', 'istiod', (o) => {
          const container = workloadSpec(o).template!.spec!.containers![0]!;
          container.env = [...(container.env ?? []), { name: 'ENABLE_NATIVE_SIDECARS', value: 'false' }];
        }),
      {},
    ],
    ['the pod says sidecar.istio.io/nativeSidecar: "false"', () => {}, { 'sidecar.istio.io/nativeSidecar': 'false' }],
  ])('a regular sidecar container when %s', async (_what, setup, annotations) => {
    const c = await newCluster();
    labelDefault(c, 'enabled');
    setup(c);
    c.apply(withTemplate(deployment('web', { app: 'web' }), { annotations }));
    await c.idle();
    const pod = podOf(c, 'web');
    expect(spec(pod).containers.map((x) => x.name)).toEqual(['app', 'istio-proxy']);
    expect((spec(pod).initContainers ?? []).map((x) => x.name)).toEqual(['istio-init']);
    expect(podColumns(pod, Date.now()).ready).toBe('2/2');
  });

  it('ENABLE_NATIVE_SIDECARS=auto: native only when every kubelet is 1.33 or newer', () => {
    const node = (v: string) => ({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: v },
      status: { nodeInfo: { kubeletVersion: v } },
    });
    expect(nativeSidecarsFor(undefined, [node('v1.34.0')])).toBe(true);
    expect(nativeSidecarsFor('auto', [node('v1.33.1'), node('v1.34.0')])).toBe(true);
    expect(nativeSidecarsFor('auto', [node('v1.32.5'), node('v1.34.0')])).toBe(false);
    expect(nativeSidecarsFor('true', [node('v1.32.5')])).toBe(true);
    expect(nativeSidecarsFor('false', [node('v1.34.0')])).toBe(false);
    expect(nativeSidecarsFor('bogus', [node('v1.34.0')])).toBe(false);
  });

  it('an annotation added to a running pod changes nothing: istio-init wrote its iptables rules at creation', async () => {
    const c = await newCluster();
    labelDefault(c, 'enabled');
    c.apply(deployment('running', { app: 'running' }));
    await c.idle();
    const pod = podOf(c, 'running');
    c.update('Pod', 'default', pod.metadata.name, (o) => {
      o.metadata.annotations = {
        ...o.metadata.annotations,
        'traffic.sidecar.istio.io/includeOutboundIPRanges': '10.96.0.0/16',
      };
    });
    await c.idle();
    const annotated = podOf(c, 'running');
    expect(annotated.metadata.annotations?.['traffic.sidecar.istio.io/includeOutboundIPRanges']).toBe('10.96.0.0/16');
    expect(captureRanges(annotated).include).toBe('*');
    expect(sidecarCaptures(annotated, '54.85.1.2')).toBe(true);
  });

  it("injects nothing once Istio's injector is gone", async () => {
    const c = await newCluster();
    labelDefault(c, 'enabled');
    c.delete('ConfigMap', 'istio-system', 'istio-sidecar-injector');
    c.apply(deployment('web', { app: 'web' }));
    await c.idle();
    expect(containerNames(podOf(c, 'web'))).toEqual(['app']);
  });
});
