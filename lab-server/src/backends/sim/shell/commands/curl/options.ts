/** curl's command line: the options the simulator supports, as data, and a parser that words errors as curl does. */

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
  { long: 'connect-timeout', value: '<seconds>', help: 'Maximum time allowed to connect' },
  { short: 'd', long: 'data', value: '<data>', help: 'HTTP POST data' },
  { long: 'data-binary', value: '<data>', help: 'HTTP POST binary data' },
  { long: 'data-raw', value: '<data>', help: "HTTP POST data, '@' allowed" },
  { short: 'f', long: 'fail', help: 'Fail fast with no output on HTTP errors' },
  { short: 'H', long: 'header', value: '<header/@file>', help: 'Pass custom header(s) to server' },
  { short: 'I', long: 'head', help: 'Show document info only' },
  { short: 'h', long: 'help', help: 'Get help for commands' },
  { long: 'http1.1', help: 'Use HTTP/1.1' },
  { long: 'http2', help: 'Use HTTP/2' },
  { short: 'i', long: 'include', help: 'Include protocol response headers in the output' },
  { short: 'k', long: 'insecure', help: 'Allow insecure server connections' },
  { short: 'L', long: 'location', help: 'Follow redirects' },
  { short: 'm', long: 'max-time', value: '<seconds>', help: 'Maximum time allowed for transfer' },
  { short: 'o', long: 'output', value: '<file>', help: 'Write to file instead of stdout' },
  { short: 'X', long: 'request', value: '<method>', help: 'Specify request method to use' },
  { short: 'S', long: 'show-error', help: 'Show error even when -s is used' },
  { short: 's', long: 'silent', help: 'Silent mode' },
  { short: 'v', long: 'verbose', help: 'Make the operation more talkative' },
  { short: 'V', long: 'version', help: 'Show version number and quit' },
  { short: 'w', long: 'write-out', value: '<format>', help: 'Use output FORMAT after completion' },
];

/** What a command line asks for. */
export interface CurlArgs {
  urls: string[];
  silent: boolean;
  showError: boolean;
  head: boolean;
  include: boolean;
  verbose: boolean;
  fail: boolean;
  location: boolean;
  insecure: boolean;
  help: boolean;
  version: boolean;
  output?: string;
  writeOut?: string;
  method?: string;
  headers: string[];
  /** Each -d/--data* value with how it was given. */
  data: { value: string; kind: 'data' | 'raw' | 'binary' }[];
  userAgent?: string;
  maxTimeMs?: number;
  connectTimeoutMs?: number;
  httpVersion?: '1.1' | '2';
}

/** A usage error: curl prints the message and its "try" line and exits 2. */
export class CurlUsageError extends Error {}

function seconds(option: string, value: string): number {
  if (!/^\d+(\.\d+)?$/.test(value)) throw new CurlUsageError(`option ${option}: expected a proper numerical parameter`);
  return Math.round(Number(value) * 1000);
}

function apply(args: CurlArgs, spec: CurlOptionSpec, shown: string, value: string | undefined): void {
  switch (spec.long) {
    case 'silent':
      args.silent = true;
      break;
    case 'show-error':
      args.showError = true;
      break;
    case 'head':
      args.head = true;
      break;
    case 'include':
      args.include = true;
      break;
    case 'verbose':
      args.verbose = true;
      break;
    case 'fail':
      args.fail = true;
      break;
    case 'location':
      args.location = true;
      break;
    case 'insecure':
      args.insecure = true;
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
      args.output = value;
      break;
    case 'write-out':
      args.writeOut = value;
      break;
    case 'request':
      args.method = value;
      break;
    case 'header':
      args.headers.push(value!);
      break;
    case 'user-agent':
      args.userAgent = value;
      break;
    case 'data':
      args.data.push({ value: value!, kind: 'data' });
      break;
    case 'data-raw':
      args.data.push({ value: value!, kind: 'raw' });
      break;
    case 'data-binary':
      args.data.push({ value: value!, kind: 'binary' });
      break;
    case 'max-time':
      args.maxTimeMs = seconds(shown, value!);
      break;
    case 'connect-timeout':
      args.connectTimeoutMs = seconds(shown, value!);
      break;
  }
}

/** Parses argv (without `curl`) as curl does: bundled short flags, attached values, `--` ends options. */
export function parseCurlArgs(argv: string[]): CurlArgs {
  const args: CurlArgs = {
    urls: [],
    silent: false,
    showError: false,
    head: false,
    include: false,
    verbose: false,
    fail: false,
    location: false,
    insecure: false,
    help: false,
    version: false,
    headers: [],
    data: [],
  };
  let onlyUrls = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (onlyUrls || !arg.startsWith('-') || arg === '-') {
      args.urls.push(arg);
      continue;
    }
    if (arg === '--') {
      onlyUrls = true;
      continue;
    }
    if (arg.startsWith('--')) {
      const spec = CURL_OPTIONS.find((o) => o.long === arg.slice(2));
      if (!spec) throw new CurlUsageError(`option ${arg}: is unknown`);
      let value: string | undefined;
      if (spec.value) {
        if (i + 1 >= argv.length) throw new CurlUsageError(`option ${arg}: requires parameter`);
        value = argv[++i];
      }
      apply(args, spec, arg, value);
      continue;
    }
    for (let j = 1; j < arg.length; j++) {
      const letter = arg[j];
      const spec = CURL_OPTIONS.find((o) => o.short === letter);
      if (!spec) throw new CurlUsageError(`option -${letter}: is unknown`);
      if (!spec.value) {
        apply(args, spec, `-${letter}`, undefined);
        continue;
      }
      let value = arg.slice(j + 1);
      if (!value) {
        if (i + 1 >= argv.length) throw new CurlUsageError(`option -${letter}: requires parameter`);
        value = argv[++i];
      }
      apply(args, spec, `-${letter}`, value);
      break;
    }
  }
  return args;
}

/** `curl --help`, brief, in curl's layout. */
export function curlHelp(): string {
  const lines = CURL_OPTIONS.map((o) => {
    const flags = `${o.short ? `-${o.short}, ` : '    '}--${o.long}${o.value ? ` ${o.value}` : ''}`;
    return ` ${flags.padEnd(28)}${o.help}`;
  });
  return `Usage: curl [options...] <url>\n${lines.join('\n')}\n\nThis is not the full help; this lab's curl supports the options above.\n`;
}

/** `curl --version` of the curlimages/curl image the samples use. */
export const CURL_VERSION_TEXT =
  'curl 8.16.0 (x86_64-pc-linux-musl) libcurl/8.16.0 OpenSSL/3.5.2 zlib/1.3.1 brotli/1.1.0 zstd/1.5.7 c-ares/1.34.5 libidn2/2.3.7 libpsl/0.21.5 nghttp2/1.66.0\n' +
  'Release-Date: 2025-09-10\n' +
  'Protocols: dict file ftp ftps gopher gophers http https imap imaps ipfs ipns mqtt pop3 pop3s rtsp smb smbs smtp smtps telnet tftp ws wss\n' +
  'Features: alt-svc AsynchDNS brotli HSTS HTTP2 HTTPS-proxy IDN IPv6 Largefile libz NTLM PSL SSL threadsafe TLS-SRP UnixSockets zstd\n';

/** curl's User-Agent. */
export const CURL_USER_AGENT = 'curl/8.16.0';
