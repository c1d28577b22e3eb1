import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sendThroughIngress, type IngressRoute } from './outsideHttp.ts';
import { PortForwardError, PortForwardStream, type ChannelSocket } from './portForwardStream.ts';

// Plays kubelet's side of the v4 port-forward protocol: the port (little-endian) first on both channels, then the
// pod's bytes on channel 0, or the error text on channel 1 when nothing listens.
function kubeletSide(stream: PortForwardStream, port: number): ChannelSocket {
  const prefix = Buffer.alloc(2);
  prefix.writeUInt16LE(port);
  const tcp = connect({ host: '127.0.0.1', port });
  let open = true;
  queueMicrotask(() => {
    stream.receive(0, prefix);
    stream.receive(1, prefix);
  });
  tcp.on('data', (d: Buffer) => stream.receive(0, d));
  tcp.on('error', () => {
    stream.receive(
      1,
      Buffer.from(`error forwarding port ${port} to pod x: dial tcp4 127.0.0.1:${port}: connect: connection refused`),
    );
    stream.socketClosed();
  });
  tcp.on('end', () => {
    if (open) stream.socketClosed();
  });
  return {
    send: (frame) => {
      expect(frame[0]).toBe(0);
      tcp.write(frame.subarray(1));
    },
    close: () => {
      open = false;
      tcp.destroy();
    },
  };
}

let server: Server;
let port: number;
beforeAll(async () => {
  server = createServer((req, res) => {
    res.writeHead(200, { server: 'istio-envoy', 'x-host': req.headers.host ?? '' });
    res.end(`${req.method} ${req.url}`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  port = (server.address() as AddressInfo).port;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const routeTo = (target: () => number): IngressRoute => ({
  address: { host: '127.0.0.1', httpPort: 8080, httpsPort: 8443 },
  connect: async () => {
    const stream = new PortForwardStream();
    stream.attach(kubeletSide(stream, target()));
    return stream;
  },
});

describe('a port-forwarded connection', () => {
  it('carries an HTTP exchange both ways, without the port prefixes kubelet puts first', async () => {
    const r = await sendThroughIngress(
      { url: 'http://httpbin.example.com/status/200' },
      routeTo(() => port),
    );
    expect(r).toMatchObject({ status: 200, body: 'GET /status/200' });
    expect(r.headers['x-host']).toBe('httpbin.example.com');
  });

  it('sends bytes written before the socket opened once it is attached', () => {
    const stream = new PortForwardStream();
    const sent: Buffer[] = [];
    stream.write('early');
    stream.attach({ send: (d) => sent.push(d), close: () => undefined });
    stream.write('late');
    expect(sent.map((b) => [b[0], b.subarray(1).toString()])).toEqual([
      [0, 'early'],
      [0, 'late'],
    ]);
  });

  it("fails with kubelet's words and ECONNREFUSED when nothing listens; HTTP says curl exit 7", async () => {
    const stream = new PortForwardStream();
    const failed = new Promise<unknown>((resolve) => stream.on('error', resolve));
    const prefix = Buffer.from([0x90, 0x1f]);
    stream.receive(1, prefix);
    stream.receive(1, Buffer.from('error forwarding port 8080 to pod gw: connect: connection refused'));
    const error = (await failed) as PortForwardError;
    expect(error).toBeInstanceOf(PortForwardError);
    expect(error.code).toBe('ECONNREFUSED');
    expect(error.message).toBe('error forwarding port 8080 to pod gw: connect: connection refused');

    const closedPort = await new Promise<number>((resolve) => {
      const s = createServer();
      s.listen(0, '127.0.0.1', () => {
        const p = (s.address() as AddressInfo).port;
        s.close(() => resolve(p));
      });
    });
    const r = await sendThroughIngress(
      { url: 'http://ingress/' },
      routeTo(() => closedPort),
    );
    expect(r.error?.curlExitCode).toBe(7);
  });
});
