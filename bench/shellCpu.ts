/**
 * CPU and wall time per command of the lab shell, through the learner's path (a terminal: keys in, prompt out)
 * and the scripts' path (`runScript`), in one process: `node bench/shellCpu.ts [commands] [--profile NAME]`.
 * Also a learner who keeps a big variable (issue 9): what each later command costs them.
 * Small and self-contained, so two trees can be compared in turn
 * (`farm-bench -n 5 --vs 'node OTHER/bench/shellCpu.ts' -- node bench/shellCpu.ts`).
 */
import { writeFileSync } from 'node:fs';
import { createBackend } from '../lab-server/src/backends/index.ts';
import type { LabEnvironment, TerminalChannel } from '../lab-server/src/contract.ts';
import { loadLab } from '../lab-server/src/labs/load.ts';
import { hotFunctions, profiled } from './profile.ts';
import { quantile, round } from './stats.ts';

const args = process.argv.slice(2);
const profileAt = args.indexOf('--profile');
const profileName = profileAt >= 0 ? args[profileAt + 1] : undefined;
const times = Number(args.find((a) => /^\d+$/.test(a)) ?? 50);

const lab = loadLab('traffic-shifting');
const backend = await createBackend('sim', { seed: 42 });
const env = await backend.createEnvironment({ lab, owner: 'bench', seed: 42 });
await env.prepare();
await env.runScript('kubectl apply -f samples/bookinfo/networking/destination-rule-all.yaml');

/** Types a line into `terminal` and resolves when its command's record comes (the prompt follows at once). */
function typer(terminal: TerminalChannel): (line: string) => Promise<number> {
  let waiting: ((code: number) => void) | undefined;
  terminal.onCommand((record) => waiting?.(record.exitCode));
  terminal.onOutput(() => undefined);
  return (line) =>
    new Promise((resolve) => {
      waiting = resolve;
      terminal.write(`${line}\r`);
    });
}

/** Runs `task` `n` times after 5 warm-up runs: CPU per call and the wall median. */
async function measure(name: string, n: number, task: (i: number) => Promise<unknown>) {
  for (let i = 0; i < 5; i++) await task(i);
  const run = async () => {
    const wall: number[] = [];
    const cpu = process.cpuUsage();
    for (let i = 0; i < n; i++) {
      const start = performance.now();
      await task(i);
      wall.push(performance.now() - start);
    }
    const used = process.cpuUsage(cpu);
    return { wall, cpuMs: (used.user + used.system) / 1000 / n };
  };
  let result: Awaited<ReturnType<typeof run>>;
  if (profileName === name) {
    const { result: r, profile } = await profiled(run);
    result = r;
    writeFileSync(`/tmp/${name}.cpuprofile`, JSON.stringify(profile));
    for (const f of hotFunctions(profile, 30))
      process.stderr.write(`  ${f.selfMs.toFixed(1).padStart(8)} ms  ${f.name}  ${f.where}\n`);
  } else result = await run();
  process.stdout.write(
    `${name.padEnd(28)} CPU ${round(result.cpuMs).toString().padStart(7)} ms/command, wall median ` +
      `${round(quantile(result.wall, 0.5))} ms\n`,
  );
}

const files = ['virtual-service-reviews-50-v3.yaml', 'virtual-service-reviews-v3.yaml'];
const terminal = env.openTerminal({ cols: 120, rows: 30 });
const type = typer(terminal);
await measure('terminal-get', times, () => type('kubectl get pods'));
await measure('terminal-apply', times, (i) => type(`kubectl apply -f samples/bookinfo/networking/${files[i % 2]}`));
await measure('terminal-echo', times, () => type('echo hi'));
await measure('script-get', times, () => env.runScript('kubectl get pods'));
await measure('script-apply', times, (i) =>
  env.runScript(`kubectl apply -f samples/bookinfo/networking/${files[i % 2]}`),
);
// The same file again: an apply that changes nothing (the object as applied is the object stored).
await measure('script-apply, unchanged', times, () =>
  env.runScript(`kubectl apply -f samples/bookinfo/networking/${files[0]}`),
);
// Issue 9: a learner keeps a big variable (as big as the shell keeps), then types on.
const code = await type(`x=$(printf '%${Math.floor(1024 * 1024 * 0.99)}s' y)`);
if (code !== 0) throw new Error('bench: the big variable was refused');
await measure('terminal-echo, 1 MiB kept', Math.min(times, 20), () => type('echo hi'));
await measure('terminal-get, 1 MiB kept', Math.min(times, 20), () => type('kubectl get pods'));
terminal.close();
await (env as LabEnvironment).dispose();
await backend.close();
process.exit(0);
