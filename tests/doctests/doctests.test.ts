/**
 * istio.io's traffic-management task pages, run on the simulator through the lab shell as their doc tests run them
 * on a kind cluster with Istio 1.30: every verified output must hold by the page's own rule.
 */
import { describe, expect, it } from 'vitest';
import { runDocTask } from './runner.ts';
import { TASKS } from './tasks/index.ts';

describe('istio.io traffic-management tasks on the simulator', () => {
  it.each(TASKS.map((t, i) => [t.id, t, i] as const))('%s', async (_id, task, i) => {
    const outcomes = await runDocTask(task, 100 + i);
    const failed = outcomes.filter((o) => !o.ok);
    expect(
      failed.map((o) => ({
        step: o.step.name,
        rule: o.step.verify?.rule,
        expected: o.step.verify?.expected,
        got: o.output,
        exitCode: o.exitCode,
      })),
    ).toEqual([]);
    expect(outcomes.length).toBe(task.steps.filter((s) => s.verify).length);
  });
});
