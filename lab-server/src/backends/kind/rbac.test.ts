import { describe, expect, it } from 'vitest';
import { classroomRbac, learnerRules, singleLearnerRbac, type PolicyRule } from './rbac.ts';

const objects = classroomRbac({
  namespace: 'lab-ada-1234abcd',
  binding: 'labs-learner-ada',
  serviceAccount: 'toolbox-ada',
});
const rulesIn = (ns: string) =>
  objects.filter((o) => o.kind === 'Role' && o.metadata.namespace === ns).flatMap((o) => o.rules as PolicyRule[]);

function allows(rules: PolicyRule[], group: string, resource: string, verb: string, name?: string): boolean {
  return rules.some(
    (r) =>
      r.apiGroups.includes(group) &&
      r.resources.includes(resource) &&
      r.verbs.includes(verb) &&
      (r.resourceNames === undefined || (name !== undefined && r.resourceNames.includes(name))),
  );
}

describe('classroom RBAC for a learner namespace', () => {
  it('has nothing cluster-scoped: Roles and RoleBindings only, each in a namespace', () => {
    expect(objects.map((o) => o.kind).sort()).toEqual(['Role', 'Role', 'RoleBinding', 'RoleBinding']);
    for (const o of objects) expect(o.metadata.namespace).toBeTruthy();
    for (const o of objects.filter((x) => x.kind === 'RoleBinding'))
      expect((o.roleRef as { kind: string }).kind).toBe('Role');
  });

  it('uses no wildcards in groups, resources or verbs', () => {
    for (const rule of objects.flatMap((o) => (o.rules as PolicyRule[] | undefined) ?? [])) {
      expect(rule.apiGroups).not.toContain('*');
      expect(rule.resources).not.toContain('*');
      expect(rule.verbs).not.toContain('*');
    }
  });

  it('binds the toolbox ServiceAccount (in labs-toolbox) to the roles', () => {
    for (const b of objects.filter((o) => o.kind === 'RoleBinding')) {
      expect(b.subjects).toEqual([{ kind: 'ServiceAccount', name: 'toolbox-ada', namespace: 'labs-toolbox' }]);
    }
  });

  it('allows what the labs do in the learner namespace', () => {
    const rules = rulesIn('lab-ada-1234abcd');
    const needed: [string, string, string][] = [
      ['', 'pods', 'list'],
      ['', 'pods', 'delete'],
      ['', 'pods/exec', 'create'],
      ['', 'pods/log', 'get'],
      ['', 'services', 'create'],
      ['', 'endpoints', 'get'],
      ['', 'configmaps', 'update'],
      ['', 'serviceaccounts', 'create'],
      ['apps', 'deployments', 'patch'],
      ['apps', 'replicasets', 'list'],
      ['networking.istio.io', 'virtualservices', 'create'],
      ['networking.istio.io', 'destinationrules', 'patch'],
      ['networking.istio.io', 'gateways', 'delete'],
      ['networking.istio.io', 'serviceentries', 'create'],
      ['networking.istio.io', 'sidecars', 'create'],
    ];
    for (const [group, resource, verb] of needed)
      expect(allows(rules, group, resource, verb), `${verb} ${group}/${resource}`).toBe(true);
  });

  it('lets the learner label their own namespace and no other', () => {
    const rules = learnerRules('lab-ada-1234abcd');
    expect(allows(rules, '', 'namespaces', 'patch', 'lab-ada-1234abcd')).toBe(true);
    expect(allows(rules, '', 'namespaces', 'patch', 'default')).toBe(false);
    expect(allows(rules, '', 'namespaces', 'delete', 'lab-ada-1234abcd')).toBe(false);
  });

  it('gives only read access in istio-system, to find the ingress gateway', () => {
    const rules = rulesIn('istio-system');
    expect(allows(rules, '', 'services', 'get')).toBe(true);
    expect(allows(rules, '', 'pods', 'list')).toBe(true);
    for (const verb of ['create', 'update', 'patch', 'delete'])
      expect(rules.some((r) => r.verbs.includes(verb))).toBe(false);
    expect(allows(rules, '', 'pods/exec', 'create')).toBe(false);
  });

  it('grants no secrets, nodes or RBAC objects', () => {
    const all = objects.flatMap((o) => (o.rules as PolicyRule[] | undefined) ?? []).flatMap((r) => r.resources);
    for (const r of ['secrets', 'nodes', 'roles', 'rolebindings', 'clusterroles', 'mutatingwebhookconfigurations'])
      expect(all).not.toContain(r);
  });
});

describe('single-learner RBAC', () => {
  it("binds the toolbox to cluster-admin, as the learner's own kubectl would be", () => {
    const [binding] = singleLearnerRbac({ binding: 'labs-learner-me', serviceAccount: 'toolbox-me' });
    expect(binding!.kind).toBe('ClusterRoleBinding');
    expect(binding!.roleRef).toEqual({
      apiGroup: 'rbac.authorization.k8s.io',
      kind: 'ClusterRole',
      name: 'cluster-admin',
    });
  });
});
