/**
 * The load of the hostile benches, whatever drives it (the pooled backend directly, or the real server over
 * HTTP and WebSockets): N learners type `kubectl get pods` in their terminals, each waiting a think time between
 * commands, while one hostile learner types each of issue 9's freezes in turn, in a fresh environment for each
 * freeze. Reports the others' command p95 in a quiet phase, then under each freeze against a quiet phase just before
 * it (the ratio issue 9 bounds by 2x), the highest RSS and
 * how often the hostile learner's own commands still finished (fairness, not starvation). Issue 14's fairness noises
 * run in rounds of a quiet and a noisy window in ABBA order, with a control that makes no noise (interleaved.ts).
 */
import { compareInterleaved, roundOrder } from './interleaved.ts';
import { quantile } from './stats.ts';
import type { BenchRow } from './suite.ts';

const heredoc = (lines: number) =>
  `cat > /root/h.yaml <<EOF\n${Array.from({ length: lines }, (_, i) => `k${i}: "${'v'.repeat(24)}"`).join('\n')}\nEOF`;
const apply = (lines: number) =>
  `kubectl apply -f - <<EOF\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n${Array.from(
    { length: lines },
    (_, i) => `  k${i}: "${'v'.repeat(30)}"`,
  ).join('\n')}\nEOF`;

/** Issue 9's freezes, as the hostile learner types them (lines separated by `\n`, each sent with Enter). */
export const FREEZES: [string, string][] = [
  ['printf 60 MB', "printf '%60000000s' x | wc -c"],
  ['busy loop', 'while true; do :; done'],
  ['typed 60 KB heredoc', heredoc(2000)],
  ['80 KB apply body', apply(2000)],
  ['10,000 typed-ahead lines', Array.from({ length: 10_000 }, () => 'echo x').join('\n')],
  ['20,000 sleeps', 'for i in $(seq 1 20000); do sleep 0.001; done'],
  ['kept 32 MiB variable', "X=$(printf '%1000000s' x); for i in 1 2 3 4 5; do X=$X$X; done; echo ${#X}"],
  ['curl loop', 'while true; do curl -s -o /dev/null http://reviews:9080/; sleep 1; done'],
];

/** Issue 14's fairness noises, each a learner's right (no freeze): others' p95 may rise by 50 % at most. */
export interface Noise {
  name: string;
  /** Typed once, before the noise (a check's VirtualService). */
  setup?: string;
  /** Typed (as a paste) over and over while the phase lasts. */
  script?: string;
  /** Or: `atOnce` Check presses on `path` at once, over and over (each a traffic check of ~200 requests). */
  checks?: { path: string; atOnce: number };
}

/** The 50/50 step's Check: a traffic check of about 200 requests through the gateway (content/labs/traffic-shifting). */
export const FIFTY_FIFTY_CHECK = '/api/labs/traffic-shifting/steps/shift-50-v3/check';

export const NOISES: Noise[] = [
  { name: 'busy loop', script: 'while true; do :; done' },
  // The lab shell has no `yes` (`bash: yes: command not found`): 100 KB lines as fast as the shell prints them.
  { name: 'output flood (printf 100 KB lines)', script: "while true; do printf '%100000s\\n' x; done" },
  { name: 'output flood (echo loop)', script: `while true; do echo ${'x'.repeat(72)}; done` },
  {
    // The lesson's checks send 100 or 200 requests each; the per-session limit lets four run at once: 800.
    name: '800-request check (4 Checks of the 50/50 step at once)',
    setup: 'kubectl apply -f samples/bookinfo/networking/virtual-service-reviews-50-v3.yaml',
    checks: { path: FIFTY_FIFTY_CHECK, atOnce: 4 },
  },
];

/**
 * The fairness noises' control: a learner who joins and does nothing, measured as the noises are. What it reads is
 * what the method reads with no noise at all (the machine's drift that the rounds did not cancel, and a join).
 */
export const CONTROL: Noise = { name: 'none (control: a learner who joins and idles)' };

/** The command the other learners type. */
export const OTHERS_COMMAND = 'kubectl get pods -o name | wc -l';

/** One learner's terminal, as a bench drives it. */
export interface BenchTerminal {
  /** Types `line` and Enter; resolves when its command finished (its prompt is back). */
  command(line: string): Promise<void>;
  /** Types every line of `script` with Enter at once, as a paste; resolves when the last one finished. */
  paste(script: string, timeoutMs: number): Promise<void>;
  /** Presses Check: POSTs `path` with the learner's token; resolves with the answer (the fairness noises). */
  check?(path: string): Promise<unknown>;
  /** Characters of terminal output received so far (when the harness counts them). */
  received?(): number;
  close(): void;
}

/** What a bench run needs from what it drives. */
export interface HostileHarness {
  /** The other learners' terminals, ready. */
  others: BenchTerminal[];
  /** A new learner with a fresh environment and its terminal ready. */
  hostile(): Promise<BenchTerminal>;
  /** Resident memory of the server, workers included, in MiB. */
  rssMiB(): number;
  /** The clock commands are timed with (default: wall time, `performance.now()`). */
  clock?(): Promise<number>;
  /**
   * CPU time used so far, in ms: the server's front thread (HTTP, WebSockets, the relay) and the whole server. On a
   * shared machine wall times measure the others' load too; these say what a hostile learner costs the front.
   */
  cpuMs?(): { front: number; server: number; v8Helpers?: number };
}

/** One phase's figures. */
export interface PhaseResult {
  p95: number;
  median: number;
  count: number;
  failed: number;
  rssMiB: number;
  hostileDone: number;
  /** CPU per second of the phase, in ms (when the harness reads it): the front thread, and the whole server. */
  frontCpuMsPerS?: number;
  serverCpuMsPerS?: number;
  /** V8's helper threads' CPU per second (GC, compiling), when measured. */
  v8HelpersCpuMsPerS?: number;
  /** The server's CPU (all its threads) per command the others completed, in ms (when the harness reads it). */
  serverCpuMsPerCommand?: number;
  /** The front thread's share of it, in ms per command. */
  frontCpuMsPerCommand?: number;
  /** Terminal output the hostile or noisy learner received per second, in KiB (when counted). */
  hostileOutputKiBPerS?: number;
}

async function phase(
  harness: HostileHarness,
  seconds: number,
  thinkMs: number,
  hostileScript?: string | Noise,
): Promise<PhaseResult & { samples: number[] }> {
  const noise: Noise | undefined =
    typeof hostileScript === 'string' ? { name: '', script: hostileScript } : hostileScript;
  const samples: number[] = [];
  let failed = 0;
  let rss = harness.rssMiB();
  const sampler = setInterval(() => {
    rss = Math.max(rss, harness.rssMiB());
  }, 250);
  let hostileDone = 0;
  const hostile = noise ? await harness.hostile() : undefined;
  if (hostile && noise?.setup) await hostile.command(noise.setup);
  const cpuStart = harness.cpuMs?.();
  const receivedStart = hostile?.received?.();
  const wallStart = performance.now();
  const until = Date.now() + seconds * 1000;
  const clock = harness.clock ?? (async () => performance.now());
  const hostileLoop = (async () => {
    while (hostile && noise && Date.now() < until) {
      if (noise.checks && hostile.check) {
        const { path, atOnce } = noise.checks;
        await Promise.all(
          Array.from({ length: atOnce }, () =>
            hostile.check!(path).then(
              () => hostileDone++,
              () => undefined,
            ),
          ),
        );
      } else if (noise.script) {
        await hostile.paste(noise.script, Math.max(1000, until - Date.now())).then(
          () => hostileDone++,
          () => undefined,
        );
      } else break;
    }
  })();
  await Promise.all(
    harness.others.map(async (terminal, i) => {
      // Learners start spread over one think time, then type a command every think time or so.
      await pause(thinkMs * (i / harness.others.length));
      while (Date.now() < until) {
        const start = await clock();
        try {
          await terminal.command(OTHERS_COMMAND);
          samples.push((await clock()) - start);
        } catch {
          failed++;
        }
        await pause(thinkMs * (0.5 + Math.random()));
      }
    }),
  );
  const receivedEnd = hostile?.received?.();
  hostile?.close();
  await hostileLoop;
  clearInterval(sampler);
  const cpuEnd = harness.cpuMs?.();
  const perS = (ms: number) => Math.round((ms * 1000) / (performance.now() - wallStart));
  const perCommand = (ms: number) => Math.round((ms / Math.max(1, samples.length)) * 100) / 100;
  return {
    ...(cpuStart && cpuEnd
      ? {
          frontCpuMsPerS: perS(cpuEnd.front - cpuStart.front),
          serverCpuMsPerS: perS(cpuEnd.server - cpuStart.server),
          frontCpuMsPerCommand: perCommand(cpuEnd.front - cpuStart.front),
          serverCpuMsPerCommand: perCommand(cpuEnd.server - cpuStart.server),
          ...(cpuEnd.v8Helpers !== undefined && cpuStart.v8Helpers !== undefined
            ? { v8HelpersCpuMsPerS: perS(cpuEnd.v8Helpers - cpuStart.v8Helpers) }
            : {}),
        }
      : {}),
    ...(receivedStart !== undefined && receivedEnd !== undefined
      ? { hostileOutputKiBPerS: perS((receivedEnd - receivedStart) / 1024) }
      : {}),
    p95: Math.round(quantile(samples, 0.95)),
    median: Math.round(quantile(samples, 0.5)),
    count: samples.length,
    failed,
    rssMiB: Math.round(rss),
    hostileDone,
    samples,
  };
}

/** A phase's figures without its raw samples (for the details written to the results). */
function figures({ samples: _, ...rest }: PhaseResult & { samples: number[] }): PhaseResult {
  return rest;
}

/**
 * Several windows as one phase (for `cpuRows` and the rows of a noise): the mean of their per-second CPU and output
 * figures, their counts summed, and `p95`, the p95 of all their samples together (interleaved.ts works it out).
 */
function pooled(windows: readonly PhaseResult[], p95: number): PhaseResult {
  const mean = (pick: (w: PhaseResult) => number | undefined) => {
    const values = windows.map(pick).filter((v): v is number => v !== undefined);
    return values.length === 0 ? undefined : Math.round(values.reduce((a, b) => a + b, 0) / values.length);
  };
  const sum = (pick: (w: PhaseResult) => number) => windows.reduce((total, w) => total + pick(w), 0);
  const perS = {
    frontCpuMsPerS: mean((w) => w.frontCpuMsPerS),
    serverCpuMsPerS: mean((w) => w.serverCpuMsPerS),
    v8HelpersCpuMsPerS: mean((w) => w.v8HelpersCpuMsPerS),
    hostileOutputKiBPerS: mean((w) => w.hostileOutputKiBPerS),
  };
  return {
    ...Object.fromEntries(Object.entries(perS).filter(([, v]) => v !== undefined)),
    p95: Math.round(p95),
    median: Math.round(
      quantile(
        windows.map((w) => w.median),
        0.5,
      ),
    ),
    count: sum((w) => w.count),
    failed: sum((w) => w.failed),
    rssMiB: Math.max(...windows.map((w) => w.rssMiB)),
    hostileDone: sum((w) => w.hostileDone),
  };
}

/**
 * The front thread's and the server's CPU per second, quiet (`quietLabel`: a freeze's window just before it, a noise's
 * quiet windows) and under `name` (when measured).
 */
function cpuRows(
  rows: BenchRow[],
  name: string,
  before: PhaseResult,
  during: PhaseResult,
  quietLabel = 'quiet just before',
): void {
  if (before.frontCpuMsPerS === undefined || during.frontCpuMsPerS === undefined) return;
  rows.push(
    { metric: `front thread CPU, ${quietLabel} ${name}`, value: before.frontCpuMsPerS, unit: 'ms/s' },
    { metric: `front thread CPU, ${name}`, value: during.frontCpuMsPerS, unit: 'ms/s' },
    { metric: `server CPU, ${quietLabel} ${name}`, value: before.serverCpuMsPerS ?? 0, unit: 'ms/s' },
    { metric: `server CPU, ${name}`, value: during.serverCpuMsPerS ?? 0, unit: 'ms/s' },
  );
  // What an output flood costs per KiB it sends: the server's CPU it adds over the quiet phase, per KiB a second.
  if (during.hostileOutputKiBPerS !== undefined && during.hostileOutputKiBPerS > 0)
    rows.push({
      metric: `output received by that learner, ${name}`,
      value: during.hostileOutputKiBPerS,
      unit: 'KiB/s',
    });
  if (during.v8HelpersCpuMsPerS !== undefined)
    rows.push(
      {
        metric: `V8 helper threads' CPU, ${quietLabel} ${name}`,
        value: before.v8HelpersCpuMsPerS ?? 0,
        unit: 'ms/s',
      },
      { metric: `V8 helper threads' CPU, ${name}`, value: during.v8HelpersCpuMsPerS, unit: 'ms/s' },
    );
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs the quiet phase and one phase per freeze; returns the rows and the details. */
export async function runHostilePhases(
  harness: HostileHarness,
  options: {
    seconds: number;
    thinkMs: number;
    only?: string[];
    log: (line: string) => void;
    /** Also run issue 14's fairness noises (`NOISES`): all (true), or those whose name holds one of these. */
    noises?: boolean | string[];
    /** Rounds of a quiet and a noisy window per noise, in ABBA order (interleaved.ts); 4 by default. */
    rounds?: number;
  },
): Promise<{ rows: BenchRow[]; details: Record<string, unknown> }> {
  const rows: BenchRow[] = [];
  const details: Record<string, unknown> = { seconds: options.seconds, thinkMs: options.thinkMs };
  options.log('warm-up phase (not counted)');
  await phase(harness, Math.min(3, options.seconds), options.thinkMs);
  options.log('quiet phase');
  const quiet = await phase(harness, options.seconds, options.thinkMs);
  rows.push({ metric: 'others p95, quiet', value: quiet.p95, unit: 'ms' });
  rows.push({ metric: "others' commands done, quiet", value: quiet.count, unit: '' });
  if (quiet.serverCpuMsPerCommand !== undefined)
    rows.push(
      { metric: 'server CPU, quiet', value: quiet.serverCpuMsPerS ?? 0, unit: 'ms/s' },
      { metric: 'front thread CPU, quiet', value: quiet.frontCpuMsPerS ?? 0, unit: 'ms/s' },
      { metric: "V8 helper threads' CPU, quiet", value: quiet.v8HelpersCpuMsPerS ?? 0, unit: 'ms/s' },
      { metric: 'server CPU per command, quiet', value: quiet.serverCpuMsPerCommand, unit: 'ms' },
      { metric: 'front thread CPU per command, quiet', value: quiet.frontCpuMsPerCommand ?? 0, unit: 'ms' },
    );
  details.quiet = figures(quiet);
  let worstRss = quiet.rssMiB;
  let worstRatio = 0;
  let freezesRun = 0;
  for (const [name, script] of FREEZES) {
    if (options.only && !options.only.some((o) => name.includes(o))) continue;
    // Each freeze is compared with a quiet phase just before it, as the noises are: the shared machine's load
    // drifts between phases (quiet p95 of 14 and 22 ms in two runs) by more than a 2x bound on ~15 ms allows.
    options.log(`quiet, before: ${name}`);
    const before = await phase(harness, options.seconds, options.thinkMs);
    options.log(`hostile: ${name}`);
    const r = await phase(harness, options.seconds, options.thinkMs, script);
    const ratio = Math.round((r.p95 / Math.max(1, before.p95)) * 100) / 100;
    worstRatio = Math.max(worstRatio, ratio);
    freezesRun++;
    rows.push({ metric: `others p95, quiet just before ${name}`, value: before.p95, unit: 'ms' });
    rows.push({ metric: `others p95, ${name}`, value: r.p95, unit: 'ms' });
    rows.push({ metric: `others p95 / quiet just before, ${name}`, value: ratio, unit: 'x' });
    rows.push({
      metric: `others p95 / first quiet phase, ${name}`,
      value: Math.round((r.p95 / Math.max(1, quiet.p95)) * 100) / 100,
      unit: 'x',
    });
    if (r.failed > 0) rows.push({ metric: `others' commands that failed, ${name}`, value: r.failed, unit: '' });
    cpuRows(rows, name, before, r);
    worstRss = Math.max(worstRss, r.rssMiB);
    details[name] = { quietBefore: figures(before), hostile: figures(r) };
  }
  if (options.noises) {
    let worstNoise = 0;
    const wanted = options.noises;
    const rounds = options.rounds ?? 4;
    details.fairnessRounds = rounds;
    const chosen = NOISES.filter((n) => !Array.isArray(wanted) || wanted.some((w) => n.name.includes(w)));
    for (const noise of [...chosen, CONTROL]) {
      // Rounds of a quiet and a noisy window in ABBA order, each round compared within itself (interleaved.ts): on
      // this machine the others' p95 drifts between two windows in a row by more than one noisy learner moves it.
      const quietWindows: Awaited<ReturnType<typeof phase>>[] = [];
      const noisyWindows: Awaited<ReturnType<typeof phase>>[] = [];
      for (let round = 0; round < rounds; round++)
        for (const kind of roundOrder(round)) {
          options.log(`round ${round + 1} of ${rounds}, ${kind}: ${noise.name}`);
          const w = await phase(harness, options.seconds, options.thinkMs, kind === 'noisy' ? noise : undefined);
          (kind === 'noisy' ? noisyWindows : quietWindows).push(w);
        }
      const c = compareInterleaved(
        quietWindows.map((w) => w.samples),
        noisyWindows.map((w) => w.samples),
      );
      const before = pooled(quietWindows.map(figures), c.quietP95);
      const r = pooled(noisyWindows.map(figures), c.noisyP95);
      const name = noise.name;
      rows.push({ metric: `others p95, quiet windows of ${name}`, value: before.p95, unit: 'ms' });
      rows.push({ metric: `others p95, ${name}`, value: r.p95, unit: 'ms' });
      rows.push({
        metric: `others p95 / quiet, ${name} (geometric mean of ${rounds} ABBA rounds)`,
        value: c.ratio,
        unit: 'x',
      });
      if (noise === CONTROL) {
        rows.push({ metric: "fairness: the method's reading with no noise (control)", value: c.ratio, unit: 'x' });
      } else {
        worstNoise = Math.max(worstNoise, c.ratio);
        rows.push({
          metric: `noisy learner's ${noise.checks ? 'checks' : 'runs'} done, ${name}`,
          value: r.hostileDone,
          unit: '',
        });
      }
      if (r.failed + before.failed > 0)
        rows.push({ metric: `others' commands that failed, ${name}`, value: r.failed + before.failed, unit: '' });
      cpuRows(rows, name, before, r, 'quiet windows of');
      worstRss = Math.max(worstRss, r.rssMiB);
      details[name] = {
        perRound: c.perRound,
        quietWindows: quietWindows.map(figures),
        noisyWindows: noisyWindows.map(figures),
      };
    }
    rows.push({
      metric: 'fairness: worst others p95 / quiet, one noisy learner (goal at most 1.5)',
      value: worstNoise,
      unit: 'x',
    });
  }
  // `--freezes none` (the fairness noises alone) has no freeze to bound.
  if (freezesRun > 0)
    rows.push({ metric: 'worst others p95 / quiet just before (goal under 2)', value: worstRatio, unit: 'x' });
  rows.push({ metric: 'highest RSS (server + workers)', value: worstRss, unit: 'MiB' });
  return { rows, details };
}
