/**
 * Which page origins may open this server's WebSockets. Never the request's own `Host` header: a page on an
 * attacker's domain that resolves to this machine (DNS rebinding) sends a matching `Host`. Allowed are the
 * configured public URL, an explicit allow-list, and the names this machine answers to on its listening port
 * (loopback names and its own addresses), which no foreign page can claim.
 */
import type { AddressInfo } from 'node:net';
import { hostname, networkInterfaces, type NetworkInterfaceInfo } from 'node:os';

/** What decides the allowed origins. */
export interface OriginSettings {
  /** `LABS_PUBLIC_URL`: the address learners use behind a proxy. */
  publicUrl?: string | undefined;
  /** `LABS_ALLOWED_ORIGINS` and `allowedOrigins`: further page origins (a dev server). */
  allowed?: readonly string[];
  /** The listening address (its port and, unless a wildcard, its IP). */
  listening: AddressInfo | string | null;
  interfaces?: NodeJS.Dict<NetworkInterfaceInfo[]>;
  hostName?: string;
}

const WILDCARD = new Set(['0.0.0.0', '::', '']);

function hostPart(address: string): string {
  return address.includes(':') ? `[${address}]` : address;
}

/** Normalised origin of a URL-ish string, or undefined when it is not one. */
export function originOf(text: string): string | undefined {
  try {
    const url = new URL(text);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

/** Every origin whose pages may open WebSockets here. */
export function allowedOrigins(settings: OriginSettings): Set<string> {
  const out = new Set<string>();
  for (const o of [settings.publicUrl, ...(settings.allowed ?? [])]) {
    const origin = o ? originOf(o.trim()) : undefined;
    if (origin) out.add(origin);
  }
  const listening = typeof settings.listening === 'object' ? settings.listening : null;
  if (!listening) return out;
  const names = new Set(['localhost', '127.0.0.1', '[::1]', hostPart(settings.hostName ?? hostname())]);
  if (WILDCARD.has(listening.address)) {
    for (const list of Object.values(settings.interfaces ?? networkInterfaces()))
      for (const info of list ?? []) names.add(hostPart(info.address));
  } else {
    names.add(hostPart(listening.address));
  }
  for (const name of names) {
    for (const scheme of ['http', 'https']) {
      const origin = originOf(`${scheme}://${name}:${listening.port}`);
      if (origin) out.add(origin);
    }
  }
  return out;
}

/** True when a request may upgrade: no `Origin` (not a browser) or an allowed one. */
export function originAllowed(origin: string | undefined, allowed: ReadonlySet<string>): boolean {
  if (origin === undefined) return true;
  const normalised = originOf(origin);
  return normalised !== undefined && allowed.has(normalised);
}
