/** istiod's ServiceEntry rules (ValidateServiceEntry). */
import {
  isIpAddress,
  isDns1123Label,
  isHttpProtocol,
  isKnownProtocol,
  isTlsProtocol,
  validateFqdn,
  validateIpSubnet,
  validatePort,
  validateWildcardDomain,
} from './names.ts';
import type { ServiceEntryInput } from '../../../../../kube/istioSchemas.ts';
import { validateExportTo } from './virtualService.ts';

/** An item of an optional list whose entries may be null. */
type Item<L> = NonNullable<L> extends readonly (infer E)[] ? NonNullable<E> : never;
type Endpoint = Item<ServiceEntryInput['endpoints']>;

function endpointPorts(errs: string[], endpoint: Endpoint, servicePorts: Set<string>): void {
  for (const [name, port] of Object.entries(endpoint.ports ?? {})) {
    if (!servicePorts.has(name)) errs.push(`endpoint port ${port} is not defined by the service entry`);
    if (!isDns1123Label(name)) errs.push(`invalid port name: ${name}`);
    const e = validatePort(Number(port));
    if (e) errs.push(e);
  }
}

/** Why istiod refuses a ServiceEntry spec, in its order. */
export function serviceEntryErrors(se: ServiceEntryInput, namespace: string): string[] {
  const errs: string[] = [];
  for (const [k, v] of Object.entries(se.workloadSelector?.labels ?? {})) {
    if (k === '') errs.push(`empty key is not supported in selector: "${k}=${v}"`);
    if (k.includes('*') || String(v).includes('*')) errs.push(`wildcard is not supported in selector: "${k}=${v}"`);
  }
  if (errs.length) return errs;
  if (se.workloadSelector && se.endpoints)
    errs.push('only one of WorkloadSelector or Endpoints is allowed in Service Entry');
  const hosts = (se.hosts ?? []).map((h) => h ?? '');
  if (hosts.length === 0) errs.push('service entry must have at least one host');
  for (const host of hosts) {
    if (host === '*') errs.push(`invalid host ${host}`);
    else {
      const e = validateWildcardDomain(host);
      if (e) errs.push(e);
    }
  }
  let cidr = false;
  for (const address of (se.addresses ?? []).map((a) => a ?? '')) {
    cidr ||= address.includes('/');
    const e = validateIpSubnet(address);
    if (e) errs.push(e);
  }
  const resolution = se.resolution ?? 'NONE';
  if (cidr && resolution !== 'NONE' && resolution !== 'STATIC')
    errs.push('CIDR addresses are allowed only for NONE/STATIC resolution types');
  const names = new Set<string>();
  const numbers = new Set<number>();
  for (const port of se.ports ?? []) {
    if (!port) {
      errs.push('service entry port may not be null');
      continue;
    }
    const portName = port.name ?? '';
    const portNumber = port.number ?? 0;
    if (names.has(portName)) errs.push(`service entry port name "${portName}" already defined`);
    names.add(portName);
    if (numbers.has(portNumber)) errs.push(`service entry port ${portNumber} already defined`);
    numbers.add(portNumber);
    if (port.targetPort) {
      const e = validatePort(Number(port.targetPort));
      if (e) errs.push(e);
    }
    if (!isDns1123Label(String(port.name ?? ''))) errs.push(`invalid port name: ${port.name ?? ''}`);
    if (port.protocol && !isKnownProtocol(port.protocol)) errs.push(`unsupported protocol: ${port.protocol}`);
    const e = validatePort(Number(port.number ?? 0));
    if (e) errs.push(e);
  }
  const endpoints = se.endpoints ?? [];
  switch (resolution) {
    case 'NONE':
      if (endpoints.length) errs.push('no endpoints should be provided for resolution type none');
      break;
    case 'STATIC':
      for (const ep of endpoints) {
        if (!ep) {
          errs.push('endpoint cannot be nil');
          continue;
        }
        const addr = String(ep.address ?? '');
        if (addr === '') errs.push('address is required');
        else if (!addr.startsWith('unix://') && !isIpAddress(addr))
          errs.push(`endpoint address "${addr}" is not a valid IP address`);
        endpointPorts(errs, ep, names);
      }
      break;
    case 'DNS':
    case 'DNS_ROUND_ROBIN':
      if (endpoints.length === 0) {
        for (const host of hosts)
          if (validateFqdn(host))
            errs.push(`hosts must be FQDN if no endpoints are provided for resolution mode ${resolution}`);
      }
      if (resolution === 'DNS_ROUND_ROBIN' && endpoints.length > 1)
        errs.push(`there must only be 0 or 1 endpoint for resolution mode ${resolution}`);
      for (const ep of endpoints) {
        if (!ep) {
          errs.push('endpoint cannot be nil');
          continue;
        }
        const addr = String(ep.address ?? '');
        if (!isIpAddress(addr) && validateFqdn(addr))
          errs.push(`endpoint address "${addr}" is not a valid FQDN or an IP address`);
        endpointPorts(errs, ep, names);
      }
      break;
    default:
      errs.push(`unsupported resolution type ${resolution}`);
  }
  if (resolution !== 'NONE' && hosts.length > 1) {
    for (const port of se.ports ?? []) {
      if (port && !isHttpProtocol(String(port.protocol ?? '')) && !isTlsProtocol(String(port.protocol ?? ''))) {
        errs.push('multiple hosts provided with non-HTTP, non-TLS ports');
        break;
      }
    }
  }
  errs.push(...validateExportTo(se.exportTo, namespace, true));
  return errs;
}
