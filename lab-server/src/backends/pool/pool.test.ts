/**
 * The pool's supervision: a command that holds its worker's thread is stopped with a message, its worker is
 * replaced, the environments it held come back from their journals (without that command), and the culprit
 * moves to a quarantine worker. The string limit is raised here so a command can still hold the thread for
 * seconds, as it could before the shell's own bounds: `sed` on a 2 MB line (just-bash's regular expressions are
 * a linear-time engine written in JavaScript, about 2.5 µs per character, with no yield point inside).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import type { CommandRecord, LabEnvironment, TerminalChannel } from '../../contract.ts';
import { loadLab } from '../../labs/load.ts';
import { stripAnsi } from '../../terminal/typing.ts';
import type { PoolEnvironment } from './environment.ts';
import { createPoolBackend, type PoolBackend } from './index.ts';
import { QUARANTINE_NICE } from './threadPriority.ts';

const lab = loadLab('traffic-shifting');
const open: PoolBackend[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((b) => b.close()));
});

/** The nice value of every thread of this process (Linux: field 19 of `/proc/self/task/<tid>/stat`). */
function threadNiceValues(): number[] {
  return readdirSync('/proc/self/task').map((tid) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    // The command name in parentheses may hold spaces: count fields after it (state is field 3).
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  });
}

function pool(): PoolBackend {
  const backend = createPoolBackend({
    clock: 'virtual',
    workers: 1,
    sliceLimitMs: 500,
    limits: { stringBytes: 256 * 1024 * 1024, outputChars: 256 * 1024 * 1024 },
  });
  open.push(backend);
  return backend;
}

function watch(terminal: TerminalChannel) {
  const seen = { output: '', records: [] as CommandRecord[] };
  terminal.onOutput((d) => {
    seen.output += d;
  });
  terminal.onCommand((r) => seen.records.push(r));
  return seen;
}

async function typed(terminal: TerminalChannel, seen: ReturnType<typeof watch>, line: string): Promise<CommandRecord> {
  const before = seen.records.length;
  terminal.write(`${line}\r`);
  await expect.poll(() => seen.records.length, { timeout: 60_000 }).toBeGreaterThan(before);
  return seen.records[before]!;
}

describe('the pool supervisor', () => {
  it('stops a command that holds the worker, rebuilds every environment it held, and quarantines the culprit', async () => {
    const backend = pool();
    const hostile: LabEnvironment = await backend.createEnvironment({ lab, owner: 'hostile', seed: 1 });
    const other: LabEnvironment = await backend.createEnvironment({ lab, owner: 'other', seed: 2 });
    await Promise.all([hostile.prepare(), other.prepare()]);
    const t1 = hostile.openTerminal({ cols: 120, rows: 30 });
    const s1 = watch(t1);
    const t2 = other.openTerminal({ cols: 120, rows: 30 });
    const s2 = watch(t2);
    expect((await typed(t1, s1, 'export MINE=kept')).exitCode).toBe(0);
    expect((await typed(t2, s2, 'kubectl create namespace theirs')).exitCode).toBe(0);

    const stopped = await typed(t1, s1, "printf '%2000000s' x | sed 's/ /y/g' | wc -c");
    expect(stopped.exitCode).toBe(124);
    expect(stripAnsi(s1.output)).toContain(
      "lab shell: stopped: this command kept the lab's CPU busy for more than 0.5 s without a pause",
    );
    expect(backend.stats()).toMatchObject({ restarts: 1, quarantined: 1 });

    // Both environments are back, each with what it had: the variable, the namespace.
    const echoed = await typed(t1, s1, 'echo "MINE=$MINE"');
    expect(echoed.exitCode).toBe(0);
    await expect.poll(() => stripAnsi(s1.output)).toContain('MINE=kept');
    expect(stripAnsi(s1.output)).toContain('environment rebuilt from your earlier commands (without the stopped one)');
    expect(await other.get({ kind: 'Namespace', name: 'theirs' })).not.toBeNull();
    expect((await typed(t2, s2, 'kubectl get namespace theirs -o name')).exitCode).toBe(0);
    expect(stripAnsi(s2.output)).toContain("the lab's worker was restarted because of another command");
  });

  it('types again, after the rebuild, the command of a learner whose worker another learner’s command stopped', async () => {
    const backend = pool();
    const hostile = await backend.createEnvironment({ lab, owner: 'hostile', seed: 1 });
    const innocent = await backend.createEnvironment({ lab, owner: 'innocent', seed: 2 });
    await Promise.all([hostile.prepare(), innocent.prepare()]);
    const t1 = hostile.openTerminal({ cols: 120, rows: 30 });
    const s1 = watch(t1);
    const t2 = innocent.openTerminal({ cols: 120, rows: 30 });
    const s2 = watch(t2);
    expect((await typed(t2, s2, 'kubectl create namespace kept')).exitCode).toBe(0);
    // A long command that takes turns as it should: running when the other learner's command holds the thread.
    const loop = 'echo started; i=0; while [ $i -lt 20000 ]; do i=$((i+1)); done; echo "looped $i"';
    t2.write(`${loop}\r`);
    await expect.poll(() => stripAnsi(s2.output), { timeout: 60_000 }).toContain('started');
    const stopped = await typed(t1, s1, "printf '%2000000s' x | sed 's/ /y/g' | wc -c");
    expect(stopped.exitCode).toBe(124);
    // The loop is typed again in the rebuilt environment and finishes: one record, a clean exit, nothing lost.
    await expect.poll(() => s2.records.length, { timeout: 60_000 }).toBe(2);
    expect(s2.records[1]).toMatchObject({ line: loop, exitCode: 0 });
    expect(stripAnsi(s2.output)).toContain(
      "the lab's worker was restarted because of another command; yours runs again",
    );
    await expect.poll(() => stripAnsi(s2.output)).toContain('looped 20000');
    expect(await innocent.get({ kind: 'Namespace', name: 'kept' })).not.toBeNull();
    expect(backend.stats()).toMatchObject({ restarts: 1 });
  });

  it('moves an environment whose turns keep holding its worker to the quarantine worker, state and all', async () => {
    // Every turn counts as long here, so the first command line is enough to move the environment.
    const backend = createPoolBackend({ clock: 'virtual', workers: 1, longTurnMs: 0, quarantineAfterMs: 0 });
    open.push(backend);
    const env = await backend.createEnvironment({ lab, owner: 'noisy', seed: 1 });
    await env.prepare();
    // Building the environment (the chapter's setup) is the lab's own work: it never counts against it.
    expect(backend.stats().quarantinedTotal).toBe(0);
    const t = env.openTerminal({ cols: 120, rows: 30 });
    const seen = watch(t);
    expect((await typed(t, seen, 'export KEPT=yes')).exitCode).toBe(0);
    await expect.poll(() => backend.stats().quarantinedTotal, { timeout: 60_000 }).toBe(1);
    expect((await typed(t, seen, 'echo "KEPT=$KEPT"')).exitCode).toBe(0);
    await expect.poll(() => stripAnsi(seen.output)).toContain('KEPT=yes');
    expect(backend.stats()).toMatchObject({ restarts: 0, quarantined: 1 });
    // The quarantine worker takes only the CPU the others leave: its thread runs at the lowest priority.
    if (process.platform === 'linux') expect(threadNiceValues()).toContain(QUARANTINE_NICE);
  });

  it("never moves a learner for the server's work on their behalf (checks' requests, reads, logs), only for their own", async () => {
    // Every turn counts as long here: before the rule, the first request of a Check moved the learner.
    const backend = createPoolBackend({ clock: 'virtual', workers: 1, longTurnMs: 0, quarantineAfterMs: 0 });
    open.push(backend);
    const env = await backend.createEnvironment({ lab, owner: 'checked', seed: 3 });
    await env.prepare();
    for (let i = 0; i < 5; i++) {
      await env.http({ kind: 'outside' }, { url: 'http://bookinfo.example/productpage' });
      const pods = await env.list({ kind: 'Pod', namespace: 'default', labelSelector: 'app=reviews' });
      await env.logs({ namespace: 'default', pod: pods[0]!.metadata.name, container: 'istio-proxy' });
    }
    // Turns are reported at the next one: a typed line after them would be the first that could count.
    await env.get({ kind: 'Pod', namespace: 'default', name: 'none' });
    expect(backend.stats().quarantinedTotal).toBe(0);
    const t = env.openTerminal({ cols: 120, rows: 30 });
    const seen = watch(t);
    expect((await typed(t, seen, 'kubectl get pods')).exitCode).toBe(0);
    await expect.poll(() => backend.stats().quarantinedTotal, { timeout: 60_000 }).toBe(1);
  });

  it('replays a moved environment on its own clock: requests sent before a moment are still logged before it', async () => {
    // Real time, as learners have it: a rebuild comes later than what it replays.
    const backend = createPoolBackend({ clock: 'real', workers: 1, longTurnMs: 1e9 });
    open.push(backend);
    const env = await backend.createEnvironment({ lab, owner: 'mover', seed: 2 });
    await env.prepare();
    const t = env.openTerminal({ cols: 120, rows: 30 });
    const seen = watch(t);
    // Through the chapter's ingress gateway (its Gateway and routes are in the starting state), as step 3 does.
    for (const line of [
      `export INGRESS_HOST=$(kubectl get nodes -o jsonpath='{.items[0].status.addresses[?(@.type=="InternalIP")].address}')`,
      'export INGRESS_PORT=$(kubectl -n istio-system get service istio-ingressgateway ' +
        `-o jsonpath='{.spec.ports[?(@.name=="http2")].nodePort}')`,
      'for i in 1 2 3; do curl -s -o /dev/null http://$INGRESS_HOST:$INGRESS_PORT/productpage; done',
    ])
      expect((await typed(t, seen, line)).exitCode, stripAnsi(seen.output)).toBe(0);
    expect((await typed(t, seen, 'sleep 2')).exitCode).toBe(0);
    const began = env.now();
    const reviews = await env.list({ kind: 'Pod', namespace: 'default', labelSelector: 'app=reviews' });
    const logged = async (since: Date) => {
      let lines = 0;
      for (const pod of reviews) {
        const target = { namespace: 'default', pod: pod.metadata.name, container: 'istio-proxy' };
        const text = await env.logs(target, { sinceTime: since.toISOString() });
        lines += text.split('\n').filter((l) => l.includes('inbound|9080')).length;
      }
      return lines;
    };
    const before = await logged(new Date(0));
    expect(before).toBe(3);
    expect(await logged(began)).toBe(0);

    (env as PoolEnvironment).moveToQuarantine();
    await expect.poll(() => backend.stats().quarantinedTotal, { timeout: 60_000 }).toBe(1);
    await env.prepare();
    // Replayed, the three requests are logged when they were first sent: none since `began`, and the clock went on.
    expect(await logged(new Date(0))).toBe(3);
    expect(await logged(began)).toBe(0);
    expect(env.now().getTime()).toBeGreaterThanOrEqual(began.getTime());
  });

  it('moves a busy environment at its first long turn, and leaves a quiet one with one long turn alone', async () => {
    // The sum of long turns never reaches its mark here: only being busy when a long turn comes moves anyone.
    const backend = createPoolBackend({
      clock: 'virtual',
      workers: 1,
      longTurnMs: 50,
      quarantineAfterMs: 1e9,
      limits: { stringBytes: 64 * 1024 * 1024, outputChars: 64 * 1024 * 1024 },
    });
    open.push(backend);
    const [quiet, noisy] = await Promise.all([
      backend.createEnvironment({ lab, owner: 'quiet', seed: 1 }),
      backend.createEnvironment({ lab, owner: 'noisy', seed: 2 }),
    ]);
    await Promise.all([quiet.prepare(), noisy.prepare()]);
    // One `sed` on a long line, which no yield point cuts (well over 50 ms of CPU), from an environment that was idle: a
    // learner's occasional big command. It stays on the shared worker.
    const uncut = "printf '%100000s' x | sed 's/ /y/g' | wc -c";
    const q = quiet.openTerminal({ cols: 120, rows: 30 });
    const qSeen = watch(q);
    expect((await typed(q, qSeen, uncut)).exitCode).toBe(0);
    expect((await typed(q, qSeen, 'echo after')).exitCode).toBe(0);
    expect(backend.stats().quarantinedTotal).toBe(0);
    // The same operation right after a loop that kept the worker busy (cut into slices, so not long itself).
    const n = noisy.openTerminal({ cols: 120, rows: 30 });
    const nSeen = watch(n);
    expect((await typed(n, nSeen, `for i in $(seq 1 20000); do x=$i; done; ${uncut}`)).exitCode).toBe(0);
    await expect.poll(() => backend.stats().quarantinedTotal, { timeout: 60_000 }).toBe(1);
    expect((await typed(n, nSeen, 'echo "x=$x"')).exitCode).toBe(0);
    await expect.poll(() => stripAnsi(nSeen.output)).toContain('x=20000');
    expect((await typed(q, qSeen, 'echo still')).exitCode).toBe(0);
    expect(backend.stats()).toMatchObject({ restarts: 0, quarantined: 1 });
  });

  it('moves an environment after one turn that held its worker too long, even from a quiet start', async () => {
    const backend = createPoolBackend({
      clock: 'virtual',
      workers: 1,
      longTurnMs: 20,
      quarantineAfterMs: 100,
      limits: { stringBytes: 64 * 1024 * 1024, outputChars: 64 * 1024 * 1024 },
    });
    open.push(backend);
    const env = await backend.createEnvironment({ lab, owner: 'careless', seed: 1 });
    await env.prepare();
    const t = env.openTerminal({ cols: 120, rows: 30 });
    const seen = watch(t);
    // Lessons' commands never take a turn this long; a `sed` over a 200 KB line takes several hundred ms.
    expect((await typed(t, seen, 'kubectl get pods')).exitCode).toBe(0);
    expect(backend.stats().quarantinedTotal).toBe(0);
    expect((await typed(t, seen, "printf '%200000s' x | sed 's/ /y/g' | wc -c")).exitCode).toBe(0);
    await expect.poll(() => backend.stats().quarantinedTotal, { timeout: 60_000 }).toBe(1);
    expect((await typed(t, seen, 'echo moved')).exitCode).toBe(0);
    expect(backend.stats()).toMatchObject({ restarts: 0, quarantined: 1 });
  });

  it('moves a learner who never stops typing, and the half-typed line goes along', async () => {
    const backend = createPoolBackend({ clock: 'virtual', workers: 1, longTurnMs: 0, quarantineAfterMs: 0 });
    open.push(backend);
    const env = await backend.createEnvironment({ lab, owner: 'typist', seed: 1 });
    await env.prepare();
    const t = env.openTerminal({ cols: 120, rows: 30 });
    const seen = watch(t);
    // Each key's turn counts as long here: the move is wanted while the learner is still typing the line.
    t.write('echo half-');
    await expect.poll(() => backend.stats().quarantinedTotal, { timeout: 60_000 }).toBe(1);
    const record = await typed(t, seen, 'typed');
    expect(record).toMatchObject({ line: 'echo half-typed', exitCode: 0 });
    await expect.poll(() => stripAnsi(seen.output)).toMatch(/\nhalf-typed\r?\n/);
    // Commands typed back to back (no second without a key) no longer keep it on the shared worker.
    for (let i = 0; i < 3; i++) expect((await typed(t, seen, `echo ${i}`)).exitCode).toBe(0);
    expect(backend.stats()).toMatchObject({ restarts: 0, quarantined: 1 });
  });

  it('answers other environments while one holds its own worker', async () => {
    const backend = createPoolBackend({
      clock: 'virtual',
      workers: 2,
      sliceLimitMs: 60_000,
      limits: { stringBytes: 256 * 1024 * 1024, outputChars: 256 * 1024 * 1024 },
    });
    open.push(backend);
    const busy = await backend.createEnvironment({ lab, owner: 'busy', seed: 1 });
    const calm = await backend.createEnvironment({ lab, owner: 'calm', seed: 2 });
    await Promise.all([busy.prepare(), calm.prepare()]);
    let finished = false;
    void busy.runScript("printf '%2000000s' x | sed 's/ /y/g' | wc -c").then(
      () => {
        finished = true;
      },
      () => undefined,
    );
    // The calm environment lives on the other worker: it answers while the busy one is still computing.
    const pods = await calm.list({ kind: 'Pod', namespace: 'default' });
    expect(pods.length).toBeGreaterThan(0);
    expect(finished).toBe(false);
  });

  it('says when its simulated cluster has settled (a failing check need not wait it out), and stops on abort', async () => {
    const backend = pool();
    const env = await backend.createEnvironment({ lab, owner: 'settled', seed: 4 });
    await env.prepare();
    await env.runScript('kubectl scale deployment reviews-v1 --replicas=2');
    await env.settled!();
    const pods = await env.list({ kind: 'Pod', namespace: 'default', labelSelector: 'app=reviews,version=v1' });
    expect(pods.map((p) => (p.status as { phase?: string } | undefined)?.phase)).toEqual(['Running', 'Running']);
    const aborted = AbortSignal.abort(new Error('the check was cancelled'));
    await expect(env.settled!(aborted)).rejects.toThrow('the check was cancelled');
  });

  it('names the objects of an environment in its worker, and a new name once they change', async () => {
    const backend = pool();
    const env = await backend.createEnvironment({ lab, owner: 'objects', seed: 5 });
    await env.prepare();
    const first = await env.objectsRevision!();
    expect(first).toMatch(/^\d+\.\d+$/);
    expect(await env.objectsRevision!()).toBe(first);
    await env.runScript('kubectl label namespace default lesson=one');
    expect(await env.objectsRevision!()).not.toBe(first);
  });

  it("reads a worker's virtual clock as it stands, however much wall time passes between its reports", async () => {
    const backend = pool();
    const env = await backend.createEnvironment({ lab, owner: 'clock', seed: 3 });
    await env.prepare();
    await env.runScript('true');
    const then = env.now().getTime();
    const wall = Date.now();
    while (Date.now() < wall + 30) {
      // Wall time passes (a loaded machine); the virtual clock must not.
    }
    expect(env.now().getTime()).toBe(then);
    await env.runScript('sleep 2');
    // The sleep and the command's own millisecond, nothing of the wall clock.
    expect(env.now().getTime() - then).toBe(2_001);
  });
});
