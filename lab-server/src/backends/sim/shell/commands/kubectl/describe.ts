/** `kubectl describe`: the Pod and Service views kubectl prints, and its generic view for everything else (CRDs). */
import type { K8sObject } from '../../../../../contract.ts';
import { flag, type FlagSpec, type ParsedArgs } from './args.ts';
import type { CommandContext, Output } from './context.ts';
import { describeDeployment, describePod, describeService } from './describeKinds.ts';
import { describeGeneric } from './describeText.ts';
import { deprecationWarnings, isServed, parseTargets } from './resources.ts';

/** Flags of describe. */
export const DESCRIBE_FLAGS: FlagSpec = {
  values: ['selector', 'filename'],
  booleans: ['all-namespaces', 'show-events'],
  short: { l: 'selector', A: 'all-namespaces', f: 'filename' },
};

/** `kubectl describe`. */
export async function describe(args: ParsedArgs, ctx: CommandContext): Promise<Output> {
  const targets = parseTargets(args.positionals, (r) => isServed(ctx.cluster, r));
  if (targets.length === 0)
    return {
      stdout: '',
      stderr:
        'You must specify the type of resource to describe. Use "kubectl api-resources" for ' +
        'a complete list of supported resources.\n\nerror: Required resource not specified.\n',
      exitCode: 1,
    };
  const parts: string[] = [];
  let stderr = deprecationWarnings(targets);
  let exitCode = 0;
  for (const target of targets) {
    const namespace = target.resource.namespaced && !args.booleans.has('all-namespaces') ? ctx.namespace : undefined;
    let objects: K8sObject[];
    if (target.names.length) {
      objects = [];
      for (const name of target.names) {
        const exact = ctx.cluster.get(target.resource.kind, namespace, name);
        // describe accepts a name prefix, as kubectl does.
        const found = exact
          ? [exact]
          : ctx.cluster.list(target.resource.kind, namespace).filter((o) => o.metadata.name.startsWith(name));
        if (found.length === 0) {
          stderr +=
            `Error from server (NotFound): ` +
            `${target.resource.group ? `${target.resource.plural}.${target.resource.group}` : target.resource.plural} ` +
            `"${name}" not found\n`;
          exitCode = 1;
        }
        objects.push(...found);
      }
    } else objects = ctx.cluster.list(target.resource.kind, namespace, flag(args, 'selector'));
    for (const obj of objects) {
      const now = ctx.host.clock.now();
      if (obj.kind === 'Pod') parts.push(describePod(obj, ctx.cluster, now));
      else if (obj.kind === 'Service') parts.push(describeService(obj, ctx.cluster, now));
      else if (obj.kind === 'Deployment') parts.push(describeDeployment(obj, ctx.cluster, now));
      else parts.push(describeGeneric(obj, ctx.cluster, now));
    }
    if (objects.length === 0 && target.names.length === 0)
      stderr += `No resources found in ${ctx.namespace} namespace.\n`;
  }
  return { stdout: parts.join('\n\n'), stderr, exitCode };
}
