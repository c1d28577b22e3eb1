/**
 * Structural schemas of the core kinds the labs write, deep enough for strict decoding to catch a misspelt
 * field (`spec.replica`, `containers[0].imagePullPolicyy`) and for type errors; deeper parts are `any`.
 */
import { s, type Schema } from './structural.ts';

const labelSelector = s.obj({ matchLabels: s.map(s.str), matchExpressions: s.any });
const envVar = s.obj({ name: s.str, value: s.str, valueFrom: s.any }, ['name']);
const container = s.obj(
  {
    name: s.str,
    image: s.str,
    command: s.arr(s.str),
    args: s.arr(s.str),
    workingDir: s.str,
    ports: s.arr(
      s.obj(
        {
          containerPort: s.port,
          name: s.str,
          protocol: s.enumOf('TCP', 'UDP', 'SCTP'),
          hostPort: s.port,
          hostIP: s.str,
        },
        ['containerPort'],
      ),
    ),
    env: s.arr(envVar),
    envFrom: s.any,
    resources: s.any,
    volumeMounts: s.any,
    livenessProbe: s.any,
    readinessProbe: s.any,
    startupProbe: s.any,
    lifecycle: s.any,
    imagePullPolicy: s.enumOf('Always', 'IfNotPresent', 'Never'),
    securityContext: s.any,
    stdin: s.bool,
    stdinOnce: s.bool,
    tty: s.bool,
    terminationMessagePath: s.str,
    terminationMessagePolicy: s.str,
    volumeDevices: s.any,
    restartPolicy: s.str,
    resizePolicy: s.any,
  },
  ['name'],
);

/** A pod spec. */
export const podSpec = s.obj({
  containers: s.arr(container),
  initContainers: s.arr(container),
  volumes: s.any,
  serviceAccountName: s.str,
  serviceAccount: s.str,
  restartPolicy: s.enumOf('Always', 'OnFailure', 'Never'),
  terminationGracePeriodSeconds: s.int,
  nodeSelector: s.map(s.str),
  affinity: s.any,
  tolerations: s.any,
  securityContext: s.any,
  hostNetwork: s.bool,
  dnsPolicy: s.str,
  dnsConfig: s.any,
  imagePullSecrets: s.any,
  nodeName: s.str,
  hostname: s.str,
  subdomain: s.str,
  schedulerName: s.str,
  priorityClassName: s.str,
  automountServiceAccountToken: s.bool,
  enableServiceLinks: s.bool,
  shareProcessNamespace: s.bool,
  topologySpreadConstraints: s.any,
  hostAliases: s.any,
  runtimeClassName: s.str,
  preemptionPolicy: s.str,
  priority: s.int,
  readinessGates: s.any,
  overhead: s.any,
  ephemeralContainers: s.any,
  os: s.any,
  hostPID: s.bool,
  hostIPC: s.bool,
  activeDeadlineSeconds: s.int,
  setHostnameAsFQDN: s.bool,
  hostUsers: s.bool,
  schedulingGates: s.any,
  resourceClaims: s.any,
  resources: s.any,
});

const objectMeta = s.any;

/** `spec` schemas of the core kinds that have one. */
export const CORE_SPEC_SCHEMAS: Record<string, Schema> = {
  Deployment: s.obj({
    replicas: s.int,
    selector: labelSelector,
    template: s.obj({ metadata: objectMeta, spec: podSpec }),
    strategy: s.any,
    minReadySeconds: s.int,
    revisionHistoryLimit: s.int,
    paused: s.bool,
    progressDeadlineSeconds: s.int,
  }),
  ReplicaSet: s.obj({
    replicas: s.int,
    selector: labelSelector,
    template: s.obj({ metadata: objectMeta, spec: podSpec }),
    minReadySeconds: s.int,
  }),
  Pod: podSpec,
  Service: s.obj({
    type: s.enumOf('ClusterIP', 'NodePort', 'LoadBalancer', 'ExternalName'),
    selector: s.map(s.str),
    clusterIP: s.str,
    clusterIPs: s.arr(s.str),
    ports: s.arr(
      s.obj(
        {
          name: s.str,
          port: s.port,
          targetPort: s.intOrStr,
          nodePort: s.port,
          protocol: s.enumOf('TCP', 'UDP', 'SCTP'),
          appProtocol: s.str,
        },
        ['port'],
      ),
    ),
    externalName: s.str,
    externalIPs: s.arr(s.str),
    sessionAffinity: s.str,
    sessionAffinityConfig: s.any,
    loadBalancerIP: s.str,
    loadBalancerSourceRanges: s.arr(s.str),
    externalTrafficPolicy: s.str,
    internalTrafficPolicy: s.str,
    ipFamilies: s.any,
    ipFamilyPolicy: s.str,
    publishNotReadyAddresses: s.bool,
    healthCheckNodePort: s.int,
    allocateLoadBalancerNodePorts: s.bool,
    loadBalancerClass: s.str,
    trafficDistribution: s.str,
  }),
  Ingress: s.obj({
    ingressClassName: s.str,
    defaultBackend: s.any,
    tls: s.arr(s.obj({ hosts: s.arr(s.str), secretName: s.str })),
    rules: s.arr(
      s.obj({
        host: s.str,
        http: s.obj(
          {
            paths: s.arr(
              s.obj(
                {
                  path: s.str,
                  pathType: s.enumOf('Exact', 'Prefix', 'ImplementationSpecific'),
                  backend: s.obj({
                    service: s.obj({ name: s.str, port: s.obj({ number: s.port, name: s.str }) }, ['name']),
                    resource: s.any,
                  }),
                },
                ['pathType', 'backend'],
              ),
            ),
          },
          ['paths'],
        ),
      }),
    ),
  }),
  IngressClass: s.obj({ controller: s.str, parameters: s.any }),
  CustomResourceDefinition: s.any,
};

/** Top-level fields each kind may have besides apiVersion, kind, metadata. */
export const TOP_LEVEL_FIELDS: Record<string, string[]> = {
  ConfigMap: ['data', 'binaryData', 'immutable'],
  Secret: ['data', 'stringData', 'type', 'immutable'],
  Namespace: ['spec', 'status'],
  ServiceAccount: ['secrets', 'imagePullSecrets', 'automountServiceAccountToken'],
  Endpoints: ['subsets'],
  Event: [
    'involvedObject',
    'reason',
    'message',
    'source',
    'firstTimestamp',
    'lastTimestamp',
    'count',
    'type',
    'eventTime',
    'reportingComponent',
    'reportingInstance',
    'action',
    'related',
    'series',
  ],
  Node: ['spec', 'status'],
};
