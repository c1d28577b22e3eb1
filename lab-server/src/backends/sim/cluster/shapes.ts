/**
 * Typed views of the core Kubernetes objects the simulator's controllers read and write. The store holds objects
 * that passed admission, so these are views, not parsers; every field is optional as the API allows.
 */
import type { K8sObject } from '../../../contract.ts';
import type { ContainerSpec, ServicePortSpec } from '../mesh/objects.ts';

/** A status condition (`Ready`, `Available`, `Progressing`...). */
export interface Condition {
  type: string;
  status: string;
  reason?: string;
  message?: string;
  lastTransitionTime?: string;
  lastUpdateTime?: string;
  lastProbeTime?: string | null;
}

/** Labels and annotations of a pod template. */
export interface TemplateMetadata {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** A pod template as a Deployment or ReplicaSet carries it. */
export interface PodTemplate {
  metadata?: TemplateMetadata;
  spec?: PodSpec;
}

/** The spec fields of a Deployment or ReplicaSet the controllers read. */
export interface WorkloadSpec {
  replicas?: number;
  selector?: { matchLabels?: Record<string, string> };
  template?: PodTemplate;
  paused?: boolean;
  revisionHistoryLimit?: number;
  progressDeadlineSeconds?: number;
  minReadySeconds?: number;
  strategy?: { type?: string; rollingUpdate?: { maxSurge?: number | string; maxUnavailable?: number | string } };
}

/** The status fields every object with conditions has. */
export interface ConditionedStatus {
  conditions?: Condition[];
  [field: string]: unknown;
}

/** The status of a Deployment or ReplicaSet. */
export interface WorkloadStatus extends ConditionedStatus {
  observedGeneration?: number;
  replicas?: number;
  updatedReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  unavailableReplicas?: number;
}

/** An Event (core/v1), as the simulator records them. */
export interface EventShape extends K8sObject {
  involvedObject?: { kind?: string; name?: string; namespace?: string; uid?: string; fieldPath?: string };
  reason?: string;
  message?: string;
  count?: number;
  type?: string;
  source?: { component?: string; host?: string };
  reportingComponent?: string;
  eventTime?: string;
  firstTimestamp?: string;
  lastTimestamp?: string;
}

/** `obj.spec` of a Deployment or ReplicaSet. */
export function workloadSpec(obj: K8sObject): WorkloadSpec {
  return (obj.spec ?? {}) as WorkloadSpec;
}

/** `obj.status`, for reading its conditions. */
export function conditionedStatus(obj: K8sObject): ConditionedStatus {
  return (obj.status ?? {}) as ConditionedStatus;
}

/** `obj.status` of a Deployment or ReplicaSet. */
export function workloadStatus(obj: K8sObject): WorkloadStatus {
  return (obj.status ?? {}) as WorkloadStatus;
}

/** The condition of `type`, if the object has it. */
export function conditionOf(obj: K8sObject, type: string): Condition | undefined {
  return conditionedStatus(obj).conditions?.find((c) => c.type === type);
}

/** Resource quantities of a container, by resource name (`cpu`, `memory`). */
export interface ResourceRequirements {
  requests?: Record<string, string | number>;
  limits?: Record<string, string | number>;
}

/** A container port, with the host port `kubectl describe` shows. */
export interface ContainerPort {
  name?: string;
  containerPort: number;
  hostPort?: number;
  protocol?: string;
}

/** Where an environment variable's value comes from when it is not a literal. */
export interface EnvVarSource {
  fieldRef?: { fieldPath?: string; apiVersion?: string };
  resourceFieldRef?: { resource?: string; divisor?: string };
  secretKeyRef?: { name?: string; key?: string; optional?: boolean };
  configMapKeyRef?: { name?: string; key?: string; optional?: boolean };
}

/** An environment variable of a container: a literal value or a reference. */
export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: EnvVarSource;
}

/** A liveness, readiness or startup probe. */
export interface Probe {
  exec?: { command?: string[] };
  httpGet?: { scheme?: string; host?: string; port?: number | string; path?: string };
  tcpSocket?: { host?: string; port?: number | string };
  initialDelaySeconds?: number;
  timeoutSeconds?: number;
  periodSeconds?: number;
  successThreshold?: number;
  failureThreshold?: number;
}

/** A volume mounted into a container. */
export interface VolumeMount {
  name: string;
  mountPath: string;
  subPath?: string;
  readOnly?: boolean;
}

/** A pod volume, with the sources `kubectl describe` tells apart. */
export interface Volume {
  name: string;
  emptyDir?: { medium?: string; sizeLimit?: string };
  configMap?: { name?: string; optional?: boolean };
  secret?: { secretName?: string; optional?: boolean };
  projected?: unknown;
  downwardAPI?: { items?: { path: string; fieldRef?: { fieldPath?: string } }[] };
}

/** A container of a pod spec, with the fields the API server defaults and `kubectl describe` shows. */
export interface PodContainer extends ContainerSpec {
  ports?: ContainerPort[];
  env?: EnvVar[];
  livenessProbe?: Probe;
  readinessProbe?: Probe;
  startupProbe?: Probe;
  volumeMounts?: VolumeMount[];
  resources?: ResourceRequirements;
  imagePullPolicy?: string;
  terminationMessagePath?: string;
  terminationMessagePolicy?: string;
}

/** A toleration of a pod spec. */
export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

/** The spec fields of a pod the simulator defaults and reads. */
export interface PodSpec {
  containers?: PodContainer[];
  initContainers?: PodContainer[];
  ephemeralContainers?: PodContainer[];
  restartPolicy?: string;
  serviceAccountName?: string;
  serviceAccount?: string;
  dnsPolicy?: string;
  schedulerName?: string;
  terminationGracePeriodSeconds?: number;
  enableServiceLinks?: boolean;
  priority?: number;
  preemptionPolicy?: string;
  tolerations?: Toleration[];
  nodeName?: string;
  nodeSelector?: Record<string, string>;
  priorityClassName?: string;
  volumes?: Volume[];
  [field: string]: unknown;
}

/** One of a container's states (`waiting`, `running`, `terminated`). */
export interface ContainerState {
  waiting?: { reason?: string; message?: string };
  running?: { startedAt?: string };
  terminated?: {
    exitCode?: number;
    signal?: number;
    reason?: string;
    message?: string;
    startedAt?: string;
    finishedAt?: string;
  };
}

/** A container's status in a pod's status. */
export interface ContainerStatus {
  name: string;
  image?: string;
  imageID?: string;
  containerID?: string;
  ready?: boolean;
  started?: boolean;
  restartCount?: number;
  state?: ContainerState;
  lastState?: ContainerState;
}

/** The status of a pod. */
export interface PodStatus extends ConditionedStatus {
  phase?: string;
  reason?: string;
  message?: string;
  podIP?: string;
  podIPs?: { ip: string }[];
  hostIP?: string;
  startTime?: string;
  qosClass?: string;
  containerStatuses?: ContainerStatus[];
  initContainerStatuses?: ContainerStatus[];
  ephemeralContainerStatuses?: ContainerStatus[];
}

/** `pod.spec`. */
export function podSpec(pod: K8sObject): PodSpec {
  return (pod.spec ?? {}) as PodSpec;
}

/** `pod.status`. */
export function podStatus(pod: K8sObject): PodStatus {
  return (pod.status ?? {}) as PodStatus;
}

/** A pod's regular and init containers' statuses, in that order. */
export function containerStatusesOf(pod: K8sObject): ContainerStatus[] {
  const status = podStatus(pod);
  return [...(status.containerStatuses ?? []), ...(status.initContainerStatuses ?? [])];
}

/** The spec of a Service. */
export interface ServiceSpec {
  type?: string;
  clusterIP?: string;
  clusterIPs?: string[];
  externalName?: string;
  externalIPs?: string[];
  externalTrafficPolicy?: string;
  internalTrafficPolicy?: string;
  ipFamilies?: string[];
  ipFamilyPolicy?: string;
  sessionAffinity?: string;
  healthCheckNodePort?: number;
  selector?: Record<string, string>;
  ports?: ServicePortSpec[];
}

/** A load balancer's address (`status.loadBalancer.ingress[]` of a Service or an Ingress). */
export interface LoadBalancerIngress {
  ip?: string;
  hostname?: string;
}

/** The status of a Service or an Ingress. */
export interface LoadBalancerStatus {
  loadBalancer?: { ingress?: LoadBalancerIngress[] };
}

/** One subset of an Endpoints object: ready addresses and the ports they serve. */
export interface EndpointSubset {
  addresses?: { ip: string; targetRef?: { kind?: string; name?: string; namespace?: string } }[];
  notReadyAddresses?: { ip: string }[];
  ports?: { name?: string; port: number; protocol?: string }[];
}

/** `svc.spec`. */
export function serviceSpec(svc: K8sObject): ServiceSpec {
  return (svc.spec ?? {}) as ServiceSpec;
}

/** The load balancer addresses in `obj.status` (a Service of type LoadBalancer, an Ingress). */
export function loadBalancerIngress(obj: K8sObject): LoadBalancerIngress[] {
  return ((obj.status ?? {}) as LoadBalancerStatus).loadBalancer?.ingress ?? [];
}

/** The subsets of an Endpoints object. */
export function endpointSubsets(ep: K8sObject | undefined): EndpointSubset[] {
  return (ep?.subsets ?? []) as EndpointSubset[];
}
