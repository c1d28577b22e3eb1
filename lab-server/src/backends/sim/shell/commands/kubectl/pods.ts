/** `kubectl exec` and `kubectl logs`: which pod (`POD`, `deploy/NAME`, `svc/NAME`, `-l`) and which container. */
import { OrderedOutput } from '../../orderedOutput.ts';
import type { K8sObject } from '../../../../../contract.ts';
import { resolveResourceName } from '../../../cluster/discovery.ts';
import { containerStatusesOf, podSpec, podStatus, workloadSpec } from '../../../cluster/shapes.ts';
import { serviceSelector } from '../../../mesh/objects.ts';
import { flag, type FlagSpec, type ParsedArgs } from './args.ts';
import type { CommandContext, Output } from './context.ts';

/** Flags of exec. */
export const EXEC_FLAGS: FlagSpec = {
  values: ['container', 'pod-running-timeout', 'filename'],
  booleans: ['stdin', 'tty', 'quiet'],
  short: { c: 'container', i: 'stdin', t: 'tty', q: 'quiet', f: 'filename' },
};
/** Flags of logs. */
export const LOGS_FLAGS: FlagSpec = {
  values: [
    'container',
    'tail',
    'since',
    'since-time',
    'selector',
    'limit-bytes',
    'max-log-requests',
    'pod-running-timeout',
  ],
  booleans: ['follow', 'previous', 'timestamps', 'all-containers', 'prefix', 'ignore-errors', 'all-pods'],
  short: { c: 'container', f: 'follow', p: 'previous', l: 'selector' },
};

function isRunning(pod: K8sObject): boolean {
  return podStatus(pod).phase === 'Running';
}

/** What a `deploy/NAME` with no pod yet resolves to; kubectl then waits for one (`--pod-running-timeout`). */
const NO_POD_YET = 'error: timed out waiting for the condition';

/** Like `resolvePods`, waiting on the clock (polling each second) while the owner has no pod yet. */
async function waitForPods(
  ref: string,
  ctx: CommandContext,
  timeoutText: string | undefined,
  fallbackMs: number,
): Promise<{ pod: K8sObject; count: number } | string> {
  const parsed = timeoutText === undefined ? fallbackMs : parseDuration(timeoutText);
  if (parsed === undefined)
    return `error: invalid argument "${timeoutText}" for "--pod-running-timeout" flag: time: invalid duration "${timeoutText}"`;
  const deadline = ctx.host.clock.now() + parsed;
  for (;;) {
    const found = resolvePods(ref, ctx);
    if (found !== NO_POD_YET || ctx.host.clock.now() >= deadline || ctx.signal?.aborted) return found;
    try {
      await ctx.host.clock.sleep(Math.min(1000, deadline - ctx.host.clock.now()), ctx.signal);
    } catch {
      return found;
    }
  }
}

/**
 * The pod a reference (`POD`, `pod/NAME`, `deploy/NAME`, `svc/NAME`) names, with how many the owner selected
 * (logs says "Found N pods"), or kubectl's error text.
 */
export function resolvePods(ref: string, ctx: CommandContext): { pod: K8sObject; count: number } | string {
  const one = (pod: K8sObject | undefined, name: string) =>
    pod ? { pod, count: 1 } : `Error from server (NotFound): pods "${name}" not found`;
  const slash = ref.indexOf('/');
  if (slash < 0) return one(ctx.cluster.get('Pod', ctx.namespace, ref), ref);
  const resource = resolveResourceName(ref.slice(0, slash));
  const name = ref.slice(slash + 1);
  if (!resource) return `error: the server doesn't have a resource type "${ref.slice(0, slash)}"`;
  if (resource.kind === 'Pod') return one(ctx.cluster.get('Pod', ctx.namespace, name), name);
  const owner = ctx.cluster.get(resource.id, ctx.namespace, name);
  const plural = resource.group ? `${resource.plural}.${resource.group}` : resource.plural;
  if (!owner) return `Error from server (NotFound): ${plural} "${name}" not found`;
  const selector = resource.kind === 'Service' ? serviceSelector(owner) : workloadSpec(owner).selector?.matchLabels;
  if (!selector)
    return `error: cannot attach to *v1.${resource.kind}: selector for ${resource.kind.toLowerCase()} is not implemented`;
  const text = Object.entries(selector)
    .map(([k, v]) => `${k}=${v}`)
    .join(',');
  const pods = ctx.cluster
    .list('Pod', ctx.namespace, text)
    .sort((a, b) => Number(isRunning(b)) - Number(isRunning(a)) || a.metadata.name.localeCompare(b.metadata.name));
  return pods[0] ? { pod: pods[0], count: pods.length } : NO_POD_YET;
}

function containerNames(pod: K8sObject): { all: string[]; init: string[]; ephemeral: string[] } {
  const spec = podSpec(pod);
  return {
    all: (spec.containers ?? []).map((c) => c.name),
    init: (spec.initContainers ?? []).map((c) => c.name),
    ephemeral: (spec.ephemeralContainers ?? []).map((c) => c.name),
  };
}

/**
 * The container to use, the "Defaulted container" notice kubectl prints, or an error. `exec` and `logs` word a
 * wrong `-c` differently; the default-container annotation picks silently.
 */
export function chooseContainer(
  pod: K8sObject,
  requested: string | undefined,
  command: 'exec' | 'logs' = 'logs',
): { container: string; notice: string } | { error: string } {
  const { all, init, ephemeral } = containerNames(pod);
  if (requested) {
    if (all.includes(requested) || init.includes(requested) || ephemeral.includes(requested))
      return { container: requested, notice: '' };
    return {
      error:
        command === 'exec'
          ? `error: container ${requested} not found in pod ${pod.metadata.name}`
          : `error: container ${requested} is not valid for pod ${pod.metadata.name}`,
    };
  }
  const preferred = pod.metadata.annotations?.['kubectl.kubernetes.io/default-container'];
  if (preferred && (all.includes(preferred) || init.includes(preferred))) return { container: preferred, notice: '' };
  const container = all[0]!;
  const notice =
    all.length > 1 || init.length > 0 || ephemeral.length > 0
      ? `Defaulted container "${container}" out of: ` +
        `${[...all, ...ephemeral.map((c) => `${c} (ephem)`), ...init.map((c) => `${c} (init)`)].join(', ')}\n`
      : '';
  return { container, notice };
}

/** `kubectl exec`. */
export async function exec(args: ParsedArgs, ctx: CommandContext): Promise<Output> {
  if (!args.dashDash) {
    if (args.positionals.length > 1)
      return {
        stdout: '',
        stderr:
          'error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] ' +
          "-- [COMMAND] instead\nSee 'kubectl exec -h' for help and examples\n",
        exitCode: 1,
      };
    return { stdout: '', stderr: 'error: you must specify at least one command for the container\n', exitCode: 1 };
  }
  const ref = args.positionals[0];
  if (!ref) return { stdout: '', stderr: 'error: pod, type/name or --filename must be specified\n', exitCode: 1 };
  if (args.rest.length === 0)
    return { stdout: '', stderr: 'error: you must specify at least one command for the container\n', exitCode: 1 };
  const found = await waitForPods(ref, ctx, flag(args, 'pod-running-timeout'), 60_000);
  if (typeof found === 'string') return { stdout: '', stderr: `${found}\n`, exitCode: 1 };
  const pod = found.pod;
  const choice = chooseContainer(pod, flag(args, 'container'), 'exec');
  if ('error' in choice) return { stdout: '', stderr: `${choice.error}\n`, exitCode: 1 };
  if (!isRunning(pod))
    return {
      stdout: '',
      stderr: `${choice.notice}error: unable to upgrade connection: container not found ("${choice.container}")\n`,
      exitCode: 1,
    };
  const stdin = args.booleans.has('stdin') ? ctx.stdinText() : undefined;
  // A TTY needs a terminal on stdin: not a script's, not a pipe's (kubectl says so and goes on without one).
  const noTty =
    args.booleans.has('tty') && (!ctx.host.stream || ctx.stdinText() !== '')
      ? 'Unable to use a TTY - input is not a terminal or the right kind of file\n'
      : '';
  // With a TTY the container's stderr comes out on its terminal, so on kubectl's stdout; with kubectl's own two
  // streams in one place (`2>&1`, the terminal), the container's output is kept in the order it was written.
  const tty = args.booleans.has('tty') && !noTty;
  const result = await ctx.host.pods.exec(
    { namespace: pod.metadata.namespace!, pod: pod.metadata.name, container: choice.container },
    args.rest,
    {
      ...(stdin !== undefined ? { stdin } : {}),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
      ...(ctx.host.stream ? { stream: ctx.host.stream } : {}),
      streams: { merged: tty || ctx.streams.merged, terminal: tty },
    },
  );
  const notice = args.booleans.has('quiet') ? '' : choice.notice;
  const terminated =
    result.exitCode !== 0 && !args.booleans.has('quiet')
      ? `command terminated with exit code ${result.exitCode}\n`
      : '';
  const output = new OrderedOutput()
    .err(notice + noTty)
    .out(result.stdout)
    .err(result.stderr)
    .err(terminated);
  return output.result(result.exitCode, ctx.streams.merged);
}

const LOGS_USAGE =
  "error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is " +
  "a required argument for the logs command\nSee 'kubectl logs -h' for help and examples\n";

/** One container's log, and the prefix `--prefix` gives its lines. */
interface LogSource {
  pod: K8sObject;
  container: string;
}

/** Which pods and containers `kubectl logs` reads, with kubectl's notices on stderr, or its error. */
async function logSources(
  args: ParsedArgs,
  ctx: CommandContext,
): Promise<{ sources: LogSource[]; notices: string } | Output> {
  const selector = flag(args, 'selector');
  const [ref, inlineContainer] = args.positionals;
  if (args.positionals.length > 2 || (!ref && selector === undefined))
    return { stdout: '', stderr: LOGS_USAGE, exitCode: 1 };
  if (ref && selector !== undefined && args.positionals.length === 1)
    return {
      stdout: '',
      stderr: "error: only a selector (-l) or a POD name is allowed\nSee 'kubectl logs -h' for help and examples\n",
      exitCode: 1,
    };
  if (inlineContainer && flag(args, 'container'))
    return { stdout: '', stderr: 'error: only one of -c or an inline [CONTAINER] arg is allowed\n', exitCode: 1 };
  const requested = flag(args, 'container') ?? inlineContainer;
  if (requested && args.booleans.has('all-containers'))
    return {
      stdout: '',
      stderr: `error: --all-containers=true should not be specified with container name ${requested}\n`,
      exitCode: 1,
    };
  let notices = '';
  let pods: K8sObject[];
  if (selector !== undefined) {
    pods = ctx.cluster.list('Pod', ctx.namespace, selector);
    if (pods.length === 0) notices += `No resources found in ${ctx.namespace} namespace.\n`;
  } else {
    const found = await waitForPods(ref!, ctx, flag(args, 'pod-running-timeout'), 20_000);
    if (typeof found === 'string') {
      // logs words a missing object its own way: lower-case "error from server" and the namespace.
      const notFound = /^Error from server \(NotFound\): (.*)$/.exec(found);
      return {
        stdout: '',
        stderr: `${notFound ? `error: error from server (NotFound): ${notFound[1]} in namespace "${ctx.namespace}"` : found}\n`,
        exitCode: 1,
      };
    }
    if (found.count > 1) notices += `Found ${found.count} pods, using pod/${found.pod.metadata.name}\n`;
    pods = [found.pod];
  }
  const sources: LogSource[] = [];
  for (const pod of pods) {
    if (args.booleans.has('all-containers')) {
      const { all, init } = containerNames(pod);
      for (const c of [...init, ...all]) sources.push({ pod, container: c });
      continue;
    }
    const choice = chooseContainer(pod, requested);
    if ('error' in choice) return { stdout: '', stderr: `${notices}${choice.error}\n`, exitCode: 1 };
    notices += choice.notice;
    const waiting = containerWaiting(pod, choice.container);
    if (waiting)
      return {
        stdout: '',
        stderr:
          `${notices}Error from server (BadRequest): container "${choice.container}" ` +
          `in pod "${pod.metadata.name}" is waiting to start: ${waiting}\n`,
        exitCode: 1,
      };
    sources.push({ pod, container: choice.container });
  }
  return { sources, notices };
}

/** The reason a container has not started (`ContainerCreating`, `PodInitializing`), or undefined once it has. */
function containerWaiting(pod: K8sObject, container: string): string | undefined {
  const st = podStatus(pod);
  const status = containerStatusesOf(pod).find((c) => c.name === container);
  if (status?.state?.running || status?.state?.terminated) return undefined;
  if (status?.state?.waiting?.reason) return status.state.waiting.reason;
  return st.phase === 'Pending' || !status ? 'ContainerCreating' : undefined;
}

/** `kubectl logs`: snapshot, or with `-f` every new line until Ctrl-C (or the pod goes away). */
export async function logs(args: ParsedArgs, ctx: CommandContext): Promise<Output> {
  const since = flag(args, 'since');
  const sinceTime = flag(args, 'since-time');
  if (since !== undefined && sinceTime !== undefined)
    return {
      stdout: '',
      stderr: 'error: at most one of `sinceTime` or `sinceSeconds` may be specified\n',
      exitCode: 1,
    };
  const tail = flag(args, 'tail');
  if (tail !== undefined && !/^-?\d+$/.test(tail))
    return {
      stdout: '',
      stderr:
        `error: invalid argument "${tail}" for "--tail" flag: strconv.ParseInt: ` +
        `parsing "${tail}": invalid syntax\nSee 'kubectl logs --help' for usage.\n`,
      exitCode: 1,
    };
  const now = ctx.host.clock.now();
  let sinceMs: number | undefined;
  if (since !== undefined) {
    const ms = parseDuration(since);
    if (ms === undefined)
      return {
        stdout: '',
        stderr:
          `error: invalid argument "${since}" for "--since" flag: time: ` +
          `invalid duration "${since}"\nSee 'kubectl logs --help' for usage.\n`,
        exitCode: 1,
      };
    if (ms <= 0) return { stdout: '', stderr: 'error: --since must be greater than 0\n', exitCode: 1 };
    sinceMs = now - ms;
  } else if (sinceTime !== undefined) {
    sinceMs = Date.parse(sinceTime);
    if (Number.isNaN(sinceMs))
      return {
        stdout: '',
        stderr: `error: parsing time "${sinceTime}" as "2006-01-02T15:04:05Z07:00": cannot parse "${sinceTime}" as "2006"\n`,
        exitCode: 1,
      };
  }
  const resolved = await logSources(args, ctx);
  if ('exitCode' in resolved) return resolved;
  const { sources, notices } = resolved;
  const tailN = tail !== undefined ? Number(tail) : flag(args, 'selector') !== undefined ? 10 : -1;
  const prefixOn = args.booleans.has('prefix') || args.booleans.has('all-pods');
  const format = (s: LogSource, at: number, text: string) =>
    `${prefixOn ? `[pod/${s.pod.metadata.name}/${s.container}] ` : ''}` +
    `${args.booleans.has('timestamps') ? `${new Date(at).toISOString().replace(/\.(\d{3})Z$/, '.$1000000Z')} ` : ''}${text}\n`;
  let stdout = '';
  for (const s of sources) {
    const lines = ctx.cluster.logs.read(s.pod.metadata.namespace!, s.pod.metadata.name, s.container, {
      ...(sinceMs !== undefined ? { sinceMs } : {}),
      ...(tailN >= 0 ? { tail: tailN } : {}),
    });
    for (const l of lines) stdout += format(s, l.at, l.text);
  }
  if (!args.booleans.has('follow')) return { stdout, stderr: notices, exitCode: 0 };
  // Following: an attached terminal gets lines as they come; a script gets them when Ctrl-C (the signal) ends it.
  const stream = ctx.host.stream;
  let collected = '';
  const emit = (text: string) => (stream ? stream(text) : (collected += text));
  if (stream) stream(notices + stdout);
  else collected = stdout;
  await new Promise<void>((resolve) => {
    const offs = sources.map((s) =>
      ctx.cluster.logs.follow(s.pod.metadata.namespace!, s.pod.metadata.name, s.container, (l) =>
        emit(format(s, l.at, l.text)),
      ),
    );
    const names = new Set(sources.map((s) => `${s.pod.metadata.namespace}/${s.pod.metadata.name}`));
    const offWatch = ctx.cluster.watch((event) => {
      if (
        event.type === 'DELETED' &&
        event.object.kind === 'Pod' &&
        names.delete(`${event.object.metadata.namespace}/${event.object.metadata.name}`) &&
        names.size === 0
      )
        stop();
    });
    function stop() {
      for (const off of offs) off();
      offWatch();
      resolve();
    }
    if (ctx.signal?.aborted) stop();
    ctx.signal?.addEventListener('abort', stop, { once: true });
  });
  return stream ? { stdout: '', stderr: '', exitCode: 0 } : { stdout: collected, stderr: notices, exitCode: 0 };
}

/** Go durations as `--since` takes them (`10s`, `5m`, `1h30m`, `1.5h`), in ms. */
export function parseDuration(text: string): number | undefined {
  if (text === '0') return 0;
  const units: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/y;
  let total = 0;
  let pos = 0;
  while (pos < text.length) {
    re.lastIndex = pos;
    const m = re.exec(text);
    if (!m) return undefined;
    total += Number(m[1]) * units[m[2]!]!;
    pos = re.lastIndex;
  }
  return pos === 0 ? undefined : total;
}
