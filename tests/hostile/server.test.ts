/**
 * The whole server with the pooled simulator (as `labs serve` runs it) against a hostile learner: while one
 * learner's command holds its worker, the front still answers everyone, and the learner's terminal is told why
 * the command was stopped; a flood of malformed frames and huge inputs costs the server nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { createPoolBackend } from '../../lab-server/src/backends/pool/index.ts';
import { loadAllLabs } from '../../lab-server/src/labs/load.ts';
import { createLabServer, type LabServer } from '../../lab-server/src/server/app.ts';
import { stripAnsi } from '../../lab-server/src/terminal/typing.ts';

let server: LabServer;
let base: string;
const backend = createPoolBackend({
  clock: 'virtual',
  workers: 1,
  sliceLimitMs: 500,
  limits: { stringBytes: 256 * 1024 * 1024 },
});

beforeAll(async () => {
  server = createLabServer({ backend, labs: loadAllLabs(), siteDir: '/nonexistent' });
  base = (await server.listen(0)).replace(/\/$/, '');
});
afterAll(async () => {
  await server.close();
  await backend.close();
});

async function session(): Promise<string> {
  const r = await fetch(`${base}/api/session`, { method: 'POST' });
  return ((await r.json()) as { sessionToken: string }).sessionToken;
}

function terminal(token: string) {
  const ws = new WebSocket(`${base.replace('http', 'ws')}/ws/terminal?lab=traffic-shifting&token=${token}`);
  let screen = '';
  ws.on('message', (d) => {
    const m = JSON.parse(d.toString()) as { type: string; data?: string; replay?: string };
    screen += m.data ?? m.replay ?? '';
  });
  const opened = new Promise<void>((resolve, reject) => {
    ws.on('open', () => resolve());
    ws.on('error', reject);
  });
  return { ws, screen: () => stripAnsi(screen), opened };
}

describe('a hostile learner on the pooled server', () => {
  it('holds its worker: the front answers meanwhile, the command is stopped with a message, the server lives', async () => {
    const hostile = terminal(await session());
    await hostile.opened;
    await expect.poll(hostile.screen, { timeout: 60_000 }).toContain('# ');
    hostile.ws.send(JSON.stringify({ type: 'input', data: "printf '%2000000s' x | sed 's/ /y/g' | wc -c\r" }));
    // The front never waits on a learner's command: health and new sessions answer while the worker is held.
    expect((await fetch(`${base}/api/health`)).status).toBe(200);
    expect((await session()).length).toBeGreaterThan(20);
    await expect
      .poll(hostile.screen, { timeout: 60_000 })
      .toContain("lab shell: stopped: this command kept the lab's CPU busy for more than 0.5 s without a pause");
    hostile.ws.send(JSON.stringify({ type: 'input', data: 'echo after-$((6*7))\r' }));
    await expect.poll(hostile.screen, { timeout: 60_000 }).toContain('after-42');
    hostile.ws.close();
  });

  it('survives a flood of malformed and oversized messages on one socket', async () => {
    const token = await session();
    // Megabytes before the terminal exists close the socket (1008); the server and the session go on.
    const early = terminal(token);
    await early.opened;
    const code = new Promise<number>((resolve) => early.ws.on('close', (c) => resolve(c)));
    early.ws.send(JSON.stringify({ type: 'input', data: 'y'.repeat(300_000) }));
    expect([1008, 1005, 1000]).toContain(await code);
    const t = terminal(token);
    await t.opened;
    await expect.poll(t.screen, { timeout: 60_000 }).toContain('# ');
    for (let i = 0; i < 200; i++) t.ws.send(i % 2 ? '{"type":"input"' : JSON.stringify({ type: 'resize', cols: -1 }));
    t.ws.send(JSON.stringify({ type: 'input', data: 'x'.repeat(900_000) }));
    await expect
      .poll(t.screen, { timeout: 60_000 })
      .toContain('lab shell: typed-ahead input over 262144 characters dropped');
    expect((await fetch(`${base}/api/health`)).status).toBe(200);
    t.ws.close();
  });
});
