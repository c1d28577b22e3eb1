/**
 * CPU per simulated request of the 50/50 step's traffic check, and per `kubectl get pods`, in one process:
 * `node bench/trafficCpu.ts [checks] [--pool]`. Small and self-contained, so two trees can be compared in turn
 * (`farm-bench -n 5 --vs 'node OTHER/bench/trafficCpu.ts 10' -- node bench/trafficCpu.ts 10`).
 * `--pool`: the environment in the worker pool `labs serve` uses (one worker); the CPU per check is split between
 * the calling thread (the server's front) and the worker, and the worker calls per check are counted.
 * In process, with `--min-semi-space-size=64 --max-semi-space-size=64`, also the bytes one check allocates per request.
 * `--rest MS`: a pause before each counted check (1000 keeps a pooled environment under its pace: no request waits).
 * `--profile FILE`: a CPU profile of the counted checks only (no start-up, no warm-up) written to FILE, and the
 * hottest functions by self time printed.
 * `--heap`: instead, a sampling heap profile of the counted checks: the functions that allocate most, in bytes per
 * request (objects already collected included; in process only; the CPU figures then include the profiler).
 */
import { createBackend } from '../lab-server/src/backends/index.ts';
import { WorkerHost } from '../lab-server/src/backends/pool/workerHost.ts';
import { loadLab } from '../lab-server/src/labs/load.ts';
import { checkStep } from '../lab-server/src/steps/check.ts';
import { PerformanceObserver } from 'node:perf_hooks';
import { GCProfiler, getHeapStatistics } from 'node:v8';
import { heapSampled, hotFunctions, profiled, writeProfile } from './profile.ts';

const args = process.argv.slice(2);
const pooled = args.includes('--pool');
const profileAt = args.indexOf('--profile');
const profileFile = profileAt >= 0 ? args[profileAt + 1] : undefined;
const lab = loadLab('traffic-shifting');
const backend = await createBackend('sim', { seed: 42, ...(pooled ? { isolated: true } : {}) });
const env = await backend.createEnvironment({ lab, owner: 'bench', seed: 42 });
await env.prepare();
for (const file of ['destination-rule-all.yaml', 'virtual-service-reviews-50-v3.yaml'])
  await env.runScript(`kubectl apply -f samples/bookinfo/networking/${file}`);
const step = lab.steps.find((s) => s.id === 'shift-50-v3');
if (!step) throw new Error('bench: the traffic-shifting lab has no step shift-50-v3');
const valueAt = new Set([args.indexOf('--profile'), args.indexOf('--rest')].filter((i) => i >= 0).map((i) => i + 1));
const checks = Number(args.find((a, i) => /^\d+$/.test(a) && !valueAt.has(i)) ?? 10);
/** `--expose-gc`'s collector, when given. */
const collectGarbage = (globalThis as { gc?: () => void }).gc;
/** Bytes in use after a full collection. */
const heapAfterCollection = () => {
  collectGarbage?.();
  return getHeapStatistics().used_heap_size;
};
let calls = 0;
/** The worker the environment lives in (one, with `--pool`): its own thread's CPU, apart from V8's helpers. */
let host: WorkerHost | undefined;
const call = WorkerHost.prototype.call;
WorkerHost.prototype.call = function (this: WorkerHost, request) {
  calls++;
  host = this;
  return call.call(this, request);
};
// Warm-up: the code paths compiled and the configuration computed before counting.
for (let i = 0; i < 3; i++) await checkStep(env, lab, step, env.now(), { retry: false });
calls = 0;
let sent = 0;
// Pauses of this thread's garbage collector while counting (its helper threads' share is in the process CPU).
let gcMs = 0;
const gc = new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) gcMs += entry.duration;
});
gc.observe({ entryTypes: ['gc'] });
// `--rest MS`: a pause before each counted check, so a pooled environment's recent CPU decays below the pace a busy
// environment is held to (a fifth of a core) and no request waits: one learner's Check, as a class presses it. Only
// the checks are counted, not the rests (the pool's threads use CPU while idle too: their heartbeats, ~20 ms a second).
const restAt = args.indexOf('--rest');
const restMs = restAt >= 0 ? Number(args[restAt + 1]) : 0;
/** CPU (ms) of the counted checks: the process, this thread, the worker's thread; and the worker's turns. */
const spent = { process: 0, thread: 0, worker: 0, turns: 0 };
const counted = async () => {
  for (let i = 0; i < checks; i++) {
    if (restMs > 0) await new Promise((resolve) => setTimeout(resolve, restMs));
    const workerBefore = (await host?.cpuMs()) ?? 0;
    const turnsBefore = host?.turns ?? 0;
    const cpu = process.cpuUsage();
    const thread = process.threadCpuUsage();
    const r = await checkStep(env, lab, step, env.now(), { retry: false });
    const used = process.cpuUsage(cpu);
    const threadUsed = process.threadCpuUsage(thread);
    spent.process += (used.user + used.system) / 1000;
    spent.thread += (threadUsed.user + threadUsed.system) / 1000;
    spent.worker += ((await host?.cpuMs()) ?? 0) - workerBefore;
    spent.turns += (host?.turns ?? 0) - turnsBefore;
    sent += Number(/x(\d+)$/.exec(r.evidence[0]?.action ?? '')?.[1] ?? 0);
  }
};
// What the counted checks leave behind in process (their containers' log lines, mostly): the heap after a full
// collection, before and after. Every byte of it is copied by the young generation's collections and marked by the
// old generation's, in a worker holding hundreds of learners' environments too.
const keptBefore = !pooled && collectGarbage ? heapAfterCollection() : 0;
if (args.includes('--heap')) {
  const { functions, total } = await heapSampled(counted);
  process.stdout.write(`allocated while sampled: ${(total / sent / 1024).toFixed(1)} KB per request\n`);
  for (const f of functions.slice(0, 40))
    process.stdout.write(`${(f.bytes / sent).toFixed(0).padStart(8)} B  ${f.name}  ${f.where}\n`);
} else if (profileFile) {
  const { profile } = await profiled(counted);
  writeProfile(profileFile, profile);
  for (const h of hotFunctions(profile, 40))
    process.stdout.write(`${h.selfMs.toFixed(1).padStart(8)} ms  ${h.name}  ${h.where}\n`);
} else await counted();
const kept = !pooled && collectGarbage ? heapAfterCollection() - keptBefore : undefined;
// The checks' calls only: the `kubectl get pods` below are calls too.
const checkCalls = calls;
await new Promise((resolve) => setImmediate(resolve));
gc.disconnect();
// Bytes allocated per request, in process: the heap's growth over one check with no collection in between (a young
// generation large enough for it: `--min-semi-space-size=64 --max-semi-space-size=64`, else no figure).
let allocated: string | undefined;
if (!pooled && collectGarbage) {
  collectGarbage();
  // Every collection between start and stop, recorded as it happens (no waiting for observers to be told).
  const collections = new GCProfiler();
  collections.start();
  const before = getHeapStatistics().used_heap_size;
  const r = await checkStep(env, lab, step, env.now(), { retry: false });
  const after = getHeapStatistics().used_heap_size;
  const collected = collections.stop()?.statistics.length ?? 0;
  const requests = Number(/x(\d+)$/.exec(r.evidence[0]?.action ?? '')?.[1] ?? 0);
  allocated =
    collected === 0 && requests > 0
      ? `${((after - before) / requests / 1024).toFixed(1)} KB per request (${requests} requests, no collection)`
      : 'not measured (a collection ran: run node with --min-semi-space-size=64 --max-semi-space-size=64)';
}
const gets = 50;
const getCpu = process.cpuUsage();
for (let i = 0; i < gets; i++) await env.runScript('kubectl get pods');
const getUsed = process.cpuUsage(getCpu);
const ms = (u: NodeJS.CpuUsage, n: number) => ((u.user + u.system) / 1000 / n).toFixed(3);
process.stdout.write(
  `traffic: ${sent} requests, CPU per request ${(spent.process / sent).toFixed(3)} ms,` +
    ` GC pauses per request ${(gcMs / sent).toFixed(3)} ms\n`,
);
if (!pooled) {
  const total = spent.process / checks;
  const threadMs = spent.thread / checks;
  process.stdout.write(
    `per check (${(sent / checks).toFixed(0)} requests): CPU ${total.toFixed(1)} ms, this thread ${threadMs.toFixed(1)}` +
      ` ms, other threads ${(total - threadMs).toFixed(1)} ms (V8's GC helpers, compilers)\n`,
  );
} else {
  const total = spent.process / checks;
  const frontMs = spent.thread / checks;
  const workerThreadMs = spent.worker / checks;
  process.stdout.write(
    `per check (${(sent / checks).toFixed(0)} requests): CPU ${total.toFixed(1)} ms, front thread ${frontMs.toFixed(1)}` +
      ` ms, worker ${(total - frontMs).toFixed(1)} ms (its thread ${workerThreadMs.toFixed(1)} ms, other threads` +
      ` ${(total - frontMs - workerThreadMs).toFixed(1)} ms: V8's GC helpers, compilers); ${(checkCalls / checks).toFixed(1)}` +
      ` worker calls, ${(spent.turns / checks).toFixed(1)} turns of the worker's loop\n`,
  );
}
if (allocated) process.stdout.write(`allocated: ${allocated}\n`);
if (kept !== undefined) process.stdout.write(`kept after the checks: ${(kept / sent).toFixed(0)} bytes per request\n`);
process.stdout.write(`kubectl get pods: CPU per command ${ms(getUsed, gets)} ms\n`);
await env.dispose();
await backend.close();
process.exit(0);
