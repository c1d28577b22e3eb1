/**
 * A VirtualService's `tcp` rules (L4): which rule a connection takes (`match` entries ORed, fields ANDed: `port`,
 * `destinationSubnets`, `sourceLabels`, `sourceNamespace`, `gateways`), and Istio's protocol choice for a Service
 * port (by `appProtocol`, then the port name's prefix; unnamed ports are sniffed).
 */
import type { K8sObject } from '../../../contract.ts';
import { inCidr } from './cidr.ts';
import type { MatchSource } from './match.ts';
import { specOf, type ServicePortSpec } from './objects.ts';
import type { RouteDestination } from './routeRules.ts';

/** One entry of a tcp rule's `match` list (Istio's L4MatchAttributes). */
export interface L4Match {
  destinationSubnets?: string[];
  port?: number;
  sourceLabels?: Record<string, string>;
  sourceNamespace?: string;
  gateways?: string[];
}

/** A tcp rule as written. */
export interface TcpRoute {
  match?: L4Match[];
  route?: RouteDestination[];
}

/** The tcp rules of a VirtualService. */
export function tcpRules(vs: K8sObject): TcpRoute[] {
  const tcp = specOf(vs).tcp;
  return Array.isArray(tcp) ? (tcp as TcpRoute[]) : [];
}

/** A connection as the L4 matcher sees it. */
export interface L4Connection {
  /** The address the client dialled. */
  destinationIp: string;
  source: MatchSource;
}

/** Whether one L4 match entry holds. */
export function l4EntryHolds(m: L4Match, conn: L4Connection, configNamespace: string): boolean {
  if (m.port !== undefined && m.port !== conn.source.port) return false;
  if (m.destinationSubnets?.length && !m.destinationSubnets.some((c) => inCidr(conn.destinationIp, c))) return false;
  if (m.sourceLabels && !Object.entries(m.sourceLabels).every(([k, v]) => conn.source.labels[k] === v)) return false;
  if (m.sourceNamespace !== undefined && m.sourceNamespace !== conn.source.namespace) return false;
  if (m.gateways?.length) {
    const listed = m.gateways.map((g) => (g === 'mesh' || g.includes('/') ? g : `${configNamespace}/${g}`));
    if (!listed.some((g) => conn.source.gateways.includes(g))) return false;
  }
  return true;
}

/** The first tcp rule (across the VirtualServices in order) whose match holds, with the namespace hosts resolve in. */
export function selectTcpRule(
  virtualServices: K8sObject[],
  conn: L4Connection,
): { rule: TcpRoute; namespace: string; virtualService: K8sObject } | undefined {
  for (const vs of virtualServices) {
    const namespace = vs.metadata.namespace ?? 'default';
    for (const rule of tcpRules(vs)) {
      if (!rule.match?.length || rule.match.some((m) => l4EntryHolds(m, conn, namespace)))
        return { rule, namespace, virtualService: vs };
    }
  }
  return undefined;
}

/** How a sidecar treats a Service port: HTTP (HTTP routes), TCP (a TCP proxy), or sniffed (either, by the first bytes). */
export type PortProtocol = 'HTTP' | 'TCP' | 'SNIFF';

const HTTP_PREFIXES = ['http', 'http2', 'grpc', 'grpc-web'];
const TCP_PREFIXES = ['tcp', 'tls', 'https', 'mongo', 'mysql', 'redis'];

/** Istio's protocol selection for a Service port. */
export function portProtocol(port: Pick<ServicePortSpec, 'name' | 'appProtocol' | 'protocol'>): PortProtocol {
  if ((port.protocol ?? 'TCP').toUpperCase() === 'UDP') return 'TCP';
  const named = (value: string | undefined): PortProtocol | undefined => {
    if (!value) return undefined;
    const prefix = value.toLowerCase().split('-')[0]!;
    if (HTTP_PREFIXES.includes(value.toLowerCase()) || HTTP_PREFIXES.includes(prefix)) return 'HTTP';
    if (TCP_PREFIXES.includes(prefix)) return 'TCP';
    return undefined;
  };
  return named(port.appProtocol) ?? named(port.name) ?? 'SNIFF';
}
