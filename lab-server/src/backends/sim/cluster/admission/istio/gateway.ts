/** istiod's Gateway rules (ValidateGateway, validateServer, validateServerPort, validateTLSOptions). */
import {
  isDns1123Label,
  isHttpProtocol,
  isIpAddress,
  isKnownProtocol,
  isTlsProtocol,
  validateIpAddress,
  validatePartialWildcard,
  validatePort,
  validateWildcardDomain,
} from './names.ts';
import type { GatewayInput } from '../../../../../kube/istioSchemas.ts';

/** An item of an optional list whose entries may be null. */
type Item<L> = NonNullable<L> extends readonly (infer E)[] ? NonNullable<E> : never;
type Server = Item<GatewayInput['servers']>;

/** The host part of `ns/host` (or a bare host) in a Gateway or Sidecar. */
export function hostnamePart(errs: string[], hostname: string, isGateway: boolean): void {
  if (hostname !== '*' && !hostname.includes('.')) errs.push('short names (non FQDN) are not allowed');
  const err = validateWildcardDomain(hostname);
  // A Gateway may name an IP address instead.
  if (err && (!isGateway || !isIpAddress(hostname))) errs.push(err);
  const partial = validatePartialWildcard(hostname);
  if (partial) errs.push(partial);
}

/** agent.ValidateNamespaceSlashWildcardHostname. */
export function namespaceSlashHostname(errs: string[], hostname: string, isGateway: boolean): void {
  const slash = hostname.indexOf('/');
  if (slash < 0) {
    if (isGateway) hostnamePart(errs, hostname, true);
    else errs.push('host must be of form namespace/dnsName');
    return;
  }
  const [ns, name] = [hostname.slice(0, slash), hostname.slice(slash + 1)];
  if (!ns || !name) errs.push('config namespace and dnsName in host entry cannot be empty');
  const allowed = isGateway ? ['*', '.'] : ['*', '.', '~'];
  if (!allowed.includes(ns) && !isDns1123Label(ns))
    errs.push(`invalid namespace value "${ns}" in ${isGateway ? 'gateway' : 'sidecar'}`);
  hostnamePart(errs, name, isGateway);
}

function serverPort(errs: string[], port: Server['port']): boolean {
  const before = errs.length;
  if (!port) {
    errs.push('port is required');
    return false;
  }
  const protocol = String(port.protocol ?? '');
  if (!isKnownProtocol(protocol))
    errs.push(
      `invalid protocol "${protocol}", supported protocols are HTTP, HTTP2, GRPC, GRPC-WEB, MONGO, REDIS, MYSQL, TCP`,
    );
  const e = validatePort(Number(port.number ?? 0));
  if (e) errs.push(e);
  if (Number(port.targetPort ?? 0) > 0) errs.push('targetPort has no impact on Gateways');
  if (!port.name) errs.push(`port name must be set: number:${port.number ?? 0} protocol:"${protocol}"`);
  return errs.length === before;
}

function tlsOptions(errs: string[], tls: Server['tls']): void {
  if (!tls) return;
  const mode = tls.mode ?? 'PASSTHROUGH';
  if (mode === 'ISTIO_MUTUAL') {
    for (const [field, what] of [
      ['serverCertificate', 'server certificate'],
      ['privateKey', 'private key'],
      ['caCertificates', 'CA bundle'],
      ['credentialName', 'credentialName'],
    ] as const) {
      if (tls[field]) errs.push(`ISTIO_MUTUAL TLS cannot have associated ${what}`);
    }
    return;
  }
  const sources = [
    tls.serverCertificate && tls.privateKey,
    tls.credentialName,
    tls.credentialNames?.length,
    tls.tlsCertificates?.length,
  ].filter(Boolean).length;
  if (sources > 1)
    errs.push(
      'only one of credential_name, credential_names, server_certificate/private_key, tls_certificates should be specified',
    );
  if (['SIMPLE', 'MUTUAL', 'OPTIONAL_MUTUAL'].includes(mode) && (tls.credentialName || tls.credentialNames?.length))
    return;
  if (['SIMPLE', 'MUTUAL', 'OPTIONAL_MUTUAL'].includes(mode)) {
    const prefix = mode === 'SIMPLE' ? 'SIMPLE TLS' : 'MUTUAL TLS';
    if (mode !== 'SIMPLE' && !tls.caCertificates) errs.push(`${prefix} requires a client CA bundle`);
    const certs = tls.tlsCertificates?.length
      ? tls.tlsCertificates
      : [{ serverCertificate: tls.serverCertificate, privateKey: tls.privateKey }];
    for (const cert of certs) {
      if (!cert?.serverCertificate) errs.push(`${prefix} requires a server certificate`);
      if (!cert?.privateKey) errs.push(`${prefix} requires a private key`);
    }
  }
}

function server(errs: string[], s: Server | null): void {
  if (!s) {
    errs.push('cannot have nil server');
    return;
  }
  if (!s.hosts?.length) errs.push('server config must contain at least one host');
  for (const host of s.hosts ?? []) namespaceSlashHostname(errs, host ?? '', true);
  const portOk = serverPort(errs, s.port);
  if (s.bind && !String(s.bind).startsWith('unix://')) {
    const e = validateIpAddress(s.bind);
    if (e) errs.push(e);
  }
  tlsOptions(errs, s.tls);
  if (!portOk || !s.port) return;
  const protocol = String(s.port.protocol);
  if (isTlsProtocol(protocol) && !s.tls) errs.push('server must have TLS settings for HTTPS/TLS protocols');
  else if (!isTlsProtocol(protocol) && s.tls) {
    if (isHttpProtocol(protocol)) {
      const passThrough = s.tls.httpsRedirect || s.tls.mode === 'PASSTHROUGH' || s.tls.mode === 'AUTO_PASSTHROUGH';
      if (!passThrough || s.tls.caCertificates || s.tls.privateKey || s.tls.serverCertificate)
        errs.push('server cannot have TLS settings for plain text HTTP ports');
    } else errs.push('server cannot have TLS settings for non HTTPS/TLS ports');
  }
}

/** Why istiod refuses a Gateway, in its order. */
export function gatewayErrors(spec: GatewayInput, name: string): string[] {
  const errs: string[] = [];
  if (!isDns1123Label(name)) errs.push(`invalid gateway name: "${name}"`);
  const servers = spec.servers ?? [];
  if (servers.length === 0) errs.push('gateway must have at least one server');
  for (const s of servers) server(errs, s);
  const names = new Set<string>();
  for (const s of servers) {
    if (!s) {
      errs.push('server may not be nil');
      continue;
    }
    if (!s.port) continue;
    if (names.has(s.port.name ?? ''))
      errs.push(`port names in servers must be unique: duplicate name ${s.port.name ?? ''}`);
    names.add(s.port.name ?? '');
  }
  return errs;
}
