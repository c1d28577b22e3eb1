/**
 * Istio's `tcp-echo-server` (samples/tcp-echo): `main PORTS PREFIX` listens on each comma-separated port and
 * answers every line a client sends with `PREFIX line`. It speaks no HTTP: an HTTP client gets its own request
 * back, prefixed, which is no HTTP response.
 */
import type { ContainerSpec } from '../../mesh/objects.ts';
import { TransportFailure } from '../../mesh/wire.ts';
import type { SimApp } from '../types.ts';

/** The server's arguments: its ports and its prefix (the image's entrypoint takes them as `args`). */
export function tcpEchoArgs(container: ContainerSpec): { ports: number[]; prefix: string } | undefined {
  const args = [...(container.command ?? []).slice(1), ...(container.args ?? [])];
  // The program exits when it is not given exactly two arguments.
  if (args.length !== 2) return undefined;
  const ports = args[0]!
    .split(',')
    .map((p) => Number(p.trim()))
    .filter((p) => Number.isInteger(p) && p > 0 && p < 65536);
  return { ports, prefix: args[1]! };
}

/** What the server writes back for `data`: each complete line with the prefix (a last line without `\n` is never read). */
export function echoLines(prefix: string, data: string): string {
  let out = '';
  let start = 0;
  for (let end = data.indexOf('\n'); end >= 0; end = data.indexOf('\n', start)) {
    out += `${prefix} ${data.slice(start, end + 1)}`;
    start = end + 1;
  }
  return out;
}

/** The app of `istio/tcp-echo-server`. */
export const tcpEchoApp: SimApp = {
  listenPorts: (container) => tcpEchoArgs(container)?.ports ?? [],
  async handle() {
    // Its answer to an HTTP request is the request's lines with the prefix, which no HTTP client accepts.
    throw new TransportFailure('reset');
  },
  async stream(data, _port, ctx) {
    const args = tcpEchoArgs(ctx.container);
    if (!args) return '';
    const out = echoLines(args.prefix, data);
    for (const line of data.split(/(?<=\n)/)) {
      if (!line.endsWith('\n')) continue;
      ctx.log(`request: ${line.slice(0, -1)}`);
      ctx.log(`response: ${args.prefix} ${line.slice(0, -1)}`);
    }
    return out;
  },
};
