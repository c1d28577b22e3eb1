/** The journal in SQLite and its replay into a fresh simulator environment. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createSimBackend } from '../backends/sim/index.ts';
import type { LabEnvironment } from '../contract.ts';
import { loadAllLabs } from '../labs/load.ts';
import { openDatabase } from './db.ts';
import { SqliteProgressStore } from './stores.ts';
import { Journal, replay, shellStateLines, type JournalEntry } from './journal.ts';

const DR =
  'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: ' +
  'reviews\nspec:\n  host: reviews\n  subsets:\n  - name: v1\n    labels:\n      version: v1\n';

async function freshEnvironment(): Promise<LabEnvironment> {
  const lab = loadAllLabs().find((l) => l.id === 'traffic-shifting')!;
  const env = await createSimBackend({ clock: 'virtual', seed: 7 }).createEnvironment({ lab } as Parameters<
    ReturnType<typeof createSimBackend>['createEnvironment']
  >[0]);
  await env.prepare();
  return env;
}

describe('Journal', () => {
  it('keeps entries in order per environment and gives those since the last reset', () => {
    const journal = new Journal(openDatabase(mkdtempSync(join(tmpdir(), 'labs-journal-'))));
    journal.append('s1', 'traffic-shifting', { kind: 'command', line: 'kubectl get pods', exitCode: 0 });
    journal.append('s1', 'traffic-shifting', { kind: 'reset' });
    journal.append('s1', 'traffic-shifting', { kind: 'apply', yaml: DR, exitCode: 0 });
    journal.append('s1', 'mirroring', { kind: 'command', line: 'kubectl get svc', exitCode: 0 });
    journal.append('s2', 'traffic-shifting', { kind: 'command', line: 'true', exitCode: 0 });
    expect(journal.sinceReset('s1', 'traffic-shifting')).toEqual([{ kind: 'apply', yaml: DR, exitCode: 0 }]);
    expect(journal.all('s1', 'traffic-shifting').map((e) => e.kind)).toEqual(['command', 'reset', 'apply']);
    expect(journal.sinceReset('s1', 'mirroring')).toHaveLength(1);
  });

  it('knows whether an environment has entries, written or still waiting for the end of the turn', () => {
    const journal = new Journal(openDatabase(mkdtempSync(join(tmpdir(), 'labs-journal-'))));
    expect(journal.has('s1', 'traffic-shifting')).toBe(false);
    journal.append('s1', 'traffic-shifting', { kind: 'command', line: 'kubectl get pods', exitCode: 0 });
    expect(journal.has('s1', 'traffic-shifting')).toBe(true);
    journal.flush();
    expect(journal.has('s1', 'traffic-shifting')).toBe(true);
    expect(journal.has('s1', 'mirroring')).toBe(false);
    expect(journal.has('s2', 'traffic-shifting')).toBe(false);
    journal.append('s2', 'traffic-shifting', { kind: 'reset' });
    expect(journal.has('s2', 'traffic-shifting')).toBe(true);
  });

  it('writes the command lines of one turn in one transaction, after it, and an apply at once with those before', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'labs-journal-'));
    const journal = new Journal(openDatabase(dir));
    // Another connection sees what is on disk.
    const disk = openDatabase(dir);
    const onDisk = () =>
      (disk.prepare('SELECT payload FROM journal ORDER BY id').all() as { payload: string }[]).length;
    for (let i = 0; i < 1000; i++)
      journal.append('s1', 'traffic-shifting', { kind: 'command', line: `echo ${i}`, exitCode: 0 });
    expect(onDisk()).toBe(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(onDisk()).toBe(1000);
    journal.append('s1', 'traffic-shifting', { kind: 'command', line: 'echo last', exitCode: 0 });
    journal.append('s1', 'traffic-shifting', { kind: 'apply', yaml: DR, exitCode: 0 });
    expect(onDisk()).toBe(1002);
    expect(
      journal
        .all('s1', 'traffic-shifting')
        .slice(-2)
        .map((e) => e.kind),
    ).toEqual(['command', 'apply']);
  });

  it('writes command lines without waiting for the disk, and leaves every other write waiting for it', () => {
    const db = openDatabase(mkdtempSync(join(tmpdir(), 'labs-journal-')));
    const synchronous = () => (db.prepare('PRAGMA synchronous').get() as { synchronous: number }).synchronous;
    const FULL = 2;
    const NORMAL = 1;
    expect(synchronous()).toBe(FULL);
    const journal = new Journal(db);
    let during: number | undefined;
    const exec = db.exec.bind(db);
    db.exec = (sql: string) => {
      if (sql === 'COMMIT') during = synchronous();
      exec(sql);
    };
    journal.append('s1', 'traffic-shifting', { kind: 'command', line: 'echo x', exitCode: 0 });
    journal.flush();
    // A write, no fsync: WAL keeps it through a kill -9 of the server.
    expect(during).toBe(NORMAL);
    expect(synchronous()).toBe(FULL);
    journal.append('s1', 'traffic-shifting', { kind: 'apply', yaml: DR, exitCode: 0 });
    expect(during).toBe(FULL);
  });

  it('knows the lab a learner last worked in, from what they typed and what they checked', async () => {
    const db = openDatabase(mkdtempSync(join(tmpdir(), 'labs-journal-')));
    const journal = new Journal(db);
    expect(journal.lastLab('s1')).toBeUndefined();
    journal.append(
      's1',
      'traffic-shifting',
      { kind: 'command', line: 'kubectl get pods', exitCode: 0 },
      new Date('2026-01-01T10:00:00Z'),
    );
    journal.append(
      's1',
      'mirroring',
      { kind: 'command', line: 'kubectl get pods', exitCode: 0 },
      new Date('2026-01-01T10:05:00Z'),
    );
    expect(journal.lastLab('s1')).toBe('mirroring');
    await new SqliteProgressStore(db).recordAttempt({
      sessionId: 's1',
      lab: 'ingress',
      step: 'x',
      ok: false,
      at: '2026-01-01T10:06:00.000Z',
      durationMs: 1,
      explanation: { ko: '', en: '' },
    });
    expect(journal.lastLab('s1')).toBe('ingress');
    expect(journal.lastLab('s2')).toBeUndefined();
  });
});

describe('replay', () => {
  it('runs commands and applies as one shell, so a variable exported by one command is there for the next', async () => {
    const env = await freshEnvironment();
    const entries: JournalEntry[] = [
      { kind: 'command', line: 'export NS=replayed-ns', exitCode: 0 },
      { kind: 'command', line: 'kubectl create namespace $NS', exitCode: 0 },
      { kind: 'apply', yaml: DR, exitCode: 0 },
      {
        kind: 'command',
        line: 'cat <<EOF | kubectl apply -f -\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: from-heredoc\nEOF',
        exitCode: 0,
      },
    ];
    const report = await replay(env, entries);
    expect(report).toEqual({ replayed: 4, differed: [], skipped: 0, incomplete: false });
    expect(await env.get({ kind: 'Namespace', name: 'replayed-ns' })).not.toBeNull();
    expect(await env.get({ kind: 'DestinationRule', namespace: 'default', name: 'reviews' })).not.toBeNull();
    expect(await env.get({ kind: 'ConfigMap', namespace: 'default', name: 'from-heredoc' })).not.toBeNull();
  });

  it('reports entries that end differently, and does not run watchers or interrupted commands again', async () => {
    const env = await freshEnvironment();
    const report = await replay(env, [
      { kind: 'command', line: 'kubectl get deployment no-such-thing', exitCode: 0 },
      { kind: 'command', line: 'kubectl logs -f deploy/reviews-v1', exitCode: 0 },
      { kind: 'command', line: 'sleep 1000', exitCode: 130 },
      { kind: 'command', line: 'kubectl get deployment reviews-v1', exitCode: 0 },
      { kind: 'command', line: 'kubectl get deployment reviews-v1', exitCode: 1 },
    ]);
    expect(report.replayed).toBe(3);
    expect(report.skipped).toBe(2);
    expect(report.differed.map((d) => [(d.entry as { line: string }).line, d.exitCode])).toEqual([
      ['kubectl get deployment no-such-thing', 1],
      ['kubectl get deployment reviews-v1', 0],
    ]);
  });

  it('says the replay is incomplete when it runs out of time', async () => {
    // An environment where the second command blocks (a real cluster's `kubectl wait`, say) until the replay's signal ends it.
    let signalled = false;
    const blocking = {
      async runScript(script: string, options: { signal?: AbortSignal } = {}) {
        const marker = /echo "(__labs_replay_[0-9a-f]+_)\$\?"/.exec(script)![1];
        await new Promise<void>((resolve) => options.signal?.addEventListener('abort', () => resolve()));
        signalled = true;
        return { output: `namespace/a created\n${marker}0\n`, exitCode: 130 };
      },
    } as unknown as LabEnvironment;
    const report = await replay(
      blocking,
      [
        { kind: 'command', line: 'kubectl create namespace a', exitCode: 0 },
        { kind: 'command', line: 'kubectl wait --for=condition=Ready pod --all', exitCode: 0 },
        { kind: 'command', line: 'kubectl create namespace b', exitCode: 0 },
      ],
      { timeoutMs: 50 },
    );
    expect(signalled).toBe(true);
    expect(report).toEqual({ replayed: 1, differed: [], skipped: 0, incomplete: true });
  });
});

describe('shellStateLines', () => {
  it("keeps the successful single lines that set the terminal's own state", () => {
    expect(
      shellStateLines([
        {
          kind: 'command',
          line: "export INGRESS_PORT=$(kubectl -n istio-system get svc istio-ingressgateway -o jsonpath='{.spec.ports[0].nodePort}')",
          exitCode: 0,
        },
        { kind: 'command', line: 'GATEWAY_URL=$INGRESS_HOST:$INGRESS_PORT', exitCode: 0 },
        { kind: 'command', line: 'cd samples', exitCode: 0 },
        { kind: 'command', line: 'cd nowhere', exitCode: 1 },
        { kind: 'command', line: 'kubectl get pods', exitCode: 0 },
        { kind: 'command', line: 'export A=1 &&\\\nexport B=2', exitCode: 0 },
        { kind: 'apply', yaml: DR, exitCode: 0 },
        { kind: 'reset' },
      ]),
    ).toEqual([
      "export INGRESS_PORT=$(kubectl -n istio-system get svc istio-ingressgateway -o jsonpath='{.spec.ports[0].nodePort}')",
      'GATEWAY_URL=$INGRESS_HOST:$INGRESS_PORT',
      'cd samples',
    ]);
  });
});
