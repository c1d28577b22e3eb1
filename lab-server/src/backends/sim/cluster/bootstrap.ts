/**
 * The starting cluster as data: a one-node kind cluster (Kubernetes 1.34) with Istio 1.30 installed by
 * `istioctl install --set profile=demo -y` (istiod, ingress and egress gateways, the mesh config with access
 * logs on, the injector's values). Nothing of the labs' own: their setup scripts add that.
 */
import { stringify } from 'yaml';
import { istioCrdObjects } from './crds.ts';
import type { K8sObject } from '../../../contract.ts';
import { egressObjects } from '../istio/install.ts';
import { PROFILES } from '../istio/profiles.ts';
import { ISTIO_HUB, ISTIO_VERSION } from '../istio/version.ts';

const PROXY_IMAGE = `${ISTIO_HUB}/proxyv2:${ISTIO_VERSION}`;

function ns(name: string, labels: Record<string, string> = {}): K8sObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

function deployment(
  namespace: string,
  name: string,
  labels: Record<string, string>,
  containers: Record<string, unknown>[],
  options: {
    replicas?: number;
    podLabels?: Record<string, string>;
    serviceAccount?: string;
    annotations?: Record<string, string>;
  } = {},
): K8sObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace, labels },
    spec: {
      replicas: options.replicas ?? 1,
      selector: { matchLabels: labels },
      template: {
        metadata: {
          labels: { ...labels, ...options.podLabels },
          ...(options.annotations ? { annotations: options.annotations } : {}),
        },
        spec: { ...(options.serviceAccount ? { serviceAccountName: options.serviceAccount } : {}), containers },
      },
    },
  };
}

function service(
  namespace: string,
  name: string,
  selector: Record<string, string> | undefined,
  ports: Record<string, unknown>[],
  extra: Record<string, unknown> = {},
  labels: Record<string, string> = {},
): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name, namespace, labels },
    spec: { ...(selector ? { selector } : {}), ports, ...extra },
  };
}

/**
 * The injection webhook configuration Istio 1.30's istiod chart installs for the default revision (the chart's
 * mutatingwebhook.yaml): what `istioctl x check-inject` and `istioctl tag list` read. The simulator's admission
 * (injection.ts) decides as these selectors do for `istio-injection` and `sidecar.istio.io/inject`.
 */
function sidecarInjectorWebhook(): K8sObject {
  const core = (prefix: string, namespaceSelector: unknown, objectSelector: unknown) => ({
    name: `${prefix}sidecar-injector.istio.io`,
    clientConfig: { service: { name: 'istiod', namespace: 'istio-system', path: '/inject', port: 443 } },
    sideEffects: 'None',
    rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }],
    failurePolicy: 'Fail',
    reinvocationPolicy: 'Never',
    admissionReviewVersions: ['v1'],
    namespaceSelector,
    objectSelector,
  });
  const notDisabled = { key: 'sidecar.istio.io/inject', operator: 'NotIn', values: ['false'] };
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: {
      name: 'istio-sidecar-injector',
      labels: {
        'istio.io/rev': 'default',
        'install.operator.istio.io/owning-resource': 'unknown',
        'operator.istio.io/component': 'Pilot',
        app: 'sidecar-injector',
        release: 'istio',
        'app.kubernetes.io/name': 'istiod',
      },
    },
    webhooks: [
      core(
        'rev.namespace.',
        {
          matchExpressions: [
            { key: 'istio.io/rev', operator: 'In', values: ['default'] },
            { key: 'istio-injection', operator: 'DoesNotExist' },
          ],
        },
        { matchExpressions: [notDisabled] },
      ),
      core(
        'rev.object.',
        {
          matchExpressions: [
            { key: 'istio.io/rev', operator: 'DoesNotExist' },
            { key: 'istio-injection', operator: 'DoesNotExist' },
          ],
        },
        { matchExpressions: [notDisabled, { key: 'istio.io/rev', operator: 'In', values: ['default'] }] },
      ),
      core(
        'namespace.',
        { matchExpressions: [{ key: 'istio-injection', operator: 'In', values: ['enabled'] }] },
        { matchExpressions: [notDisabled] },
      ),
      core(
        'object.',
        {
          matchExpressions: [
            { key: 'istio-injection', operator: 'DoesNotExist' },
            { key: 'istio.io/rev', operator: 'DoesNotExist' },
          ],
        },
        {
          matchExpressions: [
            { key: 'sidecar.istio.io/inject', operator: 'In', values: ['true'] },
            { key: 'istio.io/rev', operator: 'DoesNotExist' },
          ],
        },
      ),
    ],
  };
}

function staticPod(name: string, component: string, command: string[], image: string): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: `${name}-kind-control-plane`,
      namespace: 'kube-system',
      labels: { component, tier: 'control-plane' },
    },
    spec: { hostNetwork: true, priorityClassName: 'system-node-critical', containers: [{ name, image, command }] },
  };
}

function nodePod(name: string, labels: Record<string, string>, container: Record<string, unknown>): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'kube-system', labels },
    spec: { hostNetwork: true, priorityClassName: 'system-node-critical', containers: [container] },
  };
}

/** The injector's values as the demo profile renders them (what `istioctl install` rewrites). */
export function demoInjectorValues(): Record<string, unknown> {
  return {
    global: {
      istioNamespace: 'istio-system',
      hub: ISTIO_HUB,
      tag: ISTIO_VERSION,
      proxy: {
        image: 'proxyv2',
        includeIPRanges: '*',
        excludeIPRanges: '',
        includeInboundPorts: '*',
        logLevel: 'warning',
        privileged: false,
      },
      proxy_init: { image: 'proxyv2' },
    },
    sidecarInjectorWebhook: { enableNamespacesByDefault: false, rewriteAppHTTPProbe: true },
    revision: '',
  };
}

/** Objects the cluster starts with, in creation order. */
export function bootstrapObjects(): K8sObject[] {
  const k8s = 'registry.k8s.io';
  const istioLabels = (app: string, istio: string) => ({
    app,
    istio,
    'install.operator.istio.io/owning-resource': 'unknown',
    'operator.istio.io/component':
      app === 'istiod' ? 'Pilot' : app === 'istio-ingressgateway' ? 'IngressGateways' : 'EgressGateways',
  });
  return [
    {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: 'kind-control-plane',
        labels: {
          'kubernetes.io/hostname': 'kind-control-plane',
          'kubernetes.io/os': 'linux',
          'kubernetes.io/arch': 'amd64',
          'node-role.kubernetes.io/control-plane': '',
          'ingress-ready': 'true',
        },
      },
      spec: {
        podCIDR: '10.244.0.0/24',
        podCIDRs: ['10.244.0.0/24'],
        providerID: 'kind://docker/kind/kind-control-plane',
      },
      status: {
        addresses: [
          { type: 'InternalIP', address: '172.18.0.2' },
          { type: 'Hostname', address: 'kind-control-plane' },
        ],
        conditions: [
          { type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status' },
        ],
        nodeInfo: {
          kubeletVersion: 'v1.34.0',
          kubeProxyVersion: 'v1.34.0',
          containerRuntimeVersion: 'containerd://2.1.3',
          osImage: 'Debian GNU/Linux 12 (bookworm)',
          kernelVersion: '6.8.0-49-generic',
          operatingSystem: 'linux',
          architecture: 'amd64',
        },
        capacity: { cpu: '2', memory: '24576Mi', pods: '110' },
        allocatable: { cpu: '2', memory: '24576Mi', pods: '110' },
      },
    },
    ns('default'),
    ns('kube-system'),
    ns('kube-public'),
    ns('kube-node-lease'),
    ns('local-path-storage'),
    ns('istio-system'),
    service(
      'default',
      'kubernetes',
      undefined,
      [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }],
      { clusterIP: '10.96.0.1' },
      { component: 'apiserver', provider: 'kubernetes' },
    ),
    {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: {
        name: 'kubernetes',
        namespace: 'default',
        labels: { 'endpointslice.kubernetes.io/skip-mirror': 'true' },
      },
      subsets: [{ addresses: [{ ip: '172.18.0.2' }], ports: [{ name: 'https', port: 6443, protocol: 'TCP' }] }],
    },
    service(
      'kube-system',
      'kube-dns',
      { 'k8s-app': 'kube-dns' },
      [
        { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
        { name: 'dns-tcp', port: 53, protocol: 'TCP', targetPort: 53 },
        { name: 'metrics', port: 9153, protocol: 'TCP', targetPort: 9153 },
      ],
      { clusterIP: '10.96.0.10' },
      { 'k8s-app': 'kube-dns', 'kubernetes.io/name': 'CoreDNS' },
    ),
    deployment(
      'kube-system',
      'coredns',
      { 'k8s-app': 'kube-dns' },
      [
        {
          name: 'coredns',
          image: `${k8s}/coredns/coredns:v1.12.1`,
          args: ['-conf', '/etc/coredns/Corefile'],
          ports: [
            { containerPort: 53, name: 'dns', protocol: 'UDP' },
            { containerPort: 53, name: 'dns-tcp', protocol: 'TCP' },
            { containerPort: 9153, name: 'metrics', protocol: 'TCP' },
          ],
        },
      ],
      { replicas: 2, serviceAccount: 'coredns' },
    ),
    staticPod(
      'etcd',
      'etcd',
      ['etcd', '--advertise-client-urls=https://172.18.0.2:2379', '--data-dir=/var/lib/etcd'],
      `${k8s}/etcd:3.6.4-0`,
    ),
    staticPod(
      'kube-apiserver',
      'kube-apiserver',
      [
        'kube-apiserver',
        '--advertise-address=172.18.0.2',
        '--allow-privileged=true',
        '--authorization-mode=Node,RBAC',
        '--enable-admission-plugins=NodeRestriction',
        '--runtime-config=',
        '--secure-port=6443',
        '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
        '--service-cluster-ip-range=10.96.0.0/16',
      ],
      `${k8s}/kube-apiserver:v1.34.0`,
    ),
    staticPod(
      'kube-controller-manager',
      'kube-controller-manager',
      [
        'kube-controller-manager',
        '--allocate-node-cidrs=true',
        '--cluster-cidr=10.244.0.0/16',
        '--service-cluster-ip-range=10.96.0.0/16',
      ],
      `${k8s}/kube-controller-manager:v1.34.0`,
    ),
    staticPod(
      'kube-scheduler',
      'kube-scheduler',
      ['kube-scheduler', '--bind-address=127.0.0.1'],
      `${k8s}/kube-scheduler:v1.34.0`,
    ),
    // DaemonSet pods on kind's single node (the simulator has no DaemonSet kind; their pods are what learners see).
    nodePod(
      'kube-proxy-6k2mr',
      { 'k8s-app': 'kube-proxy' },
      {
        name: 'kube-proxy',
        image: `${k8s}/kube-proxy:v1.34.0`,
        command: ['/usr/local/bin/kube-proxy', '--config=/var/lib/kube-proxy/config.conf'],
      },
    ),
    nodePod(
      'kindnet-7xq4d',
      { app: 'kindnet', 'k8s-app': 'kindnet' },
      { name: 'kindnet-cni', image: 'docker.io/kindest/kindnetd:v20250512-df8de77b' },
    ),
    deployment(
      'local-path-storage',
      'local-path-provisioner',
      { app: 'local-path-provisioner' },
      [{ name: 'local-path-provisioner', image: 'docker.io/kindest/local-path-provisioner:v20250214-acbabc1a' }],
      { serviceAccount: 'local-path-provisioner-service-account' },
    ),
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'istio',
        namespace: 'istio-system',
        labels: {
          'install.operator.istio.io/owning-resource': 'unknown',
          'istio.io/rev': 'default',
          'operator.istio.io/component': 'Pilot',
          release: 'istio',
        },
      },
      data: { mesh: stringify(PROFILES.demo!.meshConfig), meshNetworks: 'networks: {}' },
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'istio-sidecar-injector',
        namespace: 'istio-system',
        labels: {
          'install.operator.istio.io/owning-resource': 'unknown',
          'istio.io/rev': 'default',
          'operator.istio.io/component': 'Pilot',
          release: 'istio',
        },
      },
      data: {
        values: JSON.stringify(demoInjectorValues(), null, 2),
        config: 'defaultTemplates: [sidecar]\npolicy: enabled\nalwaysInjectSelector: []\nneverInjectSelector: []\n',
      },
    },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'istiod', namespace: 'istio-system' } },
    deployment(
      'istio-system',
      'istiod',
      istioLabels('istiod', 'pilot'),
      [
        {
          name: 'discovery',
          image: `${ISTIO_HUB}/pilot:${ISTIO_VERSION}`,
          args: [
            'discovery',
            '--monitoringAddr=:15014',
            '--log_output_level=default:info',
            '--domain',
            'cluster.local',
            '--keepaliveMaxServerConnectionAge',
            '30m',
          ],
          ports: [
            { containerPort: 8080, protocol: 'TCP' },
            { containerPort: 15010, protocol: 'TCP' },
            { containerPort: 15017, protocol: 'TCP' },
          ],
          env: [
            { name: 'REVISION', value: 'default' },
            { name: 'PILOT_TRACE_SAMPLING', value: '100' },
            { name: 'PILOT_ENABLE_ANALYSIS', value: 'false' },
            { name: 'CLUSTER_ID', value: 'Kubernetes' },
          ],
        },
      ],
      { serviceAccount: 'istiod', podLabels: { 'sidecar.istio.io/inject': 'false' } },
    ),
    service(
      'istio-system',
      'istiod',
      { app: 'istiod', istio: 'pilot' },
      [
        { name: 'grpc-xds', port: 15010, protocol: 'TCP' },
        { name: 'https-dns', port: 15012, protocol: 'TCP' },
        { name: 'https-webhook', port: 443, protocol: 'TCP', targetPort: 15017 },
        { name: 'http-monitoring', port: 15014, protocol: 'TCP' },
      ],
      {},
      { app: 'istiod', istio: 'pilot', 'istio.io/rev': 'default' },
    ),
    sidecarInjectorWebhook(),
    {
      apiVersion: 'v1',
      kind: 'ServiceAccount',
      metadata: { name: 'istio-ingressgateway-service-account', namespace: 'istio-system' },
    },
    deployment(
      'istio-system',
      'istio-ingressgateway',
      istioLabels('istio-ingressgateway', 'ingressgateway'),
      [
        {
          name: 'istio-proxy',
          image: PROXY_IMAGE,
          args: [
            'proxy',
            'router',
            '--domain',
            '$(POD_NAMESPACE).svc.cluster.local',
            '--proxyLogLevel=warning',
            '--proxyComponentLogLevel=misc:error',
            '--log_output_level=default:info',
          ],
          ports: [
            { containerPort: 15021, protocol: 'TCP' },
            { containerPort: 8080, protocol: 'TCP' },
            { containerPort: 8443, protocol: 'TCP' },
            { containerPort: 15090, name: 'http-envoy-prom', protocol: 'TCP' },
          ],
        },
      ],
      {
        serviceAccount: 'istio-ingressgateway-service-account',
        podLabels: {
          'sidecar.istio.io/inject': 'false',
          'service.istio.io/canonical-name': 'istio-ingressgateway',
          'service.istio.io/canonical-revision': 'latest',
        },
      },
    ),
    service(
      'istio-system',
      'istio-ingressgateway',
      { app: 'istio-ingressgateway', istio: 'ingressgateway' },
      [
        { name: 'status-port', port: 15021, protocol: 'TCP', targetPort: 15021, nodePort: 30021 },
        { name: 'http2', port: 80, protocol: 'TCP', targetPort: 8080, nodePort: 30080 },
        { name: 'https', port: 443, protocol: 'TCP', targetPort: 8443, nodePort: 30443 },
        { name: 'tcp', port: 31400, protocol: 'TCP', targetPort: 31400, nodePort: 31400 },
        { name: 'tls', port: 15443, protocol: 'TCP', targetPort: 15443, nodePort: 31443 },
      ],
      { type: 'LoadBalancer' },
      istioLabels('istio-ingressgateway', 'ingressgateway'),
    ),
    ...egressObjects(),
    ...istioCrdObjects(),
  ];
}
