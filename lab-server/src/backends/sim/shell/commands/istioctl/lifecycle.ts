/**
 * Istio's own objects in the cluster, for `istioctl manifest generate` (what an install of a profile consists of),
 * `istioctl uninstall` (what it prunes, in the operator's order and wording) and `istioctl install` putting back
 * what an uninstall took away.
 */
import { stringify } from 'yaml';
import type { K8sObject } from '../../../../../contract.ts';
import type { SimClusterApi } from '../../../types.ts';
import { bootstrapObjects } from '../../../cluster/bootstrap.ts';
import { confirm, renderInstall } from '../../../istio/install.ts';

/** Namespaced kinds the uninstaller prunes, first to last (Group/Version as the operator prints them). */
const NAMESPACED: [kind: string, gv: string][] = [
  ['Deployment', 'apps/v1'],
  ['DaemonSet', 'apps/v1'],
  ['Service', '/v1'],
  ['ConfigMap', '/v1'],
  ['Pod', '/v1'],
  ['Secret', '/v1'],
  ['ServiceAccount', '/v1'],
  ['RoleBinding', 'rbac.authorization.k8s.io/v1'],
  ['Role', 'rbac.authorization.k8s.io/v1'],
  ['PodDisruptionBudget', 'policy/v1'],
  ['HorizontalPodAutoscaler', 'autoscaling/v2'],
  ['EnvoyFilter', 'networking.istio.io/v1alpha3'],
];

/** Cluster-scoped kinds a purge also removes. */
const CLUSTER: [kind: string, gv: string][] = [
  ['MutatingWebhookConfiguration', 'admissionregistration.k8s.io/v1'],
  ['ValidatingWebhookConfiguration', 'admissionregistration.k8s.io/v1'],
  ['ClusterRole', 'rbac.authorization.k8s.io/v1'],
  ['ClusterRoleBinding', 'rbac.authorization.k8s.io/v1'],
  ['CustomResourceDefinition', 'apiextensions.k8s.io/v1'],
];

const ISTIO_NAMESPACE = 'istio-system';

/** Objects every namespace has, which no install created. */
function ownedByKubernetes(o: K8sObject): boolean {
  return (
    (o.kind === 'ConfigMap' && o.metadata.name === 'kube-root-ca.crt') ||
    (o.kind === 'ServiceAccount' && o.metadata.name === 'default')
  );
}

function isIstioCrd(o: K8sObject): boolean {
  return o.kind === 'CustomResourceDefinition' && /\.istio\.io$/.test(o.metadata.name);
}

/** What an install of `profile` puts in the cluster: Istio's CRDs, then its objects (istio-system's, its injection webhook). */
export function installObjects(egress: boolean, ingress: boolean): K8sObject[] {
  const all = bootstrapObjects();
  const crds = all.filter(isIstioCrd);
  const objects = all.filter(
    (o) =>
      o.kind !== 'Namespace' &&
      (o.metadata.namespace === ISTIO_NAMESPACE || o.kind === 'MutatingWebhookConfiguration') &&
      (egress || !/egressgateway/.test(o.metadata.name)) &&
      (ingress || !/ingressgateway/.test(o.metadata.name)),
  );
  return [...crds, ...objects];
}

/** `istioctl manifest generate [--set ...] [-f iop.yaml]`: the rendered install as YAML documents. */
export function manifestGenerate(sets: string[], files: string[]): string {
  const { profile, mesh } = renderInstall({ sets, files });
  const objects = installObjects(profile.egressGateway, profile.ingressGateway).map((o) => {
    const copy = structuredClone(o);
    if (copy.kind === 'ConfigMap' && copy.metadata.name === 'istio')
      copy.data = { ...(copy.data as Record<string, string>), mesh: stringify(mesh) };
    delete copy.status;
    return copy;
  });
  return objects.map((o) => stringify(o)).join('---\n');
}

/** Puts back the install objects an uninstall removed (istioctl install re-creates what is missing). */
export function restoreMissing(cluster: SimClusterApi, egress: boolean, ingress: boolean): void {
  for (const o of installObjects(egress, ingress))
    if (!cluster.get(o.kind, o.metadata.namespace, o.metadata.name))
      cluster.apply(structuredClone(o), { fieldManager: 'istio-operator' });
}

/** What `istioctl uninstall --purge` removes, in the operator's order, each as `gvk/name.namespace`. */
export function purgeList(cluster: SimClusterApi): { object: K8sObject; label: string }[] {
  const out: { object: K8sObject; label: string }[] = [];
  for (const [kind, gv] of NAMESPACED)
    for (const o of cluster.list(kind, ISTIO_NAMESPACE))
      if (!ownedByKubernetes(o))
        out.push({ object: o, label: `${gv}, Kind=${kind}/${o.metadata.name}.${ISTIO_NAMESPACE}` });
  for (const [kind, gv] of CLUSTER)
    for (const o of cluster.list(kind))
      if (kind !== 'CustomResourceDefinition' || isIstioCrd(o))
        out.push({ object: o, label: `${gv}, Kind=${kind}/${o.metadata.name}.` });
  return out;
}

/** `istioctl uninstall --purge`: removes Istio from the cluster (the namespace stays). */
export function uninstall(
  cluster: SimClusterApi,
  options: { purge: boolean; revision?: string; filename?: string; skipConfirmation: boolean; answer: string },
): { stdout: string; stderr: string; exitCode: number } {
  if (!options.purge && !options.revision && !options.filename)
    return {
      stdout: '',
      stderr:
        'Error: at least one of the --revision (or --set revision=<revision>), --filename or --purge flags must be set\n',
      exitCode: 1,
    };
  if (options.revision && options.revision !== 'default')
    return { stdout: '', stderr: 'Error: could not find target revision\n', exitCode: 1 };
  let stdout = '';
  if (options.purge && (options.revision || options.filename))
    stdout += 'Purge uninstall will remove all Istio resources, ignoring the specified revision or operator file\n';
  const targets = purgeList(cluster).filter((t) => options.purge || t.object.kind !== 'CustomResourceDefinition');
  if (targets.length === 0 && !options.purge)
    return {
      stdout: `${stdout}No resources will be pruned from the cluster. Please double check the input configs\n`,
      stderr: '',
      exitCode: 0,
    };
  const warning = options.purge ? 'All Istio resources will be pruned from the cluster\n' : '';
  if (options.skipConfirmation) stdout += warning;
  else if (options.purge) {
    // uninstall.go asks with the whole message, and cobra's cmd.Print says "Cancelled." on stderr.
    const answer = confirm(options.answer, `${warning}Proceed? (y/N)`);
    stdout += answer.written;
    if (!answer.accepted) return { stdout, stderr: 'Cancelled.\n', exitCode: 1 };
  }
  for (const { object, label } of targets) {
    // Pods go with their Deployment at once here; the operator listed them first and removes them all the same.
    if (cluster.get(object.kind, object.metadata.namespace, object.metadata.name))
      cluster.delete(object.kind, object.metadata.namespace, object.metadata.name);
    stdout += `  Removed ${label}.\n`;
  }
  return { stdout: `${stdout}✔ Uninstall complete\n`, stderr: '', exitCode: 0 };
}
