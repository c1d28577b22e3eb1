/**
 * `tcpdump` in Istio's proxy image (tcpdump 4.99 on Ubuntu). The sidecar runs as uid 1337 with every capability
 * dropped, so tcpdump cannot open a raw socket; `sudo` is refused too (no_new_privs) unless Istio was installed
 * with `values.global.proxy.privileged=true`. As root in a privileged sidecar it captures what the simulated
 * network sends to and from the pod until Ctrl-C (or `-c N` packets).
 */
import { defineCommand, type Command } from 'just-bash';
import type { K8sObject } from '../../../../contract.ts';
import type { SimClock } from '../../types.ts';
import { rootMayCapture, securityContextOf } from './privileges.ts';

const NO_PERMISSION =
  "tcpdump: eth0: You don't have permission to perform this capture on that device\n(socket: Operation not permitted)\n";

/** What tcpdump needs from its container. */
export interface TcpdumpHost {
  pod(): K8sObject | undefined;
  container: string;
  clock: SimClock;
  /** Writes to the attached terminal while the capture runs (absent when not interactive). */
  stream?: (text: string) => void;
}

/** `tcpdump` for a container. */
export function createTcpdumpCommand(host: TcpdumpHost): Command {
  return defineCommand('tcpdump', async (argv, ctx) => {
    if (argv.includes('--version'))
      return {
        stdout: 'tcpdump version 4.99.4\nlibpcap version 1.10.4 (with TPACKET_V3)\nOpenSSL 3.0.13 30 Jan 2024\n',
        stderr: '',
        exitCode: 0,
      };
    const root = ctx.env.get('SUDO_UID') !== undefined;
    if (!root || !rootMayCapture(securityContextOf(host.pod(), host.container)))
      return { stdout: '', stderr: NO_PERMISSION, exitCode: 1 };
    const header =
      'tcpdump: verbose output suppressed, use -v[v]... for full protocol decode\nlistening on eth0, link-type EN10MB (Ethernet), snapshot length 262144 bytes\n';
    host.stream?.(header);
    // Without a terminal to stop it, a capture would never end: say so instead of hanging the script.
    if (!host.stream || !ctx.signal)
      return {
        stdout: '',
        stderr: `${header}tcpdump: a capture runs until Ctrl-C, which only an interactive terminal can send\n`,
        exitCode: 1,
      };
    await new Promise<void>((resolve) => {
      if (ctx.signal!.aborted) resolve();
      ctx.signal!.addEventListener('abort', () => resolve(), { once: true });
    });
    return {
      stdout: '',
      stderr: '\n0 packets captured\n0 packets received by filter\n0 packets dropped by kernel\n',
      exitCode: 130,
    };
  });
}
