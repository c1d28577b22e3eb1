/**
 * HTTP from outside the cluster: from the lab server's host to the ingress gateway through kind's port
 * mapping (127.0.0.1:8080 for http, :8443 for https). Every outside request goes to the gateway, as if
 * DNS pointed the URL's host at it; the URL's host becomes the Host header (host `ingress` means the
 * gateway's own address). Failures are worded as curl words them.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { HttpRequest, HttpResult } from '../../contract.ts';
import { INGRESS_HTTP, INGRESS_HTTPS } from './pins.ts';

/** Where the ingress gateway is reachable from this host. */
export interface IngressAddress {
  host: string;
  httpPort: number;
  httpsPort: number;
}

/** kind's port mappings as `kind/cluster.yaml` sets them up. */
export const KIND_INGRESS: IngressAddress = {
  host: '127.0.0.1',
  httpPort: INGRESS_HTTP.hostPort,
  httpsPort: INGRESS_HTTPS.hostPort,
};

function curlError(
  error: NodeJS.ErrnoException,
  address: string,
  port: number,
  elapsedMs: number,
  timeoutMs: number,
): { curlExitCode: number; message: string } {
  switch (error.code) {
    case 'ECONNREFUSED':
      return {
        curlExitCode: 7,
        message: `Failed to connect to ${address} port ${port} after ${elapsedMs} ms: Couldn't connect to server`,
      };
    case 'ETIMEDOUT':
    case 'LABS_TIMEOUT':
      return { curlExitCode: 28, message: `Operation timed out after ${timeoutMs} milliseconds with 0 bytes received` };
    case 'ECONNRESET':
      return { curlExitCode: 56, message: 'Recv failure: Connection reset by peer' };
    default:
      if (/SSL|TLS|CERT/i.test(`${error.code} ${error.message}`))
        return { curlExitCode: 35, message: `TLS connect error: ${error.message}` };
      return { curlExitCode: 56, message: error.message };
  }
}

function headersOf(res: IncomingMessage): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(res.headers)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** Sends `req` to the ingress gateway at `address`; never rejects. */
export function sendThroughIngress(req: HttpRequest, address: IngressAddress = KIND_INGRESS): Promise<HttpResult> {
  const url = new URL(req.url);
  const https = url.protocol === 'https:';
  const port = https ? address.httpsPort : address.httpPort;
  const timeoutMs = req.timeoutMs ?? 10_000;
  const hostHeader = url.hostname === 'ingress' ? `${address.host}:${port}` : url.host;
  const headers: Record<string, string> = {
    host: hostHeader,
    'user-agent': 'curl/8.16.0',
    accept: '*/*',
    ...lowerKeys(req.headers ?? {}),
  };
  if (req.body !== undefined) headers['content-length'] = String(Buffer.byteLength(req.body));
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  return new Promise((resolve) => {
    let done = false;
    const finish = (result: HttpResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      resolve(result);
    };
    const send = https ? httpsRequest : httpRequest;
    const outgoing = send(
      {
        host: address.host,
        port,
        method: (req.method ?? 'GET').toUpperCase(),
        path: `${url.pathname}${url.search}`,
        headers,
        // The gateway's certificate names the lesson's host; the lessons pass curl -k or --cacert, and checks only look at routing.
        ...(https
          ? { servername: url.hostname === 'ingress' ? undefined : url.hostname, rejectUnauthorized: false }
          : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          finish({
            status: res.statusCode ?? 0,
            headers: headersOf(res),
            body: Buffer.concat(chunks).toString('utf8'),
            durationMs: elapsed(),
          }),
        );
        res.on('error', (error) =>
          finish({
            status: 0,
            headers: {},
            body: '',
            durationMs: elapsed(),
            error: curlError(error, address.host, port, elapsed(), timeoutMs),
          }),
        );
      },
    );
    const timer = setTimeout(() => {
      const error = Object.assign(new Error('timeout'), { code: 'LABS_TIMEOUT' });
      outgoing.destroy(error);
      finish({
        status: 0,
        headers: {},
        body: '',
        durationMs: elapsed(),
        error: curlError(error, address.host, port, elapsed(), timeoutMs),
      });
    }, timeoutMs);
    outgoing.on('error', (error: NodeJS.ErrnoException) =>
      finish({
        status: 0,
        headers: {},
        body: '',
        durationMs: elapsed(),
        error: curlError(error, address.host, port, elapsed(), timeoutMs),
      }),
    );
    outgoing.end(req.body);
  });
}

function lowerKeys(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]));
}
