/**
 * One hostile learner among N others, on the pooled simulator `labs serve` uses: the others type a command in a
 * loop (`kubectl get pods`) while the hostile one runs each of issue 9's freezes in turn. Reports the others'
 * command p95 in a quiet phase and with each freeze, and the process's RSS (workers included) at its highest.
 * `npm run bench -- --only hostile [--learners 50] [--seconds 10]`.
 */
import { createPoolBackend } from '../lab-server/src/backends/pool/index.ts';
import type { LabEnvironment } from '../lab-server/src/contract.ts';
import { loadLab } from '../lab-server/src/labs/load.ts';
import { quantile } from './stats.ts';
import type { BenchRow, BenchSuite } from './suite.ts';

const heredoc = (lines: number) =>
  `cat > /root/h.yaml <<EOF\n${Array.from({ length: lines }, (_, i) => `k${i}: "${'v'.repeat(24)}"`).join('\n')}\nEOF\n`;
const apply = (lines: number) =>
  `kubectl apply -f - <<EOF\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n${Array.from(
    { length: lines },
    (_, i) => `  k${i}: "${'v'.repeat(30)}"`,
  ).join('\n')}\nEOF\n`;

/** Issue 9's freezes, as the hostile learner types them. */
const FREEZES: [string, string][] = [
  ['printf 60 MB', "printf '%60000000s' x | wc -c"],
  ['busy loop', 'while true; do :; done'],
  ['60 KB heredoc', heredoc(2000)],
  ['80 KB apply body', apply(2000)],
  ['20,000 sleeps', 'for i in $(seq 1 20000); do sleep 0.001; done'],
  ['kept 32 MiB variable', "X=$(printf '%1000000s' x); for i in 1 2 3 4 5; do X=$X$X; done; echo ${#X}"],
  ['curl loop', 'timeout 8 sh -c "while true; do curl -s -o /dev/null http://productpage:9080/; sleep 1; done"'],
];

async function phase(
  others: LabEnvironment[],
  seconds: number,
  hostile?: { env: LabEnvironment; script: string },
): Promise<{ p95: number; median: number; count: number; failed: number; rssMiB: number }> {
  const samples: number[] = [];
  let failed = 0;
  let rss = process.memoryUsage().rss;
  const until = Date.now() + seconds * 1000;
  const hostileLoop = (async () => {
    while (hostile && Date.now() < until) await hostile.env.runScript(hostile.script).catch(() => undefined);
  })();
  await Promise.all(
    others.map(async (env) => {
      while (Date.now() < until) {
        const start = performance.now();
        const r = await env.runScript('kubectl get pods -o name | wc -l', { observe: true }).catch(() => undefined);
        samples.push(performance.now() - start);
        if (r?.exitCode !== 0) failed++;
        rss = Math.max(rss, process.memoryUsage().rss);
      }
    }),
  );
  await hostileLoop;
  return {
    p95: Math.round(quantile(samples, 0.95)),
    median: Math.round(quantile(samples, 0.5)),
    count: samples.length,
    failed,
    rssMiB: Math.round(rss / 1024 / 1024),
  };
}

/** The suite. */
export const suite: BenchSuite = {
  name: 'hostile',
  async run(ctx) {
    const learners = Number(ctx.flags.learners ?? (ctx.quick ? 10 : 50));
    const seconds = Number(ctx.flags.seconds ?? (ctx.quick ? 4 : 10));
    const lab = loadLab('traffic-shifting');
    const backend = createPoolBackend({ clock: 'real' });
    const envs = await Promise.all(
      Array.from({ length: learners + 1 }, (_, i) => backend.createEnvironment({ lab, owner: `l${i}`, seed: i })),
    );
    ctx.log(`preparing ${envs.length} environments`);
    await Promise.all(envs.map((e) => e.prepare()));
    const [hostile, ...others] = envs as [LabEnvironment, ...LabEnvironment[]];
    const rows: BenchRow[] = [];
    const details: Record<string, unknown> = { learners, seconds };
    ctx.log('quiet phase');
    const quiet = await phase(others, seconds);
    rows.push({ metric: 'others p95, quiet', value: quiet.p95, unit: 'ms' });
    details.quiet = quiet;
    let worstRss = quiet.rssMiB;
    for (const [name, script] of FREEZES) {
      ctx.log(`hostile: ${name}`);
      const r = await phase(others, seconds, { env: hostile, script });
      rows.push({ metric: `others p95, ${name}`, value: r.p95, unit: 'ms' });
      rows.push({
        metric: `others p95 / quiet, ${name}`,
        value: Math.round((r.p95 / quiet.p95) * 100) / 100,
        unit: 'x',
      });
      worstRss = Math.max(worstRss, r.rssMiB);
      if (r.failed > 0) rows.push({ metric: `others' commands that failed, ${name}`, value: r.failed, unit: '' });
      details[name] = r;
    }
    rows.push({ metric: 'highest RSS (server + workers)', value: worstRss, unit: 'MiB' });
    details.pool = backend.stats();
    rows.push({ metric: 'worker restarts', value: backend.stats().restarts, unit: '' });
    await backend.close();
    return { rows, details };
  },
};
