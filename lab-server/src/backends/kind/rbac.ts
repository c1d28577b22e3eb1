/**
 * What a learner's toolbox may do. In a class: a Role in the learner's namespace (what the labs need and
 * nothing cluster-wide), a read-only Role in istio-system (to find the ingress gateway, as the lessons
 * do), and bindings of both to the toolbox's ServiceAccount. A single learner's toolbox acts on the whole
 * cluster, like the learner's own kubectl would.
 */
import type { K8sObject } from '../../contract.ts';
import { MANAGED_BY, TOOLBOX_NAMESPACE } from './pins.ts';

/** One RBAC rule (the fields of rbac.authorization.k8s.io/v1 PolicyRule the labs use). */
export interface PolicyRule {
  apiGroups: string[];
  resources: string[];
  verbs: string[];
  resourceNames?: string[];
}

const EDIT = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];
const READ = ['get', 'list', 'watch'];

/** The rules a learner has in their own namespace: exactly what the four chapters' commands use. */
export function learnerRules(namespace: string): PolicyRule[] {
  return [
    // Bookinfo and the other samples create ServiceAccounts, Services, Deployments; ConfigMaps for the seed's egress step.
    { apiGroups: [''], resources: ['pods', 'services', 'endpoints', 'configmaps', 'serviceaccounts'], verbs: EDIT },
    { apiGroups: [''], resources: ['pods/exec', 'pods/portforward'], verbs: ['get', 'create'] },
    { apiGroups: [''], resources: ['pods/log', 'events', 'resourcequotas', 'limitranges'], verbs: READ },
    { apiGroups: ['apps'], resources: ['deployments', 'deployments/scale', 'replicasets'], verbs: EDIT },
    { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: READ },
    {
      apiGroups: ['networking.istio.io'],
      resources: ['virtualservices', 'destinationrules', 'gateways', 'serviceentries', 'sidecars'],
      verbs: EDIT,
    },
    // A namespace is its own namespace to RBAC: this lets `kubectl label namespace <own> istio-injection=enabled` work.
    { apiGroups: [''], resources: ['namespaces'], resourceNames: [namespace], verbs: ['get', 'patch'] },
  ];
}

/** Read-only rules in istio-system: the lessons look up the ingress gateway's Service and pods. */
export function istioSystemReadRules(): PolicyRule[] {
  return [{ apiGroups: [''], resources: ['services', 'pods', 'endpoints'], verbs: READ }];
}

function meta(name: string, namespace?: string): K8sObject['metadata'] {
  return { name, ...(namespace ? { namespace } : {}), labels: { ...MANAGED_BY } };
}

function subject(serviceAccount: string) {
  return [{ kind: 'ServiceAccount', name: serviceAccount, namespace: TOOLBOX_NAMESPACE }];
}

/** The RBAC objects for a learner in a class: Roles and RoleBindings only, none cluster-scoped. */
export function classroomRbac(options: { namespace: string; binding: string; serviceAccount: string }): K8sObject[] {
  const { namespace, binding, serviceAccount } = options;
  return [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: meta('labs-learner', namespace),
      rules: learnerRules(namespace),
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: meta(binding, namespace),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'labs-learner' },
      subjects: subject(serviceAccount),
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: meta('labs-learner-read', 'istio-system'),
      rules: istioSystemReadRules(),
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: meta(binding, 'istio-system'),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'labs-learner-read' },
      subjects: subject(serviceAccount),
    },
  ];
}

/** A single learner's toolbox: bound to cluster-admin, as the learner's own kubectl would be. */
export function singleLearnerRbac(options: { binding: string; serviceAccount: string }): K8sObject[] {
  return [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: meta(options.binding),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'cluster-admin' },
      subjects: subject(options.serviceAccount),
    },
  ];
}

/** Name of the ClusterRole (and its binding) that lets every toolbox read Nodes. */
export const NODE_READER = 'labs-toolbox-node-reader';

/**
 * The one cluster-wide grant learners get: reading Nodes, because the lessons compute INGRESS_HOST as
 * `kubectl get nodes -o jsonpath='{.items[0].status.addresses[0].address}'`. Bound once to every ServiceAccount in
 * labs-toolbox (their group), not per learner; Nodes hold no secrets, and learners can change nothing with it.
 */
export function nodeReaderRbac(): K8sObject[] {
  return [
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: meta(NODE_READER),
      rules: [{ apiGroups: [''], resources: ['nodes'], verbs: READ }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: meta(NODE_READER),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: NODE_READER },
      subjects: [
        { kind: 'Group', apiGroup: 'rbac.authorization.k8s.io', name: `system:serviceaccounts:${TOOLBOX_NAMESPACE}` },
      ],
    },
  ];
}
