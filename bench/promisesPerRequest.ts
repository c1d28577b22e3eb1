/**
 * Promises a simulated request makes, and where: `node bench/promisesPerRequest.ts [checks]` runs the 50/50 step's
 * traffic check in process (warmed up first), counts every promise created meanwhile (`v8.promiseHooks`), and prints
 * the count per request and the code that creates them most (one promise in seven sampled with its two callers).
 * Each is an allocation and, when awaited, at least one promise job; concurrent requests interleave by those jobs.
 */
import { promiseHooks } from 'node:v8';
import { createBackend } from '../lab-server/src/backends/index.ts';
import { loadLab } from '../lab-server/src/labs/load.ts';
import { checkStep } from '../lab-server/src/steps/check.ts';

const checks = Number(process.argv[2] ?? 5);
const SAMPLE_EVERY = 7;
const lab = loadLab('traffic-shifting');
const step = lab.steps.find((s) => s.id === 'shift-50-v3');
if (!step) throw new Error('bench: the traffic-shifting lab has no step shift-50-v3');
const backend = await createBackend('sim', { seed: 42 });
const env = await backend.createEnvironment({ lab, owner: 'bench', seed: 42 });
await env.prepare();
for (const file of ['destination-rule-all.yaml', 'virtual-service-reviews-50-v3.yaml'])
  await env.runScript(`kubectl apply -f samples/bookinfo/networking/${file}`);
for (let i = 0; i < 3; i++) await checkStep(env, lab, step, env.now(), { retry: false });

let promises = 0;
const sites = new Map<string, number>();
Error.stackTraceLimit = 4;
const stop = promiseHooks.createHook({
  init() {
    if (++promises % SAMPLE_EVERY !== 0) return;
    // The frames below the hook itself: the function that made the promise, and its caller.
    const frames = (new Error().stack ?? '').split('\n').slice(2, 4);
    const site = frames
      .map((f) =>
        f
          .trim()
          .replace(/^at /, '')
          .replace(/\(.*\/src\//, '('),
      )
      .join(' < ');
    sites.set(site, (sites.get(site) ?? 0) + 1);
  },
});
let sent = 0;
for (let i = 0; i < checks; i++) {
  const r = await checkStep(env, lab, step, env.now(), { retry: false });
  sent += Number(/x(\d+)$/.exec(r.evidence[0]?.action ?? '')?.[1] ?? 0);
}
stop();
process.stdout.write(`${(promises / sent).toFixed(1)} promises per request (${sent} requests, ${checks} checks)\n`);
for (const [site, count] of [...sites].sort((a, b) => b[1] - a[1]).slice(0, 30))
  process.stdout.write(`${((count * SAMPLE_EVERY) / sent).toFixed(1).padStart(6)}  ${site}\n`);
await env.dispose();
await backend.close();
process.exit(0);
