/**
 * What the automatic check after a typed command costs through the worker pool: a learner's environment in one
 * worker types `kubectl get pods -o name | wc -l` again and again, and after each the server's background check
 * runs as `labRuntime.ts` runs it (the state the command left, the open steps that read the learner's actions, then
 * judged and disposed). Counts the round trips to the worker and the CPU of both threads per command, which a
 * loaded machine's wall clock does not move. `node bench/autoCheckCost.ts [commands] [bare|unjudged|eager]`.
 */
import { loadLab } from '../lab-server/src/labs/load.ts';
import { createPoolBackend } from '../lab-server/src/backends/pool/index.ts';
import { WorkerHost } from '../lab-server/src/backends/pool/workerHost.ts';
import { commandState } from '../lab-server/src/steps/commandState.ts';
import { JudgedStates } from '../lab-server/src/steps/judgedStates.ts';
import { StepSession } from '../lab-server/src/steps/session.ts';
import { typeScript } from '../lab-server/src/terminal/typing.ts';

const commands = Number(process.argv[2] ?? 200);
/** `bare`: the commands alone, no automatic check (what the check adds is the difference). */
const bare = process.argv[3] === 'bare';
/** `unjudged`: every check judged on its state again, even a state it already failed on (before steps/judgedStates.ts). */
const unjudged = process.argv[3] === 'unjudged';
/** `eager`: the state frozen in the worker before every automatic check (before steps/commandState.ts). */
const eager = process.argv[3] === 'eager';
const judged = new JudgedStates();
const lab = loadLab('traffic-shifting');
const backend = createPoolBackend({ clock: 'real', workers: 1 });
let calls = 0;
const call = WorkerHost.prototype.call;
WorkerHost.prototype.call = function (this: WorkerHost, request) {
  calls++;
  return call.call(this, request);
};
try {
  const env = await backend.createEnvironment({ lab, owner: 'auto-check-cost', seed: 3 });
  await env.prepare();
  const steps = new StepSession(lab, env);
  const terminal = env.openTerminal({ cols: 120, rows: 30 });
  const round = async () => {
    const { records } = await typeScript(terminal, 'kubectl get pods -o name | wc -l');
    const record = records.at(-1)!;
    const before = calls;
    if (bare) return 0;
    // As labRuntime.ts: the state the command left, frozen in the worker only when a check reads more than the
    // command history (`eager`: always, as before steps/commandState.ts).
    const frozen = eager ? await env.frozen!(record) : commandState(env, record, record.state!);
    // A step that failed on this state already is not judged again (`unjudged`: every time).
    const memo = unjudged ? undefined : { states: judged, state: frozen ? record.state : undefined };
    await steps.evaluateOpen('action', env.now(), {}, frozen ?? env, memo);
    await frozen?.judged();
    await frozen?.dispose();
    return calls - before;
  };
  for (let i = 0; i < 20; i++) await round(); // compiles the code
  const front = process.threadCpuUsage();
  const worker = await backend.generalCpuMs();
  const started = process.cpuUsage();
  let checkCalls = 0;
  for (let i = 0; i < commands; i++) checkCalls += await round();
  const frontMs = (process.threadCpuUsage(front).user + process.threadCpuUsage(front).system) / 1000;
  const processUsage = process.cpuUsage(started);
  const workerMs = (await backend.generalCpuMs()) - worker;
  const per = (ms: number) => (ms / commands).toFixed(2);
  console.log(`commands ${commands}`, JSON.stringify(backend.stats()));
  console.log(`worker round trips per automatic check  ${(checkCalls / commands).toFixed(1)}`);
  console.log(`front thread CPU per command (ms)        ${per(frontMs)}`);
  console.log(`worker CPU per command (ms)              ${per(workerMs)}`);
  console.log(`process CPU per command (ms)             ${per((processUsage.user + processUsage.system) / 1000)}`);
} finally {
  await backend.close();
}
