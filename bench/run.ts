/**
 * `npm run bench`: runs the benchmark suites, prints a table and writes `bench/results/latest.json`.
 * Usage: npm run bench [-- --quick] [-- --only sim|traffic] [-- --runs 3] [-- --profile] [-- --<suite flag> value ...]
 * `--runs N` runs each suite N times: each figure is the median of the runs, with the lowest and highest.
 * `bench/results/latest.json` keeps each suite's latest run (with when and how it ran).
 * `--profile` writes a CPU profile of the traffic checks to `bench/results/traffic-check.cpuprofile`.
 * `--as NAME` (with one suite in `--only`) keeps the run in latest.json under NAME rather than the suite's name.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { BenchContext, BenchRow, BenchSuite } from './suite.ts';
import { suite as simSuite } from './sim.ts';
import { suite as trafficSuite } from './traffic.ts';
import { quantile, round } from './stats.ts';

/** Suites that always run; optional ones are loaded from these files when present. */
const SUITES: BenchSuite[] = [simSuite, trafficSuite];
const OPTIONAL_SUITES = ['./classroom.ts', './hostile.ts', './hostileFront.ts'];

function parseFlags(argv: string[]): Record<string, string | boolean> {
  const flags: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([\w-]+)(?:=(.*))?$/.exec(argv[i]!);
    if (!m) continue;
    if (m[2] !== undefined) flags[m[1]!] = m[2];
    else if (argv[i + 1] !== undefined && !argv[i + 1]!.startsWith('--')) flags[m[1]!] = argv[++i]!;
    else flags[m[1]!] = true;
  }
  return flags;
}

function table(name: string, rows: BenchRow[]): string {
  const width = Math.max(...rows.map((r) => r.metric.length), 6);
  const values = rows.map((r) => (r.runs ? `${r.value} (${r.min}..${r.max})` : String(r.value)));
  const vw = Math.max(...values.map((v) => v.length), 5);
  return [
    `${name}`,
    `  ${'metric'.padEnd(width)}  ${'value'.padStart(vw)}  unit`,
    ...rows.map((r, i) => `  ${r.metric.padEnd(width)}  ${values[i]!.padStart(vw)}  ${r.unit}`),
  ].join('\n');
}

/** One result from several runs of a suite: each figure's median, lowest and highest; the details of every run. */
function combineRuns(runs: { rows: BenchRow[]; details?: Record<string, unknown> }[]): {
  rows: BenchRow[];
  details: Record<string, unknown>;
} {
  const rows = runs[0]!.rows.map((row, i) => {
    const values = runs.map((r) => r.rows[i]?.value ?? Number.NaN);
    return {
      ...row,
      value: round(quantile(values, 0.5)),
      min: Math.min(...values),
      max: Math.max(...values),
      runs: values,
    };
  });
  return { rows, details: { runs: runs.map((r) => r.details ?? {}) } };
}

/** The suites of an earlier report, or none (no report yet, or one that does not parse). */
function previousSuites(file: string): Record<string, unknown> {
  try {
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    const suites = (parsed as { suites?: unknown }).suites;
    return typeof suites === 'object' && suites !== null ? (suites as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

async function main(): Promise<void> {
  const flags = parseFlags(process.argv.slice(2));
  const ctx: BenchContext = {
    quick: flags.quick === true,
    flags,
    log: (line) => process.stderr.write(`bench: ${line}\n`),
  };
  const suites = [...SUITES];
  for (const file of OPTIONAL_SUITES) {
    const url = new URL(file, import.meta.url);
    if (existsSync(fileURLToPath(url))) suites.push(((await import(url.href)) as { suite: BenchSuite }).suite);
  }
  // `--runs N`: each suite N times; a figure is the median of its runs, with the lowest and highest beside it.
  const repeat = Math.max(1, Number(flags.runs ?? 1) || 1);
  const only = typeof flags.only === 'string' ? flags.only.split(',') : undefined;
  const results: Record<string, { rows: BenchRow[]; details?: Record<string, unknown> }> = {};
  // The machine's load average (1, 5, 15 minutes) when each suite began and ended: on a shared machine it says how
  // far a wall-clock figure measures the others' work.
  const loads: Record<string, { before: number[]; after: number[] }> = {};
  for (const s of suites.filter((x) => !only || only.includes(x.name))) {
    ctx.log(`suite ${s.name}`);
    const runs: { rows: BenchRow[]; details?: Record<string, unknown> }[] = [];
    const before = loadavg().map((l) => Math.round(l * 100) / 100);
    for (let i = 0; i < repeat; i++) {
      if (repeat > 1) ctx.log(`suite ${s.name}: run ${i + 1} of ${repeat}`);
      runs.push(await s.run(ctx));
    }
    results[s.name] = repeat > 1 ? combineRuns(runs) : runs[0]!;
    loads[s.name] = { before, after: loadavg().map((l) => Math.round(l * 100) / 100) };
    process.stdout.write(`${table(s.name, results[s.name]!.rows)}\n\n`);
  }
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const at = new Date().toISOString();
  // Each suite's latest run is kept: a run of one suite (`--only classroom --learners 1000`) leaves the others'
  // figures in place, each stamped with when and how it was measured.
  // `--as NAME` keeps one suite's run under a name of its own, beside the suite's default run (the classroom at 200
  // and at 1,000 learners, joining and typing, each a figure of its own).
  const keyOf = (name: string) => (typeof flags.as === 'string' && only?.length === 1 ? flags.as : name);
  const stamped = Object.fromEntries(
    Object.entries(results).map(([name, r]) => [
      keyOf(name),
      { at, quick: ctx.quick, flags, loadAverage: loads[name], ...r },
    ]),
  );
  const report = {
    at,
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    totalMemoryBytes: totalmem(),
    quick: ctx.quick,
    suites: { ...previousSuites(`${dir}latest.json`), ...stamped },
  };
  writeFileSync(`${dir}latest.json`, `${JSON.stringify(report, null, 2)}\n`);
  process.stdout.write(`written: bench/results/latest.json\n`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`bench: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
