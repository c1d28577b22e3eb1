/** Identifiers Envoy makes up, drawn from the environment's random source so runs are reproducible. */
import type { RandomSource } from '../types.ts';

/** `n` lower-case hex digits. */
export function hex(random: RandomSource, n: number): string {
  let out = '';
  for (let i = 0; i < n; i++) out += Math.floor(random.next() * 16).toString(16);
  return out;
}

/** A version-4 UUID, as Envoy generates for `x-request-id`. */
export function uuid(random: RandomSource): string {
  const h = hex(random, 32);
  const variant = '89ab'[Math.floor(random.next() * 4)];
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-${variant}${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** An ephemeral source port. */
export function ephemeralPort(random: RandomSource): number {
  return 32768 + Math.floor(random.next() * 28000);
}

/** A random integer in [min, max]. */
export function between(random: RandomSource, min: number, max: number): number {
  return min + Math.floor(random.next() * (max - min + 1));
}
