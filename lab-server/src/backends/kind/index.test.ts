import { afterEach, describe, expect, it } from 'vitest';
import { createKindBackend, findClusterProblems, PreflightError } from './index.ts';
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

  it('says which context is missing from the kubeconfig, in one line', async () => {
    const empty = makeFakePath({});
    made.push(empty);
    const kubeconfig = `${empty.dir}/config`;
    const { writeFileSync } = await import('node:fs');
    writeFileSync(kubeconfig, 'apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n');
    // A context kind did not make skips the local tool checks (a remote classroom cluster).
    const error = await createKindBackend({ kubeconfig, context: 'workshop' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(PreflightError);
    expect((error as Error).message).toBe(
      'cluster: kubeconfig has no context "workshop"; run "npx labs cluster up" to create the kind cluster',
    );
  });
});

describe('cluster problems', () => {
  it('asks for cluster up when Istio is not installed, and is quiet when istiod is there', async () => {
    const api = new FakeKubeApi();
    expect(await findClusterProblems(api, 'kind-labs')).toEqual([
      'istio: not installed in the cluster (kind-labs); run "npx labs cluster up"',
    ]);
    api.add({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'istiod', namespace: 'istio-system' } });
    expect(await findClusterProblems(api, 'kind-labs')).toEqual([]);
  });

  it('turns an unreachable API into one line', async () => {
    const api = new FakeKubeApi();
    api.resolveKind = async () => {
      throw new Error('connect ECONNREFUSED 127.0.0.1:6443\n    at TCPConnectWrap');
    };
    expect(await findClusterProblems(api, 'kind-labs')).toEqual([
      'cluster (kind-labs): not reachable (connect ECONNREFUSED 127.0.0.1:6443); run "npx labs cluster up" (or "npx labs cluster status" to see what is missing)',
    ]);
  });
});
