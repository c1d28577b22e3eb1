/**
 * `kubectl rollout history deployment/NAME [--revision=N]`: the Deployment's revisions as its ReplicaSets record
 * them (`deployment.kubernetes.io/revision`, `kubernetes.io/change-cause`), oldest first, as kubectl lists them;
 * one revision shows its pod template; `rollout undo` puts an earlier revision's template back.
 */
import type { K8sObject } from '../../../../../contract.ts';
import type { SimCluster, SimClusterApi } from '../../../types.ts';
import { describeDeployment } from './describeKinds.ts';

const REVISION = 'deployment.kubernetes.io/revision';

/** The ReplicaSets `deployment` owns, by revision. */
function revisions(cluster: SimClusterApi, deployment: K8sObject): Map<number, K8sObject> {
  const out = new Map<number, K8sObject>();
  for (const rs of cluster.list('ReplicaSet', deployment.metadata.namespace)) {
    const owned = rs.metadata.ownerReferences?.some(
      (o) => o.kind === 'Deployment' && (o.uid === deployment.metadata.uid || o.name === deployment.metadata.name),
    );
    const revision = Number(rs.metadata.annotations?.[REVISION]);
    if (owned && Number.isInteger(revision)) out.set(revision, rs);
  }
  return out;
}

/** kubectl's history of `deployment`, or of one `revision` of it; an unknown revision is kubectl's error. */
export function rolloutHistory(
  cluster: SimClusterApi,
  deployment: K8sObject,
  revision: number | undefined,
  now: number,
): { stdout: string; error?: string } {
  const name = deployment.metadata.name;
  const all = revisions(cluster, deployment);
  if (revision === undefined || revision === 0) {
    const rows = [...all.entries()]
      .sort(([a], [b]) => a - b)
      .map(
        ([n, rs]) => `${String(n).padEnd(10)}${rs.metadata.annotations?.['kubernetes.io/change-cause'] ?? '<none>'}\n`,
      );
    return { stdout: `deployment.apps/${name} \nREVISION  CHANGE-CAUSE\n${rows.join('')}\n` };
  }
  const rs = all.get(revision);
  if (!rs) return { stdout: '', error: `error: unable to find the specified revision\n` };
  // The revision's template, printed by the same code as describe's "Pod Template:" block.
  const template = { ...deployment, spec: { template: (rs.spec as { template?: unknown }).template } };
  const described = describeDeployment(template as K8sObject, cluster, now);
  const block = described.slice(described.indexOf('Pod Template:'));
  const end = block.search(/\n(Conditions|OldReplicaSets|NewReplicaSet|Events):/);
  return {
    stdout: `deployment.apps/${name} with revision #${revision}\n${end < 0 ? block : block.slice(0, end + 1)}\n`,
  };
}

/** A pod template without the ReplicaSet's `pod-template-hash` label, as the Deployment controller compares them. */
function bareTemplate(template: unknown): K8sObject['spec'] {
  const copy = structuredClone((template ?? {}) as { metadata?: { labels?: Record<string, string> } });
  if (copy.metadata?.labels) delete copy.metadata.labels['pod-template-hash'];
  return copy as K8sObject['spec'];
}

/**
 * `kubectl rollout undo deployment/NAME [--to-revision=N]`: the Deployment's template becomes revision N's (the
 * one before the current, by default); the controller then rolls it out as a new revision.
 */
export function rolloutUndo(
  cluster: SimCluster,
  deployment: K8sObject,
  toRevision: number,
): { stdout: string; error?: string } {
  const name = deployment.metadata.name;
  const all = revisions(cluster, deployment);
  const current = Number(deployment.metadata.annotations?.[REVISION] ?? Math.max(0, ...all.keys()));
  let target = toRevision;
  if (target === 0) {
    const previous = [...all.keys()].filter((n) => n < current).sort((a, b) => b - a)[0];
    if (previous === undefined)
      return { stdout: '', error: `error: no rollout history found for deployment "${name}"\n` };
    target = previous;
  }
  const rs = all.get(target);
  if (!rs) return { stdout: '', error: `error: unable to find specified revision ${target} in history\n` };
  const wanted = bareTemplate((rs.spec as { template?: unknown }).template);
  const now = bareTemplate((deployment.spec as { template?: unknown }).template);
  if (JSON.stringify(wanted) === JSON.stringify(now))
    return {
      stdout: `deployment.apps/${name} skipped rollback (current template already matches revision ${target})\n`,
    };
  cluster.update('Deployment', deployment.metadata.namespace, name, (o) => {
    (o.spec as { template?: unknown }).template = wanted;
  });
  return { stdout: `deployment.apps/${name} rolled back\n` };
}
