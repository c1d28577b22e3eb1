/**
 * One hostile learner among N others, on the pooled simulator `labs serve` uses, driven directly (no HTTP): see
 * hostileLoad.ts for the load. Every learner types in a terminal of their own environment.
 * `npm run bench -- --only hostile [--learners 50] [--seconds 10] [--think 1000] [--freezes busy,sleeps]`
 * (`--think 0`: every learner in a tight loop, which measures the machine's saturation more than fairness).
 *
 * `--clock cpu` times the others' commands by the CPU time of the pool's general workers instead of wall time,
 * with one general worker (`--learners 25`: one worker's share of 50). CPU time is what the pool's scheduling
 * decides (whose turn it is); wall time on a shared machine also counts every moment the operating system ran
 * something else, which no server can help. So that figure stays meaningful on a busy development machine.
 */
import { createPoolBackend, type PoolBackend } from '../lab-server/src/backends/pool/index.ts';
import type { CommandRecord, LabEnvironment, TerminalChannel } from '../lab-server/src/contract.ts';
import { loadLab } from '../lab-server/src/labs/load.ts';
import { type BenchTerminal, type HostileHarness, runHostilePhases } from './hostileLoad.ts';
import type { BenchSuite } from './suite.ts';

const lab = loadLab('traffic-shifting');
let marks = 0;

/** A terminal whose commands end with their record. */
function benchTerminal(env: LabEnvironment, terminal: TerminalChannel, onClose: () => void): BenchTerminal {
  const waiting = new Set<(record: CommandRecord) => void>();
  terminal.onCommand((record) => {
    for (const w of waiting) w(record);
  });
  const until = (line: string, timeoutMs: number) =>
    new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiting.delete(check);
        reject(new Error(`bench: "${line.slice(0, 40)}" did not finish within ${timeoutMs} ms`));
      }, timeoutMs);
      const check = (record: CommandRecord) => {
        if (record.line !== line) return;
        waiting.delete(check);
        clearTimeout(timer);
        resolve();
      };
      waiting.add(check);
    });
  return {
    command(line) {
      const done = until(line, 120_000);
      terminal.write(`${line}\r`);
      return done;
    },
    paste(script, timeoutMs) {
      const mark = `echo bench-mark-${++marks}`;
      const done = until(mark, timeoutMs);
      terminal.write(`${script.replace(/\n/g, '\r')}\r${mark}\r`);
      return done;
    },
    close() {
      terminal.write('\x03');
      terminal.close();
      void env.dispose();
      onClose();
    },
  };
}

async function learner(backend: PoolBackend, owner: string, seed: number): Promise<BenchTerminal> {
  const env = await backend.createEnvironment({ lab, owner, seed });
  await env.prepare();
  return benchTerminal(env, env.openTerminal({ cols: 120, rows: 30 }), () => undefined);
}

/** The suite. */
export const suite: BenchSuite = {
  name: 'hostile',
  async run(ctx) {
    const learners = Number(ctx.flags.learners ?? (ctx.quick ? 10 : 50));
    const seconds = Number(ctx.flags.seconds ?? (ctx.quick ? 4 : 10));
    const thinkMs = Number(ctx.flags.think ?? 1000);
    const only = typeof ctx.flags.freezes === 'string' ? ctx.flags.freezes.split(',') : undefined;
    const cpuClock = ctx.flags.clock === 'cpu';
    const backend = createPoolBackend({ clock: 'real', ...(cpuClock ? { workers: 1 } : {}) });
    ctx.log(`preparing ${learners} environments`);
    const others = await Promise.all(Array.from({ length: learners }, (_, i) => learner(backend, `l${i}`, i)));
    let hostiles = 0;
    const harness: HostileHarness = {
      others,
      hostile: () => learner(backend, `hostile-${++hostiles}`, 1000 + hostiles),
      rssMiB: () => process.memoryUsage().rss / 1024 / 1024,
      ...(cpuClock ? { clock: () => backend.generalCpuMs() } : {}),
    };
    const cpuBefore = process.cpuUsage();
    const result = await runHostilePhases(harness, { seconds, thinkMs, ...(only ? { only } : {}), log: ctx.log });
    const cpu = process.cpuUsage(cpuBefore);
    const stats = backend.stats();
    result.rows.push({ metric: 'worker restarts', value: stats.restarts, unit: '' });
    result.rows.push({ metric: 'environments moved to quarantine', value: stats.quarantinedTotal, unit: '' });
    result.details.pool = stats;
    result.details.learners = learners;
    result.details.clock = cpuClock ? 'CPU time of the general worker' : 'wall time';
    result.details.cpuSeconds = Math.round((cpu.user + cpu.system) / 1e4) / 100;
    for (const t of others) t.close();
    await backend.close();
    return result;
  },
};
