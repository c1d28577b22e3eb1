/** Typed reads of the Kubernetes and Istio objects the data plane looks at (all fields optional, as input may be anything). */
import type { K8sObject } from '../../../contract.ts';

/** A container as the pod spec gives it. */
export interface ContainerSpec {
  name: string;
  image?: string;
  command?: string[];
  args?: string[];
  env?: { name: string; value?: string }[];
  ports?: { name?: string; containerPort: number; protocol?: string }[];
  /** `Always` on an init container makes it a native sidecar (Kubernetes >= 1.29 beta, GA in 1.33). */
  restartPolicy?: string;
}

/** A Service port. */
export interface ServicePortSpec {
  name?: string;
  port: number;
  targetPort?: number | string;
  nodePort?: number;
  protocol?: string;
  appProtocol?: string;
}

/** The sidecar container's name. */
export const PROXY_CONTAINER = 'istio-proxy';

function asRecord(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
}

/** `obj.spec` as a record. */
export function specOf(obj: K8sObject): Record<string, unknown> {
  return asRecord(obj.spec);
}

/** `obj.status` as a record. */
export function statusOf(obj: K8sObject): Record<string, unknown> {
  return asRecord(obj.status);
}

/** A pod's containers. */
export function containersOf(pod: K8sObject): ContainerSpec[] {
  const list = specOf(pod).containers;
  return Array.isArray(list) ? (list as ContainerSpec[]) : [];
}

/** A pod's init containers. */
export function initContainersOf(pod: K8sObject): ContainerSpec[] {
  const list = specOf(pod).initContainers;
  return Array.isArray(list) ? (list as ContainerSpec[]) : [];
}

/** The pod's IP, if it has one yet. */
export function podIp(pod: K8sObject): string | undefined {
  const ip = statusOf(pod).podIP;
  return typeof ip === 'string' && ip ? ip : undefined;
}

/**
 * The pod's `istio-proxy`: a regular container (gateways, sidecars before native sidecars) or, since Istio 1.27 on
 * Kubernetes >= 1.33, an init container with `restartPolicy: Always` (a native sidecar).
 */
export function proxyContainerOf(pod: K8sObject): ContainerSpec | undefined {
  return (
    containersOf(pod).find((c) => c.name === PROXY_CONTAINER) ??
    initContainersOf(pod).find((c) => c.name === PROXY_CONTAINER && c.restartPolicy === 'Always')
  );
}

/** Whether the pod runs an Envoy (`istio-proxy`, a container or a native sidecar): a sidecar or a gateway. */
export function hasProxy(pod: K8sObject): boolean {
  return proxyContainerOf(pod) !== undefined;
}

/** A gateway pod: Envoy is the whole pod (`proxy router`), not a sidecar next to an app. */
export function isGatewayPod(pod: K8sObject): boolean {
  const containers = containersOf(pod);
  const proxy = containers.find((c) => c.name === PROXY_CONTAINER);
  if (!proxy) return false;
  if ((proxy.args ?? []).includes('router')) return true;
  return (
    containers.length === 1 &&
    (proxy.args ?? []).length === 0 &&
    !initContainersOf(pod).some((c) => c.name === 'istio-init')
  );
}

/** Running, not terminating, and Ready when the status says so. */
export function isPodReady(pod: K8sObject): boolean {
  if (pod.metadata.deletionTimestamp) return false;
  const status = statusOf(pod);
  if (status.phase !== 'Running') return false;
  const conditions = Array.isArray(status.conditions)
    ? (status.conditions as { type?: string; status?: string }[])
    : [];
  const ready = conditions.find((c) => c.type === 'Ready');
  return ready === undefined || ready.status === 'True';
}

/** The pod's labels. */
export function labelsOf(obj: K8sObject): Record<string, string> {
  return obj.metadata.labels ?? {};
}

/** Whether every key/value of `selector` is among `labels` (an empty selector selects everything). */
export function selectorMatches(selector: Record<string, string> | undefined, labels: Record<string, string>): boolean {
  if (!selector) return true;
  return Object.entries(selector).every(([k, v]) => labels[k] === v);
}

/** A Service's ports. */
export function servicePorts(svc: K8sObject): ServicePortSpec[] {
  const ports = specOf(svc).ports;
  return Array.isArray(ports) ? (ports as ServicePortSpec[]) : [];
}

/** A Service's cluster IP (undefined for headless or not yet assigned). */
export function clusterIp(svc: K8sObject): string | undefined {
  const ip = specOf(svc).clusterIP;
  return typeof ip === 'string' && ip && ip !== 'None' ? ip : undefined;
}

/** A Service's pod selector. */
export function serviceSelector(svc: K8sObject): Record<string, string> | undefined {
  const sel = specOf(svc).selector;
  return sel && typeof sel === 'object' ? (sel as Record<string, string>) : undefined;
}

/**
 * The container port a Service port's targetPort names in this pod (number, or a named port); undefined when the
 * pod (or no pod) names it.
 */
export function resolveTargetPort(pod: K8sObject | undefined, port: ServicePortSpec): number | undefined {
  const target = port.targetPort ?? port.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  for (const c of pod ? containersOf(pod) : []) {
    const named = (c.ports ?? []).find((p) => p.name === target);
    if (named) return named.containerPort;
  }
  return undefined;
}

/** The pod's service account name. */
export function serviceAccountOf(pod: K8sObject): string {
  const spec = specOf(pod);
  const sa = spec.serviceAccountName ?? spec.serviceAccount;
  return typeof sa === 'string' && sa ? sa : 'default';
}

/** An environment variable of a container, if set to a literal value. */
export function envValue(container: ContainerSpec, name: string): string | undefined {
  return (container.env ?? []).find((e) => e.name === name)?.value;
}

/** An annotation of the object. */
export function annotation(obj: K8sObject, name: string): string | undefined {
  return obj.metadata.annotations?.[name];
}

/** Creation time for "oldest wins" ordering; objects without one sort by name. */
export function creationOrder(a: K8sObject, b: K8sObject): number {
  const ta = a.metadata.creationTimestamp ?? '';
  const tb = b.metadata.creationTimestamp ?? '';
  if (ta !== tb) return ta < tb ? -1 : 1;
  const na = `${a.metadata.namespace ?? ''}/${a.metadata.name}`;
  const nb = `${b.metadata.namespace ?? ''}/${b.metadata.name}`;
  return na < nb ? -1 : na > nb ? 1 : 0;
}
