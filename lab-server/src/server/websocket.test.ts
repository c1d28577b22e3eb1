/**
 * Hostile clients against the WebSocket front: malformed frames that used to be uncaught exceptions, foreign
 * origins (DNS rebinding included), too many sockets, and a reader that never reads. After each the server must
 * still answer.
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createLabServer, type LabServer } from './app.ts';
import { createFakeBackend } from './fakeBackend.ts';
import { allowedOrigins, originAllowed } from './origins.ts';
import { DEFAULT_SOCKETS_PER_ADDRESS, socketsPerAddressFor } from './websocket.ts';
import { testLab, testWorld } from './testLab.ts';

let server: LabServer;
let base: string;
let port: number;

beforeAll(async () => {
  server = createLabServer({ backend: createFakeBackend(testWorld), labs: [testLab()], siteDir: '/nonexistent' });
  base = (await server.listen(0)).replace(/\/$/, '');
  port = Number(new URL(base).port);
});
afterAll(() => server.close());

async function token(): Promise<string> {
  const r = await fetch(`${base}/api/session`, { method: 'POST' });
  return ((await r.json()) as { sessionToken: string }).sessionToken;
}

async function healthy(): Promise<void> {
  const r = await fetch(`${base}/api/health`);
  expect(r.status).toBe(200);
}

/** A client frame: FIN, RSV bits, opcode, masked payload (length as given, so it can lie). */
function frame(opcode: number, payload: Buffer, options: { rsv1?: boolean; fin?: boolean } = {}): Buffer {
  const first = ((options.fin ?? true) ? 0x80 : 0) | (options.rsv1 ? 0x40 : 0) | opcode;
  let header: Buffer;
  if (payload.length < 126) header = Buffer.from([first, 0x80 | payload.length]);
  else if (payload.length < 65536) {
    header = Buffer.alloc(4);
    header[0] = first;
    header[1] = 0x80 | 126;
    header.writeUInt16BE(payload.length, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = first;
    header[1] = 0x80 | 127;
    header.writeBigUInt64BE(BigInt(payload.length), 2);
  }
  const mask = randomBytes(4);
  const masked = Buffer.from(payload.map((b, i) => b ^ mask[i % 4]!));
  return Buffer.concat([header, mask, masked]);
}

/** Opens a raw upgraded socket on the terminal route; resolves once the 101 arrived. */
async function rawSocket(path: string): Promise<{ socket: Socket; closed: Promise<Buffer> }> {
  const socket = connect(port, '127.0.0.1');
  const received: Buffer[] = [];
  const closed = new Promise<Buffer>((resolve) => {
    socket.on('close', () => resolve(Buffer.concat(received)));
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => socket.on('connect', () => resolve()));
  socket.write(
    `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
      `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
  );
  await new Promise<void>((resolve) => {
    const onData = (d: Buffer) => {
      received.push(d);
      if (Buffer.concat(received).includes('\r\n\r\n')) {
        socket.off('data', onData);
        socket.on('data', (more: Buffer) => received.push(more));
        resolve();
      }
    };
    socket.on('data', onData);
  });
  expect(Buffer.concat(received).toString()).toMatch(/^HTTP\/1\.1 101/);
  return { socket, closed };
}

/** The close code in the server's close frame, if one came. */
function closeCode(bytes: Buffer): number | undefined {
  const at = bytes.indexOf('\r\n\r\n') + 4;
  for (let i = at; i < bytes.length - 3; i++) if (bytes[i] === 0x88) return bytes.readUInt16BE(i + 2);
  return undefined;
}

describe('malformed frames close one socket, never the server', () => {
  const cases: [string, () => Buffer, number][] = [
    ['a frame over the size limit', () => frame(1, Buffer.alloc(1024 * 1024 + 10, 0x61)), 1009],
    ['invalid UTF-8 in a text frame', () => frame(1, Buffer.from([0xc3, 0x28])), 1007],
    ['RSV1 set without an extension', () => frame(1, Buffer.from('x'), { rsv1: true }), 1002],
    ['a reserved opcode (3)', () => frame(3, Buffer.from('x')), 1002],
    ['close code 999', () => frame(8, Buffer.from([0x03, 0xe7])), 1002],
    ['a continuation frame with nothing to continue', () => frame(0, Buffer.from('x')), 1002],
    ['a fragmented control frame', () => frame(9, Buffer.from('x'), { fin: false }), 1002],
  ];
  for (const [name, make, code] of cases) {
    it(name, async () => {
      const t = await token();
      const { socket, closed } = await rawSocket(`/ws/terminal?lab=traffic-shifting&token=${t}`);
      socket.write(make());
      expect(closeCode(await closed)).toBe(code);
      await healthy();
    });
  }

  it('a socket that sends garbage instead of a handshake', async () => {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    await new Promise<void>((resolve) => socket.on('connect', () => resolve()));
    socket.end(Buffer.from([0x16, 0x03, 0x01, 0xff, 0xff, 0, 0, 0]));
    socket.resume();
    await new Promise((resolve) => socket.on('close', resolve));
    await healthy();
  });
});

describe('who may open a socket', () => {
  it('refuses a foreign page even when its Host header names it (DNS rebinding)', async () => {
    const t = await token();
    const ws = new WebSocket(`ws://127.0.0.1:${port}/ws/terminal?lab=traffic-shifting&token=${t}`, {
      origin: `http://rebind.example:${port}`,
      headers: { host: `rebind.example:${port}` },
    });
    const status = await new Promise<number>((resolve) => {
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('error', () => resolve(-1));
    });
    expect(status).toBe(403);
  });

  it('allows the configured public URL, the allow-list and this machine on its port', () => {
    const allowed = allowedOrigins({
      publicUrl: 'https://labs.example.org/',
      allowed: ['http://localhost:4321'],
      listening: { address: '127.0.0.1', family: 'IPv4', port: 8080 },
      hostName: 'box',
    });
    for (const o of ['https://labs.example.org', 'http://localhost:4321', 'http://127.0.0.1:8080', 'http://box:8080'])
      expect(originAllowed(o, allowed), o).toBe(true);
    for (const o of ['http://evil.example:8080', 'http://127.0.0.1:9999', 'null', 'file://x'])
      expect(originAllowed(o, allowed), o).toBe(false);
    expect(originAllowed(undefined, allowed)).toBe(true);
  });

  it('limits open sockets per session', async () => {
    const t = await token();
    const open: WebSocket[] = [];
    const statuses: number[] = [];
    for (let i = 0; i < 9; i++) {
      const ws = new WebSocket(`${base.replace('http', 'ws')}/ws/terminal?lab=traffic-shifting&token=${t}`);
      open.push(ws);
      statuses.push(
        await new Promise<number>((resolve) => {
          ws.on('open', () => resolve(101));
          ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
          ws.on('error', () => resolve(-1));
        }),
      );
    }
    expect(statuses.slice(0, 8)).toEqual(Array(8).fill(101));
    expect(statuses[8]).toBe(429);
    for (const ws of open) ws.close();
    await healthy();
  });
});

describe('sockets per client address', () => {
  it('follows the configured cap, whatever the sessions, and frees a place when a socket closes', async () => {
    const capped = createLabServer({
      backend: createFakeBackend(testWorld),
      labs: [testLab()],
      siteDir: '/nonexistent',
      socketsPerAddress: 3,
    });
    const url = (await capped.listen(0)).replace(/\/$/, '');
    const session = async () =>
      ((await (await fetch(`${url}/api/session`, { method: 'POST' })).json()) as { sessionToken: string }).sessionToken;
    const open = (t: string) =>
      new Promise<{ status: number; ws: WebSocket }>((resolve) => {
        const ws = new WebSocket(`${url.replace('http', 'ws')}/ws/terminal?lab=traffic-shifting&token=${t}`);
        ws.on('open', () => resolve({ status: 101, ws }));
        ws.on('unexpected-response', (_req, res) => resolve({ status: res.statusCode ?? 0, ws }));
        ws.on('error', () => resolve({ status: -1, ws }));
      });
    // Three learners behind one address (one NAT): the fourth socket is one too many.
    const sockets: { status: number; ws: WebSocket }[] = [];
    for (let i = 0; i < 4; i++) sockets.push(await open(await session()));
    expect(sockets.map((s) => s.status)).toEqual([101, 101, 101, 429]);
    const closed = new Promise((r) => sockets[0]!.ws.once('close', r));
    sockets[0]!.ws.close();
    await closed;
    await expect.poll(async () => (await open(await session())).status).toBe(101);
    for (const s of sockets) s.ws.close();
    await capped.close();
  });

  it('defaults to a fixed cap, and in a classroom to the class capacity unless configured', () => {
    expect(socketsPerAddressFor({ classroom: false, maxEnvironments: 400 })).toBe(DEFAULT_SOCKETS_PER_ADDRESS);
    // Every environment the server holds, a terminal and one more tab each: a whole class behind one NAT fits.
    expect(socketsPerAddressFor({ classroom: true, maxEnvironments: 400 })).toBe(800);
    expect(socketsPerAddressFor({ classroom: true, maxEnvironments: 1200 })).toBe(2400);
    expect(socketsPerAddressFor({ classroom: true, maxEnvironments: 20 })).toBe(DEFAULT_SOCKETS_PER_ADDRESS);
    expect(socketsPerAddressFor({ configured: 5000, classroom: false, maxEnvironments: 400 })).toBe(5000);
    expect(socketsPerAddressFor({ configured: 10, classroom: true, maxEnvironments: 400 })).toBe(10);
  });
});

describe('malformed requests', () => {
  it('answers a malformed percent escape with 400 and no stack trace', async () => {
    for (const path of ['/api/labs/%E0%A4%A/reset', '/%E0%A4%A', '/docs/%']) {
      const r = await fetch(`${base}${path}`, { method: path.startsWith('/api') ? 'POST' : 'GET' });
      const text = await r.text();
      expect(r.status, path).toBe(400);
      expect(text).not.toMatch(/at .*\.ts:\d+|URIError/);
    }
    const t = await token();
    const r = await fetch(`${base}/api/labs/%E0%A4%A/reset`, {
      method: 'POST',
      headers: { authorization: `Bearer ${t}` },
    });
    expect(r.status).toBe(400);
    expect(await r.json()).toEqual({ error: 'malformed percent-encoding in /api/labs/%E0%A4%A/reset' });
  });

  it('limits new sessions per client address, not per server', async () => {
    const limited = createLabServer({
      backend: createFakeBackend(testWorld),
      labs: [testLab()],
      siteDir: '/nonexistent',
      sessionsPerMinute: 3,
    });
    const url = (await limited.listen(0)).replace(/\/$/, '');
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await fetch(`${url}/api/session`, { method: 'POST' })).status);
    expect(statuses).toEqual([201, 201, 201, 429]);
    // Another address is not locked out by the first one.
    expect(() => limited.parts.sessionLimiter.take('192.0.2.7')).not.toThrow();
    expect(() => limited.parts.sessionLimiter.take('127.0.0.1')).toThrow('too many new sessions from this address');
    await limited.close();
  });
});
