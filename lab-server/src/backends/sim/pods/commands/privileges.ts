/** A container's privileges as its securityContext grants them (what sudo and raw sockets depend on). */
import type { K8sObject } from '../../../../contract.ts';

interface SecurityContext {
  privileged?: boolean;
  allowPrivilegeEscalation?: boolean;
  runAsUser?: number;
  runAsGroup?: number;
  capabilities?: { add?: string[]; drop?: string[] };
}

/**
 * The securityContext of a container (regular, native sidecar or debug container) of a pod; runAsUser and
 * runAsGroup fall back to the pod's securityContext, as the kubelet applies them.
 */
export function securityContextOf(pod: K8sObject | undefined, container: string): SecurityContext {
  const spec = (pod?.spec ?? {}) as {
    securityContext?: { runAsUser?: number; runAsGroup?: number };
    containers?: { name: string; securityContext?: SecurityContext }[];
    initContainers?: { name: string; securityContext?: SecurityContext }[];
    ephemeralContainers?: { name: string; securityContext?: SecurityContext }[];
  };
  const found = [...(spec.containers ?? []), ...(spec.initContainers ?? []), ...(spec.ephemeralContainers ?? [])].find(
    (c) => c.name === container,
  );
  const own = found?.securityContext ?? {};
  const podLevel = spec.securityContext ?? {};
  const runAsUser = own.runAsUser ?? podLevel.runAsUser;
  const runAsGroup = own.runAsGroup ?? podLevel.runAsGroup;
  return {
    ...own,
    ...(runAsUser !== undefined ? { runAsUser } : {}),
    ...(runAsGroup !== undefined ? { runAsGroup } : {}),
  };
}

/** Whether `sudo` may become root: the kernel's no_new_privs is off (escalation allowed, or a privileged container). */
export function mayEscalate(context: SecurityContext): boolean {
  return context.privileged === true || context.allowPrivilegeEscalation !== false;
}

/** Whether root in this container may open raw sockets (CAP_NET_RAW survives the capability drop, or privileged). */
export function rootMayCapture(context: SecurityContext): boolean {
  if (context.privileged === true) return true;
  const dropped = (context.capabilities?.drop ?? []).map((c) => c.toUpperCase());
  const added = (context.capabilities?.add ?? []).map((c) => c.toUpperCase());
  return added.includes('NET_RAW') || !(dropped.includes('ALL') || dropped.includes('NET_RAW'));
}
