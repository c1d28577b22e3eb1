/**
 * `labs class cleanup`: at the end of a class, removes what learners left on the cluster: every learner namespace
 * (with its workloads, gateway, quota and RBAC), every toolbox pod and its ServiceAccount, and the bindings made for
 * them. Only objects the labs labelled are touched; the shared objects (labs-toolbox, the samples, the Node reader)
 * stay for the next class unless `all` is set. Namespaces finish deleting in the background; this waits for them.
 */
import type { K8sObject } from '../../contract.ts';
import { LEARNER_NAMESPACE_LABEL } from './capacity.ts';
import type { KubeApi, ResolvedKind } from './kubeApi.ts';
import { MANAGED_BY, TOOLBOX_NAMESPACE } from './pins.ts';
import { NODE_READER } from './rbac.ts';

/** How cleanup runs. */
export interface CleanupOptions {
  /** Only list what would go. */
  dryRun?: boolean;
  /** Also the shared objects: the labs-toolbox namespace (samples, shell files) and the Node reader. */
  all?: boolean;
  /** Longest wait for namespaces to be gone (default 180 s). */
  waitMs?: number;
  pollMs?: number;
  /** Progress lines. */
  say: (line: string) => void;
}

/** What was (or would be) removed. */
export interface CleanupResult {
  namespaces: string[];
  toolboxes: string[];
  bindings: string[];
  /** Namespaces still terminating when the wait ended. */
  remaining: string[];
}

const MANAGED = `app.kubernetes.io/managed-by=${MANAGED_BY['app.kubernetes.io/managed-by']}`;

async function kind(api: KubeApi, name: string): Promise<ResolvedKind> {
  const resolved = await api.resolveKind(name);
  if (!resolved) throw new Error(`the API serves no ${name}s; is this a Kubernetes cluster?`);
  return resolved;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Removes the class's objects; resolves with what went. */
export async function cleanupClass(api: KubeApi, options: CleanupOptions): Promise<CleanupResult> {
  const [
    namespaceKind,
    podKind,
    serviceAccountKind,
    roleBindingKind,
    roleKind,
    clusterRoleBindingKind,
    clusterRoleKind,
  ] = await Promise.all(
    ['Namespace', 'Pod', 'ServiceAccount', 'RoleBinding', 'Role', 'ClusterRoleBinding', 'ClusterRole'].map((k) =>
      kind(api, k),
    ),
  );
  const namespaces = (await api.list(namespaceKind, undefined, `${LEARNER_NAMESPACE_LABEL}=true`)).map(
    (n) => n.metadata.name,
  );
  const toolboxPods = await api.list(podKind, TOOLBOX_NAMESPACE, 'app=labs-toolbox');
  const accounts = (await api.list(serviceAccountKind, TOOLBOX_NAMESPACE, MANAGED)).filter(
    (a) => a.metadata.name !== 'default',
  );
  // The read-only bindings in istio-system (one per learner) and the cluster-admin bindings of one-learner toolboxes.
  const istioBindings = await api.list(roleBindingKind, 'istio-system', MANAGED);
  const clusterBindings = (await api.list(clusterRoleBindingKind, undefined, MANAGED)).filter(
    (b) => options.all || b.metadata.name !== NODE_READER,
  );
  const result: CleanupResult = {
    namespaces,
    toolboxes: toolboxPods.map((p) => p.metadata.name),
    bindings: [
      ...istioBindings.map((b) => `istio-system/${b.metadata.name}`),
      ...clusterBindings.map((b) => b.metadata.name),
    ],
    remaining: [],
  };
  const verb = options.dryRun ? 'would delete' : 'deleting';
  const count = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
  options.say(
    `${verb} ${count(namespaces.length, 'learner namespace')}, ${count(toolboxPods.length, 'toolbox pod')}, ` +
      `${count(result.bindings.length, 'binding')}${options.all ? ', and the shared lab objects' : ''}`,
  );
  for (const ns of namespaces) options.say(`  namespace/${ns}`);
  if (options.dryRun) return result;

  const remove = (k: ResolvedKind, o: K8sObject, grace?: number) =>
    api.delete(k, k.namespaced ? o.metadata.namespace : undefined, o.metadata.name, {
      ...(grace !== undefined ? { gracePeriodSeconds: grace } : {}),
    });
  await Promise.all(toolboxPods.map((p) => remove(podKind, p, 0)));
  await Promise.all(accounts.map((a) => remove(serviceAccountKind, a)));
  await Promise.all(istioBindings.map((b) => remove(roleBindingKind, b)));
  await Promise.all(clusterBindings.map((b) => remove(clusterRoleBindingKind, b)));
  await Promise.all(namespaces.map((ns) => api.delete(namespaceKind, undefined, ns)));
  if (options.all) {
    const read = await api.read(roleKind, 'istio-system', 'labs-learner-read');
    if (read) await remove(roleKind, read);
    const reader = await api.read(clusterRoleKind, undefined, NODE_READER);
    if (reader) await remove(clusterRoleKind, reader);
    await api.delete(namespaceKind, undefined, TOOLBOX_NAMESPACE);
  }

  // Kubernetes deletes a namespace's contents first; wait so the cluster is really free for the next class.
  const deadline = Date.now() + (options.waitMs ?? 180_000);
  let remaining = namespaces;
  for (;;) {
    const present = new Set(
      (await api.list(namespaceKind, undefined, `${LEARNER_NAMESPACE_LABEL}=true`)).map((n) => n.metadata.name),
    );
    remaining = namespaces.filter((ns) => present.has(ns));
    if (remaining.length === 0 || Date.now() > deadline) break;
    options.say(`  ${remaining.length} namespace${remaining.length === 1 ? '' : 's'} still terminating ...`);
    await sleep(options.pollMs ?? 3000);
  }
  result.remaining = remaining;
  return result;
}
