/** Frozen states of a pooled environment: made in its worker, answered from there, forgotten once judged. */
import { afterEach, describe, expect, it } from 'vitest';
import { loadLab } from '../../labs/load.ts';
import { typeScript } from '../../terminal/typing.ts';
import { createPoolBackend, type PoolBackend } from './index.ts';

const lab = loadLab('traffic-shifting');
const namespace = { kind: 'Namespace', name: 'shortlived' };
const open: PoolBackend[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((b) => b.close()));
});

describe('a pooled environment', () => {
  it('answers for the state a command left after the learner went on, with that moment’s history', async () => {
    const backend = createPoolBackend({ clock: 'virtual', workers: 1 });
    open.push(backend);
    const env = await backend.createEnvironment({ lab, owner: 'frozen', seed: 7 });
    await env.prepare();
    const terminal = env.openTerminal({ cols: 120, rows: 30 });
    const { records } = await typeScript(
      terminal,
      'kubectl create namespace shortlived\nkubectl label namespace shortlived stage=two',
    );
    const [made, changed] = records;
    expect(made!.state).toBeDefined();
    expect(changed!.state).not.toBe(made!.state);
    expect((await env.get(namespace))?.metadata.labels).toMatchObject({ stage: 'two' });

    const frozen = (await env.frozen!(made!))!;
    expect((await frozen.get(namespace))?.metadata.labels ?? {}).not.toHaveProperty('stage');
    // Reads of a fixed state are answered once (the same again); a script that changes it is seen by the reads after.
    expect(await frozen.get(namespace)).toEqual(await frozen.get(namespace));
    await frozen.runScript('kubectl label namespace shortlived stage=three');
    expect((await frozen.get(namespace))?.metadata.labels).toMatchObject({ stage: 'three' });
    expect(frozen.history().map((r) => r.line)).toEqual([made!.line]);
    expect((await frozen.runScript('kubectl get namespace shortlived -o name')).output).toBe('namespace/shortlived\n');
    await frozen.judged();
    await frozen.dispose();
    await expect.poll(async () => await env.frozen!(made!)).toBeUndefined();
    // The live environment and its worker are untouched.
    expect(backend.stats()).toMatchObject({ restarts: 0, environments: 1 });
    expect((await env.get(namespace))?.metadata.labels).toMatchObject({ stage: 'two' });
  });
});
