/**
 * `istioctl kube-inject`: adds Istio's sidecar (istio-proxy) and its iptables init container to the pod templates of
 * workload manifests, as the injector webhook would, and prints the result. Other documents pass through unchanged.
 */
import { parseAllDocuments, stringify } from 'yaml';
import type { SimClusterApi } from '../types.ts';
import { ISTIO_VERSION } from './version.ts';

/** Kinds whose pod template gets a sidecar. */
const WORKLOAD_KINDS = [
  'Deployment',
  'DaemonSet',
  'StatefulSet',
  'ReplicaSet',
  'ReplicationController',
  'Job',
  'CronJob',
  'Pod',
  'DeploymentConfig',
];

/** Injector settings that shape the sidecar (from ConfigMap `istio-sidecar-injector`'s values). */
export interface InjectSettings {
  includeIPRanges: string;
  excludeIPRanges: string;
}

/** Reads the injector's values; defaults when absent. */
export function injectSettings(cluster: SimClusterApi): InjectSettings {
  const cm = cluster.get('ConfigMap', 'istio-system', 'istio-sidecar-injector');
  let proxy: { includeIPRanges?: string; excludeIPRanges?: string } = {};
  try {
    const values = JSON.parse((cm?.data as Record<string, string> | undefined)?.values ?? '{}') as {
      global?: { proxy?: typeof proxy };
    };
    proxy = values.global?.proxy ?? {};
  } catch {
    proxy = {};
  }
  return { includeIPRanges: proxy.includeIPRanges ?? '*', excludeIPRanges: proxy.excludeIPRanges ?? '' };
}

type Obj = Record<string, any>;

function podTemplate(doc: Obj): Obj | undefined {
  if (doc.kind === 'Pod') return doc;
  if (doc.kind === 'CronJob') return doc.spec?.jobTemplate?.spec?.template;
  return doc.spec?.template;
}

function proxyContainer(name: string, ns: string, role: 'sidecar' | 'router' = 'sidecar'): Obj {
  return {
    name: 'istio-proxy',
    image: `docker.io/istio/proxyv2:${ISTIO_VERSION}`,
    args: [
      'proxy',
      role,
      '--domain',
      '$(POD_NAMESPACE).svc.cluster.local',
      '--proxyLogLevel=warning',
      '--proxyComponentLogLevel=misc:error',
      '--log_output_level=default:info',
    ],
    env: [
      { name: 'PILOT_CERT_PROVIDER', value: 'istiod' },
      { name: 'CA_ADDR', value: 'istiod.istio-system.svc:15012' },
      { name: 'POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'POD_NAMESPACE', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      { name: 'INSTANCE_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
      { name: 'SERVICE_ACCOUNT', valueFrom: { fieldRef: { fieldPath: 'spec.serviceAccountName' } } },
      { name: 'ISTIO_META_WORKLOAD_NAME', value: name },
      { name: 'ISTIO_META_OWNER', value: `kubernetes://apis/apps/v1/namespaces/${ns}/deployments/${name}` },
      { name: 'ISTIO_META_MESH_ID', value: 'cluster.local' },
      { name: 'TRUST_DOMAIN', value: 'cluster.local' },
    ],
    ports: [{ containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP' }],
    readinessProbe: {
      failureThreshold: 4,
      httpGet: { path: '/healthz/ready', port: 15021 },
      periodSeconds: 15,
      timeoutSeconds: 3,
    },
    resources: { limits: { cpu: '2', memory: '1Gi' }, requests: { cpu: '100m', memory: '128Mi' } },
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: true,
      runAsGroup: 1337,
      runAsNonRoot: true,
      runAsUser: 1337,
    },
    volumeMounts: [
      { mountPath: '/var/run/secrets/workload-spiffe-uds', name: 'workload-socket' },
      { mountPath: '/var/run/secrets/istio', name: 'istiod-ca-cert' },
      { mountPath: '/var/lib/istio/data', name: 'istio-data' },
      { mountPath: '/etc/istio/proxy', name: 'istio-envoy' },
      { mountPath: '/var/run/secrets/tokens', name: 'istio-token' },
      { mountPath: '/etc/istio/pod', name: 'istio-podinfo' },
    ],
  };
}

function initContainer(settings: InjectSettings): Obj {
  return {
    name: 'istio-init',
    image: `docker.io/istio/proxyv2:${ISTIO_VERSION}`,
    args: [
      'istio-iptables',
      '-p',
      '15001',
      '-z',
      '15006',
      '-u',
      '1337',
      '-m',
      'REDIRECT',
      '-i',
      settings.includeIPRanges,
      '-x',
      settings.excludeIPRanges,
      '-b',
      '*',
      '-d',
      '15090,15021,15020',
      '--log_output_level=default:info',
    ],
    resources: { limits: { cpu: '2', memory: '1Gi' }, requests: { cpu: '100m', memory: '128Mi' } },
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { add: ['NET_ADMIN', 'NET_RAW'], drop: ['ALL'] },
      privileged: false,
      readOnlyRootFilesystem: false,
      runAsGroup: 0,
      runAsNonRoot: false,
      runAsUser: 0,
    },
  };
}

const VOLUMES: Obj[] = [
  { emptyDir: {}, name: 'workload-socket' },
  { emptyDir: {}, name: 'credential-socket' },
  { emptyDir: {}, name: 'workload-certs' },
  { emptyDir: { medium: 'Memory' }, name: 'istio-envoy' },
  { emptyDir: {}, name: 'istio-data' },
  {
    downwardAPI: {
      items: [
        { fieldRef: { fieldPath: 'metadata.labels' }, path: 'labels' },
        { fieldRef: { fieldPath: 'metadata.annotations' }, path: 'annotations' },
      ],
    },
    name: 'istio-podinfo',
  },
  {
    name: 'istio-token',
    projected: {
      sources: [{ serviceAccountToken: { audience: 'istio-ca', expirationSeconds: 43200, path: 'istio-token' } }],
    },
  },
  { configMap: { name: 'istio-ca-root-cert' }, name: 'istiod-ca-cert' },
];

/**
 * Istio's `gateway` injection template (`inject.istio.io/templates: gateway`): the pod's own `istio-proxy` container
 * (image `auto`) becomes the whole Envoy (`proxy router`); no iptables init container, since a gateway captures nothing.
 * Fields the pod sets on the container (resources, ...) win over the template's, as with the real injector.
 */
function injectGateway(template: Obj, name: string, ns: string): void {
  const containers = (template.spec.containers ??= []) as Obj[];
  const index = containers.findIndex((c) => c.name === 'istio-proxy');
  const own = index >= 0 ? containers[index] : {};
  const merged = { ...proxyContainer(name, ns, 'router'), ...own, image: `docker.io/istio/proxyv2:${ISTIO_VERSION}` };
  if (index >= 0) containers[index] = merged;
  else containers.push(merged);
  const annotations = template.metadata.annotations as Record<string, string>;
  annotations['prometheus.io/path'] = '/stats/prometheus';
  annotations['prometheus.io/port'] = '15020';
  annotations['prometheus.io/scrape'] = 'true';
  annotations['sidecar.istio.io/status'] = JSON.stringify({
    initContainers: [],
    containers: ['istio-proxy'],
    volumes: VOLUMES.map((v) => v.name),
    imagePullSecrets: null,
    revision: 'default',
  });
  template.spec.volumes = [...((template.spec.volumes as Obj[] | undefined) ?? []), ...VOLUMES];
}

/** Injects one workload document in place; returns false when it is not a workload or is already injected. */
export function injectDocument(doc: Obj, settings: InjectSettings): boolean {
  if (!doc || !WORKLOAD_KINDS.includes(doc.kind)) return false;
  const template = podTemplate(doc);
  if (!template) return false;
  template.metadata ??= {};
  template.spec ??= {};
  const annotations = (template.metadata.annotations ??= {}) as Record<string, string>;
  if (annotations['sidecar.istio.io/status'] || annotations['sidecar.istio.io/inject'] === 'false') return false;
  const labels = (template.metadata.labels ??= {}) as Record<string, string>;
  const containers = (template.spec.containers ??= []) as Obj[];
  const name = doc.metadata?.name ?? labels.app ?? 'workload';
  const ns = doc.metadata?.namespace ?? 'default';
  if (annotations['inject.istio.io/templates'] === 'gateway') {
    labels['service.istio.io/canonical-name'] = labels['app.kubernetes.io/name'] ?? labels.app ?? name;
    labels['service.istio.io/canonical-revision'] = labels['app.kubernetes.io/version'] ?? labels.version ?? 'latest';
    injectGateway(template, name, ns);
    return true;
  }
  const first = containers[0]?.name;
  if (first) {
    annotations['kubectl.kubernetes.io/default-container'] = first;
    annotations['kubectl.kubernetes.io/default-logs-container'] = first;
  }
  annotations['prometheus.io/path'] = '/stats/prometheus';
  annotations['prometheus.io/port'] = '15020';
  annotations['prometheus.io/scrape'] = 'true';
  annotations['sidecar.istio.io/status'] = JSON.stringify({
    initContainers: ['istio-init'],
    containers: ['istio-proxy'],
    volumes: VOLUMES.map((v) => v.name),
    imagePullSecrets: null,
    revision: 'default',
  });
  labels['security.istio.io/tlsMode'] = 'istio';
  labels['service.istio.io/canonical-name'] = labels['app.kubernetes.io/name'] ?? labels.app ?? name;
  labels['service.istio.io/canonical-revision'] = labels['app.kubernetes.io/version'] ?? labels.version ?? 'latest';
  containers.push(proxyContainer(name, ns));
  template.spec.initContainers = [
    ...((template.spec.initContainers as Obj[] | undefined) ?? []),
    initContainer(settings),
  ];
  template.spec.volumes = [...((template.spec.volumes as Obj[] | undefined) ?? []), ...VOLUMES];
  template.metadata.creationTimestamp ??= null;
  if (doc.kind !== 'Pod') {
    doc.metadata ??= {};
    doc.metadata.creationTimestamp ??= null;
  }
  doc.status ??= {};
  return true;
}

/** Injects every document of a YAML stream; throws Error with istioctl's wording on bad YAML. */
export function kubeInject(text: string, settings: InjectSettings): string {
  const docs = parseAllDocuments(text);
  const out: string[] = [];
  for (const d of docs) {
    if (d.errors.length > 0)
      throw new Error(`error converting YAML to JSON: yaml: ${d.errors[0].message.split('\n')[0]}`);
    const value = d.toJS() as Obj | null;
    if (value === null || value === undefined) continue;
    injectDocument(value, settings);
    out.push(stringify(value, { lineWidth: 0 }));
  }
  return out.join('---\n');
}
