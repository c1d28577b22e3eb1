/**
 * Istio's sidecar injector (the webhook, and `istioctl kube-inject` through it): adds the iptables init container and
 * the sidecar (istio-proxy) to the pod templates of workload manifests. Since Istio 1.27, on Kubernetes 1.33 and
 * later (`ENABLE_NATIVE_SIDECARS=auto` reads the nodes' kubelet versions), the sidecar is a native sidecar: an init
 * container with `restartPolicy: Always` right after `istio-init`, not an entry of `containers`. Shaped after the
 * injector's output in istio/istio 1.30 (`pkg/kube/inject/testdata/inject/*.injected`). Other documents pass through.
 */
import { parseAllDocuments, stringify } from 'yaml';
import type { K8sObject } from '../../../contract.ts';
import type { SimClusterApi } from '../types.ts';
import { ISTIO_HUB, ISTIO_VERSION } from './version.ts';

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

/** The pod annotation that chooses native sidecars for one pod, over the injector's choice. */
export const NATIVE_SIDECAR_ANNOTATION = 'sidecar.istio.io/nativeSidecar';

/** Kubernetes minor from which Istio injects native sidecars (the feature is GA in 1.33). */
const NATIVE_SIDECAR_MIN_MINOR = 33;

/** Injector settings that shape the sidecar (the injector's values, istiod's environment, the mesh config). */
export interface InjectSettings {
  includeIPRanges: string;
  excludeIPRanges: string;
  /** istio-proxy as a native sidecar (init container, `restartPolicy: Always`) rather than a regular container. */
  nativeSidecar: boolean;
  /** The mesh's `defaultConfig`, which the sidecar gets as `PROXY_CONFIG`. */
  proxyConfig: Record<string, unknown>;
  /** `values.global.proxy.privileged`: the sidecar runs privileged (what `sudo tcpdump` in it needs). */
  privileged?: boolean;
}

function record(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** ProxyConfig fields at their default value, which the injector leaves out of `PROXY_CONFIG` (`cleanProxyConfig`). */
const PROXY_CONFIG_DEFAULTS: Record<string, unknown> = {
  configPath: './etc/istio/proxy',
  binaryPath: '/usr/local/bin/envoy',
  serviceCluster: 'istio-proxy',
  drainDuration: '45s',
  terminationDrainDuration: '5s',
  discoveryAddress: 'istiod.istio-system.svc:15012',
  proxyAdminPort: 15000,
  controlPlaneAuthPolicy: 'MUTUAL_TLS',
  statNameLength: 189,
  statusPort: 15020,
};

/** The mesh's defaultConfig without its default-valued fields, as the injector writes it. */
export function cleanProxyConfig(config: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(config).filter(([k, v]) => PROXY_CONFIG_DEFAULTS[k] !== v));
}

/** An environment variable of istiod's `discovery` container (`values.pilot.env.*`), if set. */
function istiodEnv(cluster: SimClusterApi, name: string): string | undefined {
  const istiod = cluster.get('Deployment', 'istio-system', 'istiod');
  const template = record(record(istiod?.spec).template);
  const containers = record(template.spec).containers;
  for (const c of Array.isArray(containers) ? containers : []) {
    const env = record(c).env;
    const found = (Array.isArray(env) ? env : []).find((e) => record(e).name === name);
    if (found) return String(record(found).value ?? '');
  }
  return undefined;
}

/** `ENABLE_NATIVE_SIDECARS`: `true`, `false`, or `auto` (the default): native when every node's kubelet is >= 1.33. */
export function nativeSidecarsFor(mode: string | undefined, nodes: K8sObject[]): boolean {
  if (mode === 'true') return true;
  if (mode !== undefined && mode !== 'auto') return false;
  return nodes.every((n) => {
    const version = String(record(record(n.status).nodeInfo).kubeletVersion ?? '');
    const minor = /^v?\d+\.(\d+)/.exec(version)?.[1];
    return minor !== undefined && Number(minor) >= NATIVE_SIDECAR_MIN_MINOR;
  });
}

/** Reads the injector's settings; defaults when absent. */
export function injectSettings(cluster: SimClusterApi): InjectSettings {
  const cm = cluster.get('ConfigMap', 'istio-system', 'istio-sidecar-injector');
  let proxy: { includeIPRanges?: string; excludeIPRanges?: string; privileged?: boolean } = {};
  try {
    const values = JSON.parse((cm?.data as Record<string, string> | undefined)?.values ?? '{}') as {
      global?: { proxy?: typeof proxy };
    };
    proxy = values.global?.proxy ?? {};
  } catch {
    proxy = {};
  }
  let proxyConfig: Record<string, unknown> = {};
  const mesh = (cluster.get('ConfigMap', 'istio-system', 'istio')?.data as Record<string, string> | undefined)?.mesh;
  if (mesh) {
    try {
      proxyConfig = cleanProxyConfig(record(record(parseAllDocuments(mesh)[0]?.toJS()).defaultConfig));
    } catch {
      proxyConfig = {};
    }
  }
  return {
    includeIPRanges: proxy.includeIPRanges ?? '*',
    excludeIPRanges: proxy.excludeIPRanges ?? '',
    nativeSidecar: nativeSidecarsFor(istiodEnv(cluster, 'ENABLE_NATIVE_SIDECARS'), cluster.list('Node')),
    proxyConfig,
    privileged: proxy.privileged === true,
  };
}

/** A container as the injector reads and writes it: the fields it looks at, the rest kept as they are. */
interface ContainerDoc {
  name?: string;
  ports?: Record<string, unknown>[];
  [field: string]: unknown;
}

/** A pod template as the injector edits it (a Pod is its own template; the workload kinds nest one in `spec`). */
interface TemplateDoc {
  metadata?: {
    name?: string;
    namespace?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    creationTimestamp?: string | null;
  };
  spec?: {
    containers?: ContainerDoc[];
    initContainers?: ContainerDoc[];
    volumes?: Record<string, unknown>[];
    template?: TemplateDoc;
    jobTemplate?: { spec?: { template?: TemplateDoc } };
  };
}

/** A document of a manifest the injector may inject: any YAML document that is an object. */
interface WorkloadDoc extends TemplateDoc {
  kind?: string;
  status?: unknown;
}

function podTemplate(doc: WorkloadDoc): TemplateDoc | undefined {
  if (doc.kind === 'Pod') return doc;
  if (doc.kind === 'CronJob') return doc.spec?.jobTemplate?.spec?.template;
  return doc.spec?.template;
}

/** `ISTIO_META_POD_PORTS`: the application containers' ports, as the injector lists them. */
function podPorts(containers: ContainerDoc[]): string {
  const ports = containers.flatMap((c) => (Array.isArray(c.ports) ? c.ports : []));
  if (ports.length === 0) return '[\n]';
  // Go's struct order: name, hostPort, containerPort, protocol, hostIP.
  const order = ['name', 'hostPort', 'containerPort', 'protocol', 'hostIP'];
  const json = ports.map((p) =>
    JSON.stringify(Object.fromEntries(order.filter((k) => p[k] !== undefined).map((k) => [k, p[k]]))),
  );
  return `[\n    ${json.join('\n    ,')}\n]`;
}

const PROXY_IMAGE = () => `${ISTIO_HUB}/proxyv2:${ISTIO_VERSION}`;

function proxyContainer(
  name: string,
  ns: string,
  apps: ContainerDoc[],
  settings: InjectSettings,
  native: boolean,
  role: 'sidecar' | 'router' = 'sidecar',
): ContainerDoc {
  const field = (fieldPath: string) => ({ valueFrom: { fieldRef: { fieldPath } } });
  const resource = (r: string) => ({ valueFrom: { resourceFieldRef: { divisor: '1', resource: r } } });
  return {
    name: 'istio-proxy',
    image: PROXY_IMAGE(),
    ...(native ? { restartPolicy: 'Always' } : {}),
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
      { name: 'POD_NAME', ...field('metadata.name') },
      { name: 'POD_NAMESPACE', ...field('metadata.namespace') },
      { name: 'INSTANCE_IP', ...field('status.podIP') },
      { name: 'SERVICE_ACCOUNT', ...field('spec.serviceAccountName') },
      { name: 'HOST_IP', ...field('status.hostIP') },
      { name: 'ISTIO_CPU_LIMIT', ...resource('limits.cpu') },
      { name: 'PROXY_CONFIG', value: `${JSON.stringify(settings.proxyConfig)}\n` },
      { name: 'ISTIO_META_POD_PORTS', value: podPorts(apps) },
      { name: 'ISTIO_META_APP_CONTAINERS', value: apps.map((c) => c.name).join(',') },
      { name: 'GOMEMLIMIT', ...resource('limits.memory') },
      { name: 'GOMAXPROCS', ...resource('limits.cpu') },
      { name: 'ISTIO_META_CLUSTER_ID', value: 'Kubernetes' },
      { name: 'ISTIO_META_NODE_NAME', ...field('spec.nodeName') },
      { name: 'ISTIO_META_INTERCEPTION_MODE', value: 'REDIRECT' },
      { name: 'ISTIO_META_WORKLOAD_NAME', value: name },
      { name: 'ISTIO_META_OWNER', value: `kubernetes://apis/apps/v1/namespaces/${ns}/deployments/${name}` },
      { name: 'ISTIO_META_MESH_ID', value: 'cluster.local' },
      { name: 'TRUST_DOMAIN', value: 'cluster.local' },
    ],
    // A native sidecar is stopped after the app; it drains its listeners first.
    ...(native
      ? {
          lifecycle: {
            preStop: { exec: { command: ['pilot-agent', 'request', '--debug-port=15020', 'POST', 'drain'] } },
          },
        }
      : {}),
    ports: [{ containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP' }],
    readinessProbe: {
      failureThreshold: 4,
      httpGet: { path: '/healthz/ready', port: 15021 },
      periodSeconds: 15,
      timeoutSeconds: 3,
    },
    resources: { limits: { cpu: '2', memory: '1Gi' }, requests: { cpu: '100m', memory: '128Mi' } },
    securityContext: {
      allowPrivilegeEscalation: settings.privileged === true,
      capabilities: { drop: ['ALL'] },
      privileged: settings.privileged === true,
      readOnlyRootFilesystem: true,
      runAsGroup: 1337,
      runAsNonRoot: true,
      runAsUser: 1337,
    },
    startupProbe: {
      failureThreshold: 600,
      httpGet: { path: '/healthz/ready', port: 15021 },
      periodSeconds: 1,
      timeoutSeconds: 3,
    },
    volumeMounts: [
      { mountPath: '/var/run/secrets/workload-spiffe-uds', name: 'workload-socket' },
      { mountPath: '/var/run/secrets/credential-uds', name: 'credential-socket' },
      { mountPath: '/var/run/secrets/workload-spiffe-credentials', name: 'workload-certs' },
      { mountPath: '/var/run/secrets/istio', name: 'istiod-ca-cert' },
      { mountPath: '/var/run/secrets/istio/crl', name: 'istio-ca-crl' },
      { mountPath: '/var/lib/istio/data', name: 'istio-data' },
      { mountPath: '/etc/istio/proxy', name: 'istio-envoy' },
      { mountPath: '/var/run/secrets/tokens', name: 'istio-token' },
      { mountPath: '/etc/istio/pod', name: 'istio-podinfo' },
    ],
  };
}

function initContainer(settings: InjectSettings): ContainerDoc {
  return {
    name: 'istio-init',
    image: PROXY_IMAGE(),
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

const VOLUMES: { name: string; [field: string]: unknown }[] = [
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
  { configMap: { name: 'istio-ca-crl', optional: true }, name: 'istio-ca-crl' },
];

/**
 * Istio's `gateway` injection template (`inject.istio.io/templates: gateway`): the pod's own `istio-proxy` container
 * (image `auto`) becomes the whole Envoy (`proxy router`); no iptables init container, since a gateway captures nothing.
 * Fields the pod sets on the container (resources, ...) win over the template's, as with the real injector.
 */
function injectGateway(template: Required<TemplateDoc>, name: string, ns: string, settings: InjectSettings): void {
  const containers = (template.spec.containers ??= []);
  const index = containers.findIndex((c) => c.name === 'istio-proxy');
  const own = index >= 0 ? containers[index] : {};
  const merged = { ...proxyContainer(name, ns, [], settings, false, 'router'), ...own, image: PROXY_IMAGE() };
  if (index >= 0) containers[index] = merged;
  else containers.push(merged);
  const annotations = (template.metadata.annotations ??= {});
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
  template.spec.volumes = [...(template.spec.volumes ?? []), ...VOLUMES];
}

/** Whether this pod template gets a native sidecar: its `sidecar.istio.io/nativeSidecar` annotation, else the injector's. */
function nativeFor(annotations: Record<string, string>, settings: InjectSettings): boolean {
  const choice = annotations[NATIVE_SIDECAR_ANNOTATION];
  return choice === 'true' ? true : choice === 'false' ? false : settings.nativeSidecar;
}

/** Injects one workload document in place; returns false when it is not a workload or is already injected. */
export function injectDocument(value: unknown, settings: InjectSettings): boolean {
  if (!value || typeof value !== 'object') return false;
  const doc = value as WorkloadDoc;
  if (!WORKLOAD_KINDS.includes(doc.kind ?? '')) return false;
  const found = podTemplate(doc);
  if (!found) return false;
  found.metadata ??= {};
  found.spec ??= {};
  const template = found as Required<TemplateDoc>;
  const annotations = (template.metadata.annotations ??= {});
  if (annotations['sidecar.istio.io/status'] || annotations['sidecar.istio.io/inject'] === 'false') return false;
  const labels = (template.metadata.labels ??= {});
  const containers = (template.spec.containers ??= []);
  const name = doc.metadata?.name ?? labels.app ?? 'workload';
  const ns = doc.metadata?.namespace ?? 'default';
  if (annotations['inject.istio.io/templates'] === 'gateway') {
    labels['service.istio.io/canonical-name'] = labels['app.kubernetes.io/name'] ?? labels.app ?? name;
    labels['service.istio.io/canonical-revision'] = labels['app.kubernetes.io/version'] ?? labels.version ?? 'latest';
    injectGateway(template, name, ns, settings);
    return true;
  }
  const native = nativeFor(annotations, settings);
  annotations['istio.io/rev'] = 'default';
  const first = containers[0]?.name;
  if (first) {
    annotations['kubectl.kubernetes.io/default-container'] ??= first;
    annotations['kubectl.kubernetes.io/default-logs-container'] ??= first;
  }
  annotations['prometheus.io/path'] = '/stats/prometheus';
  annotations['prometheus.io/port'] = '15020';
  annotations['prometheus.io/scrape'] = 'true';
  annotations['sidecar.istio.io/status'] = JSON.stringify({
    initContainers: native ? ['istio-init', 'istio-proxy'] : ['istio-init'],
    containers: native ? null : ['istio-proxy'],
    volumes: VOLUMES.map((v) => v.name),
    imagePullSecrets: null,
    revision: 'default',
  });
  labels['security.istio.io/tlsMode'] = 'istio';
  labels['service.istio.io/canonical-name'] = labels['app.kubernetes.io/name'] ?? labels.app ?? name;
  labels['service.istio.io/canonical-revision'] = labels['app.kubernetes.io/version'] ?? labels.version ?? 'latest';
  const proxy = proxyContainer(name, ns, containers, settings, native);
  const userInits = template.spec.initContainers ?? [];
  if (native) {
    // {istio-init} => istio-proxy => the pod's own init containers: those run inside the mesh already.
    template.spec.initContainers = [initContainer(settings), proxy, ...userInits];
  } else {
    // The proxy goes last among the containers (kubectl exec and logs default to the app), iptables last among
    // the init containers (so the pod's own init containers are not captured before any proxy runs).
    containers.push(proxy);
    template.spec.initContainers = [...userInits, initContainer(settings)];
  }
  template.spec.volumes = [...(template.spec.volumes ?? []), ...VOLUMES];
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
    const value: unknown = d.toJS();
    if (value === null || value === undefined) continue;
    injectDocument(value, settings);
    out.push(stringify(value, { lineWidth: 0 }));
  }
  return out.join('---\n');
}
