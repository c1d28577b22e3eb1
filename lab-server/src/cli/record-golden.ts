/**
 * Records, for every step of every lab, what the step's commands print on a real cluster: one file per
 * step, `golden/kind/<lab>/<step>.json` ({command, stdout, stderr, exitCode} per command): the kind workflow
 * uploads them as the reference of what a real cluster prints (no test replays them yet). Steps run in order in one
 * environment: a step's commands are recorded, then its solution runs and its check must pass (so
 * the next step's commands see the state the lesson expects). A step that fails leaves
 * `<step>.failed.txt` beside the goldens, and the run exits 1.
 *
 * Lives with the CLI, not the kind backend, because it runs the steps' checks (a backend never imports them).
 *
 * Usage: node lab-server/src/cli/record-golden.ts [--lab <id>] [--out golden/kind] [--backend kind|sim]
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createBackend } from '../backends/index.ts';
import { goldenScript, parseGoldenOutput, type GoldenCommand } from '../backends/kind/goldenScript.ts';
import type { LabBackend } from '../contract.ts';
import { loadAllLabs, loadLab, type LoadedLab } from '../labs/load.ts';
import { StepSession } from '../steps/session.ts';

/** One golden file. */
export interface GoldenFile {
  lab: string;
  step: string;
  backend: string;
  recordedAt: string;
  commands: GoldenCommand[];
}

/** Records one lab; returns the steps that failed. */
export async function recordLab(
  lab: LoadedLab,
  backend: LabBackend,
  outDir: string,
  log: (line: string) => void,
): Promise<string[]> {
  const failed: string[] = [];
  const dir = join(outDir, lab.id);
  mkdirSync(dir, { recursive: true });
  const env = await backend.createEnvironment({ lab, owner: 'golden' });
  try {
    await env.prepare();
    const steps = new StepSession(lab, env);
    for (const step of lab.steps) {
      const problems: string[] = [];
      if (step.commands.length > 0) {
        const run = await env.runScript(goldenScript(step.commands));
        const commands = parseGoldenOutput(step.commands, run.output);
        const file: GoldenFile = {
          lab: lab.id,
          step: step.id,
          backend: backend.name,
          recordedAt: new Date().toISOString(),
          commands,
        };
        writeFileSync(join(dir, `${step.id}.json`), `${JSON.stringify(file, null, 2)}\n`);
        if (commands.some((c) => c.exitCode === -1)) problems.push(`recording stopped early:\n${run.output}`);
      }
      if (step.solution.trim()) {
        const solved = await env.runScript(step.solution);
        if (solved.exitCode !== 0) problems.push(`solution exited with ${solved.exitCode}:\n${solved.output}`);
      }
      if (step.check && problems.length === 0) {
        const { outcome } = await steps.check(step.id);
        if (!outcome.ok)
          problems.push(
            `check failed after the solution: ` +
              `${outcome.explanation.en}\n${outcome.evidence.map((e) => `${e.action} -> ${e.result}`).join('\n')}`,
          );
      }
      if (problems.length > 0) {
        failed.push(`${lab.id}/${step.id}`);
        writeFileSync(join(dir, `${step.id}.failed.txt`), `${problems.join('\n\n')}\n`);
      }
      log(
        `${problems.length ? '✗' : '✓'} ` +
          `${lab.id}/${step.id}` +
          `${step.commands.length ? ` (${step.commands.length} command${step.commands.length > 1 ? 's' : ''} recorded)` : ''}`,
      );
    }
  } catch (error) {
    failed.push(`${lab.id} (environment)`);
    writeFileSync(join(dir, '_environment.failed.txt'), `${error instanceof Error ? error.message : String(error)}\n`);
    log(`✗ ${lab.id}: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`);
  } finally {
    await env.dispose().catch(() => undefined);
  }
  return failed;
}

async function main(argv: string[]): Promise<number> {
  const { values } = parseArgs({
    args: argv,
    options: { lab: { type: 'string' }, out: { type: 'string' }, backend: { type: 'string' } },
    strict: true,
  });
  const backendName = values.backend ?? 'kind';
  const outDir = resolve(values.out ?? join('golden', backendName));
  const labs = (values.lab ? [loadLab(values.lab)] : loadAllLabs()).filter((l) => l.status === 'ready');
  const backend = await createBackend(backendName);
  const failed: string[] = [];
  try {
    for (const lab of labs)
      failed.push(...(await recordLab(lab, backend, outDir, (line) => process.stdout.write(`${line}\n`))));
  } finally {
    await backend.close();
  }
  process.stdout.write(
    `${failed.length ? `${failed.length} step(s) failed: ${failed.join(', ')}` : 'all steps recorded'}; goldens in ${outDir}\n`,
  );
  return failed.length ? 1 : 0;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then(
    (code) => {
      process.exitCode = code;
      setTimeout(() => process.exit(code), 50).unref();
    },
    (error: unknown) => {
      process.stderr.write(`record-golden: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
