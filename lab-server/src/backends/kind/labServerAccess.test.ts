import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  accessQuestions,
  accessReview,
  describeQuestion,
  labServerClusterRole,
  labServerRoleYaml,
} from './labServerAccess.ts';
import { ingressGatewayObjects } from './ingressGateway.ts';
import { classroomRbac, nodeReaderRbac, type PolicyRule } from './rbac.ts';
import { repoPath } from './repoPaths.ts';

const rules = labServerClusterRole().rules as PolicyRule[];
const holds = (group: string, resource: string, verb: string) =>
  rules.some((r) => r.apiGroups.includes(group) && r.resources.includes(resource) && r.verbs.includes(verb));

describe("the lab server's own permissions", () => {
  it('cover every rule it grants to learners and gateways (Kubernetes lets an account grant only what it holds)', () => {
    const granted = [
      ...classroomRbac({ namespace: 'lab-x', binding: 'b', serviceAccount: 's' }),
      ...nodeReaderRbac(),
      ...ingressGatewayObjects({ namespace: 'lab-x', serviceType: 'NodePort' }),
    ].flatMap((o) => (o.rules as PolicyRule[] | undefined) ?? []);
    expect(granted.length).toBeGreaterThan(5);
    for (const rule of granted)
      for (const group of rule.apiGroups)
        for (const resource of rule.resources)
          for (const verb of rule.verbs)
            expect(holds(group, resource, verb), `${verb} ${group}/${resource}`).toBe(true);
  });

  it('become one access review per verb and resource, subresources apart', () => {
    const questions = accessQuestions([{ apiGroups: [''], resources: ['pods', 'pods/exec'], verbs: ['create'] }]);
    expect(questions).toEqual([
      { verb: 'create', group: '', resource: 'pods' },
      { verb: 'create', group: '', resource: 'pods', subresource: 'exec' },
    ]);
    expect(accessReview(questions[1]!).spec).toEqual({
      resourceAttributes: { verb: 'create', group: '', resource: 'pods', subresource: 'exec' },
    });
    expect(questions.map(describeQuestion)).toEqual(['create pods', 'create pods/exec']);
  });

  it('are what kind/lab-server-role.yaml in the repo says', () => {
    const file = readFileSync(repoPath('kind/lab-server-role.yaml'), 'utf8');
    expect(file).toBe(labServerRoleYaml());
    expect(parse(file)).toEqual(labServerClusterRole());
  });
});
