/**
 * The address learners use to reach this server, for the join URL and its QR code. The instructor often opens
 * the dashboard on the server's own machine (`127.0.0.1`), or the server prints `0.0.0.0`: neither works from a
 * learner's laptop, so a loopback or wildcard host is replaced by the machine's network address, and a server
 * that only listens on loopback is named as the problem it is.
 */
import type { IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces, type NetworkInterfaceInfo } from 'node:os';

/** Where learners should go, and why they may not get there. */
export interface PublicBase {
  /** `http://192.168.1.20:4321`, no trailing slash. */
  base: string;
  /** Set when learners on other machines cannot reach `base`. */
  warning?: string;
  /** Which problem `warning` names, for a page to say it in its own language. */
  problem?: 'loopback-only' | 'no-network';
}

/** What the computation reads; tests pass their own. */
export interface PublicBaseInput {
  /** The request's Host header (`127.0.0.1:4321`). */
  host: string | undefined;
  /** `X-Forwarded-Proto`, used only when the proxy is trusted. */
  forwardedProto?: string | undefined;
  /** The address the server listens on. */
  listening: AddressInfo | string | null;
  env?: NodeJS.ProcessEnv;
  interfaces?: NodeJS.Dict<NetworkInterfaceInfo[]>;
}

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\]|::1)$/i;
const WILDCARD = /^(0\.0\.0\.0|\[::\]|::)$/;

/** Splits `host:port` (IPv6 in brackets) into its parts. */
function splitHost(host: string): { name: string; port: string } {
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(host);
  return { name: m?.[1] ?? host, port: m?.[2] ?? '' };
}

/** The first IPv4 address of this machine that other machines can reach. */
export function lanAddress(interfaces: NodeJS.Dict<NetworkInterfaceInfo[]> = networkInterfaces()): string | undefined {
  for (const list of Object.values(interfaces)) {
    for (const info of list ?? []) if (info.family === 'IPv4' && !info.internal) return info.address;
  }
  return undefined;
}

/** The base URL for learners. */
export function publicBase(input: PublicBaseInput): PublicBase {
  const env = input.env ?? process.env;
  if (env.LABS_PUBLIC_URL) return { base: env.LABS_PUBLIC_URL.replace(/\/+$/, '') };
  const proto = env.LABS_TRUST_PROXY === '1' && input.forwardedProto === 'https' ? 'https' : 'http';
  const listening = typeof input.listening === 'object' && input.listening ? input.listening : undefined;
  const { name, port } = splitHost(input.host ?? (listening ? `${listening.address}:${listening.port}` : '127.0.0.1'));
  const portPart = port ? `:${port}` : '';
  if (!LOOPBACK.test(name) && !WILDCARD.test(name)) return { base: `${proto}://${name}${portPart}` };
  // Asked on this machine: learners need the address the network knows.
  const boundTo = listening?.address ?? '';
  if (listening && !WILDCARD.test(boundTo) && !LOOPBACK.test(boundTo))
    return { base: `${proto}://${listening.family === 'IPv6' ? `[${boundTo}]` : boundTo}${portPart}` };
  if (listening && LOOPBACK.test(boundTo)) {
    return {
      base: `${proto}://${name}${portPart}`,
      warning:
        `this server listens on ${boundTo} only, so learners on other machines cannot ` +
        `reach it; restart it with --host 0.0.0.0 (or set LABS_PUBLIC_URL behind a proxy)`,
      problem: 'loopback-only',
    };
  }
  const lan = lanAddress(input.interfaces);
  if (!lan)
    return {
      base: `${proto}://${name}${portPart}`,
      warning: 'this machine has no network address besides loopback, so learners on other machines cannot reach it',
      problem: 'no-network',
    };
  return { base: `${proto}://${lan}${portPart}` };
}

/** `publicBase` for a request to a running server. */
export function publicBaseOf(req: IncomingMessage, listening: AddressInfo | string | null): PublicBase {
  return publicBase({
    host: req.headers.host,
    forwardedProto: String(req.headers['x-forwarded-proto'] ?? ''),
    listening,
  });
}
