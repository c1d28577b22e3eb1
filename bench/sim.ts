/**
 * The simulator's figures: latency of `kubectl get pods`, of an `apply` and of the 50/50 step's traffic
 * check (run through the steps module, as a learner's Check runs it); heap per prepared environment and
 * environments per GiB.
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LabEnvironment } from '../lab-server/src/contract.ts';
import { createBackend } from '../lab-server/src/backends/index.ts';
import { loadLab } from '../lab-server/src/labs/load.ts';
import { checkStep } from '../lab-server/src/steps/check.ts';
import type { BenchSuite } from './suite.ts';
import { hotFunctions, profiled, writeProfile } from './profile.ts';
import { round, summarize, time } from './stats.ts';

const LAB = 'traffic-shifting';
const VS_FILES = [
  'samples/bookinfo/networking/virtual-service-reviews-50-v3.yaml',
  'samples/bookinfo/networking/virtual-service-reviews-v3.yaml',
];

async function must(env: LabEnvironment, script: string): Promise<void> {
  const r = await env.runScript(script);
  if (r.exitCode !== 0) throw new Error(`bench: \`${script.trim()}\` exited with ${r.exitCode}:\n${r.output}`);
}

function mib(bytes: number): number {
  return round(bytes / 1024 / 1024);
}

/** Runs `task` `times` times: wall time of each, and the process's CPU time per call (steadier on a busy machine). */
async function timeCpu(
  times: number,
  task: (i: number) => Promise<unknown>,
): Promise<{ wall: number[]; cpuPerCallMs: number }> {
  const cpu = process.cpuUsage();
  const wall = await time(times, task);
  const used = process.cpuUsage(cpu);
  return { wall, cpuPerCallMs: round((used.user + used.system) / 1000 / times) };
}

/** Prepares `count` environments made by `make`, one after another: wall time of each and heap per environment. */
async function prepareMany(
  count: number,
  make: (i: number) => Promise<LabEnvironment>,
): Promise<{ wall: number[]; heapPerEnvBytes: number }> {
  const before = heapUsed();
  const envs: LabEnvironment[] = [];
  const wall = await time(count, async (i) => {
    const e = await make(i);
    await e.prepare();
    envs.push(e);
  });
  const heapPerEnvBytes = Math.max(1, (heapUsed() - before) / count);
  for (const e of envs) await e.dispose();
  return { wall, heapPerEnvBytes };
}

function heapUsed(): number {
  globalThis.gc?.();
  globalThis.gc?.();
  return process.memoryUsage().heapUsed;
}

/** The simulator suite. */
export const suite: BenchSuite = {
  name: 'sim',
  async run(ctx) {
    const lab = loadLab(LAB);
    const backend = await createBackend('sim', { seed: 42 });
    const repeat = ctx.quick ? 10 : 50;
    const env = await backend.createEnvironment({ lab, owner: 'bench', seed: 42 });
    await env.prepare();
    await must(
      env,
      'kubectl apply -f samples/bookinfo/networking/destination-rule-all.yaml\nkubectl ' +
        'apply -f samples/bookinfo/networking/virtual-service-all-v1.yaml',
    );

    ctx.log(`kubectl get pods x${repeat}`);
    const get = await timeCpu(repeat, () => must(env, 'kubectl get pods'));
    ctx.log(`kubectl apply x${repeat}`);
    const apply = await timeCpu(repeat, (i) => must(env, `kubectl apply -f ${VS_FILES[i % 2]}`));

    // The 50/50 step's own check, as a learner's Check runs it: the sequential test may send more when ambiguous.
    await must(env, `kubectl apply -f ${VS_FILES[0]}`);
    const step = lab.steps.find((s) => s.id === 'shift-50-v3');
    if (!step) throw new Error(`bench: the ${LAB} lab has no step shift-50-v3`);
    const checks = ctx.quick ? 5 : 20;
    ctx.log(`traffic check of the 50/50 step x${checks}`);
    let sent = 0;
    const runChecks = () =>
      time(checks, async () => {
        const r = await checkStep(env, lab, step, env.now(), { retry: false });
        if (!r.ok) throw new Error(`bench: the 50/50 traffic check failed: ${r.explanation.en}`);
        sent += Number(/x(\d+)$/.exec(r.evidence[0]!.action)?.[1] ?? 100);
      });
    let traffic: number[];
    const trafficCpu = process.cpuUsage();
    let hot: ReturnType<typeof hotFunctions> | undefined;
    if (ctx.flags.profile) {
      const { result, profile } = await profiled(runChecks);
      traffic = result;
      const path = fileURLToPath(new URL('./results/traffic-check.cpuprofile', import.meta.url));
      mkdirSync(dirname(path), { recursive: true });
      writeProfile(path, profile);
      hot = hotFunctions(profile);
      ctx.log(`CPU profile of the traffic checks: ${path} (the profiler slows the timings down)`);
      for (const f of hot.slice(0, 15)) ctx.log(`  ${f.selfMs.toFixed(1).padStart(8)} ms  ${f.name}  ${f.where}`);
    } else {
      traffic = await runChecks();
    }
    const trafficCpuUsed = process.cpuUsage(trafficCpu);
    const trafficCpuMs = (trafficCpuUsed.user + trafficCpuUsed.system) / 1000;
    // A wrong answer, as a learner's Check gets it (retries allowed): the simulator knows its configuration took
    // effect, so the check looks once and answers instead of waiting for the failure to settle.
    await must(env, 'kubectl apply -f samples/bookinfo/networking/virtual-service-all-v1.yaml');
    ctx.log(`failing traffic check of the 50/50 step (all to v1) x${checks}`);
    const failing = await time(checks, async () => {
      const r = await checkStep(env, lab, step, env.now(), { settleMs: 2_500 });
      if (r.ok) throw new Error('bench: the 50/50 check passed with every request routed to v1');
    });
    await env.dispose();

    // Preparing environments: each setting up on its own (seeded, as tests make them), then as the server makes
    // them (nobody chooses the seed): the first sets up and shares its state, the next start from it.
    const count = ctx.quick ? 10 : 50;
    const own = await prepareMany(count, (i) => backend.createEnvironment({ lab, owner: `own-${i}`, seed: i }));
    ctx.log(`prepare: ${count} environments setting up on their own, then ${count} + 1 from a shared starting state`);
    // The server's backend has no seed of its own (each environment draws one): only then are starting states shared.
    const server = await createBackend('sim', {});
    const first = await prepareMany(1, () => server.createEnvironment({ lab, owner: 'first' }));
    const shared = await prepareMany(count, (i) => server.createEnvironment({ lab, owner: `shared-${i}` }));
    await server.close();
    await backend.close();

    const g = summarize(get.wall);
    const a = summarize(apply.wall);
    const t = summarize(traffic);
    const f = summarize(failing);
    const po = summarize(own.wall);
    const ps = summarize(shared.wall);
    const perRequestMs = t.medianMs / (sent / checks);
    return {
      rows: [
        { metric: 'kubectl get pods, median', value: g.medianMs, unit: 'ms' },
        { metric: 'kubectl get pods, p95', value: g.p95Ms, unit: 'ms' },
        { metric: 'kubectl get pods, CPU per command', value: get.cpuPerCallMs, unit: 'ms' },
        { metric: 'kubectl apply (VirtualService), median', value: a.medianMs, unit: 'ms' },
        { metric: 'kubectl apply (VirtualService), p95', value: a.p95Ms, unit: 'ms' },
        { metric: 'kubectl apply (VirtualService), CPU per command', value: apply.cpuPerCallMs, unit: 'ms' },
        { metric: 'traffic check (the 50/50 step), median', value: t.medianMs, unit: 'ms' },
        { metric: 'traffic check (the 50/50 step), p95', value: t.p95Ms, unit: 'ms' },
        { metric: 'requests per traffic check, mean', value: round(sent / checks), unit: 'requests' },
        { metric: 'traffic check, median per request', value: round(perRequestMs), unit: 'ms' },
        { metric: 'traffic check, CPU per request', value: round(trafficCpuMs / sent), unit: 'ms' },
        {
          metric: 'failing traffic check (50/50 step, all to v1), median',
          value: f.medianMs,
          unit: 'ms',
        },
        { metric: 'failing traffic check (50/50 step, all to v1), p95', value: f.p95Ms, unit: 'ms' },
        { metric: 'environment prepare, setting up (no shared state), median', value: po.medianMs, unit: 'ms' },
        {
          metric: 'environment prepare, first of a chapter (sets up, shares)',
          value: round(first.wall[0]!),
          unit: 'ms',
        },
        { metric: 'environment prepare, from the shared starting state, median', value: ps.medianMs, unit: 'ms' },
        { metric: 'environment prepare, from the shared starting state, p95', value: ps.p95Ms, unit: 'ms' },
        { metric: 'heap per environment, set up on its own', value: mib(own.heapPerEnvBytes), unit: 'MiB' },
        {
          metric: 'heap per environment, from the shared starting state',
          value: mib(shared.heapPerEnvBytes),
          unit: 'MiB',
        },
        {
          metric: 'environments per GiB of heap (shared starting state)',
          value: Math.floor(1024 ** 3 / shared.heapPerEnvBytes),
          unit: 'environments',
        },
      ],
      details: {
        get: { ...g, cpuPerCallMs: get.cpuPerCallMs },
        apply: { ...a, cpuPerCallMs: apply.cpuPerCallMs },
        traffic: { ...t, requests: sent, cpuMs: round(trafficCpuMs) },
        failingTraffic: f,
        prepareOwn: { ...po, heapPerEnvBytes: own.heapPerEnvBytes },
        prepareFirst: round(first.wall[0]!),
        prepareShared: { ...ps, heapPerEnvBytes: shared.heapPerEnvBytes },
        environments: count,
        exactGc: Boolean(globalThis.gc),
        ...(hot ? { profile: { file: 'bench/results/traffic-check.cpuprofile', hotFunctions: hot } } : {}),
      },
    };
  },
};
