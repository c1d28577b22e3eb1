/**
 * Runs a task's doc test on a fresh simulator through the lab shell (`labs shell`'s path: the environment's
 * `runScript`, as if typed), one snippet at a time, keeping exported variables from snippet to snippet as a
 * learner's session keeps them. A verified output that does not hold yet is retried as verify.sh retries it
 * (7 attempts, sleeping 2, 4, 8... seconds of the environment's clock between them).
 */
import { fileURLToPath } from 'node:url';
import type { LabEnvironment } from '../../lab-server/src/contract.ts';
import { createBackend } from '../../lab-server/src/backends/index.ts';
import { loadLabFile } from '../../lab-server/src/labs/load.ts';
import type { DocStep, DocTask } from './task.ts';
import { verify } from './verify.ts';

/** How one verified step went. */
export interface StepOutcome {
  step: DocStep;
  ok: boolean;
  attempts: number;
  /** The output of the last attempt. */
  output: string;
  exitCode: number;
}

const ENV_FILE = '/root/.doctest.env';
const ATTEMPTS = 7;

/** The shell text for one snippet: the session's exports back in, the snippet, its exports saved, its status kept. */
function wrap(text: string): string {
  return [
    `[ -f ${ENV_FILE} ] && . ${ENV_FILE}`,
    text,
    '__doctest_status=$?',
    `export -p | grep -v -E ' (PWD|OLDPWD|HOME|PATH|SHLVL|TERM|USER|LANG|HOSTNAME)=' > ${ENV_FILE}`,
    '(exit $__doctest_status)',
  ].join('\n');
}

async function run(env: LabEnvironment, text: string): Promise<{ output: string; exitCode: number }> {
  const result = await env.runScript(wrap(text));
  return { output: result.output, exitCode: result.exitCode };
}

/** Runs `task` on a simulator seeded with `seed`; every verified step's outcome. Setup failures throw. */
export async function runDocTask(task: DocTask, seed: number): Promise<StepOutcome[]> {
  const backend = await createBackend('sim', { clock: 'virtual', seed });
  const lab = loadLabFile(fileURLToPath(new URL('./lab.yaml', import.meta.url)));
  const env = await backend.createEnvironment({ lab, owner: `doctest-${task.id}`, seed });
  try {
    await env.prepare();
    for (const command of task.setup) {
      const r = await run(env, command);
      if (r.exitCode !== 0) throw new Error(`${task.id}: setup "${command}" failed (exit ${r.exitCode}):\n${r.output}`);
    }
    const outcomes: StepOutcome[] = [];
    for (const step of task.steps) {
      if (!step.verify) {
        await run(env, step.run);
        continue;
      }
      const { rule, expected } = step.verify;
      let attempt = 1;
      for (;;) {
        const r = await run(env, step.run);
        // not contains also insists the command worked (verify.sh's failonerr), or a failure would pass it.
        const ok = verify(rule, r.output, expected) && (rule !== 'notContains' || r.exitCode === 0);
        if (ok || attempt >= ATTEMPTS) {
          outcomes.push({ step, ok, attempts: attempt, output: r.output, exitCode: r.exitCode });
          break;
        }
        await env.runScript(`sleep ${2 ** attempt}`);
        attempt++;
      }
    }
    return outcomes;
  } finally {
    await env.dispose();
    await backend.close();
  }
}
