/**
 * `kubectl rollout history deployment/NAME [--revision=N]`: the Deployment's revisions as its ReplicaSets record
 * them (`deployment.kubernetes.io/revision`, `kubernetes.io/change-cause`), oldest first, as kubectl lists them;
 * one revision shows its pod template.
 */
import type { K8sObject } from '../../../../../contract.ts';
import type { SimClusterApi } from '../../../types.ts';
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
