import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { AutoCheckScheduler, Gate, type EvaluationRequest } from './autoCheck.ts';

const t0 = new Date('2026-01-01T10:00:00Z');
const at = (s: number) => new Date(t0.getTime() + s * 1000);

/** An evaluation that takes `ms` of (fake) time unless aborted, recording what it was asked and how it ended. */
function slowEvaluation(ms: number) {
  const calls: { request: EvaluationRequest; ended?: 'done' | 'aborted' }[] = [];
  let inFlight = 0;
  let maxInFlight = 0;
  const evaluate = (request: EvaluationRequest) =>
    new Promise<void>((resolve) => {
      const call: (typeof calls)[number] = { request };
      calls.push(call);
      inFlight++;
      maxInFlight = Math.max(maxInFlight, inFlight);
      const timer = setTimeout(() => {
        call.ended = 'done';
        inFlight--;
        resolve();
      }, ms);
      request.signal.addEventListener('abort', () => {
        clearTimeout(timer);
        call.ended = 'aborted';
        inFlight--;
        resolve();
      });
    });
  return { calls, evaluate, maxInFlight: () => maxInFlight };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('AutoCheckScheduler', () => {
  it('debounces a burst of commands into one evaluation, held from the last command of the burst', async () => {
    const e = slowEvaluation(100);
    const s = new AutoCheckScheduler(e.evaluate, { debounceMs: 400, now: () => Date.now() });
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
    await vi.advanceTimersByTimeAsync(100);
    expect(e.calls[0]!.ended).toBe('done');
  });

  it('cancels a running evaluation at the next command, and never runs two at once', async () => {
    const e = slowEvaluation(1_000);
    const s = new AutoCheckScheduler(e.evaluate, { debounceMs: 100, now: () => Date.now() });
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
    await vi.advanceTimersByTimeAsync(5_000);
    expect(e.maxInFlight()).toBe(1);
    expect(e.calls.at(-1)!.ended).toBe('done');
  });

  it('keeps each environment within its CPU budget: past it, the next evaluation waits for room in the window', async () => {
    const e = slowEvaluation(1_000);
    const s = new AutoCheckScheduler(e.evaluate, {
      debounceMs: 10,
      budgetMs: 2_000,
      windowMs: 10_000,
      now: () => Date.now(),
    });
    const started: number[] = [];
    for (let i = 0; i < 6; i++) {
      s.trigger('cluster', at(i));
      await vi.advanceTimersByTimeAsync(1_100);
      started.push(e.calls.length);
    }
    // Two full evaluations fill the 2 s budget; the third waits until the first leaves the 10 s window.
    expect(started.slice(0, 3)).toEqual([1, 2, 2]);
    expect(s.spentMs).toBeLessThanOrEqual(2_000);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(e.calls.length).toBe(3);
    expect(e.calls.every((c) => c.ended === 'done')).toBe(true);
  });

  it('pauses for a learner’s own Check: the running evaluation stops first, pending triggers run after', async () => {
    const e = slowEvaluation(1_000);
    const s = new AutoCheckScheduler(e.evaluate, { debounceMs: 50, now: () => Date.now() });
    s.trigger('cluster', at(1));
    await vi.advanceTimersByTimeAsync(60);
    let evaluatingDuringTask = true;
    const task = s.pause(async () => {
      evaluatingDuringTask = s.running;
      s.trigger('action', at(2));
      await new Promise((r) => setTimeout(r, 500));
      return 'checked';
    });
    await vi.advanceTimersByTimeAsync(520);
    expect(await task).toBe('checked');
    expect(evaluatingDuringTask).toBe(false);
    expect(e.calls).toHaveLength(1);
    expect(e.calls[0]!.ended).toBe('aborted');
    await vi.advanceTimersByTimeAsync(60);
    expect(e.calls).toHaveLength(2);
  });

  it('looks again after a cluster change on an environment that takes time to apply it, unless something newer came', async () => {
    const e = slowEvaluation(10);
    const s = new AutoCheckScheduler(e.evaluate, {
      debounceMs: 10,
      followUpsMs: [1_000, 3_000],
      now: () => Date.now(),
    });
    s.trigger('cluster', at(1));
    await vi.advanceTimersByTimeAsync(4_000);
    expect(e.calls.map((c) => c.request.scope)).toEqual(['cluster', 'cluster', 'cluster']);
    s.trigger('action', at(5));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(e.calls).toHaveLength(4);
  });

  it('forgets pending triggers when cleared (a reset) and stops for good when disposed', async () => {
    const e = slowEvaluation(10);
    const s = new AutoCheckScheduler(e.evaluate, { debounceMs: 100, now: () => Date.now() });
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
});
