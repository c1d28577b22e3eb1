/**
 * `npm run bench`: runs the benchmark suites, prints a table and writes `bench/results/latest.json`.
 * Usage: npm run bench [-- --quick] [-- --only sim] [-- --profile] [-- --<suite flag> value ...]
 * `--profile` writes a CPU profile of the traffic checks to `bench/results/traffic-check.cpuprofile`.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { BenchContext, BenchRow, BenchSuite } from './suite.ts';
import { suite as simSuite } from './sim.ts';

/** Suites that always run; optional ones are loaded from these files when present. */
const SUITES: BenchSuite[] = [simSuite];
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
  const values = rows.map((r) => String(r.value));
  const vw = Math.max(...values.map((v) => v.length), 5);
  return [
    `${name}`,
    `  ${'metric'.padEnd(width)}  ${'value'.padStart(vw)}  unit`,
    ...rows.map((r, i) => `  ${r.metric.padEnd(width)}  ${values[i]!.padStart(vw)}  ${r.unit}`),
  ].join('\n');
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
  const only = typeof flags.only === 'string' ? flags.only.split(',') : undefined;
  const results: Record<string, { rows: BenchRow[]; details?: Record<string, unknown> }> = {};
  for (const s of suites.filter((x) => !only || only.includes(x.name))) {
    ctx.log(`suite ${s.name}`);
    results[s.name] = await s.run(ctx);
    process.stdout.write(`${table(s.name, results[s.name]!.rows)}\n\n`);
  }
  const dir = fileURLToPath(new URL('./results/', import.meta.url));
  mkdirSync(dir, { recursive: true });
  const report = {
    at: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model,
    totalMemoryBytes: totalmem(),
    quick: ctx.quick,
    suites: results,
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
