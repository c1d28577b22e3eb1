/** IPv4 address and CIDR helpers for capture ranges (includeOutboundIPRanges) and private-address checks. */

/** The 32-bit value of a dotted IPv4 address, or undefined if it is not one. */
export function ipv4ToNumber(ip: string): number | undefined {
  // Read character by character (no split, no regex): every hop asks it of the address it sends to.
  // Four dot-separated parts of one to three ASCII digits, each at most 255.
  let n = 0;
  let parts = 0;
  let digits = 0;
  let value = 0;
  for (let i = 0; i <= ip.length; i++) {
    const c = i < ip.length ? ip.charCodeAt(i) : DOT;
    if (c === DOT) {
      if (digits === 0 || value > 255 || ++parts > 4) return undefined;
      n = n * 256 + value;
      digits = 0;
      value = 0;
    } else if (c >= ZERO && c <= NINE && ++digits <= 3) value = value * 10 + (c - ZERO);
    else return undefined;
  }
  return parts === 4 ? n : undefined;
}

const DOT = 46;
const ZERO = 48;
const NINE = 57;

/** True if `ip` is a dotted IPv4 address. */
export function isIpv4(ip: string): boolean {
  return ipv4ToNumber(ip) !== undefined;
}

/** True if `ip` lies in `cidr` (`10.96.0.0/12`; a bare address means /32). */
export function inCidr(ip: string, cidr: string): boolean {
  const [base, bitsText] = cidr.trim().split('/');
  const bits = bitsText === undefined ? 32 : Number(bitsText);
  const a = ipv4ToNumber(ip);
  const b = ipv4ToNumber(base);
  if (a === undefined || b === undefined || !(bits >= 0 && bits <= 32)) return false;
  if (bits === 0) return true;
  const size = 2 ** (32 - bits);
  return Math.floor(a / size) === Math.floor(b / size);
}

/**
 * Whether the sidecar's iptables rules redirect traffic to `ip`: `include` is `*` or a comma list of CIDRs
 * (empty means nothing is captured), `exclude` a comma list that wins over `include`.
 */
export function isCaptured(ip: string, include: string, exclude = ''): boolean {
  // Istio's default (capture everything, exclude nothing), asked for on every request a sidecar sends.
  if (include === '*' && exclude === '') return true;
  const excluded = exclude
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (excluded.some((c) => inCidr(ip, c))) return false;
  const included = include
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (included.includes('*')) return true;
  return included.some((c) => inCidr(ip, c));
}

/** RFC 1918 / loopback / link-local, as [first address, size]: what Envoy treats as internal. */
const PRIVATE_RANGES: [number, number][] = [
  '10.0.0.0/8',
  '172.16.0.0/12',
  '192.168.0.0/16',
  '127.0.0.0/8',
  '169.254.0.0/16',
].map((cidr) => {
  const [base, bits] = cidr.split('/');
  return [ipv4ToNumber(base!)!, 2 ** (32 - Number(bits))];
});

/** RFC 1918 / loopback / link-local: what Envoy treats as an internal address. */
export function isPrivateIp(ip: string): boolean {
  const n = ipv4ToNumber(ip);
  if (n === undefined) return false;
  return PRIVATE_RANGES.some(([first, size]) => n >= first && n < first + size);
}
