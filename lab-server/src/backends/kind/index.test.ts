import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { createKindBackend, kindBackendFromParts, maxLearnersFromEnv, PreflightError } from './index.ts';
import { FakeKubeApi } from './testing/fakeKubeApi.ts';
import { makeFakePath, type FakePath } from './testing/fakePath.ts';

const made: FakePath[] = [];
afterEach(() => {
  while (made.length) made.pop()!.remove();
});

describe('createKindBackend', () => {
  it('refuses to start without its prerequisites: a PreflightError with one line per missing piece', async () => {
    const empty = makeFakePath({});
    made.push(empty);
    const error = await createKindBackend({}, { path: empty.dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PreflightError);
    expect((error as Error).message.split('\n').map((l) => l.split(':')[0])).toEqual([
      'docker',
      'kind',
      'kubectl',
      'istioctl',
    ]);
  });

  it('says which context is missing from the kubeconfig, and which it has, in one line', async () => {
    const dir = makeFakePath({});
    made.push(dir);
    const kubeconfig = `${dir.dir}/config`;
    writeFileSync(
      kubeconfig,
      [
        'apiVersion: v1',
        'kind: Config',
        'clusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]',
        'users: [{name: u, user: {}}]',
        'contexts: [{name: kind-labs, context: {cluster: c, user: u}}]',
        'current-context: kind-labs',
        '',
      ].join('\n'),
    );
    // A context kind did not make skips the local tool checks (a remote classroom cluster).
    const error = await createKindBackend({ kubeconfig, context: 'workshop' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PreflightError);
    expect((error as Error).message).toBe(
      `kubeconfig ${kubeconfig} has no context "workshop" (its contexts: kind-labs); run "npx labs cluster up" to create the kind cluster`,
    );
  });
});

describe('the capacity a class backend reports', () => {
  const node = {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name: 'n1' },
    spec: {},
    status: { allocatable: { cpu: '4', memory: '8Gi', pods: '110' }, conditions: [{ type: 'Ready', status: 'True' }] },
  };

  it('is counted from the nodes for a class, capped by LABS_MAX_LEARNERS, and absent for one learner', async () => {
    const api = new FakeKubeApi();
    api.add(node);
    const parts = { api, gateway: { serviceType: 'NodePort' as const }, samples: {} };
    const single = await kindBackendFromParts({ ...parts, classroom: false });
    expect(single.capacity).toBeUndefined();
    const open = await kindBackendFromParts({ ...parts, classroom: true });
    // 4 CPU / 840m (default-profile sidecars) = 4; 8Gi / 1248Mi = 6; 110 pods / 9 = 12.
    expect(await open.capacity!()).toEqual({ maxLearners: 4, detail: expect.stringContaining('limited by cpu') });
    const capped = await kindBackendFromParts({ ...parts, classroom: true, maxLearners: 2 });
    expect(await capped.capacity!()).toEqual({
      maxLearners: 2,
      detail: expect.stringMatching(/^capped at 2 by LABS_MAX_LEARNERS; the cluster has room for 4 learners/),
    });
  });

  it('reads LABS_MAX_LEARNERS as a whole number, and refuses anything else', () => {
    expect(maxLearnersFromEnv({})).toBeUndefined();
    expect(maxLearnersFromEnv({ LABS_MAX_LEARNERS: '40' })).toBe(40);
    expect(() => maxLearnersFromEnv({ LABS_MAX_LEARNERS: 'lots' })).toThrow('LABS_MAX_LEARNERS must be a whole number');
  });
});
