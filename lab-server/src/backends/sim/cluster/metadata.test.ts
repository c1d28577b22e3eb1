/** What the API server fills and keeps: metadata, last-applied, versions served, dry runs, cascades and watch events. */
import { describe, expect, it } from 'vitest';
import type { K8sObject } from '../../../contract.ts';
import type { ObjectEvent } from '../types.ts';
import { deployment, newCluster, refusal } from './testing/newCluster.ts';

const cm = (name: string, data: Record<string, string> = {}, namespace = 'default'): K8sObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace },
  data,
});
const vs = (apiVersion: string, subset = 'v1'): K8sObject => ({
  apiVersion,
  kind: 'VirtualService',
  metadata: { name: 'reviews' },
  spec: { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subset } }] }] },
});

describe('metadata', () => {
  it('gives each object a v4 uid, an increasing resourceVersion and a creation time in RFC 3339 seconds', async () => {
    const c = await newCluster();
    const a = c.create(cm('a'));
    const b = c.create(cm('b'));
    for (const o of [a, b])
      expect(o.metadata.uid).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a.metadata.uid).not.toBe(b.metadata.uid);
    expect(Number(b.metadata.resourceVersion)).toBeGreaterThan(Number(a.metadata.resourceVersion));
    expect(a.metadata.creationTimestamp).toBe(new Date(c.clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z'));
    const updated = c.update('ConfigMap', 'default', 'a', (o) => {
      o.data = { k: 'v' };
    }).object;
    expect(Number(updated.metadata.resourceVersion)).toBeGreaterThan(Number(b.metadata.resourceVersion));
    expect(updated.metadata.uid).toBe(a.metadata.uid);
    expect(updated.metadata.creationTimestamp).toBe(a.metadata.creationTimestamp);
  });

  it("records last-applied as kubectl marshals it: the file's version, namespace set, keys sorted, annotations {}", async () => {
    const c = await newCluster();
    const created = c.apply(vs('networking.istio.io/v1beta1')).object;
    expect(created.apiVersion).toBe('networking.istio.io/v1');
    expect(created.metadata.annotations!['kubectl.kubernetes.io/last-applied-configuration']).toBe(
      '{"apiVersion":"networking.istio.io/v1beta1","kind":"VirtualService",' +
        '"metadata":{"annotations":{},"name":"reviews","namespace":"default"},' +
        '"spec":{"hosts":["reviews"],"http":[{"route":[{"destination":{"host":"reviews","subset":"v1"}}]}]}}\n',
    );
  });

  it.each([
    ['the same file again', vs('networking.istio.io/v1beta1'), 'unchanged', 1],
    ['the same spec at another version', vs('networking.istio.io/v1alpha3'), 'configured', 1],
    ['a changed spec', vs('networking.istio.io/v1beta1', 'v3'), 'configured', 2],
  ])('apply of %s says %s (generation %i)', async (_what, next, outcome, generation) => {
    const c = await newCluster();
    c.apply(vs('networking.istio.io/v1beta1'));
    const r = c.apply(next);
    expect(r.outcome).toBe(outcome);
    expect(r.object.metadata.generation).toBe(generation);
  });

  it.each([['v1'], ['v1beta1'], ['v1alpha3']])(
    'accepts networking.istio.io/%s and serves it as v1',
    async (version) => {
      const c = await newCluster();
      c.create(vs(`networking.istio.io/${version}`));
      expect(c.get('VirtualService', 'default', 'reviews')!.apiVersion).toBe('networking.istio.io/v1');
      expect(c.list('VirtualService').map((o) => o.apiVersion)).toEqual(['networking.istio.io/v1']);
    },
  );

  it('names an object from generateName', async () => {
    const c = await newCluster();
    const o = c.create({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { generateName: 'job-' } as unknown as K8sObject['metadata'],
      data: {},
    });
    expect(o.metadata.name).toMatch(/^job-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
    expect(
      refusal(() => c.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: {} as K8sObject['metadata'] })).message,
    ).toBe('ConfigMap "" is invalid: metadata.name: Required value: name or generateName is required');
  });
});

describe('writes and their side effects', () => {
  it('stores nothing and tells no watcher on a dry run, yet refuses what a real write would', async () => {
    const c = await newCluster();
    const events: ObjectEvent[] = [];
    c.watch((e) => events.push(e));
    const dry = c.create(cm('dry'), { dryRun: true });
    expect(dry.metadata.uid).toBeDefined();
    expect(c.get('ConfigMap', 'default', 'dry')).toBeUndefined();
    c.create(cm('real'));
    c.apply(cm('real', { k: 'v' }), { dryRun: true });
    expect(c.get('ConfigMap', 'default', 'real')!.data).toEqual({});
    expect(events.map((e) => `${e.type} ${e.object.metadata.name}`)).toEqual(['ADDED real']);
    expect(refusal(() => c.create(cm('real'), { dryRun: true })).reason).toBe('AlreadyExists');
  });

  it.each([
    [
      'services',
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'x' }, spec: { ports: [{ port: 80 }] } },
      'services "x" already exists',
    ],
    ['deployments.apps', deployment('x', { app: 'x' }), 'deployments.apps "x" already exists'],
    [
      'virtualservices.networking.istio.io',
      vs('networking.istio.io/v1'),
      'virtualservices.networking.istio.io "reviews" already exists',
    ],
  ])('a second create of %s is AlreadyExists (409)', async (_what, object, message) => {
    const c = await newCluster();
    c.create(object as K8sObject);
    expect(refusal(() => c.create(object as K8sObject))).toEqual({ code: 409, reason: 'AlreadyExists', message });
  });

  it.each([
    [
      'delete',
      (c: Awaited<ReturnType<typeof newCluster>>) => c.delete('VirtualService', 'default', 'reviews'),
      'virtualservices.networking.istio.io "reviews" not found',
    ],
    [
      'replace',
      (c: Awaited<ReturnType<typeof newCluster>>) => c.replace(vs('networking.istio.io/v1')),
      'virtualservices.networking.istio.io "reviews" not found',
    ],
    [
      'update',
      (c: Awaited<ReturnType<typeof newCluster>>) => c.update('Deployment', 'default', 'nope', () => {}),
      'deployments.apps "nope" not found',
    ],
    [
      'write into a missing namespace',
      (c: Awaited<ReturnType<typeof newCluster>>) => c.create(cm('x', {}, 'ghost')),
      'namespaces "ghost" not found',
    ],
  ])('%s of something absent is NotFound (404)', async (_what, act, message) => {
    const c = await newCluster();
    expect(refusal(() => act(c))).toEqual({ code: 404, reason: 'NotFound', message });
  });

  it("deletes everything in a namespace with it, and its Services' addresses", async () => {
    const c = await newCluster();
    c.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } });
    expect(c.get('Namespace', undefined, 'team')!.metadata.labels).toEqual({ 'kubernetes.io/metadata.name': 'team' });
    c.create(cm('settings', {}, 'team'));
    c.create(deployment('web', { app: 'web' }, {}, 'team'));
    c.create({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web', namespace: 'team' },
      spec: { type: 'NodePort', selector: { app: 'web' }, ports: [{ port: 80, nodePort: 31500 }] },
    });
    await c.idle();
    expect(c.list('Pod', 'team')).toHaveLength(1);
    c.delete('Namespace', undefined, 'team');
    // The namespace terminates first (its content goes, its pod terminates), then it is gone.
    expect(c.get('Namespace', undefined, 'team')!.status).toMatchObject({ phase: 'Terminating' });
    expect(c.list('Deployment', 'team')).toEqual([]);
    await c.idle();
    for (const kind of ['ConfigMap', 'Deployment', 'ReplicaSet', 'Pod', 'Service', 'Endpoints'])
      expect(c.list(kind, 'team')).toEqual([]);
    expect(c.get('Namespace', undefined, 'team')).toBeUndefined();
    c.create({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'again' },
      spec: { type: 'NodePort', ports: [{ port: 80, nodePort: 31500 }] },
    });
  });

  it("refuses creates beyond the object limit with the quota's words, counting no Events", async () => {
    const c = await newCluster({ maxObjects: 61 });
    const used = c.list('Namespace').length;
    expect(used).toBeGreaterThan(0);
    let made = 0;
    let error: unknown;
    for (let i = 0; i < 100 && !error; i++) {
      try {
        c.create(cm(`cm-${i}`));
        made++;
      } catch (e) {
        error = e;
      }
    }
    expect(error).toMatchObject({
      code: 403,
      reason: 'Forbidden',
      message:
        'exceeded quota: lab-objects, requested: count/objects=1, used: count/objects=61, limited: count/objects=61',
    });
    expect(made).toBeGreaterThan(0);
    expect(c.list('Event').length).toBeGreaterThan(0);
    // Updates and deletes still work at the limit.
    c.update('ConfigMap', 'default', 'cm-0', (o) => {
      o.data = { a: 'b' };
    });
    c.delete('ConfigMap', 'default', 'cm-0');
    c.create(cm('one-more'));
  });
});
