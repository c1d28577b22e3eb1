/** Deployments over virtual time: names, readiness, rolling updates within their bounds, Recreate, rollbacks, history, events. */
import { describe, expect, it } from 'vitest';
import type { K8sObject } from '../../../../contract.ts';
import { deployment, newCluster } from '../testing/newCluster.ts';
import type { ContainerSpec } from '../../mesh/objects.ts';
import { type Condition, type ConditionedStatus, type EventShape, workloadSpec } from '../shapes.ts';
import { rollingBounds } from './deployments.ts';

/** The status fields these tests read, as the simulated controllers write them. */
interface Status extends ConditionedStatus {
  phase?: string;
  replicas?: number;
  conditions: Condition[];
  containerStatuses: { state: { waiting?: { reason: string }; running?: { startedAt: string } } }[];
}
const st = (o: K8sObject | undefined) => (o?.status ?? {}) as Status;
const podContainers = (p: K8sObject) => (p.spec as { containers: ContainerSpec[] }).containers;
const ALPHABET = '[bcdfghjklmnpqrstvwxz2456789]';

describe('rolling update bounds', () => {
  it.each([
    [{}, 1, 1, 0],
    [{}, 4, 1, 1],
    [{}, 10, 3, 2],
    [{ strategy: { rollingUpdate: { maxSurge: 0, maxUnavailable: 0 } } }, 3, 0, 1],
    [{ strategy: { rollingUpdate: { maxSurge: '50%', maxUnavailable: 2 } } }, 3, 2, 2],
  ])('%j with %i replicas: maxSurge %i, maxUnavailable %i', (spec, replicas, surge, unavailable) => {
    expect(rollingBounds(spec, replicas)).toEqual({ maxSurge: surge, maxUnavailable: unavailable });
  });
});

describe('the Deployment controller', () => {
  it('names the ReplicaSet by template hash and its pods by suffix, and starts them on the clock', async () => {
    const c = await newCluster();
    const started = c.clock.now();
    c.apply(deployment('reviews-v3', { app: 'reviews', version: 'v3' }, { replicas: 2 }));
    // Before the clock moves the pods exist but are still being created.
    await new Promise((resolve) => setImmediate(resolve));
    const pending = c.list('Pod', 'default', 'app=reviews');
    expect(pending.map((p) => st(p).phase)).toEqual(['Pending', 'Pending']);
    expect(st(pending[0]).containerStatuses[0]?.state.waiting?.reason).toBe('ContainerCreating');
    expect(
      st(c.get('Deployment', 'default', 'reviews-v3')).conditions.find((x) => x.type === 'Available')?.status,
    ).toBe('False');
    await c.idle();
    const rs = c.list('ReplicaSet', 'default')[0]!;
    expect(rs.metadata.name).toMatch(new RegExp(`^reviews-v3-${ALPHABET}{10}$`));
    expect(rs.metadata.labels?.['pod-template-hash']).toBe(rs.metadata.name.slice('reviews-v3-'.length));
    const pods = c.list('Pod', 'default', 'app=reviews');
    for (const p of pods) {
      expect(p.metadata.name).toMatch(new RegExp(`^${rs.metadata.name}-${ALPHABET}{5}$`));
      expect(st(p).phase).toBe('Running');
      expect(st(p).containerStatuses[0]?.state.running).toBeDefined();
      const startedAt = Date.parse(st(p).containerStatuses[0]?.state.running?.startedAt ?? '');
      expect(startedAt - started).toBeGreaterThanOrEqual(1000);
      expect(startedAt - started).toBeLessThanOrEqual(4000);
    }
    const d = c.get('Deployment', 'default', 'reviews-v3')!;
    expect(st(d)).toMatchObject({
      replicas: 2,
      readyReplicas: 2,
      availableReplicas: 2,
      updatedReplicas: 2,
      observedGeneration: 1,
    });
    expect(st(d).conditions.map((x) => [x.type, x.status, x.reason])).toEqual([
      ['Available', 'True', 'MinimumReplicasAvailable'],
      ['Progressing', 'True', 'NewReplicaSetAvailable'],
    ]);
    expect(d.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('1');
    expect(st(rs)).toMatchObject({ replicas: 2, readyReplicas: 2, availableReplicas: 2 });
  });

  it('rolls a new template without ever dropping below replicas - maxUnavailable available pods', async () => {
    const c = await newCluster();
    c.apply(deployment('web', { app: 'web' }, { replicas: 4 }));
    await c.idle();
    let lowest = Infinity;
    let most = 0;
    c.watch(() => {
      const pods = c.list('Pod', 'default', 'app=web');
      lowest = Math.min(
        lowest,
        pods.filter((p) => st(p).conditions?.some((x) => x.type === 'Ready' && x.status === 'True')).length,
      );
      most = Math.max(most, pods.length);
    });
    c.update('Deployment', 'default', 'web', (o) => {
      workloadSpec(o).template!.spec!.containers![0]!.image = 'docker.io/curlimages/curl:8.17.0';
    });
    await c.idle();
    expect(lowest).toBe(3);
    expect(most).toBe(5);
    const sets = c.list('ReplicaSet', 'default');
    expect(
      sets
        .map((rs) => [rs.metadata.annotations?.['deployment.kubernetes.io/revision'], workloadSpec(rs).replicas])
        .sort(),
    ).toEqual([
      ['1', 0],
      ['2', 4],
    ]);
    const pods = c.list('Pod', 'default', 'app=web');
    expect(pods).toHaveLength(4);
    expect(pods.every((p) => podContainers(p)[0]!.image?.endsWith('8.17.0'))).toBe(true);
    const d = c.get('Deployment', 'default', 'web')!;
    expect(d.metadata.generation).toBe(2);
    expect(st(d)).toMatchObject({ observedGeneration: 2, replicas: 4, updatedReplicas: 4, availableReplicas: 4 });
    expect(d.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
  });

  it('Recreate removes every old pod before starting new ones', async () => {
    const c = await newCluster();
    c.apply(deployment('web', { app: 'web' }, { replicas: 2, strategy: { type: 'Recreate' } }));
    await c.idle();
    let overlap = false;
    c.watch(() => {
      const images = new Set(c.list('Pod', 'default', 'app=web').map((p) => podContainers(p)[0]!.image));
      if (images.size > 1) overlap = true;
    });
    c.update('Deployment', 'default', 'web', (o) => {
      workloadSpec(o).template!.spec!.containers![0]!.image = 'docker.io/curlimages/curl:8.17.0';
    });
    await c.idle();
    expect(overlap).toBe(false);
    expect(c.list('Pod', 'default', 'app=web').map((p) => st(p).phase)).toEqual(['Running', 'Running']);
  });

  it('scales up and down in place, keeping the ReplicaSet', async () => {
    const c = await newCluster();
    c.apply(deployment('web', { app: 'web' }));
    await c.idle();
    c.update('Deployment', 'default', 'web', (o) => {
      workloadSpec(o).replicas = 3;
    });
    await c.idle();
    expect(c.list('Pod', 'default', 'app=web')).toHaveLength(3);
    c.update('Deployment', 'default', 'web', (o) => {
      workloadSpec(o).replicas = 0;
    });
    await c.idle();
    expect(c.list('Pod', 'default', 'app=web')).toHaveLength(0);
    expect(c.list('ReplicaSet', 'default')).toHaveLength(1);
    const d = st(c.get('Deployment', 'default', 'web'));
    expect(d.replicas).toBeUndefined();
    expect(d.conditions[0]).toMatchObject({ type: 'Available', status: 'True' });
  });

  it('reuses the ReplicaSet of a template seen before, as a new revision, and prunes history beyond the limit', async () => {
    const c = await newCluster();
    c.apply(deployment('web', { app: 'web' }, { revisionHistoryLimit: 1 }));
    await c.idle();
    const image = (tag: string) => (o: K8sObject) => {
      workloadSpec(o).template!.spec!.containers![0]!.image = `docker.io/curlimages/curl:${tag}`;
    };
    const first = c.list('ReplicaSet', 'default')[0]!.metadata.name;
    c.update('Deployment', 'default', 'web', image('8.17.0'));
    await c.idle();
    c.update('Deployment', 'default', 'web', image('8.16.0'));
    await c.idle();
    const back = c.get('ReplicaSet', 'default', first)!;
    expect(back.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('3');
    expect(workloadSpec(back).replicas).toBe(1);
    c.update('Deployment', 'default', 'web', image('8.18.0'));
    await c.idle();
    // Revisions 2 (8.17.0) and 3 (8.16.0) are old now; a limit of 1 keeps only the newest of them.
    const sets = c
      .list('ReplicaSet', 'default')
      .map((rs) => rs.metadata.annotations?.['deployment.kubernetes.io/revision'])
      .sort();
    expect(sets).toEqual(['3', '4']);
  });

  it('while paused makes no ReplicaSet for a new template, still scales, and rolls the batch on resume', async () => {
    const c = await newCluster();
    c.apply(deployment('web', { app: 'web' }, { replicas: 2 }));
    await c.idle();
    const first = c.list('ReplicaSet', 'default')[0]!.metadata.name;
    const progressing = () =>
      st(c.get('Deployment', 'default', 'web')).conditions.find((x) => x.type === 'Progressing');
    c.update('Deployment', 'default', 'web', (o) => {
      workloadSpec(o).paused = true;
    });
    await c.idle();
    expect(progressing()).toMatchObject({
      status: 'Unknown',
      reason: 'DeploymentPaused',
      message: 'Deployment is paused',
    });
    c.update('Deployment', 'default', 'web', (o) => {
      workloadSpec(o).template!.spec!.containers![0]!.image = 'docker.io/curlimages/curl:8.17.0';
      workloadSpec(o).template!.metadata!.labels!.batch = 'two-changes';
    });
    c.update('Deployment', 'default', 'web', (o) => {
      workloadSpec(o).replicas = 3;
    });
    await c.clock.sleep(30_000);
    await c.idle();
    expect(c.list('ReplicaSet', 'default').map((rs) => rs.metadata.name)).toEqual([first]);
    expect(c.list('Pod', 'default', 'app=web')).toHaveLength(3);
    const paused = c.get('Deployment', 'default', 'web')!;
    // What `kubectl rollout status` reads: the spec is observed, no replica has the new template.
    expect(st(paused)).toMatchObject({ observedGeneration: paused.metadata.generation, replicas: 3 });
    expect((paused.status as { updatedReplicas?: number }).updatedReplicas).toBeUndefined();
    expect(progressing()?.reason).toBe('DeploymentPaused');
    c.update('Deployment', 'default', 'web', (o) => {
      delete workloadSpec(o).paused;
    });
    await c.clock.sleep(60_000);
    await c.idle();
    // One rollout for both changes: revision 2 has the image and the label.
    const sets = c.list('ReplicaSet', 'default');
    expect(sets).toHaveLength(2);
    const second = sets.find((rs) => rs.metadata.name !== first)!;
    expect(second.metadata.annotations?.['deployment.kubernetes.io/revision']).toBe('2');
    expect(workloadSpec(second).template?.metadata?.labels?.batch).toBe('two-changes');
    expect(workloadSpec(second).replicas).toBe(3);
    expect(progressing()).toMatchObject({ status: 'True', reason: 'NewReplicaSetAvailable' });
  });

  it('replaces a deleted pod and reports what it did as Events', async () => {
    const c = await newCluster();
    c.apply(deployment('web', { app: 'web' }));
    await c.idle();
    const pod = c.list('Pod', 'default', 'app=web')[0]!;
    c.delete('Pod', 'default', pod.metadata.name);
    await c.idle();
    const now = c.list('Pod', 'default', 'app=web');
    expect(now).toHaveLength(1);
    expect(now[0]!.metadata.name).not.toBe(pod.metadata.name);
    const rs = c.list('ReplicaSet', 'default')[0]!;
    const about = (name: string) =>
      c
        .list('Event', 'default')
        .map((e) => e as EventShape)
        .filter((e) => e.involvedObject?.name === name)
        .map((e) => `${e.source?.component} ${e.reason}: ${e.message}`);
    expect(about('web')).toEqual([
      `deployment-controller ScalingReplicaSet: Scaled up replica set ${rs.metadata.name} from 0 to 1`,
    ]);
    expect(about(rs.metadata.name)).toEqual([
      `replicaset-controller SuccessfulCreate: Created pod: ${pod.metadata.name}`,
      `replicaset-controller SuccessfulCreate: Created pod: ${now[0]!.metadata.name}`,
    ]);
    expect(about(now[0]!.metadata.name)).toEqual([
      `default-scheduler Scheduled: Successfully assigned default/${now[0]!.metadata.name} to kind-control-plane`,
      'kubelet Pulled: Container image "docker.io/curlimages/curl:8.16.0" already present on machine',
      'kubelet Created: Created container: app',
      'kubelet Started: Started container: app',
    ]);
    expect(about(pod.metadata.name)[1]).toMatch(
      /^kubelet Pulling: Pulling image "docker.io\/curlimages\/curl:8.16.0"$/,
    );
    expect(about(pod.metadata.name)[2]).toMatch(
      new RegExp(
        String.raw`^kubelet Pulled: Successfully pulled image "docker.io\/curlimages\/curl:8.16.0" in \d+\.\d{3}s \(\d+` +
          String.raw`\.\d{3}s including waiting\)\. Image size: \d+ bytes\.$`,
      ),
    );
  });

  it('tells watchers about every pod status change', async () => {
    const c = await newCluster();
    const seen: string[] = [];
    c.watch((e) => {
      if (e.object.kind === 'Pod') seen.push(`${e.type} ${st(e.object).phase}`);
    });
    c.apply(deployment('web', { app: 'web' }));
    await c.idle();
    c.delete('Deployment', 'default', 'web');
    expect(seen).toEqual(['ADDED Pending', 'MODIFIED Running', 'DELETED Running']);
  });
});
