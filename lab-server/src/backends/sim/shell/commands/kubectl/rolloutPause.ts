/**
 * `kubectl rollout pause|resume` as kubectl 1.34 runs them: a patch of the Deployment's `spec.paused` (only
 * Deployments can be paused), `deployment.apps/NAME paused|resumed`, and the refusals kubectl words from its
 * pauser and resumer (`is already paused`, `is not paused`, `pausing is not supported`). While paused, the
 * Deployment controller makes no new ReplicaSet for a changed template; `restart` and `undo` refuse.
 */
import type { K8sObject } from '../../../../../contract.ts';
import type { WorkloadSpec } from '../../../cluster/shapes.ts';
import type { CommandContext } from './context.ts';
import { serverError, type Target } from './resources.ts';

/** `resource.group` as kubectl names a resource in these errors (`deployments.apps`, `services`). */
function resourceString(target: Target): string {
  return target.resource.group ? `${target.resource.plural}.${target.resource.group}` : target.resource.plural;
}

/** Pauses or resumes one object; kubectl's line for stdout, or its error for stderr. */
export function pauseOrResume(
  action: 'pause' | 'resume',
  target: Target,
  obj: K8sObject,
  ctx: CommandContext,
): { stdout: string } | { error: string } {
  const name = obj.metadata.name;
  if (target.resource.kind !== 'Deployment')
    return {
      error: `error: ${resourceString(target)} "${name}" ${action === 'pause' ? 'pausing' : 'resuming'} is not supported`,
    };
  const paused = (obj.spec as WorkloadSpec | undefined)?.paused === true;
  if (action === 'pause' && paused) return { error: `error: ${resourceString(target)} "${name}" is already paused` };
  if (action === 'resume' && !paused) return { error: `error: ${resourceString(target)} "${name}" is not paused` };
  try {
    ctx.cluster.update('Deployment', obj.metadata.namespace ?? ctx.namespace, name, (o) => {
      const spec = o.spec as WorkloadSpec;
      // As a strategic merge patch of `{"spec":{"paused":false}}` leaves it: kubectl encodes the whole object.
      if (action === 'pause') spec.paused = true;
      else delete spec.paused;
    });
  } catch (error) {
    return { error: serverError(error, 'failed to patch') };
  }
  return { stdout: `deployment.apps/${name} ${action === 'pause' ? 'paused' : 'resumed'}\n` };
}

/** kubectl's refusal to restart or roll back a paused Deployment, or undefined when it is not paused. */
export function pausedRefusal(action: 'restart' | 'undo', target: Target, obj: K8sObject): string | undefined {
  if ((obj.spec as WorkloadSpec | undefined)?.paused !== true) return undefined;
  return action === 'restart'
    ? `error: ${resourceString(target)} "${obj.metadata.name}" can't restart paused deployment (run rollout resume first)`
    : "error: you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again";
}
