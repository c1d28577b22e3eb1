/**
 * `curl` in the lab: from a pod (through its sidecar) or from the learner's machine (`'outside'`, which reaches
 * the cluster only through the kind node's published ports). Output, errors and exit codes as curl 8.16 prints them.
 */
import type { Command, ExecResult } from 'just-bash';
import { decodeBytesToUtf8, defineCommand } from 'just-bash';
import type { PodEndpoint, SimCommandHost, SimHttpResponse } from '../../../types.ts';
import { CookieJar } from './cookies.ts';
import { boundary, type FormPart, multipartBody, parseFormArg } from './multipart.ts';
import { CURL_VERSION_TEXT, CurlUsageError, curlHelp, parseCurlArgs, type CurlArgs } from './options.ts';
import { retryDelay, retryReason, retryWarning } from './retry.ts';
import { CurlOutput } from './output.ts';
import { type ConnectOptions, type RequestBody, transfer, withQuery } from './transfer.ts';
import { OrderedOutput, streamFacts } from '../../orderedOutput.ts';
import { urlProblem } from './urlCheck.ts';
import { warning } from './warn.ts';
import { expandWriteOut } from './writeOut.ts';

const TRY = "curl: try 'curl --help' or 'curl --manual' for more information\n";
/** The CA bundle of the curl image: the only file that trusts the simulated internet's certificates. */
const SYSTEM_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

type CommandContext = Parameters<Command['execute']>[1];

/** A failure before any transfer, with curl's exit code and message. */
class CurlFailure extends Error {
  readonly code: number;
  constructor(code: number, message: string) {
    super(message);
    this.code = code;
  }
}

async function readFile(ctx: CommandContext, name: string): Promise<string> {
  return name === '-' ? decodeBytesToUtf8(ctx.stdin) : ctx.fs.readFile(ctx.fs.resolvePath(ctx.cwd, name));
}

function urlencode(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

/** --data-urlencode's forms: `content`, `=content`, `name=content`, `@file`, `name@file`. */
async function urlencodedPart(value: string, ctx: CommandContext): Promise<string> {
  const eq = value.indexOf('=');
  const at = value.indexOf('@');
  if (eq >= 0 && (at < 0 || eq < at)) {
    const name = value.slice(0, eq);
    const content = urlencode(value.slice(eq + 1));
    return name ? `${name}=${content}` : content;
  }
  if (at >= 0) {
    const name = value.slice(0, at);
    const content = urlencode(await readFile(ctx, value.slice(at + 1)));
    return name ? `${name}=${content}` : content;
  }
  return urlencode(value);
}

async function dataBody(args: CurlArgs, ctx: CommandContext): Promise<RequestBody | undefined> {
  if (args.data.length === 0) return undefined;
  const parts: string[] = [];
  for (const d of args.data) {
    if (d.kind === 'urlencode') {
      parts.push(await urlencodedPart(d.value, ctx));
      continue;
    }
    if (d.kind !== 'raw' && d.value.startsWith('@')) {
      const name = d.value.slice(1);
      let text: string;
      try {
        text = await readFile(ctx, name);
      } catch {
        throw new CurlFailure(26, `Failed to open/read local data from file/application`);
      }
      // -d strips newlines from files; --data-binary and --json keep them.
      parts.push(d.kind === 'binary' || d.kind === 'json' ? text : text.replace(/[\r\n]/g, ''));
    } else parts.push(d.value);
  }
  const json = args.data.some((d) => d.kind === 'json');
  return json
    ? { text: parts.join(''), contentType: 'application/json', json: true }
    : { text: parts.join('&'), contentType: 'application/x-www-form-urlencoded' };
}

async function formBody(args: CurlArgs, ctx: CommandContext, random: () => number): Promise<RequestBody | undefined> {
  if (args.form.length === 0) return undefined;
  const parts: FormPart[] = [];
  for (const raw of args.form) {
    const part = parseFormArg(raw);
    if (!part) throw new CurlUsageError('option -F: is badly used here');
    if (part.kind === 'value') {
      parts.push({ name: part.name, value: part.text, ...(part.type ? { type: part.type } : {}) });
      continue;
    }
    let content: string;
    try {
      content = await readFile(ctx, part.text);
    } catch {
      throw new CurlFailure(26, 'Failed to open/read local data from file/application');
    }
    if (part.kind === 'read')
      parts.push({ name: part.name, value: content, ...(part.type ? { type: part.type } : {}) });
    else
      parts.push({
        name: part.name,
        file: part.text,
        content,
        filename: part.filename ?? part.text.split('/').pop() ?? part.text,
        ...(part.type ? { type: part.type } : {}),
      });
  }
  const built = multipartBody(parts, boundary(random));
  return { text: built.body, contentType: built.contentType };
}

/** --resolve entries (`host:port:addr[,addr]`, `+` prefix allowed; `-host:port` removes one, here: ignored). */
function parseResolve(entries: string[]): ConnectOptions['resolve'] {
  const out: ConnectOptions['resolve'] = [];
  for (const entry of entries) {
    if (entry.startsWith('-')) continue;
    const m = /^\+?(\[[^\]]+\]|[^:]+):(\d+):(.+)$/.exec(entry);
    if (!m) throw new CurlFailure(49, `Couldn't parse CURLOPT_RESOLVE entry '${entry}'`);
    const addresses = m[3]!.split(',').map((a) => a.trim().replace(/^\[|\]$/g, ''));
    out.push({ host: m[1]!.replace(/^\[|\]$/g, ''), port: Number(m[2]), addresses });
  }
  return out;
}

/** -x: `[http://][user:pass@]host[:port]` (port 1080 unless given); other proxy schemes are not simulated. */
function parseProxy(text: string): ConnectOptions['proxy'] {
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new CurlFailure(5, `Could not resolve proxy: ${text}`);
  }
  if (url.protocol !== 'http:')
    throw new CurlFailure(7, `Unsupported proxy scheme for '${text}' in this lab (only http:// proxies)`);
  return { host: url.hostname, port: url.port ? Number(url.port) : 1080 };
}

async function connectOptions(args: CurlArgs, ctx: CommandContext): Promise<ConnectOptions> {
  let trust: 'system' | 'custom' = 'system';
  if (args.cacert !== undefined) {
    const path = ctx.fs.resolvePath(ctx.cwd, args.cacert);
    if (path !== SYSTEM_BUNDLE) {
      if (!(await ctx.fs.exists(path))) throw new CurlFailure(77, `error setting certificate file: ${args.cacert}`);
      trust = 'custom';
    }
  }
  return {
    resolve: parseResolve(args.resolve),
    ...(args.proxy !== undefined ? { proxy: parseProxy(args.proxy) } : {}),
    tls: { trust, insecure: args.insecure },
  };
}

async function cookieJar(args: CurlArgs, ctx: CommandContext, nowSeconds: number): Promise<CookieJar | undefined> {
  if (args.cookies.length === 0 && args.cookieJar === undefined) return undefined;
  const jar = new CookieJar();
  for (const value of args.cookies) {
    if (value.includes('=')) {
      jar.addLiteral(value);
      continue;
    }
    // A name without `=` is a file to read; curl carries on quietly when it cannot be read.
    try {
      jar.load(await readFile(ctx, value), nowSeconds);
    } catch {
      /* no such file: an empty engine */
    }
  }
  return jar;
}

async function writeTo(ctx: CommandContext, name: string, text: string): Promise<boolean> {
  try {
    await ctx.fs.writeFile(ctx.fs.resolvePath(ctx.cwd, name), text);
    return true;
  } catch {
    return false;
  }
}

/** Runs curl with argv against the simulated network from `from`. */
export async function runCurl(
  host: SimCommandHost,
  from: PodEndpoint | 'outside',
  argv: string[],
  ctx: CommandContext,
): Promise<ExecResult> {
  let args: CurlArgs;
  try {
    args = parseCurlArgs(argv);
  } catch (error) {
    if (error instanceof CurlUsageError) return { stdout: '', stderr: `curl: ${error.message}\n${TRY}`, exitCode: 2 };
    throw error;
  }
  if (args.help) return { stdout: curlHelp(), stderr: '', exitCode: 0 };
  if (args.version) return { stdout: CURL_VERSION_TEXT, stderr: '', exitCode: 0 };
  if (args.urls.length === 0) return { stdout: '', stderr: `curl: no URL specified\n${TRY}`, exitCode: 2 };
  const showErrors = !args.silent || args.showError;
  const conflict =
    args.form.length > 0 && args.data.length > 0 ? 'POST (-d, --data) and multipart formpost (-F, --form)' : undefined;
  if (conflict)
    return {
      stdout: '',
      stderr:
        warning(`You can only select one HTTP request method! You asked for both ${conflict}.`, args.silent) +
        `curl: option -F: is badly used here\n${TRY}`,
      exitCode: 2,
    };
  const nowSeconds = () => Math.floor(host.clock.now() / 1000);
  let body: RequestBody | undefined;
  let connect: ConnectOptions;
  let jar: CookieJar | undefined;
  try {
    body = (await formBody(args, ctx, () => host.random.next())) ?? (await dataBody(args, ctx));
    connect = await connectOptions(args, ctx);
    jar = await cookieJar(args, ctx, nowSeconds());
  } catch (error) {
    if (error instanceof CurlUsageError) return { stdout: '', stderr: `curl: ${error.message}\n${TRY}`, exitCode: 2 };
    if (error instanceof CurlFailure)
      return { stdout: '', stderr: showErrors ? `curl: (${error.code}) ${error.message}\n` : '', exitCode: error.code };
    throw error;
  }
  // -G: the data goes into the URL; the request is a GET (or HEAD).
  const urls = args.get && body && args.form.length === 0 ? args.urls.map((u) => withQuery(u, body!.text)) : args.urls;
  if (args.get) body = undefined;

  // Every write goes out when curl's callbacks would make it, through stdio's buffering (output.ts, stdio.ts).
  const streams = streamFacts(ctx.env);
  const output = new OrderedOutput();
  const curl = new CurlOutput(args, output, streams);
  let exitCode = 0;
  for (const url of urls) {
    const rejected = urlProblem(url);
    if (rejected) {
      // curl stops at a URL it cannot parse before connecting: nothing is sent, nothing written out.
      if (showErrors) curl.stderr.write(`curl: (${rejected.code}) ${rejected.message}\n`);
      exitCode = rejected.code;
      continue;
    }
    const started = host.clock.now();
    let retriesLeft = args.retry;
    let sleepMs = args.retryDelayMs ?? 1000;
    let response: SimHttpResponse;
    let result: Awaited<ReturnType<typeof transfer>>;
    let code = 0;
    let message = '';
    for (;;) {
      curl.begin();
      result = await transfer(host.network, from, args, url, body, connect, jar, nowSeconds, ctx.signal, curl);
      response = result.response!;
      code = 0;
      message = '';
      if (response.error) {
        code = response.error.curlExitCode;
        message = response.error.message;
      } else if ((args.fail || args.failWithBody) && response.status >= 400) {
        code = 22;
        message = `The requested URL returned error: ${response.status}`;
      }
      // What tool_operate.c's post_per_transfer does, in its order: -o's file closed, the error told, stdout
      // flushed, then a retry, or -w.
      if (args.output && args.output !== '-' && args.output !== '/dev/null' && (code === 0 || curl.file)) {
        if (!(await writeTo(ctx, args.output, curl.file)) && code === 0) {
          code = 23;
          message = `Failure writing output to destination, passed ${Buffer.byteLength(curl.file)} returned 0`;
        }
      }
      if (code !== 0 && showErrors) curl.stderr.write(`curl: (${code}) ${message}\n`);
      curl.stdout.flush();
      const reason = retryReason(args, code, response);
      const inTime = args.retryMaxTimeMs === undefined || host.clock.now() - started < args.retryMaxTimeMs;
      if (!reason || retriesLeft <= 0 || !inTime) break;
      const wait = retryDelay(reason, sleepMs, response);
      curl.stderr.write(warning(retryWarning(reason, wait, retriesLeft), args.silent));
      retriesLeft--;
      try {
        await host.clock.sleep(wait, ctx.signal);
      } catch {
        break;
      }
      if (args.retryDelayMs === undefined) sleepMs = Math.min(sleepMs * 2, 600_000);
    }
    if (args.writeOut !== undefined) {
      const expanded = expandWriteOut(args.writeOut, {
        response,
        url: result.url,
        exitCode: code,
        errorMessage: message,
        redirects: result.redirects,
      });
      curl.stdout.write(expanded.stdout);
      curl.stderr.write(expanded.stderr);
    }
    if (code !== 0) exitCode = code;
  }
  if (args.dumpHeader !== undefined && args.dumpHeader !== '-' && !(await writeTo(ctx, args.dumpHeader, curl.dumped))) {
    if (showErrors) curl.stderr.write(`curl: Failed to open ${args.dumpHeader}\n`);
    exitCode = 23;
  }
  if (jar && args.cookieJar !== undefined) {
    const text = jar.serialize(nowSeconds());
    if (args.cookieJar === '-') curl.stdout.write(text);
    // libcurl only mentions a jar it cannot write under -v.
    else if (!(await writeTo(ctx, args.cookieJar, text)) && args.verbose)
      curl.stderr.write(`* WARNING: failed to save cookies in ${args.cookieJar}: No such file or directory\n`);
  }
  // exit() flushes what stdout still holds.
  curl.stdout.flush();
  return output.result(exitCode, streams.merged);
}

/** The `curl` command for a pod's shell, or for the learner's own shell with `'outside'`. */
export function createCurlCommand(host: SimCommandHost, from: PodEndpoint | 'outside'): Command {
  return defineCommand('curl', async (argv, ctx) => {
    try {
      return await runCurl(host, from, argv, ctx);
    } catch (error) {
      if (error instanceof Error && error.name === 'AbortError') return { stdout: '', stderr: '', exitCode: 130 };
      throw error;
    }
  });
}
