/**
 * A lab on the simulator for content tests: a fresh environment in the chapter's starting state, and
 * step checks run through the steps module (`lab-server/src/steps/check.ts`), as `labs verify` runs them.
 */
import type { LabBackend, LabEnvironment } from '../../lab-server/src/contract.ts';
import type { LoadedLab, ResolvedStep } from '../../lab-server/src/labs/load.ts';
import { createBackend } from '../../lab-server/src/backends/index.ts';
import { checkStep, type CheckOutcome } from '../../lab-server/src/steps/check.ts';

export type { CheckOutcome };

/** An open environment and how to close it. */
export interface OpenLab {
  env: LabEnvironment;
  close(): Promise<void>;
}

/** A fresh environment of `lab` on a virtual-clock simulator seeded with `seed`, prepared. */
export async function openSimLab(lab: LoadedLab, seed: number): Promise<OpenLab> {
  const backend = await simBackend(seed);
  const env = await backend.createEnvironment({ lab, owner: `content-test-${seed}`, seed });
  await env.prepare();
  return {
    env,
    async close() {
      await env.dispose();
      await backend.close();
    },
  };
}

/** The simulator with a virtual clock and a seeded random source (`createSimBackend({ clock: 'virtual', seed })`). */
export function simBackend(seed: number): Promise<LabBackend> {
  // Through the registry, so a checkout without the simulator fails with its clear "not available" message.
  return createBackend('sim', { clock: 'virtual', seed });
}

/**
 * Runs a step's check once it is expected to hold (`retry`) or once, as verify's "must fail before" run
 * does. The test says when the step began (`began` bounds what `ran` and `logs` checks look at).
 */
export function runStepCheck(
  env: LabEnvironment,
  lab: LoadedLab,
  step: ResolvedStep,
  began: Date,
  options: { retry: boolean },
): Promise<CheckOutcome> {
  return checkStep(env, lab, step, began, { retry: options.retry });
}
