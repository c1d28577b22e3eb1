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
    const get = await time(repeat, () => must(env, 'kubectl get pods'));
    ctx.log(`kubectl apply x${repeat}`);
    const apply = await time(repeat, (i) => must(env, `kubectl apply -f ${VS_FILES[i % 2]}`));

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
    // A wrong answer, as a learner's Check gets it (retries allowed): the simulator knows its configuration took
    // effect, so the check looks once and answers instead of waiting for the failure to settle.
    await must(env, 'kubectl apply -f samples/bookinfo/networking/virtual-service-all-v1.yaml');
    ctx.log(`failing traffic check of the 50/50 step (all to v1) x${checks}`);
    const failing = await time(checks, async () => {
      const r = await checkStep(env, lab, step, env.now(), { settleMs: 2_500 });
      if (r.ok) throw new Error('bench: the 50/50 check passed with every request routed to v1');
    });
    await env.dispose();

    const count = ctx.quick ? 10 : 50;
    ctx.log(
      `memory: ${count} prepared environments${globalThis.gc ? '' : ' (run with --expose-gc for exact figures)'}`,
    );
    const before = heapUsed();
    const envs: LabEnvironment[] = [];
    const prepare = await time(count, async (i) => {
      const e = await backend.createEnvironment({ lab, owner: `bench-${i}`, seed: i });
      await e.prepare();
      envs.push(e);
    });
    const after = heapUsed();
    const perEnvBytes = Math.max(1, (after - before) / count);
    for (const e of envs) await e.dispose();
    await backend.close();

    const g = summarize(get);
    const a = summarize(apply);
    const t = summarize(traffic);
    const p = summarize(prepare);
    return {
      rows: [
        { metric: 'kubectl get pods, median', value: g.medianMs, unit: 'ms' },
        { metric: 'kubectl get pods, p95', value: g.p95Ms, unit: 'ms' },
        { metric: 'kubectl apply (VirtualService), median', value: a.medianMs, unit: 'ms' },
        { metric: 'kubectl apply (VirtualService), p95', value: a.p95Ms, unit: 'ms' },
        { metric: 'traffic check (the 50/50 step), median', value: t.medianMs, unit: 'ms' },
        { metric: 'traffic check (the 50/50 step), p95', value: t.p95Ms, unit: 'ms' },
        { metric: 'requests per traffic check, mean', value: round(sent / checks), unit: 'requests' },
        {
          metric: 'failing traffic check (50/50 step, all to v1), median',
          value: summarize(failing).medianMs,
          unit: 'ms',
        },
        { metric: 'failing traffic check (50/50 step, all to v1), p95', value: summarize(failing).p95Ms, unit: 'ms' },
        { metric: 'environment prepare, median', value: p.medianMs, unit: 'ms' },
        { metric: 'heap per prepared environment', value: round(perEnvBytes / 1024 / 1024), unit: 'MiB' },
        { metric: 'environments per GiB of heap', value: Math.floor(1024 ** 3 / perEnvBytes), unit: 'environments' },
      ],
      details: {
        get: g,
        apply: a,
        traffic: t,
        failingTraffic: summarize(failing),
        prepare: p,
        environments: count,
        heapBeforeBytes: before,
        heapAfterBytes: after,
        exactGc: Boolean(globalThis.gc),
        ...(hot ? { profile: { file: 'bench/results/traffic-check.cpuprofile', hotFunctions: hot } } : {}),
      },
    };
  },
};
