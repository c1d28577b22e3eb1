import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendThroughIngress, tcpRoute, type IngressAddress, type IngressRoute } from './outsideHttp.ts';

// A local HTTP server stands in for the ingress gateway behind kind's port mapping.
let server: Server;
let address: IngressAddress;
let route: IngressRoute;
const seen: IncomingMessage[] = [];
const held: ServerResponse[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req);
    let body = '';
    req.on('data', (c) => {
      body += c;
    });
    req.on('end', () => {
      // Answered only when the test ends: a gateway that never replies in time.
      if (req.url === '/slow') return void held.push(res);
      res.writeHead(req.url?.startsWith('/status/418') ? 418 : 200, {
        server: 'istio-envoy',
        'x-echo-host': req.headers.host ?? '',
      });
      res.end(`${req.method} ${req.url} ${body}`);
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  address = { host: '127.0.0.1', httpPort: (server.address() as AddressInfo).port, httpsPort: 1 };
  route = tcpRoute(address);
});
afterAll(() => {
  for (const res of held) res.end('late');
  return new Promise<void>((r) => server.close(() => r()));
});

describe('HTTP from outside through a route to the ingress gateway', () => {
  it('sends to the gateway with the URL host as Host, and reads status, headers and body', async () => {
    const r = await sendThroughIngress(
      { url: 'http://httpbin.example.com/status/418?x=1', headers: { 'X-Test': 'a' } },
      route,
    );
    expect(r.status).toBe(418);
    expect(r.headers['x-echo-host']).toBe('httpbin.example.com');
    expect(r.headers.server).toBe('istio-envoy');
    expect(r.body).toBe('GET /status/418?x=1 ');
    expect(seen.at(-1)!.headers['x-test']).toBe('a');
    expect(r.durationMs).toBeGreaterThanOrEqual(0);
  });

  it("maps host `ingress` to the gateway's own address and sends a body", async () => {
    const r = await sendThroughIngress({ method: 'POST', url: 'http://ingress/post', body: 'hello' }, route);
    expect(r.headers['x-echo-host']).toBe(`127.0.0.1:${address.httpPort}`);
    expect(r.body).toBe('POST /post hello');
  });

  it('reports a refused connection as curl exit 7', async () => {
    const closed = { ...address, httpPort: 9 };
    const r = await sendThroughIngress({ url: 'http://ingress/' }, tcpRoute(closed));
    expect(r.status).toBe(0);
    expect(r.error?.curlExitCode).toBe(7);
    expect(r.error?.message).toMatch(
      /^Failed to connect to 127\.0\.0\.1 port 9 after \d+ ms: Couldn't connect to server$/,
    );
  });

  it('reports a timeout as curl exit 28', async () => {
    const r = await sendThroughIngress({ url: 'http://ingress/slow', timeoutMs: 100 }, route);
    expect(r.error).toEqual({
      curlExitCode: 28,
      message: 'Operation timed out after 100 milliseconds with 0 bytes received',
    });
  });
});

describe('HTTP from outside, when the route cannot connect', () => {
  it('a route that is refused (no gateway listening) is curl exit 7 at the address the learner would use', async () => {
    const refused: IngressRoute = {
      address: { host: '127.0.0.1', httpPort: 8080, httpsPort: 8443 },
      connect: () => Promise.reject(Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' })),
    };
    const r = await sendThroughIngress({ url: 'http://ingress/productpage' }, refused);
    expect(r.status).toBe(0);
    expect(r.error?.curlExitCode).toBe(7);
    expect(r.error?.message).toMatch(/^Failed to connect to 127\.0\.0\.1 port 8080 after \d+ ms/);
  });

  it('a malformed URL is curl exit 3', async () => {
    expect((await sendThroughIngress({ url: 'http://[::1' }, route)).error?.curlExitCode).toBe(3);
  });
});
