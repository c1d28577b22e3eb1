/**
 * `nc` inside a container, over the simulated network (through the pod's sidecar when it captures the address):
 * sends all of stdin, half-closes, prints what the server writes back until it closes. Two flavours, worded as the
 * images have them: BusyBox 1.37 (Alpine: the curl/sleep images) and OpenBSD netcat (Ubuntu: Istio's proxy image).
 * Listening, UDP and `-e` need a peer the simulator cannot provide, and say so.
 */
import { decodeBytesToUtf8, defineCommand, type Command, type ExecResult } from 'just-bash';
import type { PodEndpoint, SimCommandHost, SimTcpResult } from '../../types.ts';

/** Which netcat the image ships. */
export type NcFlavour = 'busybox' | 'openbsd';

const BUSYBOX_USAGE = `BusyBox v1.37.0 (2025-08-05 16:40:33 UTC) multi-call binary.

Usage: nc [OPTIONS] HOST PORT  - connect
nc [OPTIONS] -l -p PORT [HOST] [PORT]  - listen

\t-e PROG\tRun PROG after connect (must be last)
\t-l\tListen mode, for inbound connects
\t-lk\tWith -e, provides persistent server
\t-p PORT\tLocal port
\t-s ADDR\tLocal address
\t-w SEC\tTimeout for connects and final net reads
\t-i SEC\tDelay interval for lines sent
\t-n\tDon't do DNS resolution
\t-u\tUDP mode
\t-b\tAllow broadcasts
\t-v\tVerbose
\t-o FILE\tHex dump traffic
\t-z\tZero-I/O mode (scanning)
`;

const OPENBSD_USAGE = `usage: nc [-46CDdFhklNnrStUuvZz] [-I length] [-i interval] [-M ttl]
\t  [-m minttl] [-O length] [-P proxy_username] [-p source_port]
\t  [-q seconds] [-s sourceaddr] [-T keyword] [-V rtable] [-W recvlimit]
\t  [-w timeout] [-X proxy_protocol] [-x proxy_address[:port]]
\t  [destination] [port]
`;

/** Options as parsed. */
interface NcOptions {
  host?: string;
  port?: string;
  verbose: number;
  zero: boolean;
  noDns: boolean;
  waitSec?: number;
  unsupported?: string;
}

const BUSYBOX_VALUE_FLAGS = new Set(['e', 'p', 's', 'w', 'i', 'o']);
const BUSYBOX_BOOL_FLAGS = new Set(['l', 'k', 'n', 'u', 'b', 'v', 'z']);
const OPENBSD_VALUE_FLAGS = new Set(['I', 'i', 'M', 'm', 'O', 'P', 'p', 'q', 's', 'T', 'V', 'W', 'w', 'X', 'x']);
const OPENBSD_BOOL_FLAGS = new Set([
  '4',
  '6',
  'C',
  'D',
  'd',
  'F',
  'h',
  'k',
  'l',
  'N',
  'n',
  'r',
  'S',
  't',
  'U',
  'u',
  'v',
  'Z',
  'z',
]);

class NcUsage extends Error {}

function parse(argv: string[], flavour: NcFlavour): NcOptions {
  const values = flavour === 'busybox' ? BUSYBOX_VALUE_FLAGS : OPENBSD_VALUE_FLAGS;
  const bools = flavour === 'busybox' ? BUSYBOX_BOOL_FLAGS : OPENBSD_BOOL_FLAGS;
  const options: NcOptions = { verbose: 0, zero: false, noDns: false };
  const operands: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      operands.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      operands.push(arg);
      continue;
    }
    if (arg.startsWith('--'))
      throw new NcUsage(flavour === 'busybox' ? `unrecognized option: ${arg.slice(2)}` : `illegal option -- -`);
    for (let j = 1; j < arg.length; j++) {
      const letter = arg[j]!;
      if (values.has(letter)) {
        const value = arg.slice(j + 1) || argv[++i];
        if (value === undefined)
          throw new NcUsage(
            flavour === 'busybox'
              ? `option requires an argument: ${letter}`
              : `option requires an argument -- ${letter}`,
          );
        if (letter === 'w') options.waitSec = Number(value);
        if (letter === 'e') options.unsupported = 'running a program on the connection (-e)';
        break;
      }
      if (!bools.has(letter))
        throw new NcUsage(flavour === 'busybox' ? `unrecognized option: ${letter}` : `invalid option -- '${letter}'`);
      if (letter === 'v') options.verbose++;
      if (letter === 'z') options.zero = true;
      if (letter === 'n') options.noDns = true;
      if (letter === 'l') options.unsupported = 'listening for connections (-l)';
      if (letter === 'u') options.unsupported = 'UDP (-u)';
      if (letter === 'U') options.unsupported = 'UNIX-domain sockets (-U)';
      if (letter === 'h' && flavour === 'openbsd') throw new NcUsage('');
    }
  }
  [options.host, options.port] = operands;
  return options;
}

function usage(flavour: NcFlavour, problem: string): ExecResult {
  if (flavour === 'busybox')
    return { stdout: '', stderr: `${problem ? `nc: ${problem}\n` : ''}${BUSYBOX_USAGE}`, exitCode: 1 };
  return {
    stdout: '',
    stderr: `${problem ? `nc: ${problem}\n` : 'OpenBSD netcat (Debian patchlevel 1.226-1ubuntu2)\n'}${OPENBSD_USAGE}`,
    exitCode: problem ? 1 : 0,
  };
}

function reportFailure(flavour: NcFlavour, options: NcOptions, result: SimTcpResult): string {
  const host = options.host!;
  const port = options.port!;
  if (result.error === 'dns')
    return flavour === 'busybox'
      ? `nc: bad address '${host}'\n`
      : `nc: getaddrinfo for host "${host}" port ${port}: Name or service not known\n`;
  const reason =
    result.error === 'refused'
      ? 'Connection refused'
      : result.error === 'timeout'
        ? 'Operation timed out'
        : 'Connection timed out';
  if (flavour === 'openbsd') return `nc: connect to ${result.ip} port ${port} (tcp) failed: ${reason}\n`;
  // BusyBox stays quiet about a refused connection unless -v is given (and about anything else unless asked twice).
  if (options.verbose === 0) return '';
  return `nc: ${host} (${result.ip}:${port}): ${reason}\n`;
}

/** `nc` for a container of `target`, reaching out through `host.network`. */
export function createNcCommand(host: SimCommandHost, target: PodEndpoint, flavour: NcFlavour): Command {
  return defineCommand('nc', async (argv, ctx): Promise<ExecResult> => {
    let options: NcOptions;
    try {
      options = parse(argv, flavour);
    } catch (error) {
      if (error instanceof NcUsage) return usage(flavour, error.message);
      throw error;
    }
    if (options.unsupported)
      return {
        stdout: '',
        stderr:
          `nc: ${options.unsupported} is not available in this simulated cluster: ` +
          `nothing in it can connect back to a process started by kubectl exec\n`,
        exitCode: 1,
      };
    if (!options.host || !options.port) return usage(flavour, '');
    if (!/^\d+$/.test(options.port) || Number(options.port) < 1 || Number(options.port) > 65535)
      return {
        stdout: '',
        stderr:
          flavour === 'busybox' ? `nc: bad port '${options.port}'\n` : `nc: port number invalid: ${options.port}\n`,
        exitCode: 1,
      };
    if (options.noDns && !/^\d+\.\d+\.\d+\.\d+$/.test(options.host))
      return {
        stdout: '',
        stderr:
          flavour === 'busybox'
            ? `nc: bad address '${options.host}'\n`
            : `nc: getaddrinfo for host "${options.host}" port ${options.port}: Name or service not known\n`,
        exitCode: 1,
      };
    const waitMs = options.waitSec !== undefined && options.waitSec > 0 ? options.waitSec * 1000 : undefined;
    const result = await host.network.connect(
      target,
      {
        host: options.host,
        port: Number(options.port),
        data: options.zero ? '' : decodeBytesToUtf8(ctx.stdin),
        ...(waitMs !== undefined ? { connectTimeoutMs: waitMs } : {}),
      },
      ctx.signal,
    );
    if (result.error && result.error !== 'reset')
      return { stdout: '', stderr: reportFailure(flavour, options, result), exitCode: 1 };
    let stderr = '';
    if (options.verbose > 0)
      stderr =
        flavour === 'busybox'
          ? `${options.host} (${result.ip}:${options.port}) open\n`
          : `Connection to ${options.host} (${result.ip}) ${options.port} port [tcp/*] succeeded!\n`;
    return { stdout: options.zero ? '' : result.reply, stderr, exitCode: 0 };
  });
}
