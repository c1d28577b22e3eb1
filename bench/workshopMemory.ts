/**
 * Memory of a long class, in one process: `node --expose-gc bench/workshopMemory.ts [environments] [checks]` makes
 * that many chapter 1 environments at the 50/50 step, has each press the step's Check that many times (about 210
 * requests each), and prints the heap (what a worker's limit caps) and the memory outside it (container logs) after
 * a full collection. A worker holds about 500 environments among 1,000 learners, under a heap limit of 768 MB; run
 * with `--max-old-space-size=768` to see whether a class of that many Checks would outgrow it.
 */
import { createBackend } from '../lab-server/src/backends/index.ts';
import { loadLab } from '../lab-server/src/labs/load.ts';
import { checkStep } from '../lab-server/src/steps/check.ts';

const [environments = 200, checks = 6] = process.argv.slice(2).map(Number);
const collectGarbage = (globalThis as { gc?: () => void }).gc;
const mib = (bytes: number) => `${(bytes / 2 ** 20).toFixed(0)} MiB`;
const memory = () => {
  collectGarbage?.();
  const m = process.memoryUsage();
  return { heap: m.heapUsed, outside: m.arrayBuffers, rss: m.rss };
};

const lab = loadLab('traffic-shifting');
const step = lab.steps.find((s) => s.id === 'shift-50-v3');
if (!step) throw new Error('bench: the traffic-shifting lab has no step shift-50-v3');
const backend = await createBackend('sim');
const envs = [];
for (let i = 0; i < environments; i++) {
  // Unseeded, as a server's are: each starts from the chapter's shared starting state.
  const env = await backend.createEnvironment({ lab, owner: `learner-${i}` });
  await env.prepare();
  for (const file of ['destination-rule-all.yaml', 'virtual-service-reviews-50-v3.yaml'])
    await env.runScript(`kubectl apply -f samples/bookinfo/networking/${file}`);
  envs.push(env);
}
const ready = memory();
process.stdout.write(
  `${environments} environments at the 50/50 step: heap ${mib(ready.heap)}, outside the heap ${mib(ready.outside)}\n`,
);
for (let round = 1; round <= checks; round++) {
  for (const env of envs) await checkStep(env, lab, step, env.now(), { retry: false });
  const m = memory();
  process.stdout.write(
    `after ${round} Check${round > 1 ? 's' : ''} each: heap ${mib(m.heap)}, outside the heap ${mib(m.outside)},` +
      ` per environment ${((m.heap + m.outside - ready.heap - ready.outside) / environments / 2 ** 20).toFixed(2)} MiB` +
      ` more than ready; RSS ${mib(m.rss)}\n`,
  );
}
process.exit(0);
