/**
 * CPU of the `ran` check an automatic check runs after every command (`read-virtualservice`'s, in chapter 1), as a
 * learner's history grows: `node bench/ranCheck.ts [commands]`. A learner who stays on the step types `commands`
 * commands; after each, the check reads the history (bounded at 1,000 records by the backends) since the step began.
 * Prints the CPU per evaluation by the history's length, and once the history is full (its oldest record dropped at
 * every command, so no kept scan begins with it: each evaluation reads the whole history again).
 */
import { evaluate } from '../lab-server/src/checks/run.ts';
import { DEFAULT_LIMITS } from '../lab-server/src/checks/types.ts';
import { checkSchema } from '../lab-server/src/labs/schema.ts';
import { loadLab } from '../lab-server/src/labs/load.ts';
import { FakeEnvironment } from '../lab-server/src/server/fakeBackend.ts';

const commands = Number(process.argv[2] ?? 1000);
const step = loadLab('traffic-shifting').steps.find((s) => s.id === 'read-virtualservice');
const ran = step?.check?.type === 'all' ? step.check.checks.find((c) => c.type === 'ran') : undefined;
if (!ran) throw new Error('bench: the traffic-shifting lab has no ran check on read-virtualservice');
const check = checkSchema.parse(ran);
const env = new FakeEnvironment('bench', {});
const began = new Date(Date.now() - 1_000);
/** CPU (ms) of each evaluation, the command's own record made before. */
const cpu: number[] = [];
for (let i = 0; i < commands; i++) {
  env.records.push({ line: 'kubectl get pods -o name | wc -l', exitCode: 0, at: new Date().toISOString() });
  if (env.records.length > 1000) env.records.shift();
  const used = process.cpuUsage();
  const r = await evaluate(check, {
    env,
    stepStartedAt: began,
    checkStartedAt: new Date(),
    signal: new AbortController().signal,
    limits: DEFAULT_LIMITS,
    files: [],
  });
  const u = process.cpuUsage(used);
  if (r.ok) throw new Error('bench: the ran check passed on commands that do not match it');
  cpu.push((u.user + u.system) / 1000);
}
const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const spans = [
  [0, 100],
  [400, 500],
  [900, 1000],
  [1000, commands],
].filter(([from, to]) => to! > from! && from! < commands);
process.stdout.write(
  `ran check, CPU per evaluation: ${spans
    .map(
      ([from, to]) =>
        `${from! >= 1000 ? 'history full' : `${from}..${to} records`} ${mean(cpu.slice(from, to)).toFixed(3)} ms`,
    )
    .join(', ')}\n`,
);
