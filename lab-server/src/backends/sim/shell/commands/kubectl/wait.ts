/** `kubectl wait` and `kubectl rollout status|restart|history|undo|pause|resume`: polling the cluster on the environment's clock. */
import { rolloutHistory, rolloutUndo } from './rolloutHistory.ts';
import { pausedRefusal, pauseOrResume } from './rolloutPause.ts';
import type { K8sObject } from '../../../../../contract.ts';
import { conditionedStatus, type WorkloadSpec, workloadSpec, workloadStatus } from '../../../cluster/shapes.ts';
import { flag, type FlagSpec, type ParsedArgs } from './args.ts';
import type { CommandContext, Output } from './context.ts';
import { parseTargets, serverError, type Target, typePrefix } from './resources.ts';

/** Flags of wait. */
export const WAIT_FLAGS: FlagSpec = {
  values: ['for', 'timeout', 'selector', 'filename', 'field-selector', 'output'],
  booleans: ['all', 'all-namespaces', 'local'],
  short: { l: 'selector', A: 'all-namespaces', f: 'filename', o: 'output' },
};
/** Flags of rollout. */
export const ROLLOUT_FLAGS: FlagSpec = {
  values: ['timeout', 'revision', 'to-revision', 'selector', 'filename', 'output'],
  booleans: ['watch'],
  short: { w: 'watch', l: 'selector', f: 'filename', o: 'output' },
};

/** Seconds from `300s`, `5m`, `1h`, `0`. */
export function parseTimeout(text: string | undefined, fallback: number): number | undefined {
  if (text === undefined) return fallback;
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text);
  if (!m) return undefined;
  const n = Number(m[1]);
  return m[2] === 'ms' ? n / 1000 : m[2] === 'm' ? n * 60 : m[2] === 'h' ? n * 3600 : n;
}

function conditionHolds(obj: K8sObject, condition: string, value: string): boolean {
  const conditions = conditionedStatus(obj).conditions ?? [];
  return conditions.some(
    (c) => c.type.toLowerCase() === condition.toLowerCase() && String(c.status).toLowerCase() === value.toLowerCase(),
  );
}

/** `kubectl wait --for=condition=Ready pod --all`. */
export async function wait(args: ParsedArgs, ctx: CommandContext): Promise<Output> {
  const forText = flag(args, 'for');
  if (!forText) return { stdout: '', stderr: 'error: --for must be specified\n', exitCode: 1 };
  const timeoutS = parseTimeout(flag(args, 'timeout'), 30);
  if (timeoutS === undefined)
    return {
      stdout: '',
      stderr:
        `error: invalid argument "${flag(args, 'timeout')}" for "--timeout" ` +
        `flag: time: invalid duration "${flag(args, 'timeout')}"\n`,
      exitCode: 1,
    };
  const m = /^condition=([^=]+)(?:=(.*))?$/.exec(forText);
  const isDelete = forText === 'delete';
  const jsonpath = /^jsonpath=\{?\.?([^}=]+)\}?=(.*)$/.exec(forText);
  if (!m && !isDelete && !jsonpath)
    return { stdout: '', stderr: `error: unrecognized condition: "${forText}"\n`, exitCode: 1 };
  const targets = parseTargets(args.positionals);
  if (targets.length === 0)
    return { stdout: '', stderr: 'error: resource(s) were provided, but no name was specified\n', exitCode: 1 };
  const selector = flag(args, 'selector');
  if (targets.some((t) => t.names.length === 0) && selector === undefined && !args.booleans.has('all'))
    return { stdout: '', stderr: 'error: resource(s) were provided, but no name was specified\n', exitCode: 1 };
  const deadline = ctx.host.clock.now() + timeoutS * 1000;
  let stdout = '';
  const stderr = '';
  const exitCode = 0;
  for (const target of targets) {
    const namespace = target.resource.namespaced ? ctx.namespace : undefined;
    const chosen = () =>
      target.names.length
        ? target.names.map((n) => ctx.cluster.get(target.resource.id, namespace, n) ?? n)
        : ctx.cluster.list(target.resource.id, namespace, selector);
    const initial = chosen();
    if (initial.length === 0)
      return {
        stdout: ctx.host.stream ? '' : stdout,
        stderr: `${stderr}error: no matching resources found\n`,
        exitCode: 1,
      };
    for (const first of initial) {
      const name = typeof first === 'string' ? first : first.metadata.name;
      // An object already gone satisfies --for=delete without a line, as kubectl ignores its NotFound.
      if (typeof first === 'string' && isDelete) continue;
      if (typeof first === 'string') {
        // kubectl stops at the first object that fails.
        return {
          stdout: ctx.host.stream ? '' : stdout,
          stderr:
            `${stderr}Error from server (NotFound): ` +
            `${target.resource.group ? `${target.resource.plural}.${target.resource.group}` : target.resource.plural} ` +
            `"${name}" not found\n`,
          exitCode: 1,
        };
      }
      const label = `${typePrefix(target.resource)}/${name}`;
      let done = false;
      for (;;) {
        const obj = ctx.cluster.get(target.resource.id, namespace, name);
        if (isDelete) done = !obj;
        else if (obj && m) done = conditionHolds(obj, m[1]!, m[2] ?? 'true');
        else if (obj && jsonpath)
          done =
            String(
              jsonpath[1]!
                .split('.')
                .reduce<unknown>(
                  (v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined),
                  obj,
                ),
            ) === jsonpath[2];
        if (done || ctx.host.clock.now() >= deadline || ctx.signal?.aborted) break;
        try {
          await ctx.host.clock.sleep(Math.min(1000, Math.max(1, deadline - ctx.host.clock.now())), ctx.signal);
        } catch {
          break;
        }
      }
      if (!done) {
        const why =
          timeoutS === 0
            ? `condition not met for ${target.resource.plural}/${name}`
            : `timed out waiting for the condition on ${target.resource.plural}/${name}`;
        return { stdout: ctx.host.stream ? '' : stdout, stderr: `${stderr}error: ${why}\n`, exitCode: 1 };
      }
      stdout += `${label} condition met\n`;
      ctx.host.stream?.(`${label} condition met\n`);
    }
  }
  // Lines already went to the terminal as each condition was met.
  return { stdout: ctx.host.stream ? '' : stdout, stderr, exitCode };
}

/** `kubectl rollout status|restart|history|undo|pause|resume`. */
export async function rollout(args: ParsedArgs, ctx: CommandContext): Promise<Output> {
  const [sub, ...rest] = args.positionals;
  if (!sub || !['status', 'restart', 'history', 'undo', 'pause', 'resume'].includes(sub)) {
    return { stdout: '', stderr: `error: unknown command "${sub ?? ''}" for "kubectl rollout"\n`, exitCode: 1 };
  }
  let targets: Target[];
  try {
    targets = parseTargets(rest);
  } catch (error) {
    return { stdout: '', stderr: `${(error as Error).message}\n`, exitCode: 1 };
  }
  if (targets.length === 0 || targets.every((t) => t.names.length === 0))
    return { stdout: '', stderr: 'error: required resource not specified\n', exitCode: 1 };
  let stdout = '';
  let stderr = '';
  let exitCode = 0;
  for (const target of targets) {
    for (const name of target.names) {
      const obj = ctx.cluster.get(target.resource.id, ctx.namespace, name);
      if (!obj) {
        stderr += `Error from server (NotFound): ${target.resource.plural}.${target.resource.group} "${name}" not found\n`;
        exitCode = 1;
        continue;
      }
      if (sub === 'pause' || sub === 'resume') {
        const done = pauseOrResume(sub, target, obj, ctx);
        if ('stdout' in done) stdout += done.stdout;
        else {
          stderr += `${done.error}\n`;
          exitCode = 1;
        }
        continue;
      }
      if (target.resource.kind !== 'Deployment') {
        stderr += `error: no status viewer has been implemented for ${target.resource.kind}\n`;
        exitCode = 1;
        continue;
      }
      const refusal = sub === 'restart' || sub === 'undo' ? pausedRefusal(sub, target, obj) : undefined;
      if (refusal) {
        stderr += `${refusal}\n`;
        exitCode = 1;
        continue;
      }
      if (sub === 'restart') {
        try {
          ctx.cluster.update('Deployment', ctx.namespace, name, (o) => {
            const t = ((o.spec as WorkloadSpec).template ??= {});
            t.metadata ??= {};
            t.metadata.annotations = {
              ...t.metadata.annotations,
              'kubectl.kubernetes.io/restartedAt': new Date(ctx.host.clock.now())
                .toISOString()
                .replace(/\.\d{3}Z$/, 'Z'),
            };
          });
          stdout += `deployment.apps/${name} restarted\n`;
        } catch (error) {
          stderr += `${serverError(error)}\n`;
          exitCode = 1;
        }
        continue;
      }
      if (sub === 'history') {
        const wanted = flag(args, 'revision');
        const history = rolloutHistory(
          ctx.cluster,
          obj,
          wanted === undefined ? undefined : Number(wanted),
          ctx.host.clock.now(),
        );
        stdout += history.stdout;
        if (history.error) {
          stderr += history.error;
          exitCode = 1;
        }
        continue;
      }
      if (sub === 'undo') {
        const to = flag(args, 'to-revision') ?? '0';
        if (!/^\d+$/.test(to)) {
          stderr += `invalid argument "${to}" for "--to-revision" flag: strconv.ParseInt: parsing "${to}": invalid syntax\n`;
          exitCode = 1;
          continue;
        }
        try {
          const undone = rolloutUndo(ctx.cluster, obj, Number(to));
          stdout += undone.stdout;
          if (undone.error) {
            stderr += undone.error;
            exitCode = 1;
          }
        } catch (error) {
          stderr += `${serverError(error)}\n`;
          exitCode = 1;
        }
        continue;
      }
      const timeoutS = parseTimeout(flag(args, 'timeout'), 0) ?? 0;
      const deadline = timeoutS > 0 ? ctx.host.clock.now() + timeoutS * 1000 : Infinity;
      let last = '';
      for (;;) {
        const d = ctx.cluster.get('Deployment', ctx.namespace, name);
        if (!d) {
          stderr += 'error: object has been deleted\n';
          exitCode = 1;
          break;
        }
        const spec = workloadSpec(d);
        const st = workloadStatus(d);
        const want = spec.replicas ?? 1;
        let line = '';
        if ((d.metadata.generation ?? 0) > (st.observedGeneration ?? 0))
          line = 'Waiting for deployment spec update to be observed...\n';
        else if ((st.updatedReplicas ?? 0) < want)
          line =
            `Waiting for deployment "${name}" rollout to finish: ` +
            `${st.updatedReplicas ?? 0} out of ${want} new replicas have been updated...\n`;
        else if ((st.replicas ?? 0) > (st.updatedReplicas ?? 0))
          line =
            `Waiting for deployment "${name}" rollout to finish: ` +
            `${(st.replicas ?? 0) - (st.updatedReplicas ?? 0)} old replicas are pending termination...\n`;
        else if ((st.availableReplicas ?? 0) < (st.updatedReplicas ?? 0))
          line =
            `Waiting for deployment "${name}" rollout to finish: ${st.availableReplicas ?? 0} ` +
            `of ${st.updatedReplicas ?? 0} updated replicas are available...\n`;
        else {
          stdout += `deployment "${name}" successfully rolled out\n`;
          break;
        }
        if (line !== last) {
          stdout += line;
          ctx.host.stream?.(line);
          if (ctx.host.stream) stdout = stdout.slice(0, -line.length);
          last = line;
        }
        if (ctx.host.clock.now() >= deadline || ctx.signal?.aborted) {
          stderr += 'error: timed out waiting for the condition\n';
          exitCode = 1;
          break;
        }
        try {
          await ctx.host.clock.sleep(1000, ctx.signal);
        } catch {
          break;
        }
      }
    }
  }
  return { stdout, stderr, exitCode };
}
