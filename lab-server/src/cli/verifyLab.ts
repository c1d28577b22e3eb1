/**
 * The logic of `labs verify` for one lab: each step's check must fail before its solution ran (else
 * it cannot tell anything; steps that only observe an earlier result are exempt), and pass after.
 * Solutions are typed into one terminal of one environment, exactly as Solve types them for a learner.
 */
import type { LabBackend } from '../contract.ts';
import type { LoadedLab } from '../labs/load.ts';
import type { LabApi, Locale } from '../labs/schema.ts';
import { labForApi } from '../labs/variants.ts';
import type { RunOptions } from '../checks/run.ts';
import { checkStep } from '../steps/check.ts';
import { StepSession } from '../steps/session.ts';

/** How one step fared. */
export interface StepVerdict {
  step: string;
  title: string;
  ok: boolean;
  /** Where it went wrong: the check passed too early, the solution failed, or the check failed after. */
  problem?: 'passes-before' | 'solution-failed' | 'fails-after';
  /** Lines explaining a failure (or what was skipped). */
  details: string[];
  durationMs: number;
}

/** Options of a verification run. */
export interface VerifyOptions {
  locale: Locale;
  /** The API whose steps run (default Istio's); a chapter without a Gateway API variant runs Istio's. */
  api?: LabApi;
  /** Called as each step starts. */
  onStepStart?: (step: string, title: string) => void;
  /** Called as each step finishes (the CLI prints its line then). */
  onStep?: (verdict: StepVerdict) => void;
  /** Passed to the after-solution check runs (tests shorten the waits). */
  checkOptions?: RunOptions;
}

/** Verifies a whole lab in one fresh environment; never throws for a failing step. */
export async function verifyLab(lab: LoadedLab, backend: LabBackend, options: VerifyOptions): Promise<StepVerdict[]> {
  const env = await backend.createEnvironment({ lab, owner: 'verify' });
  const verdicts: StepVerdict[] = [];
  try {
    await env.prepare();
    const terminal = env.openTerminal({ cols: 120, rows: 40 });
    const steps = new StepSession(lab, env, undefined, options.api ?? 'istio');
    const chapter = labForApi(lab, steps.api);
    for (const step of chapter.steps) {
      const started = performance.now();
      const title = step.title[options.locale];
      options.onStepStart?.(step.id, title);
      const finish = (ok: boolean, details: string[], problem?: StepVerdict['problem']) => {
        const verdict: StepVerdict = {
          step: step.id,
          title,
          ok,
          details,
          durationMs: Math.round(performance.now() - started),
          ...(problem ? { problem } : {}),
        };
        verdicts.push(verdict);
        options.onStep?.(verdict);
      };
      if (step.check && !step.observes) {
        const before = await checkStep(env, chapter, step, steps.began(step.id), { retry: false });
        if (before.ok) {
          finish(
            false,
            [
              'the check already passes before the step is done, so it cannot tell whether the ' +
                'step was done (mark the step `observes: true` if it only observes an earlier result)',
            ],
            'passes-before',
          );
          continue;
        }
      }
      const solved = await steps.solve(terminal, step.id, { catchUp: false });
      if (!solved.ok) {
        finish(
          false,
          [
            solved.timedOut
              ? 'the solution did not finish in time'
              : `the solution's command \`${solved.lastLine ?? ''}\` exited with ${solved.exitCode}`,
          ],
          'solution-failed',
        );
        continue;
      }
      if (!step.check) {
        finish(true, ['no check: a reading step']);
        continue;
      }
      const { outcome: after } = await steps.check(step.id, options.checkOptions ?? {});
      if (!after.ok) {
        finish(
          false,
          [
            after.explanation[options.locale],
            ...after.evidence.map((e) => `${e.action} -> ${e.result.split('\n')[0]}`),
          ],
          'fails-after',
        );
        continue;
      }
      finish(true, []);
    }
    terminal.close();
  } finally {
    await env.dispose().catch(() => undefined);
  }
  return verdicts;
}
