/**
 * A class presses Check on the 50/50 traffic step at once (each a traffic check of ~200 simulated requests)
 * while one more learner types `kubectl get pods` every 50 ms, through the worker pool as `labs serve` runs it
 * (two workers, real clock). Prints when the checks finished (p50, p95, last) and how long the typed commands
 * waited meanwhile: what a worker's order of work (which slice runs next) means for both.
 * Small and self-contained, so two trees can be compared in turn:
 * `node bench/checkBurst.ts [checks]` (default 40).
 */
import { runCheck } from '../lab-server/src/checks/run.ts';
import type { LabEnvironment, TerminalChannel } from '../lab-server/src/contract.ts';
import { createPoolBackend } from '../lab-server/src/backends/pool/index.ts';
import { loadLab } from '../lab-server/src/labs/load.ts';
import { quantile, round } from './stats.ts';

const checks = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? 40);
const lab = loadLab('traffic-shifting');
const step = lab.steps.find((s) => s.id === 'shift-50-v3');
if (!step?.check) throw new Error('bench: the traffic-shifting lab has no check on shift-50-v3');
const check = step.check;

const backend = createPoolBackend({ workers: 2 });
await backend.ready();
await backend.warm([lab]);

/** An environment at the 50/50 step. */
async function fiftyFifty(owner: string): Promise<LabEnvironment> {
  const env = await backend.createEnvironment({ lab, owner });
  await env.prepare();
  for (const file of ['destination-rule-all.yaml', 'virtual-service-reviews-50-v3.yaml'])
    await env.runScript(`kubectl apply -f samples/bookinfo/networking/${file}`);
  return env;
}

/** Types a line into `terminal` and resolves with the milliseconds until its command's record came. */
function typer(terminal: TerminalChannel): (line: string) => Promise<number> {
  let waiting: (() => void) | undefined;
  terminal.onCommand(() => waiting?.());
  terminal.onOutput(() => undefined);
  return (line) =>
    new Promise((resolve) => {
      const start = performance.now();
      waiting = () => resolve(performance.now() - start);
      terminal.write(`${line}\r`);
    });
}

const envs = await Promise.all(Array.from({ length: checks }, (_, i) => fiftyFifty(`burst-${i}`)));
const probe = await fiftyFifty('probe');
const type = typer(probe.openTerminal({ cols: 120, rows: 30 }));
for (let i = 0; i < 5; i++) await type('kubectl get pods');

const start = performance.now();
let burstOver = false;
const typed: number[] = [];
const typing = (async () => {
  while (!burstOver) {
    typed.push(await type('kubectl get pods'));
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
})();
const finished = await Promise.all(
  envs.map(async (env) => {
    const outcome = await runCheck(check, { env, stepStartedAt: new Date(0), files: [] });
    if (!outcome.ok) throw new Error('bench: a 50/50 check failed');
    return performance.now() - start;
  }),
);
burstOver = true;
await typing;
await backend.close();

const line = (name: string, values: number[]) =>
  `${name.padEnd(34)} p50 ${round(quantile(values, 0.5))} ms, p95 ${round(quantile(values, 0.95))} ms, ` +
  `max ${round(Math.max(...values))} ms (${values.length})`;
process.stdout.write(`${line(`${checks} checks at once: finished`, finished)}\n`);
process.stdout.write(`${line('commands typed meanwhile', typed)}\n`);
process.exit(0);
