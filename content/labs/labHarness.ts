/**
 * What every lab's simulator test needs: fresh environments closed after each test, scripts that must
 * succeed, solutions up to a step, one check attempt, and `labs verify` over the whole lab.
 */
import { afterEach, expect } from 'vitest';
import type { LabEnvironment } from '../../lab-server/src/contract.ts';
import { verifyLab } from '../../lab-server/src/cli/verifyLab.ts';
import { loadLab } from '../../lab-server/src/labs/load.ts';
import type { LabApi } from '../../lab-server/src/labs/schema.ts';
import { labForApi } from '../../lab-server/src/labs/variants.ts';
import { openSimLab, runStepCheck, simBackend, type CheckOutcome } from './simLab.ts';

/** Registers the cleanup hook and returns the helpers for one lab, its steps as `api` has them (default Istio's). */
export function simLabHarness(labId: string, api: LabApi = 'istio') {
  const chapter = loadLab(labId);
  const lab = labForApi(chapter, api);
  const step = (id: string) => {
    const found = lab.steps.find((s) => s.id === id);
    if (!found) throw new Error(`no step ${id}`);
    return found;
  };
  const opened: { close(): Promise<void> }[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((o) => o.close()));
  });

  /** A fresh environment of the lab in its starting state. */
  const fresh = async (seed: number): Promise<LabEnvironment> => {
    const open = await openSimLab(lab, seed);
    opened.push(open);
    return open.env;
  };

  /** Runs a script in the lab shell and insists it succeeded. */
  const run = async (env: LabEnvironment, script: string): Promise<string> => {
    const result = await env.runScript(script);
    expect(result.exitCode, `${script}\n${result.output}`).toBe(0);
    return result.output;
  };

  /** Runs the solutions of the steps before `id`. */
  const solveUpTo = async (env: LabEnvironment, id: string): Promise<void> => {
    for (const s of lab.steps) {
      if (s.id === id) return;
      await run(env, s.solution);
    }
    throw new Error(`no step ${id}`);
  };

  /** One attempt of a step's check, counting commands since `since` as the step's (as verify's first run). */
  const checkOnce = (env: LabEnvironment, id: string, since: Date = env.now()): Promise<CheckOutcome> =>
    runStepCheck(env, lab, step(id), since, { retry: false });

  /** `labs verify` on a fresh simulator: every check fails before its step (unless it observes) and passes after. */
  const expectVerifyPasses = async (seed: number): Promise<void> => {
    const backend = await simBackend(seed);
    try {
      const verdicts = await verifyLab(chapter, backend, { locale: 'en', api });
      expect(verdicts.map((v) => v.step)).toEqual(lab.steps.map((s) => s.id));
      for (const v of verdicts) expect(v.ok, `${v.step}: ${v.problem} ${v.details.join(' | ')}`).toBe(true);
    } finally {
      await backend.close();
    }
  };

  return { lab, step, fresh, run, solveUpTo, checkOnce, expectVerifyPasses };
}
