import { beforeEach, describe, expect, it } from 'vitest';
import { fakeShell, type KubectlShell } from './testing/harness.ts';
import { podFixture, type FakeSimCluster } from '../../../cluster/testing/fakeSimCluster.ts';

let sh: KubectlShell<FakeSimCluster>;
beforeEach(() => {
  sh = fakeShell();
  sh.cluster.put(
    podFixture('ready-1', { labels: { app: 'ok' } }),
    podFixture('ready-2', { labels: { app: 'ok' } }),
    podFixture('stuck', { labels: { app: 'stuck' }, phase: 'Pending' }),
  );
});

describe('kubectl wait', () => {
  it.each([
    ['kubectl wait --for=condition=Ready pod -l app=ok', 'pod/ready-1 condition met\npod/ready-2 condition met\n'],
    ['kubectl wait --for=condition=Ready pod/ready-1 --timeout=300s', 'pod/ready-1 condition met\n'],
    [
      'kubectl wait --for=condition=ready pods ready-1 ready-2',
      'pod/ready-1 condition met\npod/ready-2 condition met\n',
    ],
    ["kubectl wait --for=jsonpath='{.status.phase}'=Pending pod/stuck", 'pod/stuck condition met\n'],
    ['kubectl wait --for=delete pod/gone', ''],
  ])('%s', async (command, stdout) => {
    expect(await sh.run(command)).toEqual({ stdout, stderr: '', exitCode: 0 });
  });

  it('times out on the virtual clock after --timeout, naming the object', async () => {
    const start = sh.clock.now();
    expect(await sh.run('kubectl wait --for=condition=Ready pod --all --timeout=90s')).toEqual({
      stdout: 'pod/ready-1 condition met\npod/ready-2 condition met\n',
      stderr: 'error: timed out waiting for the condition on pods/stuck\n',
      exitCode: 1,
    });
    expect(sh.clock.now() - start).toBe(90_000);
  });

  it('the default timeout is 30s', async () => {
    const start = sh.clock.now();
    expect((await sh.run('kubectl wait --for=condition=Ready pod/stuck')).stderr).toBe(
      'error: timed out waiting for the condition on pods/stuck\n',
    );
    expect(sh.clock.now() - start).toBe(30_000);
  });

  it('sees a condition that becomes true while it waits', async () => {
    const waiting = sh.run('kubectl wait --for=condition=Ready pod/stuck --timeout=5m');
    await sh.clock.sleep(42_000);
    sh.cluster.put(podFixture('stuck', { labels: { app: 'stuck' } }));
    expect(await waiting).toEqual({ stdout: 'pod/stuck condition met\n', stderr: '', exitCode: 0 });
  });

  it('--for=delete waits for the object to go', async () => {
    const waiting = sh.run('kubectl wait --for=delete pod/stuck --timeout=60s');
    await sh.clock.sleep(10_000);
    sh.cluster.delete('Pod', 'default', 'stuck');
    expect(await waiting).toEqual({ stdout: 'pod/stuck condition met\n', stderr: '', exitCode: 0 });
  });

  it.each([
    ['kubectl wait --for=condition=Ready pod/stuck --timeout=0', 'error: condition not met for pods/stuck\n'],
    ['kubectl wait pod/ready-1', 'error: --for must be specified\n'],
    ['kubectl wait --for=condition=Ready pod', 'error: resource(s) were provided, but no name was specified\n'],
    ['kubectl wait --for=condition=Ready pod -l app=none', 'error: no matching resources found\n'],
    ['kubectl wait --for=condition=Ready pod/nope', 'Error from server (NotFound): pods "nope" not found\n'],
    ['kubectl wait --for=ready pod/ready-1', 'error: unrecognized condition: "ready"\n'],
    [
      'kubectl wait --for=condition=Ready pod/ready-1 --timeout=abc',
      'error: invalid argument "abc" for "--timeout" flag: time: invalid duration "abc"\n',
    ],
  ])('%s', async (command, stderr) => {
    expect(await sh.run(command)).toEqual({ stdout: '', stderr, exitCode: 1 });
  });
});

describe('kubectl rollout', () => {
  const deployment = (status: Record<string, number>, generation = 1) => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'default', generation },
    spec: { replicas: 2 },
    status: { observedGeneration: 1, ...status },
  });

  it('status prints each new state until the rollout is done, on the clock', async () => {
    sh.cluster.put(deployment({ updatedReplicas: 0 }, 2));
    const running = sh.run('kubectl rollout status deploy/web');
    await sh.clock.sleep(1_500);
    sh.cluster.put(deployment({ observedGeneration: 2, updatedReplicas: 1, replicas: 2 }, 2));
    await sh.clock.sleep(2_000);
    sh.cluster.put(deployment({ observedGeneration: 2, updatedReplicas: 2, replicas: 3, availableReplicas: 1 }, 2));
    await sh.clock.sleep(2_000);
    sh.cluster.put(deployment({ observedGeneration: 2, updatedReplicas: 2, replicas: 2, availableReplicas: 1 }, 2));
    await sh.clock.sleep(2_000);
    sh.cluster.put(deployment({ observedGeneration: 2, updatedReplicas: 2, replicas: 2, availableReplicas: 2 }, 2));
    expect(await running).toEqual({
      stdout: [
        'Waiting for deployment spec update to be observed...',
        'Waiting for deployment "web" rollout to finish: 1 out of 2 new replicas have been updated...',
        'Waiting for deployment "web" rollout to finish: 1 old replicas are pending termination...',
        'Waiting for deployment "web" rollout to finish: 1 of 2 updated replicas are available...',
        'deployment "web" successfully rolled out',
        '',
      ].join('\n'),
      stderr: '',
      exitCode: 0,
    });
  });

  it('status of a finished rollout, --timeout, and errors', async () => {
    sh.cluster.put(deployment({ updatedReplicas: 2, replicas: 2, availableReplicas: 2 }));
    expect(await sh.run('kubectl rollout status deployment/web')).toEqual({
      stdout: 'deployment "web" successfully rolled out\n',
      stderr: '',
      exitCode: 0,
    });
    sh.cluster.put(deployment({ updatedReplicas: 2, replicas: 2, availableReplicas: 0 }));
    expect(await sh.run('kubectl rollout status deploy/web --timeout=10s')).toEqual({
      stdout: 'Waiting for deployment "web" rollout to finish: 0 of 2 updated replicas are available...\n',
      stderr: 'error: timed out waiting for the condition\n',
      exitCode: 1,
    });
    expect(await sh.run('kubectl rollout status deploy/nope')).toEqual({
      stdout: '',
      stderr: 'Error from server (NotFound): deployments.apps "nope" not found\n',
      exitCode: 1,
    });
  });

  it('restart stamps the pod template', async () => {
    sh.cluster.put(deployment({}));
    expect(await sh.run('kubectl rollout restart deploy/web')).toEqual({
      stdout: 'deployment.apps/web restarted\n',
      stderr: '',
      exitCode: 0,
    });
    const spec = sh.cluster.get('Deployment', 'default', 'web')?.spec as
      | { template: { metadata: { annotations: Record<string, string> } } }
      | undefined;
    expect(spec?.template.metadata.annotations['kubectl.kubernetes.io/restartedAt']).toMatch(
      /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/,
    );
  });
});
