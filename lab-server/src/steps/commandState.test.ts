/**
 * The state a command left, frozen only when a check reads more than the command history: a `ran` check is judged
 * with no copy of the cluster and says what it said on the frozen copy; a check that reads objects gets the state
 * as the command left it; a state no longer kept is judged live, under no state's key.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { CommandRecord, FrozenEnvironment, K8sObject, LabEnvironment } from '../contract.ts';
import { createSimBackend } from '../backends/sim/index.ts';
import { loadLab } from '../labs/load.ts';
import { typeScript } from '../terminal/typing.ts';
import { checkStep } from './check.ts';
import { CommandState, historyUpTo } from './commandState.ts';

const open: { dispose(): Promise<void> }[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((e) => e.dispose()));
});

/** A live environment of `labId` on the simulator's virtual clock, counting the states frozen from it. */
async function live(labId: string, seed: number) {
  const lab = loadLab(labId);
  const env = await createSimBackend({ clock: 'virtual', seed }).createEnvironment({ lab, owner: `cs-${seed}` });
  open.push(env);
  await env.prepare();
  let freezes = 0;
  const freeze = async (record: CommandRecord): Promise<FrozenEnvironment | undefined> => {
    freezes++;
    const frozen = await env.frozen!(record);
    if (frozen) open.push(frozen);
    return frozen;
  };
  const terminal = env.openTerminal({ cols: 120, rows: 30 });
  const type = async (script: string) => (await typeScript(terminal, script)).records;
  return { lab, env, freeze, type, freezes: () => freezes };
}

const stateOf = (env: LabEnvironment, freeze: NonNullable<LabEnvironment['frozen']>, record: CommandRecord) => {
  const state = new CommandState(env, freeze, record, record.state!);
  open.push(state);
  return state;
};
const labelsOf = (object: K8sObject | null) => object?.metadata.labels ?? {};
const namespace = { kind: 'Namespace', name: 'shortlived' };

describe('CommandState', () => {
  it('judges a check of the command history without freezing, as the frozen copy judged it', async () => {
    const { lab, env, freeze, type, freezes } = await live('ingress', 11);
    const step = lab.steps.find((s) => s.id === 'ingress-address')!;
    const records = await type(step.solution);
    const passing = records.find((r) => /nodePort/.test(r.line))!;
    // Typed after the passing command: not part of its state.
    await type('echo later');
    const began = new Date(0);

    const state = stateOf(env, freeze, passing);
    const viaHistory = await checkStep(state, lab, step, began, { retry: false });
    const at = state.now();
    expect(state.froze).toBe(false);
    expect(freezes()).toBe(0);
    expect(state.history().map((r) => r.line)).toEqual(
      records.slice(0, records.indexOf(passing) + 1).map((r) => r.line),
    );

    const frozen = (await freeze(passing))!;
    const viaFrozen = await checkStep(frozen, lab, step, began, { retry: false });
    expect(viaHistory.ok).toBe(true);
    const { durationMs: _a, ...history } = viaHistory;
    const { durationMs: _b, ...judged } = viaFrozen;
    expect(history).toEqual(judged);
    // The environment's clock, which the step's start and the command's time are on (a frozen copy takes it over
    // on a real clock; on the tests' virtual one it starts its own).
    expect(at).toEqual(env.now());
  });

  it('freezes the state on the first read of the cluster, and reads it as the command left it', async () => {
    const { env, freeze, type, freezes } = await live('traffic-shifting', 12);
    const [made] = await type('kubectl create namespace shortlived');
    await type('kubectl label namespace shortlived stage=two');
    const state = stateOf(env, freeze, made!);
    expect(state.froze).toBe(false);
    expect(labelsOf(await state.get(namespace))).not.toHaveProperty('stage');
    await state.list({ kind: 'Namespace' });
    expect(freezes()).toBe(1);
    expect(state.key).toBe(made!.state);
    expect(labelsOf(await env.get(namespace))).toMatchObject({ stage: 'two' });
    // Judged through the copy: the backend forgets the state.
    await state.judged();
    expect(await env.frozen!(made!)).toBeUndefined();
  });

  it('judges the live environment, under no state key, when the state is no longer kept', async () => {
    const { env, freeze, type } = await live('traffic-shifting', 13);
    const [made] = await type('kubectl create namespace shortlived');
    const [changed] = await type('kubectl label namespace shortlived stage=two');
    await (await freeze(changed!))!.judged();
    const settled = env.settled!.bind(env);
    let waits = 0;
    env.settled = (signal) => {
      waits++;
      return settled(signal);
    };
    const state = stateOf(env, freeze, made!);
    expect(state.key).toBe(made!.state);
    // Not known to be gone yet: a state is settled by nature.
    await state.settled();
    expect(waits).toBe(0);
    expect(labelsOf(await state.get(namespace))).toMatchObject({ stage: 'two' });
    expect(state.key).toBeUndefined();
    // The live environment stands in: waited for when found, and by every check after.
    expect(waits).toBe(1);
    await state.settled();
    expect(waits).toBe(2);
    expect(state.history().map((r) => r.line)).toEqual(env.history().map((r) => r.line));
  });
});

describe('historyUpTo', () => {
  const at = (s: number) => new Date(s * 1000).toISOString();
  const a: CommandRecord = { line: 'a', exitCode: 0, at: at(1) };
  const b: CommandRecord = { line: 'b', exitCode: 0, at: at(2) };
  const c: CommandRecord = { line: 'c', exitCode: 0, at: at(3) };

  it('ends at the record itself, or at its time when the history no longer holds it', () => {
    expect(historyUpTo([a, b, c], b)).toEqual([a, b]);
    expect(historyUpTo([a, b, c], { ...b })).toEqual([a, b]);
    expect(historyUpTo([], b)).toEqual([]);
  });
});
