/**
 * istiod's checks of names, hosts, ports, IPs, durations and regexes (pkg/config/validation/agent and
 * pkg/config/labels), each returning istiod's message or undefined.
 */

type Err = string | undefined;

const DNS1123_LABEL = /^[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?$/;
const WILDCARD_LABEL = /^(?:\*|(?:\*|\*-)?[a-zA-Z0-9](?:[-a-zA-Z0-9]*[a-zA-Z0-9])?)$/;

/** labels.IsDNS1123Label (Istio's allows upper case). */
export function isDns1123Label(value: string): boolean {
  return value.length <= 63 && DNS1123_LABEL.test(value);
}

function checkDns1123Preconditions(name: string): Err {
  if (name.length > 255) return `domain name "${name}" too long (max 255)`;
  if (name.length === 0) return 'empty domain name not allowed';
  return undefined;
}

function validateDns1123Labels(domain: string): Err {
  const parts = domain.split('.');
  const tld = parts.at(-1)!;
  if (/^[+-]?\d+$/.test(tld))
    return `domain name "${domain}" invalid (top level domain "${tld}" cannot be all-numeric)`;
  for (let i = 0; i < parts.length; i++) {
    // A trailing dot (`istio.io.`) is allowed.
    if (i === parts.length - 1 && parts[i] === '') return undefined;
    if (!isDns1123Label(parts[i]!)) return `domain name "${domain}" invalid (label "${parts[i]}" invalid)`;
  }
  return undefined;
}

/** agent.ValidateFQDN. */
export function validateFqdn(fqdn: string): Err {
  return checkDns1123Preconditions(fqdn) ?? validateDns1123Labels(fqdn);
}

/** agent.ValidateWildcardDomain: a DNS name whose first label may be a wildcard. */
export function validateWildcardDomain(domain: string): Err {
  const pre = checkDns1123Preconditions(domain);
  if (pre) return pre;
  const dot = domain.indexOf('.');
  const first = dot < 0 ? domain : domain.slice(0, dot);
  if (!(first.length <= 63 && WILDCARD_LABEL.test(first)))
    return `domain name "${domain}" invalid (label "${first}" invalid)`;
  return dot < 0 ? undefined : validateDns1123Labels(domain.slice(dot + 1));
}

/** agent.ValidatePort. */
export function validatePort(port: number): Err {
  return port >= 1 && port <= 65535 ? undefined : `port number ${port} must be in the range 1..65535`;
}

/** Whether `text` is an IPv4 or IPv6 address (netutil.IsValidIPAddress). */
export function isIpAddress(text: string): boolean {
  if (/^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/.test(text)) return true;
  return text.includes(':') && /^[0-9a-fA-F:.]+$/.test(text) && (text.match(/::/g) ?? []).length <= 1;
}

/** agent.ValidateIPAddress. */
export function validateIpAddress(text: string): Err {
  return isIpAddress(text) ? undefined : `${text} is not a valid IP`;
}

/** agent.ValidateIPSubnet: a CIDR block or a single address. */
export function validateIpSubnet(subnet: string): Err {
  if ((subnet.match(/\//g) ?? []).length === 1) {
    const [ip, bits] = subnet.split('/') as [string, string];
    const max = ip.includes(':') ? 128 : 32;
    return isIpAddress(ip) && /^\d+$/.test(bits) && Number(bits) <= max
      ? undefined
      : `${subnet} is not a valid CIDR block`;
  }
  return validateIpAddress(subnet);
}

/** agent.ValidatePartialWildCard: a wildcard only as `*` or a `*.` prefix. */
export function validatePartialWildcard(host: string): Err {
  return host.includes('*') && host.length !== 1 && !host.startsWith('*.')
    ? `partial wildcard "${host}" not allowed`
    : undefined;
}

/** Does `a` (possibly a wildcard) match `b` or the other way round (host.Name.Matches)? */
export function hostsOverlap(a: string, b: string): boolean {
  const covers = (wild: string, name: string) => wild === '*' || (wild.startsWith('*') && name.endsWith(wild.slice(1)));
  return a === b || covers(a, b) || covers(b, a);
}

const DURATION = /^([+-]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/;
const UNIT_NS: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, μs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** A duration as nanoseconds (Go's time.ParseDuration syntax), or undefined when it does not parse. */
export function parseDurationNs(text: string): number | undefined {
  const m = DURATION.exec(text);
  if (!m) return text === '0' ? 0 : undefined;
  let total = 0;
  for (const part of text.matchAll(/((?:\d+(?:\.\d*)?|\.\d+))(ns|us|µs|μs|ms|s|m|h)/g))
    total += Number(part[1]) * UNIT_NS[part[2]!]!;
  return Math.round(m[1] === '-' ? -total : total);
}

/** agent.ValidateDuration, after the string has been decoded (`field` names it when it does not decode). */
export function validateDuration(value: unknown, field: string): Err {
  const ns = typeof value === 'string' ? parseDurationNs(value) : undefined;
  if (ns === undefined) return `${field}: invalid duration "${String(value)}"`;
  if (ns < 1e6) return 'duration must be greater than 1ms';
  if (ns % 1e6 !== 0) return 'only durations to ms precision are supported';
  return undefined;
}

/** Go's regexp (RE2) error for what JavaScript accepts but RE2 does not, or for what neither accepts. */
function re2Error(re: string): string | undefined {
  const perl = /\(\?(<?[=!])/.exec(re);
  if (perl) return `invalid or unsupported Perl syntax: \`(?${perl[1]}\``;
  if (/\\[1-9]/.test(re)) return `invalid escape sequence: \`${/\\[1-9]/.exec(re)![0]}\``;
  try {
    new RegExp(re, 'u');
  } catch {
    try {
      new RegExp(re);
    } catch (error) {
      const text = (error as Error).message;
      if (/Unterminated group|missing \)/i.test(text)) return `missing closing ): \`${re}\``;
      if (/Unmatched '\)'/i.test(text)) return `unexpected ): \`${re}\``;
      if (/Unterminated character class/i.test(text)) return `missing closing ]: \`${re.slice(re.lastIndexOf('['))}\``;
      if (/Nothing to repeat/i.test(text))
        return `missing argument to repetition operator: \`${/[*+?{]/.exec(re)?.[0] ?? '*'}\``;
      return `invalid regular expression: \`${re}\``;
    }
  }
  return undefined;
}

/** validateStringRegexp: RE2 syntax and Envoy's size limit. */
export function validateRegexp(re: string, where: string): Err {
  if (re.length > 1024) return `"${where}": regex is too large, max length allowed is 1024`;
  const err = re2Error(re);
  return err
    ? `"${where}": error parsing regexp: ${err}; Istio uses RE2 style regex-based match (https://github.com/google/re2/wiki/Syntax)`
    : undefined;
}

/** validateStringMatch: a prefix must not be empty, a regex must compile. */
export function validateStringMatch(match: Record<string, unknown> | null | undefined, where: string): Err {
  if (!match) return undefined;
  if (match.prefix !== undefined && match.prefix === '') return `"${where}": prefix string match should not be empty`;
  return validateStringMatchRegexp(match, where);
}

/** validateStringMatchRegexp: only the regex form is checked. */
export function validateStringMatchRegexp(match: Record<string, unknown> | null | undefined, where: string): Err {
  if (!match || match.regex === undefined) return undefined;
  if (match.regex === '') return `"${where}": regex string match should not be empty`;
  return validateRegexp(String(match.regex), where);
}

const PROTOCOLS = new Set([
  'tcp',
  'udp',
  'grpc',
  'grpc-web',
  'http',
  'http_proxy',
  'http2',
  'https',
  'tls',
  'mongo',
  'redis',
  'mysql',
]);

/** protocol.Parse != Unsupported (case-insensitive). */
export function isKnownProtocol(name: string): boolean {
  return PROTOCOLS.has(name.toLowerCase());
}

/** protocol.IsHTTP. */
export function isHttpProtocol(name: string): boolean {
  return ['http', 'http2', 'grpc', 'grpc-web', 'http_proxy'].includes(name.toLowerCase());
}

/** protocol.IsTLS. */
export function isTlsProtocol(name: string): boolean {
  return ['https', 'tls'].includes(name.toLowerCase());
}
