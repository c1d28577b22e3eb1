/**
 * CPU of what a learner types between Checks, in one process: `node bench/changeCpu.ts [commands]`. An environment
 * at the 50/50 step runs, in turn, a command that changes nothing (`true`), one that changes an object (`kubectl
 * label`: the controllers pass over the cluster and the proxies' view of the objects is rebuilt), and five requests
 * through the ingress gateway (the first after a change recomputes what the proxies need), then five more (the
 * difference is that recomputing). Prints each one's CPU per
 * command, min and median of 12 batches: the VM's noise moves single runs by a third.
 */
import { createBackend } from '../lab-server/src/backends/index.ts';
import { loadLab } from '../lab-server/src/labs/load.ts';

const lab = loadLab('traffic-shifting');
const backend = await createBackend('sim', { seed: 42 });
const env = await backend.createEnvironment({ lab, owner: 'bench', seed: 42 });
await env.prepare();
for (const file of ['destination-rule-all.yaml', 'virtual-service-reviews-50-v3.yaml'])
  await env.runScript(`kubectl apply -f samples/bookinfo/networking/${file}`);
const perBatch = Number(process.argv[2] ?? 25);
const parts = {
  'true (changes nothing)': () => 'true',
  'kubectl label svc reviews (one object changed)': (i: number) => `kubectl label svc reviews bench=v${i} --overwrite`,
  '5 curl through the gateway, after the change': () =>
    'for i in 1 2 3 4 5; do curl -s -o /dev/null http://127.0.0.1:8080/productpage; done',
  '5 curl more, nothing changed since': () =>
    'for i in 1 2 3 4 5; do curl -s -o /dev/null http://127.0.0.1:8080/productpage; done',
};
const cpuMs = () => {
  const u = process.threadCpuUsage();
  return (u.user + u.system) / 1000;
};
const spent = new Map<string, number[]>(Object.keys(parts).map((name) => [name, []]));
let n = 0;
for (let batch = -1; batch < 12; batch++) {
  const sums = new Map<string, number>();
  for (let i = 0; i < perBatch; i++)
    for (const [name, command] of Object.entries(parts)) {
      const before = cpuMs();
      await env.runScript(command(n++));
      sums.set(name, (sums.get(name) ?? 0) + cpuMs() - before);
    }
  // The first batch warms the code up: not counted.
  if (batch >= 0) for (const [name, sum] of sums) spent.get(name)!.push(sum / perBatch);
}
for (const [name, values] of spent) {
  values.sort((a, b) => a - b);
  const median = values[Math.floor(values.length / 2)]!;
  process.stdout.write(`${name}: min ${values[0]!.toFixed(2)} ms, median ${median.toFixed(2)} ms\n`);
}
await env.dispose?.();
