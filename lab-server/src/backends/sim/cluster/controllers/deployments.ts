/**
 * The Deployment controller: one ReplicaSet per pod template (`<deploy>-<pod-template-hash>`), rolled as
 * Kubernetes rolls them. RollingUpdate scales the new ReplicaSet up within `maxSurge` and the old ones down as
 * new pods become available, never below `replicas - maxUnavailable` available; Recreate removes the old pods
 * first. A template seen before (a rollback) reuses its ReplicaSet under a new revision; old ReplicaSets beyond
 * `revisionHistoryLimit` are deleted. Status and conditions are what `kubectl rollout status` reads.
 */
import type { K8sObject } from '../../../../contract.ts';
import { templateHash, timestamp } from '../names.ts';
import {
  type ConditionedStatus,
  type PodTemplate,
  type WorkloadSpec,
  type WorkloadStatus,
  workloadSpec,
} from '../shapes.ts';
import type { ControllerContext } from './context.ts';
import { isOwnedBy, isReady, ownerRef, same } from './owners.ts';
import { podsOf } from './replicaSets.ts';

const REVISION = 'deployment.kubernetes.io/revision';
const DESIRED = 'deployment.kubernetes.io/desired-replicas';
const MAX_REPLICAS = 'deployment.kubernetes.io/max-replicas';

function revisionOf(rs: K8sObject): number {
  return Number(rs.metadata.annotations?.[REVISION] ?? 0);
}

function replicasOf(rs: K8sObject): number {
  return workloadSpec(rs).replicas ?? 0;
}

/** `maxSurge` / `maxUnavailable` as counts: an int, or a percentage of replicas (surge rounds up, unavailable down). */
function resolveBound(value: unknown, replicas: number, roundUp: boolean): number {
  if (typeof value === 'number') return value;
  const m = /^(\d+)%$/.exec(String(value ?? '25%'));
  const share = ((m ? Number(m[1]) : 25) * replicas) / 100;
  return roundUp ? Math.ceil(share) : Math.floor(share);
}

/** The rolling update's bounds; both zero would deadlock, so Kubernetes then allows one unavailable. */
export function rollingBounds(spec: WorkloadSpec, replicas: number): { maxSurge: number; maxUnavailable: number } {
  const rolling = spec.strategy?.rollingUpdate ?? {};
  const maxSurge = resolveBound(rolling.maxSurge, replicas, true);
  let maxUnavailable = resolveBound(rolling.maxUnavailable, replicas, false);
  if (maxSurge === 0 && maxUnavailable === 0) maxUnavailable = 1;
  return { maxSurge, maxUnavailable };
}

/** One pass over every Deployment. */
export function syncDeployments(ctx: ControllerContext): void {
  for (const deploy of ctx.store.list('Deployment')) syncDeployment(ctx, deploy);
}

function scale(
  ctx: ControllerContext,
  deploy: K8sObject,
  rs: K8sObject,
  replicas: number,
  maxReplicas: number,
): K8sObject {
  const before = replicasOf(rs);
  if (before === replicas && rs.metadata.annotations?.[DESIRED] === String(workloadSpec(deploy).replicas ?? 1))
    return rs;
  const next = structuredClone(rs);
  (next.spec as WorkloadSpec).replicas = replicas;
  next.metadata.annotations = {
    ...next.metadata.annotations,
    [DESIRED]: String(workloadSpec(deploy).replicas ?? 1),
    [MAX_REPLICAS]: String(maxReplicas),
  };
  if (before !== replicas) next.metadata.generation = (next.metadata.generation ?? 1) + 1;
  const stored = ctx.store.put(next);
  if (before !== replicas) {
    const way = replicas > before ? 'up' : 'down';
    ctx.record(deploy, {
      type: 'Normal',
      reason: 'ScalingReplicaSet',
      message: `Scaled ${way} replica set ${rs.metadata.name} from ${before} to ${replicas}`,
      component: 'deployment-controller',
    });
  }
  return stored;
}

function newReplicaSet(
  ctx: ControllerContext,
  deploy: K8sObject,
  hash: string,
  revision: number,
  replicas: number,
  maxReplicas: number,
): K8sObject {
  const spec = workloadSpec(deploy);
  const template: PodTemplate = structuredClone(spec.template ?? {});
  template.metadata ??= {};
  template.metadata.labels = { ...template.metadata.labels, 'pod-template-hash': hash };
  const rs: K8sObject = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      name: `${deploy.metadata.name}-${hash}`,
      namespace: deploy.metadata.namespace,
      labels: { ...template.metadata.labels },
      annotations: {
        [DESIRED]: String(spec.replicas ?? 1),
        [MAX_REPLICAS]: String(maxReplicas),
        [REVISION]: String(revision),
      },
      ownerReferences: [ownerRef(deploy)],
    },
    spec: {
      replicas,
      selector: { ...spec.selector, matchLabels: { ...(spec.selector?.matchLabels ?? {}), 'pod-template-hash': hash } },
      template,
    },
    status: { replicas: 0, observedGeneration: 1 },
  };
  ctx.stamp(rs);
  const stored = ctx.store.put(rs);
  ctx.record(deploy, {
    type: 'Normal',
    reason: 'ScalingReplicaSet',
    message: `Scaled up replica set ${rs.metadata.name} from 0 to ${replicas}`,
    component: 'deployment-controller',
  });
  return stored;
}

function available(ctx: ControllerContext, rs: K8sObject): number {
  return podsOf(ctx, rs).filter(isReady).length;
}

/**
 * Each stored pod template's hash. A stored object is frozen, so its template is the same text for as long as it
 * lives: the controllers pass over every Deployment after every change of any object, and hashed each template's
 * JSON anew each time.
 */
const hashes = new WeakMap<object, string>();

function podTemplateHash(template: object | undefined): string {
  if (!template || !Object.isFrozen(template)) return templateHash(JSON.stringify(template ?? {}));
  let hash = hashes.get(template);
  if (hash === undefined) hashes.set(template, (hash = templateHash(JSON.stringify(template))));
  return hash;
}

function syncDeployment(ctx: ControllerContext, deploy: K8sObject): void {
  const spec = workloadSpec(deploy);
  const replicas = spec.replicas ?? 1;
  const owned = ctx.store.list('ReplicaSet', deploy.metadata.namespace).filter((rs) => isOwnedBy(rs, deploy));
  const hash = podTemplateHash(spec.template);
  const maxRevision = Math.max(0, ...owned.map(revisionOf));
  const recreate = spec.strategy?.type === 'Recreate';
  const { maxSurge, maxUnavailable } = recreate
    ? { maxSurge: 0, maxUnavailable: replicas }
    : rollingBounds(spec, replicas);
  const maxReplicas = replicas + maxSurge;
  let current = owned.find((rs) => rs.metadata.labels?.['pod-template-hash'] === hash);
  let old = owned.filter((rs) => rs !== current).sort((a, b) => revisionOf(a) - revisionOf(b));
  const oldPods = () => old.reduce((n, rs) => n + podsOf(ctx, rs).length, 0);

  if (!spec.paused) {
    if (!current) {
      const total = old.reduce((n, rs) => n + replicasOf(rs), 0);
      const initial = recreate
        ? oldPods() > 0 || total > 0
          ? 0
          : replicas
        : Math.max(0, Math.min(replicas, maxReplicas - total));
      current = newReplicaSet(ctx, deploy, hash, maxRevision + 1, initial, maxReplicas);
    } else if (revisionOf(current) < maxRevision) {
      // A rollback: the template's old ReplicaSet becomes the newest revision again.
      const next = structuredClone(current);
      next.metadata.annotations = { ...next.metadata.annotations, [REVISION]: String(maxRevision + 1) };
      current = ctx.store.put(next);
    }
    if (recreate) {
      for (const rs of old) scale(ctx, deploy, rs, 0, maxReplicas);
      if (oldPods() === 0) current = scale(ctx, deploy, current, replicas, maxReplicas);
    } else {
      rollNew(ctx, deploy, current, old, replicas, maxReplicas);
      current = ctx.store.get('ReplicaSet', current.metadata.namespace, current.metadata.name) ?? current;
      old = old.map((rs) => ctx.store.get('ReplicaSet', rs.metadata.namespace, rs.metadata.name) ?? rs);
      rollOld(ctx, deploy, current, old, replicas, maxUnavailable, maxReplicas);
    }
    pruneHistory(ctx, old, spec.revisionHistoryLimit ?? 10);
  } else scalePaused(ctx, deploy, current, old, replicas, maxReplicas);
  writeStatus(ctx, deploy, current, owned, replicas);
}

/**
 * A paused Deployment makes no new ReplicaSet and rolls nothing, but a change of `replicas` still scales what runs:
 * the one active ReplicaSet (or the newest) takes it all; several active ones share it in proportion to their sizes,
 * the remainder to the newest (Kubernetes' proportional scaling, on sizes rather than its max-replicas annotations).
 */
function scalePaused(
  ctx: ControllerContext,
  deploy: K8sObject,
  current: K8sObject | undefined,
  old: K8sObject[],
  replicas: number,
  maxReplicas: number,
): void {
  const sets = [...old, ...(current ? [current] : [])];
  const active = sets.filter((rs) => replicasOf(rs) > 0);
  const total = active.reduce((n, rs) => n + replicasOf(rs), 0);
  if (active.length <= 1) {
    const only = active[0] ?? current ?? old.at(-1);
    if (only && replicasOf(only) !== replicas) scale(ctx, deploy, only, replicas, maxReplicas);
    return;
  }
  if (total === replicas) return;
  const shares = active.map((rs) => Math.floor((replicasOf(rs) * replicas) / total));
  const newest = shares.length - 1;
  shares[newest] = (shares[newest] ?? 0) + replicas - shares.reduce((a, b) => a + b, 0);
  active.forEach((rs, i) => {
    if (replicasOf(rs) !== shares[i]) scale(ctx, deploy, rs, shares[i]!, maxReplicas);
  });
}

/** Scales the new ReplicaSet toward `replicas`, never past `replicas + maxSurge` pods in all. */
function rollNew(
  ctx: ControllerContext,
  deploy: K8sObject,
  current: K8sObject,
  old: K8sObject[],
  replicas: number,
  maxReplicas: number,
): void {
  const have = replicasOf(current);
  if (have >= replicas) {
    if (have > replicas || current.metadata.annotations?.[DESIRED] !== String(replicas))
      scale(ctx, deploy, current, replicas, maxReplicas);
    return;
  }
  const total = have + old.reduce((n, rs) => n + replicasOf(rs), 0);
  if (total >= maxReplicas) return;
  scale(ctx, deploy, current, Math.min(replicas, have + (maxReplicas - total)), maxReplicas);
}

/** Scales old ReplicaSets down, oldest first: unavailable pods at once, available ones while enough stay available. */
function rollOld(
  ctx: ControllerContext,
  deploy: K8sObject,
  current: K8sObject,
  old: K8sObject[],
  replicas: number,
  maxUnavailable: number,
  maxReplicas: number,
): void {
  if (old.every((rs) => replicasOf(rs) === 0)) return;
  const minAvailable = replicas - maxUnavailable;
  const all = [current, ...old];
  const total = all.reduce((n, rs) => n + replicasOf(rs), 0);
  const newUnavailable = Math.max(0, replicasOf(current) - available(ctx, current));
  let budget = total - minAvailable - newUnavailable;
  if (budget <= 0) return;
  const target = new Map(old.map((rs) => [rs, replicasOf(rs)]));
  for (const rs of old) {
    const unhealthy = Math.min(budget, Math.max(0, target.get(rs)! - available(ctx, rs)));
    target.set(rs, target.get(rs)! - unhealthy);
    budget -= unhealthy;
  }
  let spare = all.reduce((n, rs) => n + available(ctx, rs), 0) - minAvailable;
  for (const rs of old) {
    if (spare <= 0) break;
    const down = Math.min(spare, target.get(rs)!);
    target.set(rs, target.get(rs)! - down);
    spare -= down;
  }
  for (const rs of old) if (target.get(rs) !== replicasOf(rs)) scale(ctx, deploy, rs, target.get(rs)!, maxReplicas);
}

/** Deletes the oldest scaled-down ReplicaSets beyond the history limit. */
function pruneHistory(ctx: ControllerContext, old: K8sObject[], limit: number): void {
  const idle = old.filter((rs) => replicasOf(rs) === 0 && podsOf(ctx, rs).length === 0);
  for (const rs of idle.slice(0, Math.max(0, idle.length - limit))) ctx.remove(rs);
}

/** The Progressing condition while paused, just after a resume, or as the rollout stands. */
function progressingCondition(
  deploy: K8sObject,
  current: K8sObject | undefined,
  owned: K8sObject[],
  complete: boolean,
): { status: string; reason: string; message: string } {
  const previous = ((deploy.status ?? {}) as WorkloadStatus).conditions?.find((c) => c.type === 'Progressing');
  if (workloadSpec(deploy).paused)
    return { status: 'Unknown', reason: 'DeploymentPaused', message: 'Deployment is paused' };
  if (previous?.reason === 'DeploymentPaused')
    return { status: 'Unknown', reason: 'DeploymentResumed', message: 'Deployment is resumed' };
  if (!current)
    return {
      status: 'True',
      reason: 'ReplicaSetUpdated',
      message: `Deployment "${deploy.metadata.name}" is progressing.`,
    };
  if (complete)
    return {
      status: 'True',
      reason: 'NewReplicaSetAvailable',
      message: `ReplicaSet "${current.metadata.name}" has successfully progressed.`,
    };
  if (owned.every((rs) => rs.metadata.uid !== current.metadata.uid))
    return {
      status: 'True',
      reason: 'NewReplicaSetCreated',
      message: `Created new replica set "${current.metadata.name}"`,
    };
  return {
    status: 'True',
    reason: 'ReplicaSetUpdated',
    message: `ReplicaSet "${current.metadata.name}" is progressing.`,
  };
}

function writeStatus(
  ctx: ControllerContext,
  deploy: K8sObject,
  current: K8sObject | undefined,
  owned: K8sObject[],
  replicas: number,
): void {
  const sets = ctx.store.list('ReplicaSet', deploy.metadata.namespace).filter((rs) => isOwnedBy(rs, deploy));
  const pods = sets.flatMap((rs) => podsOf(ctx, rs));
  // Paused with a changed template, no ReplicaSet has the new template yet: nothing is updated.
  const updated = current ? podsOf(ctx, current) : [];
  const ready = pods.filter(isReady);
  const updatedReady = updated.filter(isReady).length;
  const spec = workloadSpec(deploy);
  // MaxUnavailable as deploymentutil reads it: none for Recreate or zero replicas.
  const maxUnavailable =
    spec.strategy?.type === 'Recreate' || replicas === 0 ? 0 : rollingBounds(spec, replicas).maxUnavailable;
  const isAvailable = ready.length >= replicas - maxUnavailable;
  const wanted = sets.reduce((n, rs) => n + replicasOf(rs), 0);
  const complete = current !== undefined && updatedReady >= replicas && pods.length === updated.length;
  const progressing = progressingCondition(deploy, current, owned, complete);
  const status = JSON.parse(
    JSON.stringify({
      observedGeneration: deploy.metadata.generation ?? 1,
      replicas: pods.length || undefined,
      updatedReplicas: updated.length || undefined,
      readyReplicas: ready.length || undefined,
      availableReplicas: ready.length || undefined,
      unavailableReplicas: wanted - ready.length > 0 ? wanted - ready.length : undefined,
      conditions: [
        {
          type: 'Available',
          status: isAvailable ? 'True' : 'False',
          reason: isAvailable ? 'MinimumReplicasAvailable' : 'MinimumReplicasUnavailable',
          message: isAvailable
            ? 'Deployment has minimum availability.'
            : 'Deployment does not have minimum availability.',
        },
        { type: 'Progressing', ...progressing },
      ],
    }),
  ) as WorkloadStatus;
  const previous = (deploy.status ?? {}) as WorkloadStatus;
  const comparable = (s: ConditionedStatus) => ({
    ...s,
    conditions: s.conditions?.map(({ type, status: st, reason }) => ({
      type,
      status: st,
      reason,
    })),
  });
  const revision = current?.metadata.annotations?.[REVISION] ?? deploy.metadata.annotations?.[REVISION] ?? '1';
  if (same(comparable(previous), comparable(status)) && deploy.metadata.annotations?.[REVISION] === revision) return;
  const now = timestamp(ctx.clock.now());
  status.conditions = (status.conditions ?? []).map((c) => {
    const before = previous.conditions?.find((p) => p.type === c.type);
    const unchanged = before && before.status === c.status && before.reason === c.reason;
    return {
      ...c,
      lastUpdateTime: unchanged ? before.lastUpdateTime : now,
      lastTransitionTime: before && before.status === c.status ? before.lastTransitionTime : now,
    };
  });
  ctx.store.put({
    ...deploy,
    metadata: { ...deploy.metadata, annotations: { ...deploy.metadata.annotations, [REVISION]: revision } },
    status,
  });
}
