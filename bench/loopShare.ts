/**
 * What one learner's loop costs its worker, alone: `node bench/loopShare.ts [script] [--seconds 10]`. One pooled
 * environment (the worker pool `labs serve` uses), one terminal typing `script` (default: a busy loop); after 3 s of
 * warm-up, the worker thread's, the front thread's and the whole process's CPU per second, and the output received.
 * A busy environment is held to a fifth of a core on its worker on a quiet server (`pool/serverLoad.ts`): the worker
 * thread's figure should stay near or under 200 ms/s, whatever the loop does. Small and self-contained, so two trees
 * can be compared in turn (`farm-bench`).
 */
import { createBackend } from '../lab-server/src/backends/index.ts';
import { WorkerHost } from '../lab-server/src/backends/pool/workerHost.ts';
import { loadLab } from '../lab-server/src/labs/load.ts';

const args = process.argv.slice(2);
const secondsAt = args.indexOf('--seconds');
const seconds = secondsAt >= 0 ? Number(args[secondsAt + 1]) : 10;
const script =
  args.find((a, i) => !a.startsWith('--') && (secondsAt < 0 || i !== secondsAt + 1)) ?? 'while true; do :; done';

/** The worker the environment lives in (the pool has one per core; this one environment is in one of them). */
let host: WorkerHost | undefined;
const call = WorkerHost.prototype.call;
WorkerHost.prototype.call = function (this: WorkerHost, request) {
  host = this;
  return call.call(this, request);
};
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const lab = loadLab('traffic-shifting');
const backend = await createBackend('sim', { seed: 42, isolated: true });
const env = await backend.createEnvironment({ lab, owner: 'bench', seed: 42 });
await env.prepare();
const terminal = await env.openTerminal({ cols: 120, rows: 24 });
let received = 0;
terminal.onOutput((data) => {
  received += data.length;
});
await sleep(1_000);
terminal.write(`${script}\r`);
await sleep(3_000);
if (!host) throw new Error('bench: the environment made no worker call');
const before = {
  worker: await host.cpuMs(),
  process: process.cpuUsage(),
  front: process.threadCpuUsage(),
  received,
  wall: performance.now(),
};
await sleep(seconds * 1_000);
const wallS = (performance.now() - before.wall) / 1_000;
const perS = (ms: number) => `${(ms / wallS).toFixed(0)} ms/s`;
const ms = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1_000;
const worker = (await host.cpuMs()) - before.worker;
process.stdout.write(
  `${script}\n  worker thread ${perS(worker)}, front thread ${perS(ms(process.threadCpuUsage(before.front)))},` +
    ` process ${perS(ms(process.cpuUsage(before.process)))}, output ${((received - before.received) / 1024 / wallS).toFixed(0)} KiB/s\n`,
);
terminal.write('\x03');
process.exit(0);
