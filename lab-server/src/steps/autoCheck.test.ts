import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AutoCheckScheduler, Gate, type EvaluationRequest, type FrozenState } from './autoCheck.ts';

const t0 = new Date('2026-01-01T10:00:00Z');
const at = (s: number) => new Date(t0.getTime() + s * 1000);
/** The state command `key` left (the record only matters to the evaluation, which these tests fake). */
const state = (key: number): FrozenState => ({
  key,
  record: { line: `command ${key}`, exitCode: 0, at: '', state: key },
});

/**
 * An evaluation that runs until the test finishes it (`finish(ms)` also moves the scheduler's wall clock by the
 * time it took) or the scheduler aborts it, recording what it was asked, how it ended and how many ran at once.
 */
function manualEvaluation() {
  const clock = { ms: 0 };
  const calls: { request: EvaluationRequest; ended?: 'done' | 'aborted'; finish: (ms: number) => void }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const evaluate = (request: EvaluationRequest) =>
    new Promise<void>((resolve) => {
      const end = (how: 'done' | 'aborted') => {
        if (call.ended) return;
        call.ended = how;
        inFlight--;
        resolve();
      };
      const call: (typeof calls)[number] = {
        request,
        finish: (ms) => {
          clock.ms += ms;
          end('done');
        },
      };
      calls.push(call);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      request.signal.addEventListener('abort', () => end('aborted'));
    });
  return { calls, evaluate, clock, now: () => clock.ms, maxInFlight: () => maxInFlight };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('AutoCheckScheduler', () => {
  it('debounces a burst of commands into one evaluation, held from the last command of the burst', async () => {
    const e = manualEvaluation();
    const s = new AutoCheckScheduler(e.evaluate, { debounceMs: 400, now: e.now });
    s.trigger('action', at(1));
    await vi.advanceTimersByTimeAsync(300);
    s.trigger('cluster', at(2));
    await vi.advanceTimersByTimeAsync(300);
    s.trigger('action', at(3));
    await vi.advanceTimersByTimeAsync(399);
    expect(e.calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1);
    expect(e.calls).toHaveLength(1);
    // One `cluster` command in the burst widens the whole evaluation; outcomes held from the last command.
    expect(e.calls[0]!.request).toMatchObject({ scope: 'cluster', heldAt: at(3) });
    e.calls[0]!.finish(100);
    expect(e.calls[0]!.ended).toBe('done');
  });

  it('cancels a running evaluation at the next command, and never runs two at once', async () => {
    const e = manualEvaluation();
    const s = new AutoCheckScheduler(e.evaluate, { debounceMs: 100, now: e.now });
    s.trigger('cluster', at(1));
    await vi.advanceTimersByTimeAsync(150);
    expect(s.running).toBe(true);
    s.trigger('action', at(2));
    expect(e.calls[0]!.ended).toBe('aborted');
    await vi.advanceTimersByTimeAsync(100);
    expect(e.calls).toHaveLength(2);
    // The aborted evaluation's request is asked again with the new command's: the wider scope, the later time.
    expect(e.calls[1]!.request).toMatchObject({ scope: 'cluster', heldAt: at(2) });
    for (let i = 0; i < 5; i++) {
      s.trigger('cluster', at(3 + i));
      await vi.advanceTimersByTimeAsync(120);
    }
    e.calls.at(-1)!.finish(50);
    await vi.advanceTimersByTimeAsync(5_000);
    expect(e.maxInFlight()).toBe(1);
    expect(e.calls.at(-1)!.ended).toBe('done');
    expect(e.calls.slice(0, -1).every((c) => c.ended === 'aborted')).toBe(true);
  });

  it('keeps each environment within its CPU budget: past it, the next evaluation waits for room in the window', async () => {
    const e = manualEvaluation();
    const s = new AutoCheckScheduler(e.evaluate, { debounceMs: 10, budgetMs: 2_000, windowMs: 10_000, now: e.now });
    const started: number[] = [];
    for (let i = 0; i < 3; i++) {
      s.trigger('cluster', at(i));
      await vi.advanceTimersByTimeAsync(20);
      started.push(e.calls.length);
      e.calls.at(-1)!.ended ?? e.calls.at(-1)!.finish(1_000);
    }
    // Two evaluations of 1 s fill the 2 s budget: the third trigger waits.
    expect(started).toEqual([1, 2, 2]);
    expect(s.spentMs).toBe(2_000);
    expect(s.pending).toBe(true);
    // Once the first evaluation leaves the 10 s window (on the scheduler's clock), the waiting one runs.
    e.clock.ms += 10_000;
    await vi.advanceTimersByTimeAsync(10_000);
    expect(e.calls).toHaveLength(3);
    expect(s.pending).toBe(false);
  });

  it('pauses for a learner’s own Check: the running evaluation stops first, pending triggers run after', async () => {
    const e = manualEvaluation();
    const s = new AutoCheckScheduler(e.evaluate, { debounceMs: 50, now: e.now });
    s.trigger('cluster', at(1));
    await vi.advanceTimersByTimeAsync(60);
    let evaluatingDuringTask = true;
    let finishTask = () => {};
    const task = s.pause(async () => {
      evaluatingDuringTask = s.running;
      s.trigger('action', at(2));
      await new Promise<void>((resolve) => (finishTask = resolve));
      return 'checked';
    });
    await vi.advanceTimersByTimeAsync(500);
    // Nothing runs while the learner's task does, however long it takes.
    expect(e.calls).toHaveLength(1);
    finishTask();
    expect(await task).toBe('checked');
    expect(evaluatingDuringTask).toBe(false);
    expect(e.calls[0]!.ended).toBe('aborted');
    await vi.advanceTimersByTimeAsync(60);
    expect(e.calls).toHaveLength(2);
    expect(e.calls[1]!.request).toMatchObject({ scope: 'cluster', heldAt: at(2) });
  });

  it('looks again after a cluster change on an environment that takes time to apply it, unless something newer came', async () => {
    const e = manualEvaluation();
    const s = new AutoCheckScheduler(e.evaluate, { debounceMs: 10, followUpsMs: [1_000, 3_000], now: e.now });
    s.trigger('cluster', at(1));
    for (let i = 0; i < 4; i++) {
      await vi.advanceTimersByTimeAsync(1_000);
      e.calls.at(-1)?.finish(10);
    }
    expect(e.calls.map((c) => c.request.scope)).toEqual(['cluster', 'cluster', 'cluster']);
    await vi.advanceTimersByTimeAsync(0);
    expect(s.running).toBe(false);
    s.trigger('action', at(5));
    for (let i = 0; i < 5; i++) {
      await vi.advanceTimersByTimeAsync(1_000);
      e.calls.at(-1)?.finish(10);
    }
    expect(e.calls).toHaveLength(4);
  });

  it('forgets pending triggers when cleared (a reset) and stops for good when disposed', async () => {
    const e = manualEvaluation();
    const s = new AutoCheckScheduler(e.evaluate, { debounceMs: 100, now: e.now });
    s.trigger('cluster', at(1));
    s.clear();
    await vi.advanceTimersByTimeAsync(500);
    expect(e.calls).toHaveLength(0);
    await s.dispose();
    s.trigger('cluster', at(2));
    await vi.advanceTimersByTimeAsync(500);
    expect(e.calls).toHaveLength(0);
  });
});

describe('AutoCheckScheduler with frozen states', () => {
  it('judges every state a learner left, in order, however long the wait for a place', async () => {
    const e = manualEvaluation();
    const gate = new Gate(1);
    // Another environment holds the only place while this learner types three commands.
    const release = await gate.acquire(new AbortController().signal);
    const s = new AutoCheckScheduler(e.evaluate, { debounceMs: 50, now: e.now, gate });
    s.trigger('cluster', at(1), state(1));
    await vi.advanceTimersByTimeAsync(100);
    s.trigger('cluster', at(2), state(2));
    await vi.advanceTimersByTimeAsync(100);
    s.trigger('action', at(3), state(3));
    await vi.advanceTimersByTimeAsync(100);
    expect(e.calls).toHaveLength(0);
    release();
    for (let i = 0; i < 3; i++) {
      await vi.advanceTimersByTimeAsync(1);
      expect(e.calls).toHaveLength(i + 1);
      e.calls[i]!.finish(10);
    }
    await vi.advanceTimersByTimeAsync(100);
    expect(e.calls.map((c) => [c.request.state?.key, c.request.scope, c.request.heldAt])).toEqual([
      [1, 'cluster', at(1)],
      [2, 'cluster', at(2)],
      [3, 'action', at(3)],
    ]);
    expect(e.calls.every((c) => c.ended === 'done')).toBe(true);
    expect(e.maxInFlight()).toBe(1);
  });

  it('lets a running evaluation of a frozen state finish when the next command comes', async () => {
    const e = manualEvaluation();
    const s = new AutoCheckScheduler(e.evaluate, { debounceMs: 50, now: e.now });
    s.trigger('cluster', at(1), state(1));
    await vi.advanceTimersByTimeAsync(60);
    expect(s.running).toBe(true);
    s.trigger('cluster', at(2), state(2));
    await vi.advanceTimersByTimeAsync(60);
    // Still the first: its state is still the one it judges. Never two at once.
    expect(e.calls).toHaveLength(1);
    expect(e.calls[0]!.ended).toBeUndefined();
    e.calls[0]!.finish(10);
    await vi.advanceTimersByTimeAsync(1);
    expect(e.calls).toHaveLength(2);
    expect(e.calls[1]!.request.state?.key).toBe(2);
    e.calls[1]!.finish(10);
  });

  it('replaces a waiting evaluation only with one of the same state, and a live one with a frozen newer one', async () => {
    const e = manualEvaluation();
    const s = new AutoCheckScheduler(e.evaluate, { debounceMs: 50, now: e.now });
    // `kubectl get` after an apply changes nothing: the same state, looked at once with the wider scope.
    s.trigger('cluster', at(1), state(1));
    s.trigger('action', at(2), { key: 1, record: { line: 'command 1b', exitCode: 0, at: '', state: 1 } });
    // A trigger with no frozen state (the editor's Apply) is judged live...
    s.trigger('cluster', at(3));
    // ...and a command after it leaves a state that covers it.
    s.trigger('action', at(4), state(2));
    expect(s.queued).toBe(2);
    await vi.advanceTimersByTimeAsync(60);
    e.calls[0]!.finish(10);
    await vi.advanceTimersByTimeAsync(1);
    e.calls[1]!.finish(10);
    // The shared state held from its first command; its record is the later one (the longer history).
    expect(e.calls.map((c) => [c.request.state?.key, c.request.scope, c.request.heldAt])).toEqual([
      [1, 'cluster', at(1)],
      [2, 'cluster', at(4)],
    ]);
    expect(e.calls[0]!.request.state?.record.line).toBe('command 1b');
  });

  it('bounds the states waiting per environment: past the bound the two oldest are judged as one', async () => {
    const e = manualEvaluation();
    const gate = new Gate(1);
    const release = await gate.acquire(new AbortController().signal);
    const s = new AutoCheckScheduler(e.evaluate, { debounceMs: 10, now: e.now, gate, maxQueued: 4 });
    for (let k = 1; k <= 6; k++) s.trigger('cluster', at(k), state(k));
    expect(s.queued).toBe(4);
    await vi.advanceTimersByTimeAsync(20);
    release();
    for (let i = 0; i < 4; i++) {
      await vi.advanceTimersByTimeAsync(1);
      e.calls[i]!.finish(10);
    }
    expect(e.calls.map((c) => c.request.state?.key)).toEqual([3, 4, 5, 6]);
  });

  it('lets the running evaluation finish for a learner’s Check that may stand on it, and stops one still waiting for a place', async () => {
    const e = manualEvaluation();
    const gate = new Gate(1);
    const s = new AutoCheckScheduler(e.evaluate, { debounceMs: 50, now: e.now, gate });
    s.trigger('cluster', at(1), state(1));
    await vi.advanceTimersByTimeAsync(60);
    let waitedFor = 0;
    let ranAfter: string | undefined;
    const check = s.pause(
      async () => {
        ranAfter = e.calls[0]!.ended;
        return 'stood';
      },
      { finishRunning: true, onWait: () => waitedFor++ },
    );
    await vi.advanceTimersByTimeAsync(100);
    // The Check waits, and was told it does (to hurry the evaluation), until the evaluation ends as it would have.
    expect(waitedFor).toBe(1);
    expect(ranAfter).toBeUndefined();
    e.calls[0]!.finish(10);
    expect(await check).toBe('stood');
    expect(ranAfter).toBe('done');

    // Waiting for a place behind other environments' evaluations, it would hold the Check up: stopped instead.
    const other = await gate.acquire(new AbortController().signal);
    s.trigger('cluster', at(2), state(2));
    await vi.advanceTimersByTimeAsync(60);
    expect(s.running).toBe(true);
    await s.pause(async () => 'measured', { finishRunning: true, onWait: () => waitedFor++ });
    expect(waitedFor).toBe(1);
    other();
    await vi.advanceTimersByTimeAsync(60);
    // Judged after the Check, as a stopped one is.
    expect(e.calls.map((c) => c.request.state?.key)).toEqual([1, 2]);
  });

  it('judges a frozen state again after a learner’s own Check interrupted it', async () => {
    const e = manualEvaluation();
    const s = new AutoCheckScheduler(e.evaluate, { debounceMs: 50, now: e.now });
    s.trigger('cluster', at(1), state(1));
    await vi.advanceTimersByTimeAsync(60);
    s.trigger('cluster', at(2), state(2));
    await s.pause(async () => {
      expect(e.calls[0]!.ended).toBe('aborted');
    });
    await vi.advanceTimersByTimeAsync(60);
    e.calls[1]!.finish(10);
    await vi.advanceTimersByTimeAsync(1);
    e.calls[2]!.finish(10);
    expect(e.calls.map((c) => c.request.state?.key)).toEqual([1, 1, 2]);
  });
});

describe('Gate', () => {
  it('lets `limit` holders in at once, the next in order, and drops a waiter whose signal aborts', async () => {
    const gate = new Gate(2);
    const never = new AbortController().signal;
    const a = await gate.acquire(never);
    const b = await gate.acquire(never);
    const order: string[] = [];
    const aborted = new AbortController();
    const c = gate.acquire(aborted.signal).then(
      () => order.push('c'),
      () => order.push('c aborted'),
    );
    const d = gate.acquire(never).then((release) => {
      order.push('d');
      return release;
    });
    aborted.abort();
    await c;
    a();
    const releaseD = await d;
    expect(order).toEqual(['c aborted', 'd']);
    expect(gate.held).toBe(2);
    b();
    releaseD();
    expect(gate.held).toBe(0);
  });

  it('gives a place back when every waiter left has aborted, and lets the next one in at once', async () => {
    const gate = new Gate(1);
    const release = await gate.acquire(new AbortController().signal);
    const gone = Array.from({ length: 3 }, () => new AbortController());
    const waits = gone.map((g) => gate.acquire(g.signal).catch(() => 'aborted'));
    for (const g of gone) g.abort();
    expect(await Promise.all(waits)).toEqual(['aborted', 'aborted', 'aborted']);
    release();
    expect(gate.held).toBe(0);
    const again = await gate.acquire(new AbortController().signal);
    expect(gate.held).toBe(1);
    again();
    expect(gate.held).toBe(0);
  });
});
