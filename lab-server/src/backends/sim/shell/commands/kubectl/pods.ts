/** `kubectl exec` and `kubectl logs`: which pod (`POD`, `deploy/NAME`, `svc/NAME`, `-l`) and which container. */
import type { K8sObject } from '../../../../../contract.ts';
import { resolveResourceName } from '../../../cluster/discovery.ts';
import { flag, type FlagSpec, type ParsedArgs } from './args.ts';
import type { CommandContext, Output } from './context.ts';

type Obj = Record<string, any>;

/** Flags of exec. */
export const EXEC_FLAGS: FlagSpec = { values: ['container', 'pod-running-timeout', 'filename'], booleans: ['stdin', 'tty', 'quiet'], short: { c: 'container', i: 'stdin', t: 'tty', q: 'quiet', f: 'filename' } };
/** Flags of logs. */
export const LOGS_FLAGS: FlagSpec = {
  values: ['container', 'tail', 'since', 'since-time', 'selector', 'limit-bytes', 'max-log-requests', 'pod-running-timeout'],
  booleans: ['follow', 'previous', 'timestamps', 'all-containers', 'prefix', 'ignore-errors', 'all-pods'],
  short: { c: 'container', f: 'follow', p: 'previous', l: 'selector' },
};

function isRunning(pod: K8sObject): boolean {
  return (pod.status as Obj | undefined)?.phase === 'Running';
}

/** The pod a reference names, or kubectl's error text. */
export function resolvePod(ref: string, ctx: CommandContext): K8sObject | string {
  const slash = ref.indexOf('/');
  if (slash < 0) return ctx.cluster.get('Pod', ctx.namespace, ref) ?? `Error from server (NotFound): pods "${ref}" not found`;
  const resource = resolveResourceName(ref.slice(0, slash));
  const name = ref.slice(slash + 1);
  if (!resource) return `error: the server doesn't have a resource type "${ref.slice(0, slash)}"`;
  if (resource.kind === 'Pod') return ctx.cluster.get('Pod', ctx.namespace, name) ?? `Error from server (NotFound): pods "${name}" not found`;
  const owner = ctx.cluster.get(resource.kind, ctx.namespace, name);
  const plural = resource.group ? `${resource.plural}.${resource.group}` : resource.plural;
  if (!owner) return `Error from server (NotFound): ${plural} "${name}" not found`;
  const spec = (owner.spec ?? {}) as Obj;
  const selector = (resource.kind === 'Service' ? spec.selector : spec.selector?.matchLabels) as Record<string, string> | undefined;
  if (!selector) return `error: cannot attach to *v1.${resource.kind}: selector for ${resource.kind.toLowerCase()} is not implemented`;
  const text = Object.entries(selector).map(([k, v]) => `${k}=${v}`).join(',');
  const pods = ctx.cluster.list('Pod', ctx.namespace, text).sort((a, b) => Number(isRunning(b)) - Number(isRunning(a)) || a.metadata.name.localeCompare(b.metadata.name));
  return pods[0] ?? `error: no pods found for ${resource.kind.toLowerCase()} ${name}`;
}

function containerNames(pod: K8sObject): { all: string[]; init: string[] } {
  const spec = (pod.spec ?? {}) as Obj;
  return { all: ((spec.containers ?? []) as Obj[]).map((c) => c.name), init: ((spec.initContainers ?? []) as Obj[]).map((c) => c.name) };
}

/** The container to use, the "Defaulted container" notice kubectl prints, or an error. */
export function chooseContainer(pod: K8sObject, requested: string | undefined): { container: string; notice: string } | { error: string } {
  const { all, init } = containerNames(pod);
  if (requested) {
    if (all.includes(requested) || init.includes(requested)) return { container: requested, notice: '' };
    return { error: `error: container ${requested} is not valid for pod ${pod.metadata.name}` };
  }
  const preferred = pod.metadata.annotations?.['kubectl.kubernetes.io/default-container'];
  const container = preferred && all.includes(preferred) ? preferred : all[0]!;
  const notice = all.length + init.length > 1 ? `Defaulted container "${container}" out of: ${[...all, ...init.map((c) => `${c} (init)`)].join(', ')}\n` : '';
  return { container, notice };
}

/** `kubectl exec`. */
export async function exec(args: ParsedArgs, ctx: CommandContext): Promise<Output> {
  if (!args.dashDash) {
    if (args.positionals.length > 1) return { stdout: '', stderr: 'error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\nSee \'kubectl exec -h\' for help and examples\n', exitCode: 1 };
    return { stdout: '', stderr: 'error: you must specify at least one command for the container\n', exitCode: 1 };
  }
  const ref = args.positionals[0];
  if (!ref) return { stdout: '', stderr: 'error: pod, type/name or --filename must be specified\n', exitCode: 1 };
  if (args.rest.length === 0) return { stdout: '', stderr: 'error: you must specify at least one command for the container\n', exitCode: 1 };
  const pod = resolvePod(ref, ctx);
  if (typeof pod === 'string') return { stdout: '', stderr: `${pod}\n`, exitCode: 1 };
  const choice = chooseContainer(pod, flag(args, 'container'));
  if ('error' in choice) return { stdout: '', stderr: `${choice.error}\n`, exitCode: 1 };
  if (!isRunning(pod)) return { stdout: '', stderr: `${choice.notice}error: unable to upgrade connection: container not found ("${choice.container}")\n`, exitCode: 1 };
  const stdin = args.booleans.has('stdin') ? ctx.stdinText() : undefined;
  const result = await ctx.host.pods.exec({ namespace: pod.metadata.namespace!, pod: pod.metadata.name, container: choice.container }, args.rest, { ...(stdin !== undefined ? { stdin } : {}), ...(ctx.signal ? { signal: ctx.signal } : {}), ...(ctx.host.stream ? { stream: ctx.host.stream } : {}) });
  const notice = args.booleans.has('quiet') ? '' : choice.notice;
  const terminated = result.exitCode !== 0 && !args.booleans.has('quiet') ? `command terminated with exit code ${result.exitCode}\n` : '';
  return { stdout: result.stdout, stderr: notice + result.stderr + terminated, exitCode: result.exitCode };
}

function parseSince(text: string): number | undefined {
  const m = /^(\d+)(s|m|h)$/.exec(text);
  if (!m) return undefined;
  return Number(m[1]) * (m[2] === 's' ? 1000 : m[2] === 'm' ? 60_000 : 3_600_000);
}

/** `kubectl logs`. */
export async function logs(args: ParsedArgs, ctx: CommandContext): Promise<Output> {
  const selector = flag(args, 'selector');
  let pods: K8sObject[];
  if (selector) {
    pods = ctx.cluster.list('Pod', ctx.namespace, selector);
    if (pods.length === 0) return { stdout: '', stderr: `No resources found in ${ctx.namespace} namespace.\n`, exitCode: 0 };
  } else {
    const ref = args.positionals[0];
    if (!ref) return { stdout: '', stderr: 'error: expected \'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]\'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee \'kubectl logs -h\' for help and examples\n', exitCode: 1 };
    const pod = resolvePod(ref, ctx);
    if (typeof pod === 'string') return { stdout: '', stderr: `${pod}\n`, exitCode: 1 };
    pods = [pod];
  }
  const tail = flag(args, 'tail');
  const since = flag(args, 'since');
  const sinceTime = flag(args, 'since-time');
  const now = ctx.host.clock.now();
  const sinceMs = since ? (parseSince(since) === undefined ? NaN : now - parseSince(since)!) : sinceTime ? Date.parse(sinceTime) : undefined;
  if (Number.isNaN(sinceMs)) return { stdout: '', stderr: `error: invalid argument "${since ?? sinceTime}" for "--since" flag: time: invalid duration "${since ?? sinceTime}"\n`, exitCode: 1 };
  const tailN = tail !== undefined ? Number(tail) : selector ? 10 : undefined;
  let stdout = '';
  let stderr = '';
  const streams: { pod: K8sObject; container: string }[] = [];
  for (const pod of pods) {
    const names = args.booleans.has('all-containers') ? containerNames(pod).all : undefined;
    if (names) { for (const c of names) streams.push({ pod, container: c }); continue; }
    const choice = chooseContainer(pod, flag(args, 'container'));
    if ('error' in choice) return { stdout: '', stderr: `${choice.error}\n`, exitCode: 1 };
    if (!selector) stderr += choice.notice;
    if ((pod.status as Obj | undefined)?.phase === 'Pending') return { stdout: '', stderr: `${stderr}Error from server (BadRequest): container "${choice.container}" in pod "${pod.metadata.name}" is waiting to start: ContainerCreating\n`, exitCode: 1 };
    streams.push({ pod, container: choice.container });
  }
  const prefix = (s: { pod: K8sObject; container: string }) => (args.booleans.has('prefix') || (selector && pods.length > 1 && args.booleans.has('prefix')) ? `[pod/${s.pod.metadata.name}/${s.container}] ` : '');
  const stamp = (at: number) => (args.booleans.has('timestamps') ? `${new Date(at).toISOString().replace('Z', '000000Z').replace(/\.(\d{3})000000Z$/, '.$1000000Z')} ` : '');
  for (const s of streams) {
    const lines = ctx.cluster.logs.read(s.pod.metadata.namespace!, s.pod.metadata.name, s.container, { ...(sinceMs !== undefined ? { sinceMs } : {}), ...(tailN !== undefined && tailN >= 0 ? { tail: tailN } : {}) });
    for (const l of lines) stdout += `${prefix(s)}${stamp(l.at)}${l.text}\n`;
  }
  if (args.booleans.has('follow') && ctx.host.stream) {
    const stream = ctx.host.stream;
    stream(stderr + stdout);
    await new Promise<void>((resolve) => {
      const offs = streams.map((s) => ctx.cluster.logs.follow(s.pod.metadata.namespace!, s.pod.metadata.name, s.container, (l) => stream(`${prefix(s)}${stamp(l.at)}${l.text}\n`)));
      const stop = () => { for (const off of offs) off(); resolve(); };
      if (ctx.signal?.aborted) stop();
      ctx.signal?.addEventListener('abort', stop, { once: true });
    });
    return { stdout: '', stderr: '', exitCode: 0 };
  }
  return { stdout, stderr, exitCode: 0 };
}
