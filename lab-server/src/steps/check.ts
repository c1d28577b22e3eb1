/**
 * Checking one step: which files its explanations may name, when its window opens, and the checks engine.
 * Every caller (the server's Check, automatic checks, `labs verify`, the golden recorder, the lab tests and
 * the bench) runs a step's check through `checkStep`.
 */
import type { LabEnvironment } from '../contract.ts';
import { runCheck, type CheckOutcome, type RunOptions } from '../checks/run.ts';
import type { CheckLimits, LabFileRef } from '../checks/types.ts';
import type { LoadedLab, ResolvedStep } from '../labs/load.ts';

export type { CheckOutcome };

/** How a step's check runs: the engine's options, its bounds and a way to stop it. */
export interface CheckStepOptions extends RunOptions {
  limits?: CheckLimits;
  signal?: AbortSignal;
}

/** The lab's editor files: an explanation may name the one that defines what is missing, whatever the step. */
export function checkFiles(lab: LoadedLab): LabFileRef[] {
  return lab.steps.flatMap((s) => s.files.map((f) => ({ name: f.name, content: f.content })));
}

/** A step without a check cannot be checked: a reading step. */
export class NoCheckError extends Error {
  constructor(step: ResolvedStep) {
    super(`step "${step.id}" has no check`);
    this.name = 'NoCheckError';
  }
}

/** Runs `step`'s check in `env`, counting what happened since `began` as the step's. */
export function checkStep(
  env: LabEnvironment,
  lab: LoadedLab,
  step: ResolvedStep,
  began: Date,
  options: CheckStepOptions = {},
): Promise<CheckOutcome> {
  if (!step.check) throw new NoCheckError(step);
  const { limits, signal, ...run } = options;
  return runCheck(step.check, { env, stepStartedAt: began, files: checkFiles(lab), limits, signal }, run);
}
