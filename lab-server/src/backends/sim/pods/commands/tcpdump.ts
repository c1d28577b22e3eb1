/**
 * `tcpdump` in Istio's proxy image (tcpdump 4.99 on Ubuntu). The sidecar runs as uid 1337 with every capability
 * dropped, so tcpdump cannot open a raw socket; `sudo` is refused too (no_new_privs) unless Istio was installed
 * with `values.global.proxy.privileged=true`. As root in a privileged sidecar it prints the segments the simulated
 * network sends to and from the pod (between sidecars: mTLS records, unreadable; to plain apps: HTTP as text) until
 * Ctrl-C or `-c N` of them.
 */
import { defineCommand, type Command, type ExecResult } from 'just-bash';
import type { K8sObject } from '../../../../contract.ts';
import type { CapturedSegment, SimClock, SimNetwork } from '../../types.ts';
import { rootMayCapture, securityContextOf } from './privileges.ts';
import { compileFilter, FilterError, type Filter } from './tcpdumpFilter.ts';

const NO_PERMISSION =
  "tcpdump: eth0: You don't have permission to perform this capture on that device\n(socket: Operation not permitted)\n";

const USAGE = `tcpdump version 4.99.4
libpcap version 1.10.4 (with TPACKET_V3)
OpenSSL 3.0.13 30 Jan 2024
Usage: tcpdump [-AbdDefhHIJKlLnNOpqStuUvxX#] [ -B size ] [ -c count ] [--count]
\t\t[ -C file_size ] [ -E algo:secret ] [ -F file ] [ -G seconds ]
\t\t[ -i interface ] [ --immediate-mode ] [ -j tstamptype ]
\t\t[ -M secret ] [ --number ] [ --print ] [ -Q in|out|inout ]
\t\t[ -r file ] [ -s snaplen ] [ -T type ] [ --version ]
\t\t[ -V file ] [ -w file ] [ -W filecount ] [ -y datalinktype ]
\t\t[ --time-stamp-precision precision ] [ --micro ] [ --nano ]
\t\t[ -z postrotate-command ] [ -Z user ] [ expression ]
`;

/** What tcpdump needs from its container and the network. */
export interface TcpdumpHost {
  pod(): K8sObject | undefined;
  container: string;
  /** The container's processes run as root (tcpdump then needs no sudo). */
  root?: boolean;
  clock: SimClock;
  network: SimNetwork;
  /** Reverse names for addresses (`10-244-0-12.httpbin.default.svc.cluster.local`), unless `-n`. */
  nameOf(ip: string): string;
  /** Writes to the attached terminal while the capture runs (absent when not interactive). */
  stream?: (text: string) => void;
}

interface Options {
  ascii: boolean;
  numeric: number;
  count?: number;
  iface: string;
  filter: Filter;
}

const BOOLEAN = new Set('AbdDefhHIJKlLnNOpqStuUvxX#'.split(''));
const VALUE = new Set('BcCEFGijMQrsTVwWyzZ'.split(''));

function parse(argv: string[]): Options | ExecResult {
  const options: Omit<Options, 'filter'> = { ascii: false, numeric: 0, iface: 'eth0' };
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('-') || arg === '-') {
      words.push(arg);
      continue;
    }
    for (let j = 1; j < arg.length; j++) {
      const letter = arg[j]!;
      if (VALUE.has(letter)) {
        const value = arg.slice(j + 1) || argv[++i];
        if (value === undefined)
          return { stdout: '', stderr: `tcpdump: option requires an argument -- '${letter}'\n${USAGE}`, exitCode: 1 };
        if (letter === 'c') options.count = Number(value);
        if (letter === 'i') options.iface = value;
        if (letter === 'w' || letter === 'r')
          return {
            stdout: '',
            stderr:
              `tcpdump: ${letter === 'w' ? 'writing' : 'reading'} capture files is not available ` +
              `in this simulated cluster; read the capture on the terminal (-A shows the payloads)\n`,
            exitCode: 1,
          };
        break;
      }
      if (!BOOLEAN.has(letter))
        return { stdout: '', stderr: `tcpdump: invalid option -- '${letter}'\n${USAGE}`, exitCode: 1 };
      if (letter === 'A') options.ascii = true;
      if (letter === 'n') options.numeric++;
      if (letter === 'h') return { stdout: '', stderr: USAGE, exitCode: 0 };
      if (letter === 'D')
        return {
          stdout:
            '1.eth0 [Up, Running, Connected]\n2.any (Pseudo-device that captures ' +
            'on all interfaces) [Up, Running]\n3.lo [Up, Running, Loopback]\n',
          stderr: '',
          exitCode: 0,
        };
    }
  }
  if (!['eth0', 'any', 'lo'].includes(options.iface))
    return {
      stdout: '',
      stderr: `tcpdump: ${options.iface}: No such device exists\n(No such device exists)\n`,
      exitCode: 1,
    };
  try {
    return { ...options, filter: compileFilter(words) };
  } catch (error) {
    if (error instanceof FilterError) return { stdout: '', stderr: `tcpdump: ${error.message}\n`, exitCode: 1 };
    throw error;
  }
}

const SERVICES: Record<number, string> = { 53: 'domain', 80: 'http', 443: 'https', 8080: 'http-alt' };

function time(ms: number): string {
  const d = new Date(ms);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}.${p(d.getUTCMilliseconds() * 1000, 6)}`;
}

/** Printable ASCII as tcpdump -A shows it (line ends kept, everything else a dot). */
function ascii(bytes: string): string {
  return bytes.replace(/[^\x20-\x7e\r\n]/g, '.').replace(/\r\n/g, '\n');
}

/** `tcpdump` for a container. */
export function createTcpdumpCommand(host: TcpdumpHost): Command {
  return defineCommand('tcpdump', async (argv, ctx): Promise<ExecResult> => {
    if (argv.includes('--version'))
      return {
        stdout: 'tcpdump version 4.99.4\nlibpcap version 1.10.4 (with TPACKET_V3)\nOpenSSL 3.0.13 30 Jan 2024\n',
        stderr: '',
        exitCode: 0,
      };
    const options = parse(argv);
    if ('exitCode' in options) return options;
    const root = host.root === true || ctx.env.get('SUDO_UID') !== undefined;
    if (!root || !rootMayCapture(securityContextOf(host.pod(), host.container)))
      return { stdout: '', stderr: NO_PERMISSION.replace('eth0', options.iface), exitCode: 1 };
    if (options.iface === 'lo')
      return {
        stdout: '',
        stderr:
          'tcpdump: capturing on lo (between the app and its sidecar) is not ' +
          'simulated here; capture on eth0, where the pod meets the network\n',
        exitCode: 1,
      };
    const header =
      `tcpdump: verbose output suppressed, use -v[v]... for full protocol decode\nlistening on ${options.iface}, link-type ` +
      `${options.iface === 'any' ? 'LINUX_SLL2 (Linux cooked v2)' : 'EN10MB (Ethernet)'}, snapshot length 262144 bytes\n`;
    if (!ctx.signal || (!host.stream && options.count === undefined))
      return {
        stdout: '',
        stderr:
          `${header}tcpdump: a capture runs until Ctrl-C, which only an interactive ` +
          `terminal can send; give -c COUNT to stop after COUNT packets\n`,
        exitCode: 1,
      };
    const ip = String((host.pod()?.status as { podIP?: string } | undefined)?.podIP ?? '');
    const name = (address: { ip: string; port: number }) =>
      `${options.numeric ? address.ip : host.nameOf(address.ip)}.` +
      `${options.numeric >= 2 ? address.port : (SERVICES[address.port] ?? address.port)}`;
    const flows = new Map<string, number>();
    let out = '';
    let captured = 0;
    const write = (text: string) => {
      if (host.stream) host.stream(text);
      else out += text;
    };
    host.stream?.(header);
    const format = (s: CapturedSegment): string => {
      const flow = `${s.src.ip}:${s.src.port}>${s.dst.ip}:${s.dst.port}`;
      const back = `${s.dst.ip}:${s.dst.port}>${s.src.ip}:${s.src.port}`;
      const seq = flows.get(flow) ?? 1;
      const length = Buffer.byteLength(s.payload, 'latin1');
      flows.set(flow, seq + length);
      const ack = flows.get(back) ?? 1;
      const http = !s.encrypted && /^[A-Z]+ \S+ HTTP\/1\.[01]\r\n|^HTTP\/1\.[01] \d{3}/.exec(s.payload);
      const summary = http ? `: HTTP: ${s.payload.split('\r\n')[0]}` : '';
      const line =
        `${time(s.atMs)} IP ${name(s.src)} > ${name(s.dst)}: Flags [P.], seq ${seq}:${seq + length}, ack ${ack}, win 502, options ` +
        `[nop,nop,TS val ${Math.floor(s.atMs % 4294967296)} ecr ${Math.floor((s.atMs - 1) % 4294967296)}], length ${length}${summary}\n`;
      // -A prints the whole packet: the IP and TCP headers come out as a few unreadable characters first.
      return options.ascii ? `${line}E..${ascii(s.payload)}\n` : line;
    };
    await new Promise<void>((resolve) => {
      const stop = host.network.capture(ip, (segment) => {
        if (!options.filter(segment)) return;
        captured++;
        write(format(segment));
        if (options.count !== undefined && captured >= options.count) finish();
      });
      const finish = () => {
        stop();
        ctx.signal!.removeEventListener('abort', finish);
        resolve();
      };
      if (ctx.signal!.aborted) finish();
      ctx.signal!.addEventListener('abort', finish, { once: true });
    });
    const summary =
      `${captured} packet${captured === 1 ? '' : 's'} captured\n${captured} ` +
      `packet${captured === 1 ? '' : 's'} received by filter\n0 packets dropped by kernel\n`;
    return { stdout: out, stderr: host.stream ? `\n${summary}` : `${header}${summary}`, exitCode: 0 };
  });
}
