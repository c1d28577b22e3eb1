import { mkdtempSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createFakeBackend } from '../server/fakeBackend.ts';
import { serveCommand } from './serve.ts';

describe('labs serve', () => {
  it('prints the URL, answers health on it, keeps its data owner-only, and stops cleanly', async () => {
    const data = join(mkdtempSync(join(tmpdir(), 'labs-serve-')), 'data');
    let text = '';
    const out = new Writable({
      write(chunk, _e, cb) {
        text += chunk.toString();
        cb();
      },
    });
    let stop!: () => void;
    const stopped = new Promise<void>((r) => (stop = r));
    let url = '';
    let served: Promise<void> = Promise.resolve();
    const listening = new Promise<void>((resolve) => {
      served = serveCommand(['--port', '0', '--host', '127.0.0.1', '--data', data], out, {
        makeBackend: async () => createFakeBackend(),
        untilStop: () => stopped,
        onListening: (u) => {
          url = u;
          resolve();
        },
      }).then((code) => expect(code).toBe(0));
    });
    await listening;
    expect(text).toMatch(/^Istio Traffic Labs is serving on http:\/\/127\.0\.0\.1:\d+\/ \(backend: sim\)$/m);
    expect(await (await fetch(`${url}api/health`)).json()).toEqual({ ok: true, backend: 'sim' });
    expect(text).toContain(`Sessions, progress and lab journals are kept in ${data}`);
    expect(statSync(data).mode & 0o777).toBe(0o700);
    stop();
    await served;
    expect(text).toContain('labs serve: stopping');
  });

  it('says clearly when the port is taken', async () => {
    const { createServer } = await import('node:net');
    const blocker = createServer().listen(0, '127.0.0.1');
    await new Promise((r) => blocker.once('listening', r));
    const port = (blocker.address() as { port: number }).port;
    const out = new Writable({
      write(_c, _e, cb) {
        cb();
      },
    });
    await expect(
      serveCommand(['--port', String(port), '--data', mkdtempSync(join(tmpdir(), 'labs-serve-'))], out, {
        makeBackend: async () => createFakeBackend(),
        untilStop: () => new Promise(() => {}),
      }),
    ).rejects.toThrow(`labs serve: port ${port} on 127.0.0.1 is in use; choose another with --port N (or PORT=N)`);
    blocker.close();
  });

  it('refuses a per-address socket cap that is not a whole number above 0, from the flag or the environment', async () => {
    const out = new Writable({
      write(_c, _e, cb) {
        cb();
      },
    });
    const deps = { makeBackend: async () => createFakeBackend(), untilStop: () => new Promise<void>(() => {}) };
    await expect(serveCommand(['--sockets-per-address', '0', '--port', '0'], out, deps)).rejects.toThrow(
      'invalid value "0" for --sockets-per-address: expected a whole number from 1 to 1000000',
    );
    process.env.LABS_SOCKETS_PER_ADDRESS = 'many';
    try {
      await expect(serveCommand(['--port', '0'], out, deps)).rejects.toThrow(
        'invalid value "many" for --sockets-per-address',
      );
    } finally {
      delete process.env.LABS_SOCKETS_PER_ADDRESS;
    }
  });
});
