/**
 * What the lab server's own account must be allowed to do on a cluster: make learner namespaces with their quota,
 * gateway, RBAC and chapter objects, toolboxes in labs-toolbox, exec and port-forward into pods, read logs, and count
 * the cluster's room. One table: the preflight asks the API server about each rule (SelfSubjectAccessReview), and
 * `kind/lab-server-role.yaml` (a ClusterRole for an account that is not cluster-admin) is generated from it.
 * Kubernetes lets an account grant only what it holds, so the rules include everything learners and gateways get.
 */
import { stringify } from 'yaml';
import type { K8sObject } from '../../contract.ts';
import type { PolicyRule } from './rbac.ts';
import { MANAGED_BY } from './pins.ts';

const EDIT = ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'];
const READ = ['get', 'list', 'watch'];

/** The rules, cluster-wide (learner namespaces are made as learners come, so no namespace list can be given). */
export const LAB_SERVER_RULES: readonly PolicyRule[] = [
  { apiGroups: [''], resources: ['namespaces'], verbs: EDIT },
  {
    apiGroups: [''],
    resources: ['pods', 'services', 'endpoints', 'configmaps', 'serviceaccounts', 'resourcequotas', 'limitranges'],
    verbs: EDIT,
  },
  { apiGroups: [''], resources: ['pods/exec', 'pods/portforward'], verbs: ['get', 'create'] },
  { apiGroups: [''], resources: ['pods/log', 'events', 'nodes', 'secrets'], verbs: READ },
  { apiGroups: ['apps'], resources: ['deployments', 'deployments/scale', 'replicasets'], verbs: EDIT },
  { apiGroups: ['discovery.k8s.io'], resources: ['endpointslices'], verbs: READ },
  {
    apiGroups: ['networking.istio.io'],
    resources: ['virtualservices', 'destinationrules', 'gateways', 'serviceentries', 'sidecars'],
    verbs: EDIT,
  },
  {
    apiGroups: ['rbac.authorization.k8s.io'],
    resources: ['roles', 'rolebindings', 'clusterroles', 'clusterrolebindings'],
    verbs: EDIT,
  },
  { apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews'], verbs: ['create'] },
];

/** One question to the API server: may this account do `verb` on `resource` (and `subresource`) in every namespace? */
export interface AccessQuestion {
  verb: string;
  group: string;
  resource: string;
  subresource?: string;
}

/** Every (verb, resource) the rules name, as access review questions. */
export function accessQuestions(rules: readonly PolicyRule[] = LAB_SERVER_RULES): AccessQuestion[] {
  return rules.flatMap((rule) =>
    rule.apiGroups.flatMap((group) =>
      rule.resources.flatMap((full) => {
        const [resource, subresource] = full.split('/');
        return rule.verbs.map((verb) => ({
          verb,
          group,
          resource: resource!,
          ...(subresource ? { subresource } : {}),
        }));
      }),
    ),
  );
}

/** The SelfSubjectAccessReview that asks one question. */
export function accessReview(q: AccessQuestion): K8sObject {
  return {
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SelfSubjectAccessReview',
    metadata: { name: '' },
    spec: {
      resourceAttributes: {
        verb: q.verb,
        group: q.group,
        resource: q.resource,
        ...(q.subresource ? { subresource: q.subresource } : {}),
      },
    },
  };
}

/** `create pods/portforward`, `list networking.istio.io/gateways`: how a question reads in a message. */
export function describeQuestion(q: AccessQuestion): string {
  const resource = `${q.group ? `${q.group}/` : ''}${q.resource}${q.subresource ? `/${q.subresource}` : ''}`;
  return `${q.verb} ${resource}`;
}

/** The ClusterRole an instructor binds to the lab server's account when it is not cluster-admin. */
export function labServerClusterRole(): K8sObject {
  return {
    apiVersion: 'rbac.authorization.k8s.io/v1',
    kind: 'ClusterRole',
    metadata: { name: 'istio-traffic-labs-server', labels: { ...MANAGED_BY } },
    rules: LAB_SERVER_RULES.map((r) => ({ ...r })),
  };
}

/** The ClusterRole as the YAML file kept in the repo (`kind/lab-server-role.yaml`). */
export function labServerRoleYaml(): string {
  return `# Generated from lab-server/src/backends/kind/labServerAccess.ts (a test keeps them equal).
# What the lab server's account needs on a cluster when it is not cluster-admin (docs/kube.md):
#   kubectl apply -f kind/lab-server-role.yaml
#   kubectl create clusterrolebinding istio-traffic-labs-server --clusterrole=istio-traffic-labs-server --user=NAME
${stringify(labServerClusterRole(), { aliasDuplicateObjects: false })}`;
}
