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
import { validateExportTo } from './virtualService.ts';

type Obj = Record<string, any>;

function endpointPorts(errs: string[], endpoint: Obj, servicePorts: Set<string>): void {
  for (const [name, port] of Object.entries((endpoint.ports ?? {}) as Record<string, number>)) {
    if (!servicePorts.has(name)) errs.push(`endpoint port ${port} is not defined by the service entry`);
    if (!isDns1123Label(name)) errs.push(`invalid port name: ${name}`);
    const e = validatePort(Number(port));
    if (e) errs.push(e);
  }
}

/** Why istiod refuses a ServiceEntry spec, in its order. */
export function serviceEntryErrors(se: Obj, namespace: string): string[] {
  const errs: string[] = [];
  for (const [k, v] of Object.entries((se.workloadSelector?.labels ?? {}) as Record<string, string>)) {
    if (k === '') errs.push(`empty key is not supported in selector: "${k}=${v}"`);
    if (k.includes('*') || String(v).includes('*')) errs.push(`wildcard is not supported in selector: "${k}=${v}"`);
  }
  if (errs.length) return errs;
  if (se.workloadSelector && se.endpoints)
    errs.push('only one of WorkloadSelector or Endpoints is allowed in Service Entry');
  const hosts = (se.hosts ?? []) as string[];
  if (hosts.length === 0) errs.push('service entry must have at least one host');
  for (const host of hosts) {
    if (host === '*') errs.push(`invalid host ${host}`);
    else {
      const e = validateWildcardDomain(host);
      if (e) errs.push(e);
    }
  }
  let cidr = false;
  for (const address of (se.addresses ?? []) as string[]) {
    cidr ||= address.includes('/');
    const e = validateIpSubnet(address);
    if (e) errs.push(e);
  }
  const resolution = se.resolution ?? 'NONE';
  if (cidr && resolution !== 'NONE' && resolution !== 'STATIC')
    errs.push('CIDR addresses are allowed only for NONE/STATIC resolution types');
  const names = new Set<string>();
  const numbers = new Set<number>();
  for (const port of (se.ports ?? []) as (Obj | null)[]) {
    if (!port) {
      errs.push('service entry port may not be null');
      continue;
    }
    if (names.has(port.name)) errs.push(`service entry port name "${port.name}" already defined`);
    names.add(port.name);
    if (numbers.has(port.number)) errs.push(`service entry port ${port.number} already defined`);
    numbers.add(port.number);
    if (port.targetPort) {
      const e = validatePort(Number(port.targetPort));
      if (e) errs.push(e);
    }
    if (!isDns1123Label(String(port.name ?? ''))) errs.push(`invalid port name: ${port.name ?? ''}`);
    if (port.protocol && !isKnownProtocol(port.protocol)) errs.push(`unsupported protocol: ${port.protocol}`);
    const e = validatePort(Number(port.number ?? 0));
    if (e) errs.push(e);
  }
  const endpoints = (se.endpoints ?? []) as (Obj | null)[];
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
    for (const port of (se.ports ?? []) as Obj[]) {
      if (port && !isHttpProtocol(String(port.protocol ?? '')) && !isTlsProtocol(String(port.protocol ?? ''))) {
        errs.push('multiple hosts provided with non-HTTP, non-TLS ports');
        break;
      }
    }
  }
  errs.push(...validateExportTo(se.exportTo, namespace, true));
  return errs;
}
