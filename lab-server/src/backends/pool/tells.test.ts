/** What a learner's page sends without waiting (keystrokes) and a frozen state's dispose cost no reply back. */
import { afterEach, describe, expect, it } from 'vitest';
import { loadLab } from '../../labs/load.ts';
import { typeScript } from '../../terminal/typing.ts';
import type { PoolEnvironment } from './environment.ts';
import { createPoolBackend, type PoolBackend } from './index.ts';

const lab = loadLab('traffic-shifting');
const open: PoolBackend[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((b) => b.close()));
});

describe('calls told to a worker', () => {
  it('get no reply: keystrokes one by one and a frozen state going cost the worker no message back', async () => {
    const backend = createPoolBackend({ clock: 'virtual', workers: 1 });
    open.push(backend);
    const env = (await backend.createEnvironment({ lab, owner: 'tells', seed: 5 })) as PoolEnvironment;
    await env.prepare();
    const terminal = env.openTerminal({ cols: 120, rows: 30 });
    const { records } = await typeScript(terminal, 'kubectl create namespace told');
    const host = env.host!;
    const before = host.replies;
    let screen = '';
    const off = terminal.onOutput((data) => {
      screen += data;
    });
    const line = 'echo typed key by key';
    for (const key of line) terminal.write(key);
    terminal.write('\r');
    await expect.poll(() => screen).toContain('typed key by key\r\n');
    off();
    const frozen = (await env.frozen!(records[0]!))!;
    expect((await frozen.get({ kind: 'Namespace', name: 'told' }))?.metadata.name).toBe('told');
    await frozen.dispose();
    // Two replies: the fork that made the frozen state, and the read; 22 keys and the dispose asked for none.
    expect(host.replies - before).toBe(2);
  });
});
