/**
 * curl's command line as curl 8.16 reads it: bundled one-letter options and attached values (`-sSo/dev/null`),
 * `--name value` and `--name=value`, `--no-name` for booleans, `--` ending the options, and every refusal in
 * curl's words (`option --foo: is unknown`, `requires parameter`, exit 2). The options this lab carries out are
 * `CURL_OPTIONS`; the others curl knows are either harmless here (accepted) or refused as not available.
 */
import { CURL_BOOLEAN_OPTIONS, CURL_PLAIN_OPTIONS, CURL_SHORT_OPTIONS, CURL_VALUE_OPTIONS } from './knownOptions.ts';

/** One supported option. */
export interface CurlOptionSpec {
  short?: string;
  long: string;
  /** Name of the value it takes, if any (shown in --help). */
  value?: string;
  help: string;
}

/** The supported options, in --help order. */
export const CURL_OPTIONS: CurlOptionSpec[] = [
  { short: 'A', long: 'user-agent', value: '<name>', help: 'Send User-Agent <name> to server' },
  { short: 'b', long: 'cookie', value: '<data|filename>', help: 'Send cookies from string/load from file' },
  { short: 'c', long: 'cookie-jar', value: '<filename>', help: 'Save cookies to <filename> after operation' },
  { long: 'cacert', value: '<file>', help: 'CA certificate to verify peer against' },
  { long: 'compressed', help: 'Request compressed response' },
  { long: 'connect-timeout', value: '<seconds>', help: 'Maximum time allowed to connect' },
  { short: 'd', long: 'data', value: '<data>', help: 'HTTP POST data' },
  { long: 'data-binary', value: '<data>', help: 'HTTP POST binary data' },
  { long: 'data-raw', value: '<data>', help: "HTTP POST data, '@' allowed" },
  { long: 'data-urlencode', value: '<data>', help: 'HTTP POST data URL encoded' },
  { short: 'D', long: 'dump-header', value: '<filename>', help: 'Write the received headers to <filename>' },
  { short: 'e', long: 'referer', value: '<URL>', help: 'Referrer URL' },
  { short: 'f', long: 'fail', help: 'Fail fast with no output on HTTP errors' },
  { long: 'fail-with-body', help: 'Fail on HTTP errors but save the body' },
  { short: 'F', long: 'form', value: '<name=content>', help: 'Specify multipart MIME data' },
  { short: 'G', long: 'get', help: 'Put the post data in the URL and use GET' },
  { short: 'H', long: 'header', value: '<header/@file>', help: 'Pass custom header(s) to server' },
  { short: 'I', long: 'head', help: 'Show document info only' },
  { short: 'h', long: 'help', help: 'Get help for commands' },
  { long: 'http1.1', help: 'Use HTTP/1.1' },
  { long: 'http2', help: 'Use HTTP/2' },
  { short: 'i', long: 'include', help: 'Include protocol response headers in the output' },
  { short: 'k', long: 'insecure', help: 'Allow insecure server connections' },
  { long: 'json', value: '<data>', help: 'HTTP POST JSON' },
  { short: 'L', long: 'location', help: 'Follow redirects' },
  { short: 'm', long: 'max-time', value: '<seconds>', help: 'Maximum time allowed for transfer' },
  { long: 'max-redirs', value: '<num>', help: 'Maximum number of redirects allowed' },
  { long: 'oauth2-bearer', value: '<token>', help: 'OAuth 2 Bearer Token' },
  { short: 'o', long: 'output', value: '<file>', help: 'Write to file instead of stdout' },
  { short: 'x', long: 'proxy', value: '[protocol://]host[:port]', help: 'Use this proxy' },
  { short: 'X', long: 'request', value: '<method>', help: 'Specify request method to use' },
  { long: 'resolve', value: '<[+]host:port:addr[,addr]...>', help: 'Resolve host+port to address' },
  { long: 'retry', value: '<num>', help: 'Retry request if transient problems occur' },
  { long: 'retry-all-errors', help: 'Retry all errors (with --retry)' },
  { long: 'retry-connrefused', help: 'Retry on connection refused (with --retry)' },
  { long: 'retry-delay', value: '<seconds>', help: 'Wait time between retries' },
  { long: 'retry-max-time', value: '<seconds>', help: 'Retry only within this period' },
  { short: 'S', long: 'show-error', help: 'Show error even when -s is used' },
  { short: 's', long: 'silent', help: 'Silent mode' },
  { long: 'url', value: '<url>', help: 'URL to work with' },
  { short: 'u', long: 'user', value: '<user:password>', help: 'Server user and password' },
  { short: 'v', long: 'verbose', help: 'Make the operation more talkative' },
  { short: 'V', long: 'version', help: 'Show version number and quit' },
  { short: 'w', long: 'write-out', value: '<format>', help: 'Use output FORMAT after completion' },
];

/** Options curl knows that change nothing in the lab (no progress meter, one address family, no globbing). */
const HARMLESS = new Set([
  'globoff',
  'ipv4',
  'ipv6',
  'progress-meter',
  'progress-bar',
  'path-as-is',
  'tcp-nodelay',
  'keepalive',
  'sessionid',
  'alpn',
  'disable',
  'fail-early',
  'raw',
  'tr-encoding',
  'remote-time',
  'create-dirs',
  'ssl-reqd',
  'ca-native',
]);

/** Names curl 8.16 gives one option under two spellings. */
const ALIASES: ReadonlyMap<string, string> = new Map([['show-headers', 'include']]);

/** What a command line asks for. */
export interface CurlArgs {
  urls: string[];
  silent: boolean;
  showError: boolean;
  head: boolean;
  include: boolean;
  verbose: boolean;
  fail: boolean;
  failWithBody: boolean;
  location: boolean;
  insecure: boolean;
  help: boolean;
  version: boolean;
  get: boolean;
  compressed: boolean;
  output?: string;
  writeOut?: string;
  method?: string;
  headers: string[];
  /** Each -d/--data* value with how it was given. */
  data: { value: string; kind: 'data' | 'raw' | 'binary' | 'urlencode' | 'json' }[];
  /** -F parts, as given (`name=value`, `name=@file`, `name=<file`). */
  form: string[];
  userAgent?: string;
  referer?: string;
  user?: string;
  bearer?: string;
  maxTimeMs?: number;
  connectTimeoutMs?: number;
  maxRedirects: number;
  httpVersion?: '1.1' | '2';
  /** -b values: cookie strings (`a=1; b=2`) or files to read cookies from. */
  cookies: string[];
  cookieJar?: string;
  dumpHeader?: string;
  proxy?: string;
  resolve: string[];
  cacert?: string;
  retry: number;
  retryDelayMs?: number;
  retryMaxTimeMs?: number;
  retryAllErrors: boolean;
  retryConnRefused: boolean;
  /** -N/--no-buffer: stdout is flushed after every write. */
  noBuffer: boolean;
  /** --no-styled-output turns off bold header names on a terminal. */
  styledOutput: boolean;
}

/** A usage error: curl prints the message and its "try" line and exits 2. */
export class CurlUsageError extends Error {}

function seconds(option: string, value: string): number {
  if (!/^\d+(\.\d+)?$/.test(value)) throw new CurlUsageError(`option ${option}: expected a proper numerical parameter`);
  return Math.round(Number(value) * 1000);
}

function count(option: string, value: string): number {
  if (/^-\d+$/.test(value)) throw new CurlUsageError(`option ${option}: expected a positive numerical parameter`);
  if (!/^\d+$/.test(value)) throw new CurlUsageError(`option ${option}: expected a proper numerical parameter`);
  return Number(value);
}

function apply(args: CurlArgs, long: string, shown: string, value: string | undefined, on: boolean): void {
  const v = value ?? '';
  switch (long) {
    case 'silent':
      args.silent = on;
      break;
    case 'show-error':
      args.showError = on;
      break;
    case 'head':
      args.head = on;
      break;
    case 'include':
      args.include = on;
      break;
    case 'verbose':
      args.verbose = on;
      break;
    case 'fail':
      args.fail = on;
      break;
    case 'fail-with-body':
      args.failWithBody = on;
      break;
    case 'location':
      args.location = on;
      break;
    case 'insecure':
      args.insecure = on;
      break;
    case 'get':
      args.get = on;
      break;
    case 'compressed':
      args.compressed = on;
      break;
    case 'retry-all-errors':
      args.retryAllErrors = on;
      break;
    case 'retry-connrefused':
      args.retryConnRefused = on;
      break;
    case 'buffer':
      // `-N` is "no buffer"; the long option is `--buffer`, usually given as `--no-buffer` (tool_getparam.c).
      args.noBuffer = shown.startsWith('--') ? !on : on;
      break;
    case 'styled-output':
      args.styledOutput = on;
      break;
    case 'help':
      args.help = true;
      break;
    case 'version':
      args.version = true;
      break;
    case 'http1.1':
      args.httpVersion = '1.1';
      break;
    case 'http2':
      args.httpVersion = '2';
      break;
    case 'output':
      args.output = v;
      break;
    case 'write-out':
      args.writeOut = v;
      break;
    case 'request':
      args.method = v;
      break;
    case 'header':
      args.headers.push(v);
      break;
    case 'user-agent':
      args.userAgent = v;
      break;
    case 'referer':
      args.referer = v;
      break;
    case 'user':
      args.user = v;
      break;
    case 'oauth2-bearer':
      args.bearer = v;
      break;
    case 'data':
      args.data.push({ value: v, kind: 'data' });
      break;
    case 'data-raw':
      args.data.push({ value: v, kind: 'raw' });
      break;
    case 'data-binary':
      args.data.push({ value: v, kind: 'binary' });
      break;
    case 'data-urlencode':
      args.data.push({ value: v, kind: 'urlencode' });
      break;
    case 'json':
      args.data.push({ value: v, kind: 'json' });
      break;
    case 'form':
      args.form.push(v);
      break;
    case 'url':
      args.urls.push(v);
      break;
    case 'max-time':
      args.maxTimeMs = seconds(shown, v);
      break;
    case 'connect-timeout':
      args.connectTimeoutMs = seconds(shown, v);
      break;
    case 'max-redirs':
      args.maxRedirects = count(shown, v);
      break;
    case 'cookie':
      args.cookies.push(v);
      break;
    case 'cookie-jar':
      args.cookieJar = v;
      break;
    case 'dump-header':
      args.dumpHeader = v;
      break;
    case 'proxy':
      args.proxy = v;
      break;
    case 'resolve':
      args.resolve.push(v);
      break;
    case 'cacert':
      args.cacert = v;
      break;
    case 'retry':
      args.retry = count(shown, v);
      break;
    case 'retry-delay':
      args.retryDelayMs = count(shown, v) * 1000;
      break;
    case 'retry-max-time':
      args.retryMaxTimeMs = count(shown, v) * 1000;
      break;
  }
}

/** The lab's refusal of an option curl knows but this lab does not carry out (not curl's words: curl would run it). */
function unavailable(shown: string): CurlUsageError {
  return new CurlUsageError(`option ${shown}: is not available in this lab's curl (see curl --help)`);
}

function takesValue(long: string): boolean {
  return CURL_VALUE_OPTIONS.has(long);
}

/** Parses argv (without `curl`) as curl 8.16 does. */
export function parseCurlArgs(argv: string[]): CurlArgs {
  const args: CurlArgs = {
    urls: [],
    silent: false,
    showError: false,
    head: false,
    include: false,
    verbose: false,
    fail: false,
    failWithBody: false,
    location: false,
    insecure: false,
    help: false,
    version: false,
    get: false,
    compressed: false,
    headers: [],
    data: [],
    form: [],
    maxRedirects: 50,
    cookies: [],
    resolve: [],
    retry: 0,
    retryAllErrors: false,
    retryConnRefused: false,
    noBuffer: false,
    styledOutput: true,
  };
  // Also carried out, though --help leaves them out as curl's brief help does.
  const supported = new Set([...CURL_OPTIONS.map((o) => o.long), 'buffer', 'styled-output']);
  let onlyUrls = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (onlyUrls || !arg.startsWith('-') || arg === '-') {
      args.urls.push(arg);
      continue;
    }
    if (arg === '--') {
      onlyUrls = true;
      continue;
    }
    if (arg.startsWith('--')) {
      let word = arg.slice(2);
      let on = true;
      let attached: string | undefined;
      if (word.startsWith('no-')) {
        word = word.slice(3);
        on = false;
      }
      const eq = word.indexOf('=');
      if (eq >= 0) {
        attached = word.slice(eq + 1);
        word = word.slice(0, eq);
      }
      const long = ALIASES.get(word) ?? word;
      const known = CURL_VALUE_OPTIONS.has(word) || CURL_BOOLEAN_OPTIONS.has(word) || CURL_PLAIN_OPTIONS.has(word);
      if (!known) throw new CurlUsageError(`option ${arg}: is unknown`);
      if (!on && !CURL_BOOLEAN_OPTIONS.has(word))
        throw new CurlUsageError(`option ${arg}: the given option cannot be reversed with a --no- prefix`);
      let value: string | undefined;
      if (takesValue(word)) {
        if (attached !== undefined) value = attached;
        else if (word === 'help') value = undefined;
        else if (i + 1 >= argv.length) throw new CurlUsageError(`option ${arg}: requires parameter`);
        else value = argv[++i];
      }
      if (supported.has(long)) apply(args, long, arg, value, on);
      else if (!HARMLESS.has(long)) throw unavailable(arg);
      continue;
    }
    for (let j = 1; j < arg.length; j++) {
      const letter = arg[j]!;
      const long = CURL_SHORT_OPTIONS.get(letter);
      // curl names the whole argument when one letter of a bundle is wrong.
      if (!long) throw new CurlUsageError(`option ${arg}: is unknown`);
      const name = ALIASES.get(long) ?? long;
      if (!takesValue(long)) {
        if (supported.has(name)) apply(args, name, arg, undefined, true);
        else if (!HARMLESS.has(name)) throw unavailable(arg);
        continue;
      }
      let value = arg.slice(j + 1);
      if (!value) {
        if (long === 'help') value = '';
        else if (i + 1 >= argv.length) throw new CurlUsageError(`option ${arg}: requires parameter`);
        else value = argv[++i]!;
      }
      if (supported.has(name)) apply(args, name, arg, value, true);
      else throw unavailable(arg);
      break;
    }
  }
  return args;
}

/** `curl --help`, brief, in curl's layout. */
export function curlHelp(): string {
  const lines = CURL_OPTIONS.map((o) => {
    const flags = `${o.short ? `-${o.short}, ` : '    '}--${o.long}${o.value ? ` ${o.value}` : ''}`;
    return ` ${flags.padEnd(34)}${o.help}`;
  });
  return `Usage: curl [options...] <url>\n${lines.join('\n')}\n\nThis is not the full help; this lab's curl supports the options above.\n`;
}

/** `curl --version` of the curlimages/curl image the samples use. */
export const CURL_VERSION_TEXT =
  'curl 8.16.0 (x86_64-pc-linux-musl) libcurl/8.16.0 OpenSSL/3.5.2 zlib/1.3.1 brotli/1.1.0 zstd/1.5.7 ' +
  'c-ares/1.34.5 libidn2/2.3.7 libpsl/0.21.5 nghttp2/1.66.0\n' +
  'Release-Date: 2025-09-10\n' +
  'Protocols: dict file ftp ftps gopher gophers http https imap imaps ipfs ipns mqtt pop3 pop3s rtsp smb smbs smtp ' +
  'smtps telnet tftp ws wss\n' +
  'Features: alt-svc AsynchDNS brotli HSTS HTTP2 HTTPS-proxy IDN IPv6 Largefile libz NTLM PSL SSL threadsafe TLS-SRP UnixSockets zstd\n';

/** curl's User-Agent. */
export const CURL_USER_AGENT = 'curl/8.16.0';
