/** istiod's Sidecar rules (ValidateSidecar), as far as the labs' Sidecars go: egress listeners and the outbound policy. */
import { namespaceSlashHostname } from './gateway.ts';
import { isKnownProtocol, validatePort, validateFqdn } from './names.ts';
import type { SidecarInput } from '../../../../../kube/istioSchemas.ts';
import { validateDestination } from './virtualService.ts';

/** Why istiod refuses a Sidecar spec, in its order. */
export function sidecarErrors(spec: SidecarInput): string[] {
  const errs: string[] = [];
  const ingress = spec.ingress ?? [];
  const egress = spec.egress ?? [];
  if (egress.length === 0 && ingress.length === 0 && !spec.outboundTrafficPolicy && !spec.inboundConnectionPool)
    return ['sidecar: empty configuration provided'];
  for (const i of ingress) {
    if (!i?.port) {
      errs.push('sidecar: port is required for ingress listeners');
      continue;
    }
    if (i.port.protocol && !isKnownProtocol(i.port.protocol)) errs.push(`unsupported protocol: ${i.port.protocol}`);
    const e = validatePort(Number(i.port.number ?? 0));
    if (e) errs.push(e);
  }
  const ports = new Set<number>();
  let catchAll = false;
  egress.forEach((listener, index) => {
    if (!listener) {
      errs.push('egress listener may not be null');
      return;
    }
    if (!listener.port) {
      if (catchAll) {
        errs.push('sidecar: egress can have only one listener with empty port');
        return;
      }
      if (index === egress.length - 1) catchAll = true;
      else errs.push('sidecar: the egress listener with empty port should be the last listener in the list');
    } else {
      if (listener.port.protocol && !isKnownProtocol(listener.port.protocol))
        errs.push(`unsupported protocol: ${listener.port.protocol}`);
      const e = validatePort(Number(listener.port.number ?? 0));
      if (e) errs.push(e);
      if (ports.has(listener.port.number ?? 0)) errs.push('sidecar: ports on IP bound listeners must be unique');
      ports.add(listener.port.number ?? 0);
    }
    if (!listener.hosts?.length) errs.push('sidecar: egress listener must contain at least one host');
    for (const host of listener.hosts ?? []) namespaceSlashHostname(errs, host ?? '', false);
  });
  const policy = spec.outboundTrafficPolicy;
  if (policy?.egressProxy) {
    if ((policy.mode ?? 'REGISTRY_ONLY') !== 'ALLOW_ANY')
      errs.push('sidecar: egress_proxy must be set only with ALLOW_ANY outbound_traffic_policy mode');
    else {
      const e = validateFqdn(String(policy.egressProxy.host ?? ''));
      if (e) errs.push(e);
      if (!policy.egressProxy.port) errs.push('sidecar: egress_proxy port must be non-nil');
      else errs.push(...validateDestination(policy.egressProxy));
    }
  }
  return errs;
}
