/** `kubectl delete`: by type and names, `-f` (files, directories, stdin), `-l`, `--all`, with kubectl 1.34's lines. */
import type { K8sObject } from '../../../../../contract.ts';
import { resourceForApiVersion, type ApiResource } from '../../../cluster/discovery.ts';
import { flag, type FlagSpec, type ParsedArgs } from './args.ts';
import type { CommandContext, Output } from './context.ts';
import { readManifests } from './manifests.ts';
import { isServed, parseTargets, serverError, typePrefix } from './resources.ts';
import { parseTimeout } from './wait.ts';
import { dryRunSuffix, mapped } from './write.ts';

/** Flags of delete. */
export const DELETE_FLAGS: FlagSpec = {
  values: ['filename', 'selector', 'grace-period', 'cascade', 'timeout', 'output', 'dry-run', 'field-selector'],
  booleans: ['all', 'all-namespaces', 'ignore-not-found', 'recursive', 'force', 'now', 'wait'],
  short: { f: 'filename', l: 'selector', A: 'all-namespaces', R: 'recursive', o: 'output' },
};

/** `kubectl delete`: by type and names, `-f`, `-l`, `--all`; kubectl 1.34 names the namespace it deleted from. */
export async function del(args: ParsedArgs, ctx: CommandContext): Promise<Output> {
  let stdout = '';
  let stderr = '';
  let exitCode = 0;
  const ignore = args.booleans.has('ignore-not-found');
  const dryRunMode = flag(args, 'dry-run');
  const output = flag(args, 'output');
  if (output !== undefined && output !== 'name')
    return {
      stdout: '',
      stderr: `error: unexpected -o output mode: ${output}. We only support '-o name'\n`,
      exitCode: 1,
    };
  if (args.booleans.has('all') && flag(args, 'selector') !== undefined)
    return { stdout: '', stderr: 'error: cannot set --all and --selector at the same time\n', exitCode: 1 };
  // What kubectl waits for after deleting (--wait, on by default): here, namespaces, whose content goes first.
  const pending: { name: string; uid: string | undefined }[] = [];
  const doDelete = (resource: ApiResource, namespace: string | undefined, name: string, source?: string) => {
    try {
      if (dryRunMode === 'client' || dryRunMode === 'true') {
        if (!ctx.cluster.get(resource.id, namespace, name))
          throw {
            code: 404,
            reason: 'NotFound',
            message: `${resource.group ? `${resource.plural}.${resource.group}` : resource.plural} "${name}" not found`,
          };
      } else if (dryRunMode !== 'server') {
        const uid = ctx.cluster.get(resource.id, namespace, name)?.metadata.uid;
        ctx.cluster.delete(resource.id, namespace, name);
        if (resource.kind === 'Namespace') pending.push({ name, uid });
      } else if (!ctx.cluster.get(resource.id, namespace, name))
        throw {
          code: 404,
          reason: 'NotFound',
          message: `${resource.group ? `${resource.plural}.${resource.group}` : resource.plural} "${name}" not found`,
        };
      if (output === 'name') stdout += `${typePrefix(resource)}/${name}\n`;
      else
        stdout +=
          `${typePrefix(resource)} "${name}" ` +
          `deleted${resource.namespaced ? ` from ${namespace} namespace` : ''}${dryRunSuffix(dryRunMode)}\n`;
    } catch (error) {
      if (ignore && (error as { code?: number }).code === 404) return;
      stderr += `${serverError(error, source ? `error when deleting "${source}"` : undefined)}\n`;
      exitCode = 1;
    }
  };
  const files = args.values.get('filename');
  if (files?.length) {
    for (const item of await readManifests(ctx, files, args.booleans.has('recursive'), ctx.host.samples)) {
      const mappingError = mapped(item, ctx.cluster);
      if (mappingError) {
        stderr += `${mappingError}\n`;
        exitCode = 1;
        continue;
      }
      const resource = resourceForApiVersion(item.object.apiVersion, item.object.kind)!;
      doDelete(
        resource,
        resource.namespaced ? (item.object.metadata?.namespace ?? ctx.namespace) : undefined,
        item.object.metadata?.name ?? '',
        item.source,
      );
    }
    return waitForDeletion({ stdout, stderr, exitCode }, pending, args, ctx);
  }
  const targets = parseTargets(args.positionals, (r) => isServed(ctx.cluster, r));
  if (targets.length === 0)
    return {
      stdout: '',
      stderr:
        'error: You must provide one or more resources by argument or filename.\nExample resource specifications ' +
        "include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'\n",
      exitCode: 1,
    };
  const selector = flag(args, 'selector');
  let found = 0;
  for (const target of targets) {
    const namespace = target.resource.namespaced
      ? args.booleans.has('all-namespaces')
        ? undefined
        : ctx.namespace
      : undefined;
    if (target.names.length) {
      for (const name of target.names)
        doDelete(target.resource, target.resource.namespaced ? ctx.namespace : undefined, name);
      found += target.names.length;
    } else if (selector !== undefined || args.booleans.has('all')) {
      let objects: K8sObject[];
      try {
        objects = ctx.cluster.list(target.resource.id, namespace, selector);
      } catch (error) {
        return { stdout, stderr: `${stderr}${serverError(error)}\n`, exitCode: 1 };
      }
      found += objects.length;
      for (const o of objects) doDelete(target.resource, o.metadata.namespace, o.metadata.name);
    } else {
      return { stdout: '', stderr: 'error: resource(s) were provided, but no name was specified\n', exitCode: 1 };
    }
  }
  // kubectl prints this on stdout, not stderr.
  if (found === 0) stdout += 'No resources found\n';
  return waitForDeletion({ stdout, stderr, exitCode }, pending, args, ctx);
}

/** How often kubectl's wait looks again (it watches; this is the simulator's polling of its own store). */
const POLL_MS = 250;

/**
 * kubectl's wait after a delete (`--wait`, on by default): it returns once every deleted object is gone, so a
 * namespace's pods have terminated. `--wait=false` returns at once; `--timeout` bounds the wait.
 */
async function waitForDeletion(
  deleted: Output,
  pending: { name: string; uid: string | undefined }[],
  args: ParsedArgs,
  ctx: CommandContext,
): Promise<Output> {
  let result = deleted;
  if (pending.length === 0 || args.cleared?.has('wait')) return result;
  // kubectl prints what it deleted before it waits: at a terminal the lines show now.
  if (ctx.streams.terminal && ctx.host.stream && result.stdout) {
    ctx.host.stream(result.stdout);
    result = { ...result, stdout: '' };
  }
  const timeoutS = parseTimeout(flag(args, 'timeout'), 0) ?? 0;
  const started = ctx.host.clock.now();
  for (const { name, uid } of pending) {
    for (;;) {
      const live = ctx.cluster.get('Namespace', undefined, name);
      if (!live || live.metadata.uid !== uid) break;
      if (timeoutS > 0 && ctx.host.clock.now() - started >= timeoutS * 1000)
        return {
          ...result,
          stderr: `${result.stderr}error: timed out waiting for the condition on namespaces/${name}\n`,
          exitCode: 1,
        };
      try {
        await ctx.host.clock.sleep(POLL_MS, ctx.signal);
      } catch {
        return { ...result, exitCode: 130 };
      }
    }
  }
  return result;
}
