import { beforeEach, describe, expect, it } from 'vitest';
import { fakeShell, type KubectlShell } from './testing/harness.ts';
import type { FakeSimCluster } from '../../../cluster/testing/fakeSimCluster.ts';
import { smartLabel } from './describeText.ts';

let sh: KubectlShell<FakeSimCluster>;
beforeEach(() => {
  sh = fakeShell();
  sh.cluster.put(
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: {
        name: 'reviews',
        namespace: 'default',
        creationTimestamp: '2026-11-24T10:00:00Z',
        generation: 1,
        resourceVersion: '1234',
        uid: 'u-1',
        annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{"x":1}\n' },
      },
      spec: {
        hosts: ['reviews'],
        http: [
          {
            route: [
              { destination: { host: 'reviews', subset: 'v1' }, weight: 50 },
              { destination: { host: 'reviews', subset: 'v3' }, weight: 50 },
            ],
          },
        ],
      },
    },
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: {
        name: 'reviews',
        namespace: 'default',
        labels: { app: 'reviews', tier: 'backend' },
        creationTimestamp: '2026-11-24T10:00:00Z',
        uid: 'u-2',
      },
      spec: {
        host: 'reviews',
        trafficPolicy: { connectionPool: { http: { http1MaxPendingRequests: 1, maxRequestsPerConnection: 1 } } },
      },
    },
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
    expect(r.stdout).toContain(
      'Spec:\n  Host:  reviews\n  Traffic Policy:\n    Connection Pool:\n      Http:\n        http1MaxPendingRequests: ' +
        '     1\n        Max Requests Per Connection:  1\nEvents:                               <none>\n',
    );
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
    [
      'kubectl describe vs nope',
      'Error from server (NotFound): virtualservices.networking.istio.io "nope" not found\n',
    ],
    ['kubectl describe foo x', 'error: the server doesn\'t have a resource type "foo"\n'],
  ])('%s', async (command, stderr) => {
    expect(await sh.run(command)).toEqual({ stdout: '', stderr, exitCode: 1 });
  });
});

describe('kubectl describe pod, service, deployment (kubectl’s own describers)', () => {
  it('a pod with an init container and a sidecar', async () => {
    sh.cluster.put({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: {
        name: 'web-1',
        namespace: 'default',
        labels: { app: 'web' },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-7d4', uid: 'rs', controller: true }],
      },
      spec: {
        nodeName: 'kind-control-plane',
        serviceAccountName: 'default',
        priority: 0,
        initContainers: [{ name: 'istio-init', image: 'proxyv2:1.30.0', args: ['istio-iptables', '-p', '15001'] }],
        containers: [
          {
            name: 'web',
            image: 'nginx',
            ports: [{ containerPort: 80, protocol: 'TCP' }],
            env: [
              { name: 'MODE', value: 'fast' },
              { name: 'POD_NAME', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
            ],
          },
          {
            name: 'istio-proxy',
            image: 'proxyv2:1.30.0',
            resources: { limits: { cpu: '2', memory: '1Gi' }, requests: { cpu: '100m', memory: '128Mi' } },
            readinessProbe: {
              httpGet: { path: '/healthz/ready', port: 15021 },
              periodSeconds: 15,
              timeoutSeconds: 3,
              failureThreshold: 4,
            },
          },
        ],
        tolerations: [
          { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 },
        ],
      },
      status: {
        phase: 'Running',
        hostIP: '172.18.0.2',
        podIP: '10.244.0.9',
        startTime: '2026-11-24T10:00:00Z',
        conditions: [
          { type: 'Initialized', status: 'True' },
          { type: 'Ready', status: 'True' },
        ],
        initContainerStatuses: [
          {
            name: 'istio-init',
            ready: true,
            restartCount: 0,
            state: {
              terminated: {
                exitCode: 0,
                reason: 'Completed',
                startedAt: '2026-11-24T10:00:01Z',
                finishedAt: '2026-11-24T10:00:02Z',
              },
            },
          },
        ],
        containerStatuses: [
          {
            name: 'web',
            ready: true,
            restartCount: 1,
            containerID: 'containerd://abc',
            imageID: 'nginx@sha256:1',
            state: { running: { startedAt: '2026-11-24T10:00:03Z' } },
          },
          {
            name: 'istio-proxy',
            ready: true,
            restartCount: 0,
            state: { running: { startedAt: '2026-11-24T10:00:03Z' } },
          },
        ],
      },
    });
    const r = await sh.run('kubectl describe pod web-1');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(
      new RegExp(
        String.raw`^Name:             web-1\nNamespace:        default\nPriority:         0\nService Account:  default\n` +
          String.raw`Node:             kind-control-plane\/172\.18\.0\.2\nStart Time:       Tue, 24 Nov 2026 10:00:00 \+0` +
          String.raw`000\nLabels:           app=web\nAnnotations:      <none>\nStatus:           Running\nIP:            ` +
          String.raw`   10\.244\.0\.9\nIPs:\n  IP:           10\.244\.0\.9\nControlled By:  ReplicaSet\/web-7d4\nInit Con` +
          String.raw`tainers:\n  istio-init:\n`,
      ),
    );
    expect(r.stdout).toContain(
      '    State:          Terminated\n      Reason:       Completed\n      Exit Code:    0\n      ' +
        'Started:      Tue, 24 Nov 2026 10:00:01 +0000\n      Finished:     Tue, 24 Nov 2026 10:00:02 +0000\n',
    );
    expect(r.stdout).toContain(
      '  web:\n    Container ID:   containerd://abc\n    Image:          nginx\n    Image ID:       ' +
        'nginx@sha256:1\n    Port:           80/TCP\n    Host Port:      0/TCP\n    State:          Running\n',
    );
    expect(r.stdout).toContain(
      '    Restart Count:  1\n    Environment:\n      MODE:      fast\n  ' +
        '    POD_NAME:  web-1 (v1:metadata.name)\n    Mounts:      <none>\n',
    );
    expect(r.stdout).toContain(
      '    Requests:\n      cpu:        100m\n      memory:     128Mi\n    Readiness:    http-get ' +
        'http://:15021/healthz/ready delay=0s timeout=3s period=15s #success=1 #failure=4\n    Environment:  <none>\n',
    );
    // One tabwriter block from the condition rows to the end: kubectl aligns them together.
    expect(r.stdout).toMatch(
      new RegExp(
        String.raw`\nConditions:\n  Type           Status\n  Initialized    True \n  Ready          True \nVolumes:    ` +
          String.raw`     <none>\nQoS Class:       Burstable\nNode-Selectors:  <none>\nTolerations:     node.kubernetes.i` +
          String.raw`o\/not-ready:NoExecute op=Exists for 300s\nEvents:          <none>\n$`,
      ),
    );
  });

  it('a service with its endpoints, and a deployment with its pod template', async () => {
    sh.cluster.put(
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
        spec: {
          type: 'NodePort',
          selector: { app: 'web' },
          clusterIP: '10.96.0.20',
          clusterIPs: ['10.96.0.20'],
          ipFamilies: ['IPv4'],
          ipFamilyPolicy: 'SingleStack',
          ports: [{ name: 'http', port: 80, targetPort: 8080, nodePort: 30080, protocol: 'TCP' }],
          sessionAffinity: 'None',
          externalTrafficPolicy: 'Cluster',
          internalTrafficPolicy: 'Cluster',
        },
      },
      {
        apiVersion: 'v1',
        kind: 'Endpoints',
        metadata: { name: 'web', namespace: 'default' },
        subsets: [{ addresses: [{ ip: '10.244.0.9' }, { ip: '10.244.0.10' }], ports: [{ name: 'http', port: 8080 }] }],
      },
      {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'web', namespace: 'default', uid: 'd1', creationTimestamp: '2026-11-24T09:00:00Z' },
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'web' } },
          template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } },
        },
        status: {
          replicas: 2,
          updatedReplicas: 2,
          availableReplicas: 1,
          unavailableReplicas: 1,
          conditions: [{ type: 'Available', status: 'False', reason: 'MinimumReplicasUnavailable' }],
        },
      },
      {
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: {
          name: 'web-7d4',
          namespace: 'default',
          ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: 'd1', controller: true }],
        },
        spec: {
          replicas: 2,
          template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } },
        },
        status: { replicas: 2 },
      },
    );
    expect((await sh.run('kubectl describe svc web')).stdout).toBe(
      [
        'Name:                     web',
        'Namespace:                default',
        'Labels:                   app=web',
        'Annotations:              <none>',
        'Selector:                 app=web',
        'Type:                     NodePort',
        'IP Family Policy:         SingleStack',
        'IP Families:              IPv4',
        'IP:                       10.96.0.20',
        'IPs:                      10.96.0.20',
        'Port:                     http  80/TCP',
        'TargetPort:               8080/TCP',
        'NodePort:                 http  30080/TCP',
        'Endpoints:                10.244.0.9:8080,10.244.0.10:8080',
        'Session Affinity:         None',
        'External Traffic Policy:  Cluster',
        'Internal Traffic Policy:  Cluster',
        'Events:                   <none>',
        '',
      ].join('\n'),
    );
    const d = (await sh.run('kubectl describe deploy web')).stdout;
    expect(d).toContain(
      'Replicas:               2 desired | 2 updated | 2 total | 1 available | 1 unavailable\nStrategyType:           RollingUpdate\n',
    );
    expect(d).toContain('Pod Template:\n  Labels:  app=web\n  Containers:\n   web:\n    Image:         nginx\n');
    expect(d).toContain(
      'Conditions:\n  Type           Status  Reason\n  ----           ------  ------\n  Available      False   ' +
        'MinimumReplicasUnavailable\nOldReplicaSets:  <none>\nNewReplicaSet:   web-7d4 (2/2 replicas created)\nEvents:          <none>\n',
    );
  });

  it('several objects are separated by a blank line', async () => {
    const r = await sh.run('kubectl describe vs,dr reviews');
    expect(r.stdout).toMatch(/Events: +<none>\n\n\nName: +reviews\n/);
  });
});
