import { describe, expect, it } from 'vitest';
import type { K8sObject } from '../../contract.ts';
import { cleanupClass } from './classCleanup.ts';
import { nodeReaderRbac } from './rbac.ts';
import { learnerNamespaceObjects } from './sharedObjects.ts';
import { FakeKubeApi } from './testing/fakeKubeApi.ts';
import { toolboxPod, toolboxServiceAccount } from './toolbox.ts';

const managed = { 'app.kubernetes.io/managed-by': 'istio-traffic-labs' };

function classCluster(): FakeKubeApi {
  const api = new FakeKubeApi();
  for (const learner of ['ada', 'bob']) {
    for (const o of learnerNamespaceObjects(`lab-${learner}-1234`, learner, 'ingress')) api.add(o);
    api.add(toolboxServiceAccount(`toolbox-${learner}`));
    api.add(
      toolboxPod({
        name: `toolbox-${learner}`,
        namespace: `lab-${learner}-1234`,
        samplePaths: [],
        labId: 'ingress',
        owner: learner,
      }),
    );
    api.add({
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: { name: `labs-learner-${learner}`, namespace: 'istio-system', labels: managed },
    });
  }
  for (const o of nodeReaderRbac()) api.add(o);
  // Not the labs': left alone.
  api.add({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-prod' } });
  api.add({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'labs-toolbox', labels: { app: 'web' } },
  });
  api.add({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace: 'labs-toolbox' } });
  return api;
}

const names = (api: FakeKubeApi, kind: string) =>
  [...api.objects.values()]
    .filter((o: K8sObject) => o.kind === kind)
    .map((o) => o.metadata.name)
    .sort();

describe('labs class cleanup', () => {
  it('deletes every learner namespace, toolbox and binding the labs made, and waits until the namespaces are gone', async () => {
    const api = classCluster();
    const said: string[] = [];
    const result = await cleanupClass(api, { say: (l) => said.push(l), pollMs: 1 });
    expect(result).toEqual({
      namespaces: ['lab-ada-1234', 'lab-bob-1234'],
      toolboxes: ['toolbox-ada', 'toolbox-bob'],
      bindings: ['istio-system/labs-learner-ada', 'istio-system/labs-learner-bob'],
      remaining: [],
    });
    expect(names(api, 'Namespace')).toEqual(['team-prod']);
    expect(names(api, 'Pod')).toEqual(['web']);
    expect(names(api, 'ServiceAccount')).toEqual(['default']);
    expect(names(api, 'ClusterRoleBinding')).toEqual(['labs-toolbox-node-reader']);
    expect(said[0]).toBe('deleting 2 learner namespaces, 2 toolbox pods, 2 bindings');
  });

  it('with --dry-run lists and deletes nothing; with --all the shared objects go too', async () => {
    const api = classCluster();
    const before = api.objects.size;
    const said: string[] = [];
    await cleanupClass(api, { dryRun: true, say: (l) => said.push(l) });
    expect(api.objects.size).toBe(before);
    expect(api.callsOf('delete')).toEqual([]);
    expect(said).toEqual([
      'would delete 2 learner namespaces, 2 toolbox pods, 2 bindings',
      '  namespace/lab-ada-1234',
      '  namespace/lab-bob-1234',
    ]);
    await cleanupClass(api, { all: true, say: () => undefined, pollMs: 1 });
    expect(names(api, 'ClusterRoleBinding')).toEqual([]);
    expect(names(api, 'ClusterRole')).toEqual([]);
    expect(api.callsOf('delete')).toContainEqual(['Namespace', undefined, 'labs-toolbox', undefined]);
  });

  it('says which namespaces are still terminating when the wait runs out', async () => {
    const api = classCluster();
    const del = api.delete.bind(api);
    api.delete = async (kind, ns, name, o) => {
      if (kind.kind !== 'Namespace') await del(kind, ns, name, o);
    };
    const result = await cleanupClass(api, { say: () => undefined, waitMs: 5, pollMs: 1 });
    expect(result.remaining).toEqual(['lab-ada-1234', 'lab-bob-1234']);
  });
});
