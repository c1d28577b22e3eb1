/** Which destination addresses a pod's sidecar captures (iptables `-i` / `-x`, set from annotations at injection). */
import type { K8sObject } from '../../../contract.ts';
import { isCaptured } from './cidr.ts';
import { annotation, hasProxy, initContainersOf, isGatewayPod } from './objects.ts';
import type { PodFacts } from './topology.ts';

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

/**
 * The include and exclude ranges in force for a pod: istio-init's iptables arguments, written once when the pod
 * was created (from the injector's values or the pod's annotations then). Annotating a running pod changes
 * nothing, as on a real node; a pod with no istio-init falls back to its annotations.
 */
export function captureRanges(pod: K8sObject): { include: string; exclude: string } {
  const hasInit = initContainersOf(pod).some((c) => c.name === 'istio-init');
  const include = hasInit ? (initArg(pod, '-i') ?? '*') : (annotation(pod, INCLUDE_ANNOTATION) ?? '*');
  const exclude = hasInit ? (initArg(pod, '-x') ?? '') : (annotation(pod, EXCLUDE_ANNOTATION) ?? '');
  return { include, exclude };
}

/** `sidecarCaptures` from a pod's facts as the topology read them once (the per-request path). */
export function capturesWith(facts: PodFacts, ip: string): boolean {
  if (!facts.capture || ip.startsWith('127.')) return false;
  return isCaptured(ip, facts.capture.include, facts.capture.exclude);
}

/** Whether traffic from this pod to `ip` goes through its sidecar. Loopback never does. */
export function sidecarCaptures(pod: K8sObject, ip: string): boolean {
  if (!hasProxy(pod) || isGatewayPod(pod)) return false;
  if (ip.startsWith('127.')) return false;
  const { include, exclude } = captureRanges(pod);
  return isCaptured(ip, include, exclude);
}
