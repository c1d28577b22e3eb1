/**
 * `kubectl set resources (TYPE NAME | TYPE/NAME)... --limits=cpu=200m,memory=512Mi --requests=...` as kubectl 1.34's
 * set resources: every container (and init container) or those `-c` selects, quantities checked as the API parses
 * them, `deployment.apps/NAME resource requirements updated`; nothing printed for an object that does not change.
 */
import { flag, type ParsedArgs } from './args.ts';
import type { CommandContext, Output } from './context.ts';
import { podSpecOf, selectContainers, selectObjects, templated } from './podTemplates.ts';
import { serverError, typePrefix } from './resources.ts';
import { dryRunSuffix } from './write.ts';

/** A Kubernetes quantity: a number with an optional binary/decimal suffix or exponent. */
const QUANTITY = /^[+-]?(\d+(\.\d*)?|\.\d+)(Ki|Mi|Gi|Ti|Pi|Ei|n|u|m|k|M|G|T|P|E|[eE][+-]?\d+)?$/;
const QUANTITY_ERROR = "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'";

/** `cpu=100m,memory=256Mi` as a resource list, or kubectl's error. */
export function parseResourceList(spec: string): Record<string, string> | string {
  const list: Record<string, string> = {};
  for (const statement of spec.split(',')) {
    const parts = statement.split('=');
    if (parts.length !== 2) return `Invalid argument syntax ${statement}, expected <resource>=<value>`;
    if (!QUANTITY.test(parts[1]!)) return QUANTITY_ERROR;
    list[parts[0]!] = parts[1]!;
  }
  return list;
}

/** `kubectl set resources`. */
export function setResources(resources: string[], args: ParsedArgs, ctx: CommandContext): Output {
  const limitsText = flag(args, 'limits') ?? '';
  const requestsText = flag(args, 'requests') ?? '';
  if (args.booleans.has('all') && flag(args, 'selector') !== undefined)
    return { stdout: '', stderr: 'error: cannot set --all and --selector at the same time\n', exitCode: 1 };
  if (!limitsText && !requestsText)
    return {
      stdout: '',
      stderr: 'error: you must specify an update to requests or limits (in the form of --requests/--limits)\n',
      exitCode: 1,
    };
  const limits = limitsText ? parseResourceList(limitsText) : {};
  const requests = requestsText ? parseResourceList(requestsText) : {};
  for (const list of [limits, requests])
    if (typeof list === 'string') return { stdout: '', stderr: `error: ${list}\n`, exitCode: 1 };
  const objects = selectObjects(resources, args, ctx);
  if ('error' in objects) return { stdout: '', stderr: `${objects.error}\n`, exitCode: 1 };
  const pattern = flag(args, 'containers') ?? '*';
  const dryRun = flag(args, 'dry-run');
  let stdout = '';
  let stderr = objects.errors;
  let exitCode = objects.errors ? 1 : 0;
  for (const selected of objects.selected) {
    const found = templated(selected, ctx);
    if ('error' in found) {
      stderr += found.error;
      exitCode = 1;
      continue;
    }
    const { target, name, namespace, spec } = found;
    if (selectContainers(spec, pattern).length === 0) {
      stderr += `error: unable to find container named ${pattern}\n`;
      exitCode = 1;
      continue;
    }
    try {
      const result = ctx.cluster.update(
        target.resource.id,
        namespace,
        name,
        (o) => {
          for (const c of selectContainers(podSpecOf(o)!, pattern)) {
            const current = c.resources ?? {};
            if (limitsText) current.limits = { ...current.limits, ...(limits as Record<string, string>) };
            if (requestsText) current.requests = { ...current.requests, ...(requests as Record<string, string>) };
            c.resources = current;
          }
        },
        { dryRun: dryRun === 'server' || dryRun === 'client' },
      );
      if (result.outcome === 'unchanged') continue;
      stdout += `${typePrefix(target.resource)}/${name} resource requirements updated${dryRunSuffix(dryRun)}\n`;
    } catch (error) {
      stderr += `${serverError(error, 'failed to patch resources update to pod template')}\n`;
      exitCode = 1;
    }
  }
  return { stdout, stderr, exitCode };
}
