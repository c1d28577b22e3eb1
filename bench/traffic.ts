/**
 * The traffic checks alone (`npm run bench -- --only traffic`): the traffic-shifting lab's checks as a learner's
 * Check runs them, each timed by wall clock and by the process's CPU time (the steadier figure on a busy machine):
 * the 50/50 step passing, the same step failing (every request routed to v1), and the 100 % v3 step passing.
 * The same 50/50 check through the worker pool `labs serve` uses gives the CPU per check of the front thread and of
 * the worker, and the calls the check makes to its worker.
 * `--profile` writes a CPU profile of the passing 50/50 checks (`bench/results/traffic-only.cpuprofile`).
 */
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LabEnvironment } from '../lab-server/src/contract.ts';
import { createBackend } from '../lab-server/src/backends/index.ts';
import type { PoolBackend } from '../lab-server/src/backends/pool/index.ts';
import { WorkerHost } from '../lab-server/src/backends/pool/workerHost.ts';
import { loadLab, type LoadedLab } from '../lab-server/src/labs/load.ts';
import { checkStep } from '../lab-server/src/steps/check.ts';
import { hotFunctions, profiled, writeProfile } from './profile.ts';
import { quantile, round } from './stats.ts';
import type { BenchRow, BenchSuite } from './suite.ts';

const LAB = 'traffic-shifting';
const NETWORKING = 'samples/bookinfo/networking';

/** Wall time, CPU time and requests of each of a series of checks. */
interface Series {
  wallMs: number[];
  cpuMs: number[];
  requests: number[];
}

async function must(env: LabEnvironment, script: string): Promise<void> {
  const r = await env.runScript(script);
  if (r.exitCode !== 0) throw new Error(`bench: \`${script.trim()}\` exited with ${r.exitCode}:\n${r.output}`);
}

/** Runs a step's check `times` times, one after another; `expectOk` is what each must answer. */
async function series(
  env: LabEnvironment,
  lab: LoadedLab,
  stepId: string,
  times: number,
  expectOk: boolean,
): Promise<Series> {
  const step = lab.steps.find((s) => s.id === stepId);
  if (!step) throw new Error(`bench: the ${LAB} lab has no step ${stepId}`);
  const out: Series = { wallMs: [], cpuMs: [], requests: [] };
  for (let i = 0; i < times; i++) {
    const cpu = process.cpuUsage();
    const start = performance.now();
    const r = await checkStep(env, lab, step, env.now(), { retry: false });
    out.wallMs.push(performance.now() - start);
    const used = process.cpuUsage(cpu);
    out.cpuMs.push((used.user + used.system) / 1000);
    if (r.ok !== expectOk) throw new Error(`bench: the ${stepId} check answered ${r.ok}: ${r.explanation.en}`);
    out.requests.push(Number(/x(\d+)$/.exec(r.evidence[0]?.action ?? '')?.[1] ?? 0));
  }
  return out;
}

function rows(label: string, s: Series): BenchRow[] {
  const sent = s.requests.reduce((a, b) => a + b, 0);
  const cpu = s.cpuMs.reduce((a, b) => a + b, 0);
  return [
    { metric: `${label}, median`, value: round(quantile(s.wallMs, 0.5)), unit: 'ms' },
    { metric: `${label}, p95`, value: round(quantile(s.wallMs, 0.95)), unit: 'ms' },
    { metric: `${label}, CPU per check, median`, value: round(quantile(s.cpuMs, 0.5)), unit: 'ms' },
    { metric: `${label}, requests per check, mean`, value: round(sent / s.requests.length), unit: 'requests' },
    { metric: `${label}, CPU per request`, value: round(cpu / Math.max(1, sent)), unit: 'ms' },
  ];
}

/**
 * The 50/50 step's check on an environment in the worker pool `labs serve` uses: CPU per check of the calling thread
 * (the server's front, which also runs the checks) and of the workers, and the calls the check made to its worker.
 */
/** The pause before each pooled check (see `throughPool`). */
const UNPACED_REST_MS = 1_000;

export async function throughPool(lab: LoadedLab, checks: number): Promise<BenchRow[]> {
  const backend = (await createBackend('sim', { seed: 42, isolated: true })) as PoolBackend;
  const env = await backend.createEnvironment({ lab, owner: 'bench', seed: 42 });
  await env.prepare();
  await must(env, `kubectl apply -f ${NETWORKING}/destination-rule-all.yaml`);
  await must(env, `kubectl apply -f ${NETWORKING}/virtual-service-reviews-50-v3.yaml`);
  await series(env, lab, 'shift-50-v3', 3, true);
  let calls = 0;
  const call = WorkerHost.prototype.call;
  WorkerHost.prototype.call = function (this: WorkerHost, request) {
    calls++;
    return call.call(this, request);
  };
  // Each check's CPU by thread: the front's (it runs the check's logic), the workers' own (the requests; the other,
  // idle worker's heartbeat is in it too), and the rest of the process (V8's helper threads: both isolates' GC).
  const wallMs: number[] = [];
  const processMs: number[] = [];
  const frontMs: number[] = [];
  const workersMs: number[] = [];
  const step = lab.steps.find((x) => x.id === 'shift-50-v3')!;
  try {
    for (let i = 0; i < checks; i++) {
      // A pause before each check, as between two learners' Checks: back to back, one environment's checks keep its
      // recent CPU above a busy environment's pace (a fifth of a core), so every request of the next one waits for a
      // timer, and the figures were a paced environment's (7 December: 202 ms median, 30 turns of the worker's loop
      // instead of 5 to 7). One second lets the sum decay; it is not counted.
      await new Promise((resolve) => setTimeout(resolve, UNPACED_REST_MS));
      const workers = await backend.generalCpuMs();
      const cpu = process.cpuUsage();
      const front = process.threadCpuUsage();
      const start = performance.now();
      const r = await checkStep(env, lab, step, env.now(), { retry: false });
      wallMs.push(performance.now() - start);
      const frontUsed = process.threadCpuUsage(front);
      const used = process.cpuUsage(cpu);
      workersMs.push((await backend.generalCpuMs()) - workers);
      frontMs.push((frontUsed.user + frontUsed.system) / 1000);
      processMs.push((used.user + used.system) / 1000);
      if (!r.ok) throw new Error(`bench: the shift-50-v3 check answered false: ${r.explanation.en}`);
    }
  } finally {
    WorkerHost.prototype.call = call;
  }
  await env.dispose();
  await backend.close();
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const label = 'traffic check, 50/50 step, through the worker pool';
  const other = processMs.map((p, i) => p - frontMs[i]! - workersMs[i]!);
  return [
    { metric: `${label}, median`, value: round(quantile(wallMs, 0.5)), unit: 'ms' },
    { metric: `${label}, CPU per check (front + worker), mean`, value: round(mean(processMs)), unit: 'ms' },
    { metric: `${label}, CPU per check (whole process), median`, value: round(quantile(processMs, 0.5)), unit: 'ms' },
    { metric: `${label}, front thread's CPU per check, mean`, value: round(mean(frontMs)), unit: 'ms' },
    { metric: `${label}, worker's CPU per check, mean`, value: round(mean(processMs) - mean(frontMs)), unit: 'ms' },
    {
      metric: `${label}, workers' own threads' CPU per check, median`,
      value: round(quantile(workersMs, 0.5)),
      unit: 'ms',
    },
    {
      metric: `${label}, other threads' CPU per check (V8 helpers: GC), median`,
      value: round(quantile(other, 0.5)),
      unit: 'ms',
    },
    { metric: `${label}, calls to the worker per check`, value: round(calls / checks), unit: 'calls' },
  ];
}

/** The traffic-check suite. */
export const suite: BenchSuite = {
  name: 'traffic',
  async run(ctx) {
    const lab = loadLab(LAB);
    const backend = await createBackend('sim', { seed: 42 });
    const env = await backend.createEnvironment({ lab, owner: 'bench', seed: 42 });
    await env.prepare();
    const checks = ctx.quick ? 5 : 30;
    await must(env, `kubectl apply -f ${NETWORKING}/destination-rule-all.yaml`);
    await must(env, `kubectl apply -f ${NETWORKING}/virtual-service-reviews-50-v3.yaml`);
    // Warm-up: the code compiled and the configuration's tables computed before anything is counted.
    await series(env, lab, 'shift-50-v3', 3, true);

    ctx.log(`traffic check of the 50/50 step x${checks}`);
    let passing: Series;
    let hot: ReturnType<typeof hotFunctions> | undefined;
    if (ctx.flags.profile) {
      const { result, profile } = await profiled(() => series(env, lab, 'shift-50-v3', checks, true));
      passing = result;
      const path = fileURLToPath(new URL('./results/traffic-only.cpuprofile', import.meta.url));
      mkdirSync(dirname(path), { recursive: true });
      writeProfile(path, profile);
      hot = hotFunctions(profile);
      ctx.log(`CPU profile: ${path} (the profiler slows the timings down)`);
      for (const f of hot.slice(0, 20)) ctx.log(`  ${f.selfMs.toFixed(1).padStart(8)} ms  ${f.name}  ${f.where}`);
    } else {
      passing = await series(env, lab, 'shift-50-v3', checks, true);
    }

    await must(env, `kubectl apply -f ${NETWORKING}/virtual-service-all-v1.yaml`);
    ctx.log(`failing traffic check of the 50/50 step (all to v1) x${checks}`);
    const failing = await series(env, lab, 'shift-50-v3', checks, false);

    await must(env, `kubectl apply -f ${NETWORKING}/virtual-service-reviews-v3.yaml`);
    ctx.log(`traffic check of the 100 % v3 step x${checks}`);
    const all = await series(env, lab, 'shift-100-v3', checks, true);

    await env.dispose();
    await backend.close();

    ctx.log(`traffic check of the 50/50 step through the worker pool (as labs serve runs it) x${checks}`);
    const pool = await throughPool(lab, checks);
    return {
      rows: [
        ...rows('traffic check, 50/50 step', passing),
        ...rows('failing traffic check, 50/50 step (all to v1)', failing),
        ...rows('traffic check, 100 % v3 step', all),
        ...pool,
      ],
      details: {
        checks,
        // Each check's requests (the sequential test's sample sizes); timings are summarised in the rows.
        requests: { passing: passing.requests, failing: failing.requests, allV3: all.requests },
        ...(hot ? { profile: { file: 'bench/results/traffic-only.cpuprofile', hotFunctions: hot } } : {}),
      },
    };
  },
};
