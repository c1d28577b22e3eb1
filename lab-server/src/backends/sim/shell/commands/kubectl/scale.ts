/** `kubectl scale`: a Deployment's or ReplicaSet's replicas. */
import { flag, type ParsedArgs } from './args.ts';
import type { CommandContext, Output } from './context.ts';
import { parseTargets, serverError, typePrefix } from './resources.ts';

/** `kubectl scale TYPE/NAME --replicas=N`. */
export function scale(args: ParsedArgs, ctx: CommandContext): Output {
  const replicas = flag(args, 'replicas');
  if (replicas === undefined || !/^\d+$/.test(replicas))
    return {
      stdout: '',
      stderr: 'error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0\n',
      exitCode: 1,
    };
  let stdout = '';
  let stderr = '';
  let exitCode = 0;
  for (const target of parseTargets(args.positionals)) {
    if (target.resource.kind !== 'Deployment' && target.resource.kind !== 'ReplicaSet')
      return {
        stdout: '',
        stderr: `error: no scaler has been implemented for {"${target.resource.group}" "${target.resource.kind}"}\n`,
        exitCode: 1,
      };
    for (const name of target.names) {
      try {
        ctx.cluster.update(target.resource.id, ctx.namespace, name, (o) => {
          (o.spec as Record<string, unknown>).replicas = Number(replicas);
        });
        stdout += `${typePrefix(target.resource)}/${name} scaled\n`;
      } catch (error) {
        stderr += `${serverError(error)}\n`;
        exitCode = 1;
      }
    }
  }
  return { stdout, stderr, exitCode };
}
