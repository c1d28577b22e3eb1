/**
 * CPU per simulated request of the 50/50 step's traffic check, and per `kubectl get pods`, in one process:
 * `node bench/trafficCpu.ts [checks]`. Small and self-contained, so two trees can be compared in turn
 * (`farm-bench -n 5 --vs 'node OTHER/bench/trafficCpu.ts 10' -- node bench/trafficCpu.ts 10`).
 */
import { createBackend } from '../lab-server/src/backends/index.ts';
import { loadLab } from '../lab-server/src/labs/load.ts';
import { checkStep } from '../lab-server/src/steps/check.ts';

const lab = loadLab('traffic-shifting');
const backend = await createBackend('sim', { seed: 42 });
const env = await backend.createEnvironment({ lab, owner: 'bench', seed: 42 });
await env.prepare();
for (const file of ['destination-rule-all.yaml', 'virtual-service-reviews-50-v3.yaml'])
  await env.runScript(`kubectl apply -f samples/bookinfo/networking/${file}`);
const step = lab.steps.find((s) => s.id === 'shift-50-v3');
if (!step) throw new Error('bench: the traffic-shifting lab has no step shift-50-v3');
const checks = Number(process.argv[2] ?? 10);
// Warm-up: the code paths compiled and the configuration computed before counting.
for (let i = 0; i < 3; i++) await checkStep(env, lab, step, env.now(), { retry: false });
let sent = 0;
const cpu = process.cpuUsage();
for (let i = 0; i < checks; i++) {
  const r = await checkStep(env, lab, step, env.now(), { retry: false });
  sent += Number(/x(\d+)$/.exec(r.evidence[0]?.action ?? '')?.[1] ?? 0);
}
const used = process.cpuUsage(cpu);
const gets = 50;
const getCpu = process.cpuUsage();
for (let i = 0; i < gets; i++) await env.runScript('kubectl get pods');
const getUsed = process.cpuUsage(getCpu);
const ms = (u: NodeJS.CpuUsage, n: number) => ((u.user + u.system) / 1000 / n).toFixed(3);
process.stdout.write(`traffic: ${sent} requests, CPU per request ${ms(used, sent)} ms\n`);
process.stdout.write(`kubectl get pods: CPU per command ${ms(getUsed, gets)} ms\n`);
await env.dispose();
await backend.close();
process.exit(0);
