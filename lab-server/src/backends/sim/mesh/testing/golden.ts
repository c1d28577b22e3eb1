/**
 * Recording traffic for the data plane's regression test (`golden/traffic.golden.test.ts`): a lab environment on
 * a virtual clock with a fixed seed walks through its steps and scenarios, and everything a learner or a check
 * could observe is written down as text: terminal output, every response (status, headers, body or its digest),
 * new log lines of every container (access logs included) and each check's verdict, evidence and explanation.
 * The same seed must give the same text, byte for byte, whatever the data plane does inside.
 */
import { createHash } from 'node:crypto';
import type {
  HttpOrigin,
  HttpRequest,
  HttpResult,
  K8sObject,
  LabBackend,
  LabEnvironment,
} from '../../../../contract.ts';
import type { Check } from '../../../../labs/schema.ts';
import type { LoadedLab } from '../../../../labs/load.ts';
import { runCheck } from '../../../../checks/run.ts';
import { createSimBackend } from '../../index.ts';
import { SimEnvironment } from '../../environment.ts';

/** One thing to do and record. */
export type GoldenAction =
  | { script: string }
  | { requests: { origin: HttpOrigin; request: HttpRequest; times?: number; label: string } }
  | { check: Check; label: string }
  | { stepSolution: string }
  | { stepCheck: string };

/** Bodies longer than this are recorded by digest (productpage's HTML), shorter ones verbatim. */
const VERBATIM_BODY = 800;

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

function body(text: string): string {
  if (text.length <= VERBATIM_BODY) return JSON.stringify(text);
  const stars = /color="(red|black)"/.exec(text)?.[1] ?? (text.includes('glyphicon-star') ? 'stars' : 'no stars');
  return `<${Buffer.byteLength(text)} bytes sha256:${digest(text)} (${stars})>`;
}

function response(r: HttpResult): string {
  if (r.error) return `error curl=${r.error.curlExitCode} ${r.error.message} after ${r.durationMs} ms`;
  const headers = Object.entries(r.headers)
    .map(([k, v]) => `${k}: ${v}`)
    .join(' | ');
  return `${r.status} in ${r.durationMs} ms | ${headers} | ${body(r.body)}`;
}

/** Containers with more new lines than this are recorded as their first lines and a digest of all, in order. */
const VERBATIM_LINES = 24;

/** Lines grouped by `keyOf` in their order; a long group as its first lines and `key: N lines, in order sha256 <digest>`. */
function inOrder(lines: readonly string[], keyOf: (line: string) => string): string[] {
  const groups = new Map<string, string[]>();
  for (const line of lines) groups.set(keyOf(line), [...(groups.get(keyOf(line)) ?? []), line]);
  return [...groups].flatMap(([key, group]) =>
    group.length <= VERBATIM_LINES
      ? group
      : [...group.slice(0, 3), `${key}: ${group.length} lines, in order sha256 ${digest(group.join('\n'))}`],
  );
}

/** Lines grouped by `keyOf`, each group as `key: N lines, sha256 <digest of the sorted lines>`. */
function multisets(lines: readonly string[], keyOf: (line: string) => string): string[] {
  const groups = new Map<string, string[]>();
  for (const line of lines) {
    const key = keyOf(line);
    groups.set(key, [...(groups.get(key) ?? []), line]);
  }
  return [...groups].map(
    ([key, group]) => `${key}: ${group.length} lines, sha256 ${digest([...group].sort().join('\n'))}`,
  );
}

/**
 * The record reads each container's new lines after each action by counting those it read before: no line may go
 * meanwhile, so the environment keeps all it logs (by default its oldest lines go past 512 Ki characters;
 * logs.test.ts covers that). Its backend, and a shared one, are made with these limits.
 */
export const KEEP_EVERY_LINE = { logChars: Number.POSITIVE_INFINITY } as const;

/** Per container, how many log lines were already recorded. */
type LogMarks = Map<string, number>;

async function newLogLines(env: LabEnvironment, marks: LogMarks): Promise<string[]> {
  const out: string[] = [];
  const pods = (await env.list({ kind: 'Pod' })).sort((a, b) =>
    `${a.metadata.namespace}/${a.metadata.name}`.localeCompare(`${b.metadata.namespace}/${b.metadata.name}`),
  );
  for (const pod of pods) {
    const namespace = pod.metadata.namespace ?? 'default';
    for (const container of containerNames(pod)) {
      let text: string;
      try {
        text = await env.logs({ namespace, pod: pod.metadata.name, container });
      } catch {
        continue;
      }
      const lines = text.split('\n').filter((l) => l !== '');
      const key = `${namespace}/${pod.metadata.name}/${container}`;
      const seen = marks.get(key) ?? 0;
      for (const line of lines.slice(seen)) out.push(`${key}: ${line}`);
      marks.set(key, lines.length);
    }
  }
  return out;
}

function containerNames(pod: K8sObject): string[] {
  const spec = pod.spec as { containers?: { name: string }[]; initContainers?: { name: string }[] } | undefined;
  return [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])].map((c) => c.name);
}

/**
 * Runs `actions` in a fresh prepared environment of `lab` (virtual clock, `seed`) and returns the transcript.
 * The wall clock is frozen by the caller; `pause` moves it on (between steps). `shared`: a backend of the caller's
 * (kept open), e.g. one whose environments start from a shared starting state.
 */
export async function recordGolden(
  lab: LoadedLab,
  seed: number,
  actions: readonly GoldenAction[],
  pause: (ms: number) => void,
  shared?: LabBackend,
): Promise<string> {
  const backend = shared ?? createSimBackend({ clock: 'virtual', seed, limits: KEEP_EVERY_LINE });
  const env = await backend.createEnvironment({ lab, owner: 'golden', seed });
  const out: string[] = [];
  let stepStartedAt = new Date(0);
  const marks: LogMarks = new Map();
  const files = lab.steps.flatMap((s) => s.files.map((f) => ({ name: f.name, content: f.content })));
  const logs = async (concurrent: boolean) => {
    const lines = await newLogLines(env, marks);
    if (lines.length === 0) return;
    out.push('-- new log lines');
    if (!concurrent) out.push(...inOrder(lines, (line) => line.slice(0, line.indexOf(': '))));
    // A check's requests run 8 at a time: their lines interleave in completion order, so each container's
    // lines are compared as a multiset (count and digest of the sorted lines).
    else out.push(...multisets(lines, (line) => line.slice(0, line.indexOf(': '))));
  };
  const check = async (c: Check, label: string) => {
    const responses: string[] = [];
    const http = async (origin: HttpOrigin, request: HttpRequest) => {
      const r = await env.http(origin, request);
      responses.push(`${request.url}: ${response(r)}`);
      return r;
    };
    const recording = new Proxy(env, {
      get(target, prop) {
        if (prop === 'http') return http;
        // Every response is recorded, so the check sends its requests here, over `http` (traffic/series.ts: the loop
        // `SimEnvironment.httpSeries` runs too), rather than in one call that would bypass the recording.
        if (prop === 'httpSeries') return undefined;
        const value: unknown = Reflect.get(target, prop, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const r = await runCheck(c, { env: recording, stepStartedAt, files }, { retry: false });
    out.push(`== check ${label}: ${r.ok ? 'PASS' : 'FAIL'}`, `en: ${r.explanation.en}`, `ko: ${r.explanation.ko}`);
    for (const e of r.evidence) out.push(`evidence: ${e.action} => ${e.result}`);
    if (responses.length > 0) out.push('-- responses', ...multisets(responses, () => 'all'));
  };
  const script = async (text: string) => {
    const r = await env.runScript(text);
    out.push(`== $ ${text.trim().split('\n').join('\n   ')}`, `exit ${r.exitCode}`, r.output.trimEnd());
  };
  try {
    await env.prepare();
    out.push(`== prepared ${lab.id} with seed ${seed}`);
    await logs(false);
    for (const action of actions) {
      if ('script' in action) await script(action.script);
      else if ('stepSolution' in action) {
        const step = lab.steps.find((s) => s.id === action.stepSolution);
        if (!step) throw new Error(`no step ${action.stepSolution}`);
        // A second passes between steps, as it does for a learner: "since this step began" excludes what came before.
        pause(1000);
        if (env instanceof SimEnvironment) await env.advanceClock(1000);
        stepStartedAt = env.now();
        await script(step.solution);
      } else if ('stepCheck' in action) {
        const step = lab.steps.find((s) => s.id === action.stepCheck);
        if (!step?.check) throw new Error(`no check on step ${action.stepCheck}`);
        await check(step.check, action.stepCheck);
      } else if ('check' in action) await check(action.check, action.label);
      else {
        const { origin, request, times = 1, label } = action.requests;
        out.push(`== ${label}: ${request.method ?? 'GET'} ${request.url} x${times}`);
        for (let i = 0; i < times; i++) out.push(`${i}: ${response(await env.http(origin, request))}`);
      }
      await logs('check' in action || 'stepCheck' in action);
    }
  } finally {
    await env.dispose();
    if (!shared) await backend.close();
  }
  return `${out.join('\n')}\n`;
}
