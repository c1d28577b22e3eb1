/** IPv4 parsing: dotted quads of one to three ASCII digits each at most 255, and nothing else. */
import { describe, expect, it } from 'vitest';
import { ipv4ToNumber, isIpv4 } from './cidr.ts';

/** The plain reading of the rule, to compare the character-by-character parser with. */
function reference(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const v = Number(part);
    if (v > 255) return undefined;
    n = n * 256 + v;
  }
  return n;
}

describe('ipv4ToNumber', () => {
  it('reads addresses and rejects what is not one', () => {
    expect(ipv4ToNumber('10.244.0.9')).toBe(((10 * 256 + 244) * 256 + 0) * 256 + 9);
    expect(ipv4ToNumber('255.255.255.255')).toBe(2 ** 32 - 1);
    expect(ipv4ToNumber('010.1.1.1')).toBe(reference('010.1.1.1'));
    for (const bad of ['', '1.2.3', '1.2.3.4.', '.1.2.3', '1..2.3', '256.1.1.1', '1.2.3.4a', '1234.1.1.1', 'a.b.c.d'])
      expect([bad, ipv4ToNumber(bad)]).toEqual([bad, undefined]);
    expect(isIpv4('reviews')).toBe(false);
    expect(isIpv4('٣.1.1.1')).toBe(false);
  });

  it('agrees with the plain reading on many generated strings', () => {
    const alphabet = '0123456789.....a -';
    let seed = 3;
    for (let i = 0; i < 20_000; i++) {
      let s = '';
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      const length = seed % 18;
      for (let j = 0; j < length; j++) {
        seed = (seed * 1103515245 + 12345) % 2 ** 31;
        s += alphabet[seed % alphabet.length];
      }
      expect([s, ipv4ToNumber(s)]).toEqual([s, reference(s)]);
    }
  });
});
