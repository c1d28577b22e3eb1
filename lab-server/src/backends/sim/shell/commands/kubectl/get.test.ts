import { beforeEach, describe, expect, it } from 'vitest';
import type { K8sObject } from '../../../../../contract.ts';
import { fakeShell, type KubectlShell } from './testing/harness.ts';
import { isoSeconds, podFixture, type FakeSimCluster } from '../../../cluster/testing/fakeSimCluster.ts';

let sh: KubectlShell<FakeSimCluster>;
const ago = (ms: number) => isoSeconds(sh.clock.now() - ms);

function svc(name: string, spec: Record<string, unknown>, agoMs = 60_000, namespace = 'default'): K8sObject {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace, creationTimestamp: ago(agoMs) }, spec };
}

beforeEach(() => {
  sh = fakeShell();
  const now = sh.clock.now();
  sh.cluster.put(
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'default', labels: { 'istio-injection': 'enabled' }, creationTimestamp: ago(2 * 86_400_000) },
      status: { phase: 'Active' },
    },
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name: 'istio-system', creationTimestamp: ago(3 * 3_600_000) },
      status: { phase: 'Active' },
    },
    podFixture('reviews-v1-abc', {
      labels: { app: 'reviews', version: 'v1' },
      containers: ['reviews', 'istio-proxy'],
      initContainers: ['istio-init'],
      createdMs: now - 123_000,
    }),
    podFixture('reviews-v2-def', {
      labels: { app: 'reviews', version: 'v2' },
      containers: ['reviews', 'istio-proxy'],
      initContainers: ['istio-init'],
      phase: 'Pending',
      initDone: 0,
      createdMs: now - 5_000,
    }),
    podFixture('ratings-v1-ghi', {
      labels: { app: 'ratings', version: 'v1' },
      containers: ['ratings', 'istio-proxy'],
      phase: 'Pending',
      initDone: 0,
      createdMs: now - 5_000,
    }),
    podFixture('sleep-xyz', {
      labels: { app: 'sleep' },
      terminating: true,
      restarts: 2,
      createdMs: now - 10 * 3_600_000,
    }),
    podFixture('istiod-1', {
      namespace: 'istio-system',
      labels: { app: 'istiod' },
      containers: ['discovery'],
      createdMs: now - 3 * 3_600_000,
    }),
    svc('productpage', { type: 'ClusterIP', clusterIP: '10.96.10.20', ports: [{ port: 9080, protocol: 'TCP' }] }),
    svc(
      'istio-ingressgateway',
      {
        type: 'LoadBalancer',
        clusterIP: '10.96.0.50',
        ports: [
          { port: 80, nodePort: 30080, protocol: 'TCP' },
          { port: 443, nodePort: 30443, protocol: 'TCP' },
        ],
      },
      3 * 3_600_000,
      'istio-system',
    ),
    svc('httpbin', { type: 'NodePort', clusterIP: '10.96.10.21', ports: [{ port: 8000, nodePort: 30800 }] }),
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: {
        name: 'reviews-v1',
        namespace: 'default',
        labels: { app: 'reviews' },
        creationTimestamp: ago(45_000),
      },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'reviews', version: 'v1' } },
        template: {
          spec: { containers: [{ name: 'reviews', image: 'docker.io/istio/examples-bookinfo-reviews-v1:1.20.3' }] },
        },
      },
      status: { readyReplicas: 1, updatedReplicas: 1, availableReplicas: 1, replicas: 1 },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'reviews-v1-7f9', namespace: 'default', creationTimestamp: ago(45_000) },
      spec: { replicas: 1 },
      status: { replicas: 1, readyReplicas: 1 },
    },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'kube-root-ca.crt', namespace: 'default', creationTimestamp: ago(60_000) },
      data: { 'ca.crt': 'x' },
    },
    {
      apiVersion: 'v1',
      kind: 'Endpoints',
      metadata: { name: 'productpage', namespace: 'default', creationTimestamp: ago(60_000) },
      subsets: [
        {
          addresses: [{ ip: '10.244.0.7' }, { ip: '10.244.0.8' }, { ip: '10.244.0.9' }, { ip: '10.244.0.10' }],
          ports: [{ port: 9080 }],
        },
      ],
    },
    {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: 'kind-control-plane',
        labels: { 'node-role.kubernetes.io/control-plane': '' },
        creationTimestamp: ago(2 * 86_400_000 + 3 * 3_600_000),
      },
      status: { conditions: [{ type: 'Ready', status: 'True' }], nodeInfo: { kubeletVersion: 'v1.34.0' } },
    },
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'bookinfo', namespace: 'default', creationTimestamp: ago(7_000) },
      spec: { hosts: ['*'], gateways: ['bookinfo-gateway'], http: [] },
    },
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'reviews', namespace: 'default', creationTimestamp: ago(7_000) },
      spec: { hosts: ['reviews'], http: [] },
    },
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: 'reviews', namespace: 'default', creationTimestamp: ago(7_000) },
      spec: { host: 'reviews', subsets: [{ name: 'v1', labels: { version: 'v1' } }] },
    },
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'Gateway',
      metadata: { name: 'bookinfo-gateway', namespace: 'default', creationTimestamp: ago(7_000) },
      spec: { selector: { istio: 'ingressgateway' }, servers: [] },
    },
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'ServiceEntry',
      metadata: { name: 'google', namespace: 'default', creationTimestamp: ago(7_000) },
      spec: {
        hosts: ['www.google.com'],
        location: 'MESH_EXTERNAL',
        resolution: 'DNS',
        ports: [{ number: 443, name: 'https', protocol: 'HTTPS' }],
      },
    },
    {
      apiVersion: 'networking.istio.io/v1',
      kind: 'Sidecar',
      metadata: { name: 'default', namespace: 'istio-system', creationTimestamp: ago(7_000) },
      spec: { egress: [{ hosts: ['./*'] }] },
    },
  );
});

describe('kubectl get tables', () => {
  it.each([
    [
      'kubectl get pods',
      [
        'NAME             READY   STATUS              RESTARTS   AGE',
        'ratings-v1-ghi   0/2     ContainerCreating   0          5s',
        'reviews-v1-abc   2/2     Running             0          2m3s',
        'reviews-v2-def   0/2     Init:0/1            0          5s',
        'sleep-xyz        1/1     Terminating         2          10h',
      ],
    ],
    [
      'kubectl get svc',
      [
        'NAME          TYPE        CLUSTER-IP    EXTERNAL-IP   PORT(S)          AGE',
        'httpbin       NodePort    10.96.10.21   <none>        8000:30800/TCP   60s',
        'productpage   ClusterIP   10.96.10.20   <none>        9080/TCP         60s',
      ],
    ],
    [
      'kubectl get svc -n istio-system',
      [
        'NAME                   TYPE           CLUSTER-IP   EXTERNAL-IP   PORT(S)                      AGE',
        'istio-ingressgateway   LoadBalancer   10.96.0.50   <pending>     80:30080/TCP,443:30443/TCP   3h',
      ],
    ],
    [
      'kubectl get deploy',
      ['NAME         READY   UP-TO-DATE   AVAILABLE   AGE', 'reviews-v1   1/1     1            1           45s'],
    ],
    [
      'kubectl get rs',
      ['NAME             DESIRED   CURRENT   READY   AGE', 'reviews-v1-7f9   1         1         1       45s'],
    ],
    ['kubectl get ns', ['NAME           STATUS   AGE', 'default        Active   2d', 'istio-system   Active   3h']],
    [
      'kubectl get nodes',
      [
        'NAME                 STATUS   ROLES           AGE    VERSION',
        'kind-control-plane   Ready    control-plane   2d3h   v1.34.0',
      ],
    ],
    ['kubectl get cm', ['NAME               DATA   AGE', 'kube-root-ca.crt   1      60s']],
    ['kubectl get ep productpage -o name', ['endpoints/productpage']],
    [
      'kubectl get endpoints',
      [
        'NAME          ENDPOINTS                                                     AGE',
        'productpage   10.244.0.7:9080,10.244.0.8:9080,10.244.0.9:9080 + 1 more...   60s',
      ],
    ],
    [
      'kubectl get vs',
      [
        'NAME       GATEWAYS               HOSTS         AGE',
        'bookinfo   ["bookinfo-gateway"]   ["*"]         7s',
        'reviews                           ["reviews"]   7s',
      ],
    ],
    [
      'kubectl get virtualservices.networking.istio.io reviews',
      ['NAME      GATEWAYS   HOSTS         AGE', 'reviews              ["reviews"]   7s'],
    ],
    ['kubectl get dr', ['NAME      HOST      AGE', 'reviews   reviews   7s']],
    ['kubectl get gw', ['NAME               AGE', 'bookinfo-gateway   7s']],
    [
      'kubectl get se',
      [
        'NAME     HOSTS                LOCATION        RESOLUTION   AGE',
        'google   ["www.google.com"]   MESH_EXTERNAL   DNS          7s',
      ],
    ],
    ['kubectl get sidecar -n istio-system', ['NAME      AGE', 'default   7s']],
    [
      'kubectl get pods -l app=reviews',
      [
        'NAME             READY   STATUS     RESTARTS   AGE',
        'reviews-v1-abc   2/2     Running    0          2m3s',
        'reviews-v2-def   0/2     Init:0/1   0          5s',
      ],
    ],
    [
      'kubectl get pods -l app=reviews,version!=v1',
      ['NAME             READY   STATUS     RESTARTS   AGE', 'reviews-v2-def   0/2     Init:0/1   0          5s'],
    ],
    ["kubectl get pods -l 'version in (v1,v3)' -o name", ['pod/ratings-v1-ghi', 'pod/reviews-v1-abc']],
    ["kubectl get pods -l 'app notin (reviews,ratings)' -o name", ['pod/sleep-xyz']],
    ['kubectl get pods -l version -o name', ['pod/ratings-v1-ghi', 'pod/reviews-v1-abc', 'pod/reviews-v2-def']],
    ["kubectl get pods -l '!version' -o name", ['pod/sleep-xyz']],
    ['kubectl get pods reviews-v1-abc sleep-xyz -o name', ['pod/reviews-v1-abc', 'pod/sleep-xyz']],
    ['kubectl get pod/reviews-v1-abc svc/productpage -o name', ['pod/reviews-v1-abc', 'service/productpage']],
    [
      'kubectl get vs,dr -o name',
      [
        'virtualservice.networking.istio.io/bookinfo',
        'virtualservice.networking.istio.io/reviews',
        'destinationrule.networking.istio.io/reviews',
      ],
    ],
    [
      'kubectl get deploy,svc',
      [
        'NAME                         READY   UP-TO-DATE   AVAILABLE   AGE',
        'deployment.apps/reviews-v1   1/1     1            1           45s',
        '',
        'NAME                  TYPE        CLUSTER-IP    EXTERNAL-IP   PORT(S)          AGE',
        'service/httpbin       NodePort    10.96.10.21   <none>        8000:30800/TCP   60s',
        'service/productpage   ClusterIP   10.96.10.20   <none>        9080/TCP         60s',
      ],
    ],
    [
      'kubectl get pods -A -l app=istiod',
      [
        'NAMESPACE      NAME       READY   STATUS    RESTARTS   AGE',
        'istio-system   istiod-1   1/1     Running   0          3h',
      ],
    ],
    [
      'kubectl get svc --all-namespaces -o name',
      ['service/httpbin', 'service/productpage', 'service/istio-ingressgateway'],
    ],
    [
      'kubectl get ns --show-labels',
      [
        'NAME           STATUS   AGE   LABELS',
        'default        Active   2d    istio-injection=enabled',
        'istio-system   Active   3h    <none>',
      ],
    ],
    [
      'kubectl get ns -L istio-injection',
      [
        'NAME           STATUS   AGE   ISTIO-INJECTION',
        'default        Active   2d    enabled',
        'istio-system   Active   3h',
      ],
    ],
    ['kubectl -n istio-system get pods --no-headers', ['istiod-1   1/1   Running   0   3h']],
    [
      'kubectl get svc productpage -o wide',
      [
        'NAME          TYPE        CLUSTER-IP    EXTERNAL-IP   PORT(S)    AGE   SELECTOR',
        'productpage   ClusterIP   10.96.10.20   <none>        9080/TCP   60s   <none>',
      ],
    ],
  ])('%s', async (command, lines) => {
    const r = await sh.run(command);
    const warning = / (ep|endpoints)\b/.test(command)
      ? 'Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice\n'
      : '';
    expect(r).toEqual({ stdout: `${lines.join('\n')}\n`, stderr: warning, exitCode: 0 });
  });
});

describe('kubectl get errors', () => {
  it.each([
    ['kubectl get pods x', 'Error from server (NotFound): pods "x" not found\n'],
    ['kubectl get vs nope', 'Error from server (NotFound): virtualservices.networking.istio.io "nope" not found\n'],
    ['kubectl get foo', 'error: the server doesn\'t have a resource type "foo"\n'],
    ['kubectl get pods --foo', "error: unknown flag: --foo\nSee 'kubectl get --help' for usage.\n"],
    [
      'kubectl get pods -o xml',
      'error: unable to match a printer suitable for the output format "xml", allowed formats are: ' +
        'json,yaml,name,go-template,go-template-file,template,templatefile,jsonpath,jsonpath-as-json,jsonpath-file,' +
        'custom-columns,custom-columns-file,wide\n',
    ],
    [
      'kubectl get pods -l "a in b"',
      "Error from server (BadRequest): unable to parse requirement: found 'a in b', expected: in, notin, =, ==, !=, gt, lt\n",
    ],
  ])('%s', async (command, stderr) => {
    expect(await sh.run(command)).toEqual({ stdout: '', stderr, exitCode: 1 });
  });

  it('prints what it found and the NotFound for the rest', async () => {
    expect(await sh.run('kubectl get pods sleep-xyz x -o name')).toEqual({
      stdout: 'pod/sleep-xyz\n',
      stderr: 'Error from server (NotFound): pods "x" not found\n',
      exitCode: 1,
    });
  });

  it.each([
    ['kubectl get vs -n istio-system', 'No resources found in istio-system namespace.\n'],
    ['kubectl get pods -l app=nothing', 'No resources found in default namespace.\n'],
    ['kubectl get gw -A', 'No resources found\n'.replace('No', 'No')],
  ])('%s says so on stderr and succeeds', async (command, stderr) => {
    if (command.endsWith('-A')) sh.cluster.delete('Gateway', 'default', 'bookinfo-gateway');
    expect(await sh.run(command)).toEqual({ stdout: '', stderr, exitCode: 0 });
  });

  it.each([
    ['-o name', ''],
    ["-o jsonpath='{.items[*].metadata.name}'", ''],
    ['-o custom-columns=NAME:.metadata.name', 'NAME\n'],
  ])(
    '%s of nothing prints what the printer makes of an empty list, and no "No resources found"',
    async (format, stdout) => {
      expect(await sh.run(`kubectl get pods -l app=nothing ${format}`)).toEqual({ stdout, stderr: '', exitCode: 0 });
    },
  );

  it('-o json and -o yaml of nothing print an empty List', async () => {
    const r = await sh.run('kubectl get pods -l app=nothing -o json');
    expect(JSON.parse(r.stdout)).toEqual({
      apiVersion: 'v1',
      items: [],
      kind: 'List',
      metadata: { resourceVersion: '' },
    });
    expect((await sh.run('kubectl get pods -l app=nothing -o yaml')).stdout).toBe(
      'apiVersion: v1\nitems: []\nkind: List\nmetadata:\n  resourceVersion: ""\n',
    );
  });
});

describe('kubectl get -o', () => {
  it('yaml of one object is the object itself; of a list, a List', async () => {
    const one = await sh.run('kubectl get dr reviews -o yaml');
    expect(one.stdout).toMatch(/^apiVersion: networking.istio.io\/v1\nkind: DestinationRule\nmetadata:\n/);
    expect(one.stdout).toContain('spec:\n  host: reviews\n  subsets:\n  - labels:\n      version: v1\n    name: v1\n');
    const list = await sh.run('kubectl get dr -o yaml');
    expect(list.stdout).toMatch(/^apiVersion: v1\nitems:\n- apiVersion: networking.istio.io\/v1\n/);
    expect(list.stdout).toMatch(/kind: List\nmetadata:\n  resourceVersion: ""\n$/);
  });

  it('json is indented by four spaces, as kubectl prints it', async () => {
    const r = await sh.run('kubectl get svc productpage -o json');
    expect(r.stdout).toContain('{\n    "apiVersion": "v1",\n    "kind": "Service",\n');
    expect(JSON.parse(r.stdout).spec.clusterIP).toBe('10.96.10.20');
  });

  it.each([
    ['-o jsonpath={.spec.ports[0].nodePort}', 'svc -n istio-system istio-ingressgateway', '30080'],
    ["-o 'jsonpath={.spec.ports[?(@.port==443)].nodePort}'", 'svc -n istio-system istio-ingressgateway', '30443'],
    ["-o jsonpath='{.items[*].metadata.name}'", 'pods -l app=reviews', 'reviews-v1-abc reviews-v2-def'],
    [
      '-o jsonpath=\'{range .items[*]}{.metadata.name}{"\\t"}{.status.phase}{"\\n"}{end}\'',
      'pods -l app=reviews',
      'reviews-v1-abc\tRunning\nreviews-v2-def\tPending\n',
    ],
    ["-o jsonpath='{.metadata.labels.istio-injection}'", 'ns default', 'enabled'],
    ['-o custom-columns=NAME:.metadata.name,HOST:.spec.host', 'dr', 'NAME      HOST\nreviews   reviews\n'],
    [
      '-o custom-columns=NAME:.metadata.name,GW:.spec.gateways',
      'vs',
      'NAME       GW\nbookinfo   ["bookinfo-gateway"]\nreviews    <none>\n',
    ],
  ])('%s', async (format, what, expected) => {
    expect(await sh.run(`kubectl get ${what} ${format}`)).toEqual({ stdout: expected, stderr: '', exitCode: 0 });
  });

  it('jsonpath-as-json prints the matches as a JSON array', async () => {
    const r = await sh.run("kubectl get pods -l app=reviews -o jsonpath-as-json='{.items[*].metadata.name}'");
    expect(JSON.parse(r.stdout)).toEqual(['reviews-v1-abc', 'reviews-v2-def']);
  });

  it('jsonpath on a missing field prints nothing (get allows missing template keys by default)', async () => {
    expect(await sh.run("kubectl get dr reviews -o jsonpath='{.spec.nope}'")).toEqual({
      stdout: '',
      stderr: '',
      exitCode: 0,
    });
  });

  it('json of a CRD has its keys in order (unstructured); yaml sorts keys of every kind', async () => {
    const json = (await sh.run('kubectl get dr reviews -o json')).stdout;
    expect(json.indexOf('"subsets"')).toBeGreaterThan(json.indexOf('"host"'));
    expect(json).toContain(
      '"labels": {\n                    "version": "v1"\n                },\n                "name": "v1"',
    );
    const yaml = (await sh.run('kubectl get pod reviews-v1-abc -o yaml')).stdout;
    expect(yaml).toMatch(
      new RegExp(
        String.raw`^apiVersion: v1\nkind: Pod\nmetadata:\n  creationTimestamp: "2026-11-24T10:00:40Z"\n  labels:\n    a` +
          String.raw`pp: reviews\n    version: v1\n  name: reviews-v1-abc\n  namespace: default\n`,
      ),
    );
  });
});

describe('kubectl get pods: READY, STATUS and RESTARTS as the API server prints them', () => {
  const base = (status: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'default', creationTimestamp: ago(60_000), ...extra },
    spec: { initContainers: [{ name: 'istio-init' }], containers: [{ name: 'app' }, { name: 'istio-proxy' }] },
    status,
  });
  const running = { running: { startedAt: '2026-11-24T10:00:00Z' } };
  it.each([
    [
      'init running',
      {
        phase: 'Pending',
        initContainerStatuses: [{ name: 'istio-init', state: running }],
        containerStatuses: [
          { name: 'app', state: { waiting: { reason: 'PodInitializing' } } },
          { name: 'istio-proxy', state: { waiting: { reason: 'PodInitializing' } } },
        ],
      },
      '0/2',
      'Init:0/1',
      '0',
    ],
    [
      'init failed',
      {
        phase: 'Pending',
        initContainerStatuses: [{ name: 'istio-init', restartCount: 1, state: { terminated: { exitCode: 2 } } }],
      },
      '0/2',
      'Init:ExitCode:2',
      '1',
    ],
    [
      'init crash looping',
      {
        phase: 'Pending',
        initContainerStatuses: [
          { name: 'istio-init', restartCount: 3, state: { waiting: { reason: 'CrashLoopBackOff' } } },
        ],
      },
      '0/2',
      'Init:CrashLoopBackOff',
      '3',
    ],
    [
      'initialized, containers starting',
      {
        phase: 'Pending',
        conditions: [{ type: 'Initialized', status: 'True' }],
        initContainerStatuses: [{ name: 'istio-init', state: { terminated: { exitCode: 0, reason: 'Completed' } } }],
        containerStatuses: [
          { name: 'app', state: { waiting: { reason: 'PodInitializing' } } },
          { name: 'istio-proxy', state: { waiting: { reason: 'PodInitializing' } } },
        ],
      },
      '0/2',
      'PodInitializing',
      '0',
    ],
    [
      'sidecar not ready yet',
      {
        phase: 'Running',
        initContainerStatuses: [{ name: 'istio-init', state: { terminated: { exitCode: 0, reason: 'Completed' } } }],
        containerStatuses: [
          { name: 'app', ready: true, state: running },
          { name: 'istio-proxy', ready: false, state: running },
        ],
      },
      '1/2',
      'Running',
      '0',
    ],
    [
      'app crashed, the first container has the last word',
      {
        phase: 'Running',
        containerStatuses: [
          {
            name: 'app',
            restartCount: 4,
            lastState: { terminated: { exitCode: 1, finishedAt: 'AGO:125000' } },
            state: { waiting: { reason: 'CrashLoopBackOff' } },
          },
          { name: 'istio-proxy', ready: true, state: running },
        ],
      },
      '1/2',
      'CrashLoopBackOff',
      '4 (2m5s ago)',
    ],
    [
      'app exited without a reason',
      {
        phase: 'Running',
        containerStatuses: [
          { name: 'app', state: { terminated: { exitCode: 137 } } },
          { name: 'istio-proxy', ready: true, state: running },
        ],
      },
      '1/2',
      'ExitCode:137',
      '0',
    ],
  ])('%s', async (_, status, ready, phase, restarts) => {
    // Times relative to the test's clock, which exists only once the test runs.
    const resolved = JSON.parse(
      JSON.stringify(status).replace(/"AGO:(\d+)"/g, (_, ms: string) => JSON.stringify(ago(Number(ms)))),
    ) as Record<string, unknown>;
    sh.cluster.put(base(resolved) as K8sObject);
    const row = (await sh.run('kubectl get pod p --no-headers')).stdout.trim().split(/ {3,}/);
    expect(row).toEqual(['p', ready, phase, restarts, '60s']);
  });
});
