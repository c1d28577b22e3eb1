import { beforeEach, describe, expect, it } from 'vitest';
import { fakeShell, type KubectlShell } from './testing/harness.ts';
import type { FakeSimCluster } from './testing/fakeSimCluster.ts';
import { smartLabel } from './describe.ts';

let sh: KubectlShell<FakeSimCluster>;
beforeEach(() => {
  sh = fakeShell();
  sh.cluster.put(
    { apiVersion: 'networking.istio.io/v1', kind: 'VirtualService', metadata: { name: 'reviews', namespace: 'default', creationTimestamp: '2026-11-24T10:00:00Z', generation: 1, resourceVersion: '1234', uid: 'u-1', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"x":1}\n' } }, spec: { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: 50 }, { destination: { host: 'reviews', subset: 'v3' }, weight: 50 }] }] } },
    { apiVersion: 'networking.istio.io/v1', kind: 'DestinationRule', metadata: { name: 'reviews', namespace: 'default', labels: { app: 'reviews', tier: 'backend' }, creationTimestamp: '2026-11-24T10:00:00Z', uid: 'u-2' }, spec: { host: 'reviews', trafficPolicy: { connectionPool: { http: { http1MaxPendingRequests: 1, maxRequestsPerConnection: 1 } } } } },
  );
});

describe('kubectl describe (generic, as for CRDs)', () => {
  it('a VirtualService: header, sorted fields, lists without dashes, Events aligned by the tabwriter', async () => {
    const r = await sh.run('kubectl describe vs reviews');
    expect(r).toEqual({
      stdout: [
        'Name:         reviews',
        'Namespace:    default',
        'Labels:       <none>',
        'Annotations:  <none>',
        'API Version:  networking.istio.io/v1',
        'Kind:         VirtualService',
        'Metadata:',
        '  Creation Timestamp:  2026-11-24T10:00:00Z',
        '  Generation:          1',
        '  Resource Version:    1234',
        '  UID:                 u-1',
        'Spec:',
        '  Hosts:',
        '    reviews',
        '  Http:',
        '    Route:',
        '      Destination:',
        '        Host:    reviews',
        '        Subset:  v1',
        '      Weight:    50',
        '      Destination:',
        '        Host:    reviews',
        '        Subset:  v3',
        '      Weight:    50',
        'Events:          <none>',
        '',
      ].join('\n'),
      stderr: '',
      exitCode: 0,
    });
  });

  it('labels one per line; keys with digits kept as they are', async () => {
    const r = await sh.run('kubectl describe destinationrule/reviews');
    expect(r.stdout).toContain('Labels:       app=reviews\n              tier=backend\n');
    expect(r.stdout).toContain('Spec:\n  Host:  reviews\n  Traffic Policy:\n    Connection Pool:\n      Http:\n        http1MaxPendingRequests:      1\n        Max Requests Per Connection:  1\nEvents:                               <none>\n');
  });

  it.each([
    ['creationTimestamp', 'Creation Timestamp'],
    ['uid', 'UID'],
    ['apiVersion', 'API Version'],
    ['maxRequestsPerConnection', 'Max Requests Per Connection'],
    ['http1MaxPendingRequests', 'http1MaxPendingRequests'],
    ['app.kubernetes.io/name', 'app.kubernetes.io/name'],
    ['consecutive5xxErrors', 'consecutive5xxErrors'],
    ['baseEjectionTime', 'Base Ejection Time'],
  ])('smartLabel(%s) = %s', (field, label) => {
    expect(smartLabel(field)).toBe(label);
  });

  it.each([
    ['kubectl describe vs nope', 'Error from server (NotFound): virtualservices.networking.istio.io "nope" not found\n'],
    ['kubectl describe foo x', 'error: the server doesn\'t have a resource type "foo"\n'],
  ])('%s', async (command, stderr) => {
    expect(await sh.run(command)).toEqual({ stdout: '', stderr, exitCode: 1 });
  });
});
