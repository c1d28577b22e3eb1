/** istiod's DestinationRule rules (ValidateDestinationRule, validateTrafficPolicy, validateSubset). */
import { isDns1123Label, validateDuration, validateWildcardDomain } from './names.ts';
import type { DestinationRuleInput } from '../../../../../kube/istioSchemas.ts';
import { validateExportTo } from './virtualService.ts';

type Policy = NonNullable<DestinationRuleInput['trafficPolicy']>;
type Pool = Policy['connectionPool'];
type Outlier = Policy['outlierDetection'];

function connectionPool(errs: string[], pool: Pool): void {
  if (!pool) return;
  if (!pool.http && !pool.tcp) {
    errs.push('connection pool must have at least one field');
    return;
  }
  const http = pool.http ?? {};
  for (const [field, text] of [
    ['http1MaxPendingRequests', 'http1 max pending requests'],
    ['http2MaxRequests', 'http2 max requests'],
    ['maxRequestsPerConnection', 'max requests per connection'],
    ['maxRetries', 'max retries'],
    ['maxConcurrentStreams', 'max concurrent streams'],
  ] as const) {
    if (Number(http[field] ?? 0) < 0) errs.push(`${text} must be non-negative`);
  }
  if (http.idleTimeout !== undefined && http.idleTimeout !== null)
    pushErr(errs, validateDuration(http.idleTimeout, 'idleTimeout'));
  const tcp = pool.tcp ?? {};
  if (Number(tcp.maxConnections ?? 0) < 0) errs.push('max connections must be non-negative');
  if (tcp.connectTimeout !== undefined && tcp.connectTimeout !== null)
    pushErr(errs, validateDuration(tcp.connectTimeout, 'connectTimeout'));
}

function pushErr(errs: string[], e: string | undefined): void {
  if (e) errs.push(e);
}

function outlierDetection(errs: string[], outlier: Outlier): void {
  if (!outlier) return;
  if (outlier.baseEjectionTime !== undefined && outlier.baseEjectionTime !== null)
    pushErr(errs, validateDuration(outlier.baseEjectionTime, 'baseEjectionTime'));
  if (!outlier.splitExternalLocalOriginErrors && Number(outlier.consecutiveLocalOriginFailures ?? 0) > 0)
    errs.push(
      'outlier detection consecutive local origin failures is specified, but split external local origin errors is set to false',
    );
  if (outlier.interval !== undefined && outlier.interval !== null)
    pushErr(errs, validateDuration(outlier.interval, 'interval'));
  for (const field of ['maxEjectionPercent', 'minHealthPercent'] as const) {
    const v = Number(outlier[field] ?? 0);
    if (v < 0 || v > 100) errs.push(`percentage ${v} is not in range 0..100`);
  }
}

function trafficPolicy(errs: string[], policy: Policy | null | undefined): void {
  if (!policy) return;
  const fields = [
    'outlierDetection',
    'connectionPool',
    'loadBalancer',
    'tls',
    'portLevelSettings',
    'tunnel',
    'proxyProtocol',
  ] as const;
  if (!fields.some((f) => policy[f] !== undefined)) {
    errs.push('traffic policy must have at least one field');
    return;
  }
  if (policy.tunnel && policy.proxyProtocol) {
    errs.push('tunnel and proxyProtocol must not be set together');
    return;
  }
  outlierDetection(errs, policy.outlierDetection);
  connectionPool(errs, policy.connectionPool);
  if (policy.loadBalancer?.consistentHash?.httpCookie && !policy.loadBalancer.consistentHash.httpCookie.name)
    errs.push('name required for HttpCookie');
  if (policy.tls?.mode === 'MUTUAL' && !policy.tls.credentialName) {
    if (!policy.tls.clientCertificate) errs.push('client certificate required for mutual tls');
    if (!policy.tls.privateKey) errs.push('private key required for mutual tls');
  }
  for (const p of policy.portLevelSettings ?? []) {
    if (!p?.port) errs.push('portTrafficPolicy must have valid port');
    if (!p?.outlierDetection && !p?.connectionPool && !p?.loadBalancer && !p?.tls)
      errs.push('port traffic policy must have at least one field');
    else {
      outlierDetection(errs, p.outlierDetection);
      connectionPool(errs, p.connectionPool);
    }
  }
}

/** Why istiod refuses a DestinationRule spec, in its order. */
export function destinationRuleErrors(rule: DestinationRuleInput, namespace: string): string[] {
  const errs: string[] = [];
  pushErr(errs, validateWildcardDomain(String(rule.host ?? '')));
  trafficPolicy(errs, rule.trafficPolicy);
  const seen = new Set<string>();
  for (const subset of rule.subsets ?? []) {
    if (!subset) {
      errs.push('subset may not be null');
      continue;
    }
    const name = String(subset.name ?? '');
    if (seen.has(name)) errs.push(`duplicate subset names: ${name}`);
    seen.add(name);
    if (name.length === 0) errs.push('subset name cannot be empty');
    else if (!isDns1123Label(name)) errs.push(`subset name is invalid: ${name}`);
    trafficPolicy(errs, subset.trafficPolicy);
  }
  errs.push(...validateExportTo(rule.exportTo, namespace, false));
  for (const [k, v] of Object.entries(rule.workloadSelector?.matchLabels ?? {})) {
    if (k === '') errs.push(`empty key is not supported in selector: "${k}=${v}"`);
    if (k.includes('*') || String(v).includes('*')) errs.push(`wildcard is not supported in selector: "${k}=${v}"`);
  }
  return errs;
}
