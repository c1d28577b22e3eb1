/**
 * HTTP from outside the cluster, as a learner's curl on their laptop would send it: to an ingress gateway, as if DNS
 * pointed the URL's host at it; the URL's host becomes the Host header (host `ingress` means the gateway's own
 * address). The connection comes from an `IngressRoute`: a port-forward through the API server to the environment's
 * own gateway pod (every cluster), or a TCP connection to a mapped port. Failures are worded as curl words them.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { connect as netConnect } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect as tlsConnect } from 'node:tls';
import type { HttpRequest, HttpResult } from '../../contract.ts';

/** Where a curl on the learner's machine would send the request (for the Host header and curl's messages). */
export interface IngressAddress {
  host: string;
  httpPort: number;
  httpsPort: number;
}

/** How the lab server reaches an ingress gateway: a connection to its http or https port. */
export interface IngressRoute {
  address: IngressAddress;
  /** Opens a byte stream to the gateway; rejects with a `code` (ECONNREFUSED, ...) when it cannot. */
  connect(scheme: 'http' | 'https'): Promise<Duplex>;
}

/** As `kubectl port-forward svc/istio-ingressgateway 8080:80 8443:443` would show the gateway to a learner. */
export const PORT_FORWARD_ADDRESS: IngressAddress = { host: '127.0.0.1', httpPort: 8080, httpsPort: 8443 };

/** A route over plain TCP to `address` (a host port mapping, or a local server in tests). */
export function tcpRoute(address: IngressAddress): IngressRoute {
  return {
    address,
    connect: (scheme) =>
      new Promise((resolve, reject) => {
        const socket = netConnect({
          host: address.host,
          port: scheme === 'https' ? address.httpsPort : address.httpPort,
        });
        socket.once('connect', () => resolve(socket));
        socket.once('error', reject);
      }),
  };
}

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

/** Sends `req` to the ingress gateway `route` reaches; never rejects. */
export function sendThroughIngress(req: HttpRequest, route: IngressRoute): Promise<HttpResult> {
  const address = route.address;
  let url: URL;
  try {
    url = new URL(req.url);
  } catch {
    return Promise.resolve({
      status: 0,
      headers: {},
      body: '',
      durationMs: 0,
      error: { curlExitCode: 3, message: 'URL rejected: Malformed input to a URL function' },
    });
  }
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
    const outgoing = httpRequest(
      {
        method: (req.method ?? 'GET').toUpperCase(),
        path: `${url.pathname}${url.search}`,
        headers,
        // The connection is the route's (a port-forward or a socket); TLS on top for https. The gateway's certificate
        // names the lesson's host; the lessons pass curl -k or --cacert, and checks only look at routing.
        createConnection: (_options, callback) => {
          route.connect(https ? 'https' : 'http').then(
            (stream) => {
              if (!https) return callback(null, stream);
              const servername = url.hostname === 'ingress' || /^[\d.]+$/.test(url.hostname) ? undefined : url.hostname;
              const tls = tlsConnect({
                socket: stream,
                rejectUnauthorized: false,
                ...(servername ? { servername } : {}),
              });
              tls.once('secureConnect', () => callback(null, tls));
              tls.once('error', (error) => callback(error, tls));
            },
            (error: Error) => callback(error, undefined as never),
          );
          return undefined;
        },
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
