/** Generated names and identifiers as Kubernetes makes them. */
import type { RandomSource } from '../types.ts';

// The alphabet of generateName suffixes and pod-template-hash (no vowels, no confusable characters).
const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';

/** `length` random characters of Kubernetes' generateName alphabet. */
export function randomSuffix(random: RandomSource, length = 5): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHANUMS[Math.floor(random.next() * ALPHANUMS.length)];
  return out;
}

/** A stable hash of a pod template, written in the same alphabet (pod-template-hash). */
export function templateHash(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  let out = '';
  let n = h;
  for (let i = 0; i < 10; i++) {
    out += ALPHANUMS[n % ALPHANUMS.length];
    n = Math.floor(n / ALPHANUMS.length) || (h = Math.imul(h ^ i, 0x01000193) >>> 0);
  }
  return out;
}

/** A UUID v4 from the random source. */
export function uuid(random: RandomSource): string {
  const hex = Array.from({ length: 32 }, () => Math.floor(random.next() * 16).toString(16));
  hex[12] = '4';
  hex[16] = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  const h = hex.join('');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** RFC 3339 with seconds, as the API server writes timestamps. */
export function timestamp(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** A container ID (`containerd://` + 64 hex). */
export function containerId(random: RandomSource): string {
  return `containerd://${Array.from({ length: 64 }, () => Math.floor(random.next() * 16).toString(16)).join('')}`;
}
