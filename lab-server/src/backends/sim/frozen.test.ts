/**
 * States a command left, kept for checks that come later: the objects and logs as they were, the learner's
 * commands up to then, and nothing a check does there reaches the live environment.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { K8sObject, LabEnvironment } from '../../contract.ts';
import { loadLab } from '../../labs/load.ts';
import { typeScript } from '../../terminal/typing.ts';
import { createSimBackend } from './index.ts';

const lab = loadLab('traffic-shifting');
const open: LabEnvironment[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((e) => e.dispose()));
});

const productpage = { namespace: 'default', selector: 'app=productpage', container: 'istio-proxy' };
const namespace = { kind: 'Namespace', name: 'shortlived' };
const labelled = 'kubectl label namespace shortlived stage=two';
const labelsOf = (object: K8sObject | null) => object?.metadata.labels ?? {};

/** A learner's environment on the simulator, prepared, with a terminal open (disposed after the test). */
async function openEnvironment(seed: number, owner: string) {
  const env = await createSimBackend({ clock: 'virtual', seed }).createEnvironment({ lab, owner });
  open.push(env);
  await env.prepare();
  return { env, terminal: env.openTerminal({ cols: 120, rows: 30 }) };
}

describe('frozen states', () => {
  it('judge the state a command left after the learner went on, without touching the live environment', async () => {
    const { env, terminal } = await openEnvironment(5, 'f');
    const { records } = await typeScript(
      terminal,
      ['kubectl create namespace shortlived', 'kubectl get namespace shortlived -o name', labelled].join('\n'),
    );
    const [made, looked, changed] = records;
    expect(records.map((r) => r.exitCode)).toEqual([0, 0, 0]);
    expect(made!.state).toBeDefined();
    // A command that changed nothing names the state before it; one that did, a new one.
    expect(looked!.state).toBe(made!.state);
    expect(changed!.state).not.toBe(made!.state);
    expect(labelsOf(await env.get(namespace))).toMatchObject({ stage: 'two' });

    const frozen = (await env.frozen!(made!))!;
    open.push(frozen);
    expect(labelsOf(await frozen.get(namespace))).not.toHaveProperty('stage');
    expect(frozen.history().map((r) => r.line)).toEqual([made!.line]);
    // A check's requests land in the frozen state's logs, never in the learner's.
    const liveBefore = await env.logs(productpage);
    const response = await frozen.http({ kind: 'outside' }, { url: 'http://ingress/productpage' });
    expect(response.status).toBe(200);
    expect(await env.logs(productpage)).toBe(liveBefore);
    expect((await frozen.logs(productpage)).length).toBeGreaterThan(liveBefore.length);

    // Judged: that state and the ones before it are forgotten; later ones are still there.
    await frozen.judged();
    expect(await env.frozen!(made!)).toBeUndefined();
    const later = (await env.frozen!(changed!))!;
    open.push(later);
    expect(labelsOf(await later.get(namespace))).toMatchObject({ stage: 'two' });
  });

  it('name the latest state again after it was judged, when the next command changes nothing', async () => {
    const { env, terminal } = await openEnvironment(8, 'j');
    const [made] = (await typeScript(terminal, 'kubectl create namespace shortlived')).records;
    const frozen = (await env.frozen!(made!))!;
    open.push(frozen);
    await frozen.judged();
    // The learner looks: the same state, still there to judge (a check knows it judged it already).
    const [looked] = (await typeScript(terminal, 'kubectl get namespace shortlived -o name')).records;
    expect(looked!.state).toBe(made!.state);
    const again = (await env.frozen!(looked!))!;
    open.push(again);
    expect(await again.get(namespace)).not.toBeNull();
    // A change names a new state; judging it forgets the one before.
    const [changed] = (await typeScript(terminal, labelled)).records;
    expect(changed!.state).not.toBe(made!.state);
    const later = (await env.frozen!(changed!))!;
    open.push(later);
    await later.judged();
    expect(await env.frozen!(made!)).toBeUndefined();
  });

  it('name a new state after a command that only deleted something', async () => {
    const { env, terminal } = await openEnvironment(7, 'd');
    const { records } = await typeScript(
      terminal,
      ['kubectl create configmap gone --from-literal=a=b', 'kubectl delete configmap gone'].join('\n'),
    );
    const [made, deleted] = records;
    expect(records.map((r) => r.exitCode)).toEqual([0, 0]);
    // Judged later, the deletion's state must not be the one before it, where the ConfigMap still was.
    expect(deleted!.state).not.toBe(made!.state);
    const after = (await env.frozen!(deleted!))!;
    open.push(after);
    expect(await after.get({ kind: 'ConfigMap', namespace: 'default', name: 'gone' })).toBeNull();
  });

  it('keep a few states only, and none across a reset', async () => {
    const { env, terminal } = await openEnvironment(6, 'g');
    const lines = Array.from({ length: 8 }, (_, i) => `kubectl create namespace c${i}`);
    const { records } = await typeScript(terminal, lines.join('\n'));
    expect(new Set(records.map((r) => r.state)).size).toBe(8);
    // The oldest went first: the first two are gone, the last six are kept.
    expect(await env.frozen!(records[1]!)).toBeUndefined();
    const third = (await env.frozen!(records[2]!))!;
    open.push(third);
    expect(await third.get({ kind: 'Namespace', name: 'c2' })).not.toBeNull();
    expect(await third.get({ kind: 'Namespace', name: 'c3' })).toBeNull();
    await env.reset();
    expect(await env.frozen!(records[7]!)).toBeUndefined();
  });

  it('name the objects a command left: the same after reads and requests, another after any change or a reset', async () => {
    const { env, terminal } = await openEnvironment(6, 'o');
    const { records } = await typeScript(
      terminal,
      [
        'kubectl create namespace shortlived',
        'kubectl get namespace shortlived -o name',
        'curl -s -o /dev/null http://172.18.0.2:30080/productpage',
        labelled,
      ].join('\n'),
    );
    const [made, looked, requested, changed] = records;
    expect(records.map((r) => r.exitCode)).toEqual([0, 0, 0, 0]);
    expect(made!.objects).toBeDefined();
    expect(looked!.objects).toBe(made!.objects);
    // The request's log lines make a state of their own; the objects are the same.
    expect(requested!.state).not.toBe(made!.state);
    expect(requested!.objects).toBe(made!.objects);
    expect(changed!.objects).not.toBe(made!.objects);
    expect(await env.objectsRevision!()).toBe(changed!.objects);
    // A script (the editor's Apply) changes them as a command does.
    await env.runScript('kubectl label namespace shortlived stage=three --overwrite');
    const applied = await env.objectsRevision!();
    expect(applied).not.toBe(changed!.objects);
    // After a reset the store counts from the chapter's start again: the same count names other objects.
    await env.reset();
    const fresh = await env.objectsRevision!();
    await env.runScript('kubectl create namespace shortlived');
    expect(await env.objectsRevision!()).not.toBe(made!.objects);
    expect(fresh).not.toBe(applied);
  });
});
