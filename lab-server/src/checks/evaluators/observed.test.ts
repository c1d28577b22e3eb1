/**
 * The `observed` check on the real simulator: requests the learner sent before the step began are named in a
 * failing Check's explanation; a background check (only the verdict wanted) fails the same way without looking.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { createSimBackend } from '../../backends/sim/index.ts';
import type { LabEnvironment } from '../../contract.ts';
import { loadLab } from '../../labs/load.ts';
import { checkStep } from '../../steps/check.ts';
import { typeScript } from '../../terminal/typing.ts';
import { DEFAULT_LIMITS } from '../types.ts';

const lab = loadLab('traffic-shifting');
const step = lab.steps.find((s) => s.id === 'see-no-stars')!;
const open: LabEnvironment[] = [];

afterEach(async () => {
  await Promise.all(open.splice(0).map((e) => e.dispose()));
});

describe('the observed check', () => {
  it('names the requests sent before the step began, unless only the verdict is wanted', async () => {
    const env = await createSimBackend({ clock: 'virtual', seed: 21 }).createEnvironment({ lab, owner: 'observed' });
    open.push(env);
    await env.prepare();
    const terminal = env.openTerminal({ cols: 120, rows: 30 });
    // The learner looks, then (a second later on the environment's clock) the step begins.
    expect((await typeScript(terminal, `${step.solution}\nsleep 1`)).exitCode).toBe(0);
    const began = env.now();
    let logReads = 0;
    const counting: LabEnvironment = new Proxy(env, {
      get(target, name) {
        if (name === 'logs') logReads++;
        const value = Reflect.get(target, name, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });

    const check = await checkStep(counting, lab, step, began, { retry: false });
    expect(check).toMatchObject({ ok: false, signature: 'few:0' });
    expect(check.explanation.en).toMatch(/the 1 sent before it count for the step before/);
    expect(check.evidence.map((e) => e.action).join('\n')).toMatch(/in the 15 minutes before/);
    const reads = logReads;

    logReads = 0;
    const limits = { ...DEFAULT_LIMITS, verdictOnly: true };
    const verdict = await checkStep(counting, lab, step, began, { retry: false, limits });
    expect(verdict).toMatchObject({ ok: false, signature: 'few:0' });
    expect(verdict.evidence.map((e) => e.action).join('\n')).not.toMatch(/minutes before/);
    // One read per reviews pod instead of three.
    expect(logReads * 3).toBe(reads);
  });
});
