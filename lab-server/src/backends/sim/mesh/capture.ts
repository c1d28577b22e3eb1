/** Which destination addresses a pod's sidecar captures (iptables `-i` / `-x`, set from annotations at injection). */
import type { K8sObject } from '../../../contract.ts';
import { isCaptured } from './cidr.ts';
import { annotation, hasProxy, initContainersOf, isGatewayPod } from './objects.ts';

/** The pod annotation that limits outbound capture to IP ranges. */
export const INCLUDE_ANNOTATION = 'traffic.sidecar.istio.io/includeOutboundIPRanges';
/** The pod annotation that exempts IP ranges from outbound capture. */
export const EXCLUDE_ANNOTATION = 'traffic.sidecar.istio.io/excludeOutboundIPRanges';

function initArg(pod: K8sObject, flag: string): string | undefined {
  const init = initContainersOf(pod).find((c) => c.name === 'istio-init');
  const args = [...(init?.command ?? []), ...(init?.args ?? [])];
  const at = args.indexOf(flag);
  return at >= 0 ? args[at + 1] : undefined;
}

/** The include and exclude ranges in force for a pod (fixed when it was created). */
export function captureRanges(pod: K8sObject): { include: string; exclude: string } {
  const include = annotation(pod, INCLUDE_ANNOTATION) ?? initArg(pod, '-i') ?? '*';
  const exclude = annotation(pod, EXCLUDE_ANNOTATION) ?? initArg(pod, '-x') ?? '';
  return { include, exclude };
}

/** Whether traffic from this pod to `ip` goes through its sidecar. Loopback never does. */
export function sidecarCaptures(pod: K8sObject, ip: string): boolean {
  if (!hasProxy(pod) || isGatewayPod(pod)) return false;
  if (ip.startsWith('127.')) return false;
  const { include, exclude } = captureRanges(pod);
  return isCaptured(ip, include, exclude);
}
