/**
 * `curl` in the lab: from a pod (through its sidecar) or from the learner's machine (`'outside'`, which reaches
 * the cluster only through the kind node's published ports). Output, errors and exit codes as curl 8.16 prints them.
 */
import type { Command, ExecResult } from 'just-bash';
import { decodeBytesToUtf8, defineCommand } from 'just-bash';
import type { PodEndpoint, SimCommandHost } from '../../../types.ts';
import { CURL_VERSION_TEXT, CurlUsageError, curlHelp, parseCurlArgs, type CurlArgs } from './options.ts';
import { headerBlock, transfer } from './transfer.ts';
import { expandWriteOut } from './writeOut.ts';

const TRY = "curl: try 'curl --help' or 'curl --manual' for more information\n";

type CommandContext = Parameters<Command['execute']>[1];

async function requestBody(args: CurlArgs, ctx: CommandContext): Promise<string | undefined> {
  if (args.data.length === 0) return undefined;
  const parts: string[] = [];
  for (const d of args.data) {
    if (d.kind !== 'raw' && d.value.startsWith('@')) {
      const name = d.value.slice(1);
      const text =
        name === '-' ? decodeBytesToUtf8(ctx.stdin) : await ctx.fs.readFile(ctx.fs.resolvePath(ctx.cwd, name));
      // -d strips newlines from files; --data-binary keeps them.
      parts.push(d.kind === 'binary' ? text : text.replace(/[\r\n]/g, ''));
    } else parts.push(d.value);
  }
  return parts.join('&');
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
  let body: string | undefined;
  try {
    body = await requestBody(args, ctx);
  } catch {
    return {
      stdout: '',
      stderr: `Warning: Couldn't read data from file "${args.data.find((d) => d.value.startsWith('@'))?.value.slice(1)}", this makes an empty POST.\n`,
      exitCode: 26,
    };
  }
  let stdout = '';
  let stderr = '';
  let exitCode = 0;
  const showErrors = !args.silent || args.showError;
  for (const url of args.urls) {
    const result = await transfer(host.network, from, args, url, body, ctx.signal);
    const response = result.response!;
    if (args.verbose) stderr += result.verbose.map((l) => `${l}\n`).join('');
    let code = 0;
    let message = '';
    let out = '';
    if (response.error) {
      code = response.error.curlExitCode;
      message = response.error.message;
    } else if (args.fail && response.status >= 400) {
      code = 22;
      message = `The requested URL returned error: ${response.status}`;
    } else {
      if (args.head || args.include) out += headerBlock(response);
      if (!args.head) out += response.body;
    }
    if (out) {
      if (args.output && args.output !== '/dev/null') {
        const path = ctx.fs.resolvePath(ctx.cwd, args.output);
        try {
          await ctx.fs.writeFile(path, out);
        } catch {
          code = 23;
          message = `Failure writing output to destination, passed ${Buffer.byteLength(out)} returned 0`;
        }
      } else if (!args.output) stdout += out;
    }
    if (args.writeOut !== undefined) {
      const expanded = expandWriteOut(args.writeOut, {
        response,
        url: result.url,
        exitCode: code,
        errorMessage: message,
        redirects: result.redirects,
      });
      stdout += expanded.stdout;
      stderr += expanded.stderr;
    }
    if (code !== 0) {
      if (showErrors) stderr += `curl: (${code}) ${message}\n`;
      exitCode = code;
    }
  }
  return { stdout, stderr, exitCode };
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
