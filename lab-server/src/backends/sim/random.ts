/** A seedable random source (mulberry32): small, fast, and the same sequence for the same seed. */
import type { RandomSource } from './types.ts';

/** A random source whose position in its sequence can be read and set (environments made from a shared start). */
export interface SeekableRandom extends RandomSource {
  readonly seed: number;
  /** Where in the sequence the source is. */
  position(): number;
  /** Continues the sequence from `position` (as read from a source with the same seed). */
  seek(position: number): void;
}

/** A random source from `seed`; without one, a fresh seed per call. */
export function createRandom(seed?: number): SeekableRandom {
  const start = (seed ?? Math.floor(Math.random() * 2 ** 32)) >>> 0;
  let a = start;
  return {
    seed: start,
    position: () => a,
    seek(position) {
      a = position >>> 0;
    },
    next() {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    },
  };
}
