import { createServer } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { beforeEach, describe, expect, it } from 'vitest';
import type { K8sObject, LabBackend } from '../../contract.ts';
import { labSchema } from '../../labs/schema.ts';
import { kindBackendFromParts } from './index.ts';
import { FakeKubeApi } from './testing/fakeKubeApi.ts';
import type { KindEnvironment } from './environment.ts';

const lab = labSchema.parse({
  id: 'mirroring',
  order: 2,
  status: 'ready',
  title: { ko: '미러링', en: 'Mirroring' },
  summary: { ko: '요약', en: 'Summary' },
  setup: 'kubectl apply -f samples/sleep/sleep.yaml\n',
  steps: [{ id: 'one', title: { ko: '하나', en: 'One' } }],
});

const pod = (
  name: string,
  namespace: string,
  labels: Record<string, string>,
  containers: string[],
  phase = 'Running',
): K8sObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name,
    namespace,
    labels,
    creationTimestamp: '2026-11-24T10:00:00Z',
    // Istio's injector names the application as kubectl's default container.
    ...(containers.includes('istio-proxy')
      ? { annotations: { 'kubectl.kubernetes.io/default-container': containers.find((c) => c !== 'istio-proxy')! } }
      : {}),
  },
  spec: { containers: containers.map((c) => ({ name: c })) },
  status: { phase, containerStatuses: containers.map((c) => ({ name: c, ready: true })) },
});

let api: FakeKubeApi;
let backend: LabBackend;

async function makeEnv(classroom: boolean): Promise<KindEnvironment> {
  backend = await kindBackendFromParts({
    api,
    classroom,
    gateway: { serviceType: 'NodePort' },
    samples: { 'sleep/sleep.yaml': 'kind: List\n' },
  });
  return (await backend.createEnvironment({ lab, owner: 'session-ada' })) as KindEnvironment;
}

beforeEach(() => {
  api = new FakeKubeApi();
});

describe('kind environment, single learner', () => {
  it('applies the shared objects before any environment: toolbox namespace, samples, shell rc files', async () => {
    await makeEnv(false);
    expect(api.callsOf('apply').slice(0, 5)).toEqual([
      ['Namespace', undefined, 'labs-toolbox'],
      ['ClusterRole', undefined, 'labs-toolbox-node-reader'],
      ['ClusterRoleBinding', undefined, 'labs-toolbox-node-reader'],
      ['ConfigMap', 'labs-toolbox', 'labs-samples'],
      ['ConfigMap', 'labs-toolbox', 'labs-shell'],
    ]);
  });

  it(
    'prepare: makes the toolbox (cluster-admin for one learner), ' +
      'clears the lab namespace, runs the setup script in the toolbox',
    async () => {
      const env = await makeEnv(false);
      api.add({
        apiVersion: 'networking.istio.io/v1',
        kind: 'VirtualService',
        metadata: { name: 'leftover', namespace: 'default' },
      });
      api.add({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'kubernetes', namespace: 'default' } });
      api.add({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'istio-ca-root-cert', namespace: 'default' } });
      api.calls.length = 0;
      await env.prepare();
      const applied = api.callsOf('apply').map(([kind, ns]) => `${kind as string}@${ns ?? '-'}`);
      expect(applied).toEqual([
        'ServiceAccount@labs-toolbox',
        'ClusterRoleBinding@-',
        'Pod@labs-toolbox',
        // The chapter's own ingress gateway, after the clean slate.
        'ServiceAccount@default',
        'Deployment@default',
        'Service@default',
        'Role@default',
        'RoleBinding@default',
      ]);
      expect(api.callsOf('delete')).toEqual([['VirtualService', 'default', 'leftover', undefined]]);
      const [exec] = api.callsOf('exec');
      expect(exec!.slice(0, 3)).toEqual([
        'labs-toolbox',
        expect.stringMatching(/^toolbox-session-ada-mirroring-/),
        'shell',
      ]);
      expect(exec![3]).toEqual([
        'bash',
        '-c',
        expect.stringMatching(/^cd \/root && exec -a labs-script-[0-9a-f-]{36} bash -s 2>&1$/),
      ]);
      expect(exec![4]).toBe('kubectl apply -f samples/sleep/sleep.yaml\n');
    },
  );

  it("prepare fails with the setup's exit code and the end of its output", async () => {
    const env = await makeEnv(false);
    api.execHandler = () => ({ stdout: 'error: the path "samples/x.yaml" does not exist\n', stderr: '', exitCode: 1 });
    await expect(env.prepare()).rejects.toThrow(
      /could not be set up \(exit code 1\):\nerror: the path "samples\/x\.yaml" does not exist/,
    );
  });

  it("get and list resolve the Kind through discovery and keep the lab's namespace", async () => {
    const env = await makeEnv(false);
    api.add({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'httpbin', namespace: 'default' },
      spec: { hosts: ['httpbin'] },
    });
    api.calls.length = 0;
    expect((await env.get({ kind: 'VirtualService', name: 'httpbin', namespace: 'default' }))?.spec).toEqual({
      hosts: ['httpbin'],
    });
    expect(await env.get({ kind: 'VirtualService', name: 'nope' })).toBeNull();
    await env.list({ kind: 'Node' });
    expect(api.calls.filter((c) => c.method !== 'resolveKind').map((c) => c.args)).toEqual([
      ['VirtualService', 'default', 'httpbin'],
      ['VirtualService', 'default', 'nope'],
      ['Node', undefined, undefined],
    ]);
    await expect(env.get({ kind: 'Frobnicator', name: 'x' })).rejects.toThrow(
      'error: the server doesn\'t have a resource type "Frobnicator"',
    );
  });

  it('exec by selector picks a running pod and its first app container, not istio-proxy', async () => {
    const env = await makeEnv(false);
    api.add(pod('sleep-1', 'default', { app: 'sleep' }, ['istio-proxy', 'sleep'], 'Pending'));
    api.add(pod('sleep-2', 'default', { app: 'sleep' }, ['istio-proxy', 'sleep']));
    api.execHandler = ({ argv }) => ({ stdout: `${argv.slice(1).join(' ')}\n`, stderr: '', exitCode: 0 });
    expect(await env.exec({ namespace: 'default', selector: 'app=sleep' }, ['echo', 'hi'])).toEqual({
      stdout: 'hi\n',
      stderr: '',
      exitCode: 0,
    });
    expect(api.callsOf('exec').at(-1)!.slice(0, 4)).toEqual(['default', 'sleep-2', 'sleep', ['echo', 'hi']]);
  });

  it('exec at a pod that is not there answers as kubectl does, with exit code 1', async () => {
    const env = await makeEnv(false);
    expect(await env.exec({ namespace: 'default', pod: 'ghost' }, ['true'])).toEqual({
      stdout: '',
      stderr: 'Error from server (NotFound): pods "ghost" not found\n',
      exitCode: 1,
    });
    expect((await env.exec({ namespace: 'default', selector: 'app=none' }, ['true'])).exitCode).toBe(1);
  });

  it('logs pass sinceTime and tail to the API', async () => {
    const env = await makeEnv(false);
    api.add(pod('httpbin-v1-abc', 'default', { app: 'httpbin', version: 'v1' }, ['httpbin', 'istio-proxy']));
    api.logText = '127.0.0.6 - - "GET /headers HTTP/1.1" 200\n';
    expect(
      await env.logs(
        { namespace: 'default', selector: 'app=httpbin,version=v1' },
        { sinceTime: '2026-11-24T10:02:00Z', tail: 5 },
      ),
    ).toContain('GET /headers');
    expect(api.callsOf('logs').at(-1)).toEqual([
      'default',
      'httpbin-v1-abc',
      'httpbin',
      { sinceTime: '2026-11-24T10:02:00Z', tailLines: 5 },
    ]);
  });

  it("HTTP from a pod is curl exec'd in that pod, body on stdin", async () => {
    const env = await makeEnv(false);
    api.add(pod('sleep-1', 'default', { app: 'sleep' }, ['sleep', 'istio-proxy']));
    api.execHandler = () => ({
      stdout: 'HTTP/1.1 200 OK\r\nserver: envoy\r\n\r\nhello\n__LABS_CURL__200 0.020',
      stderr: '',
      exitCode: 0,
    });
    const r = await env.http(
      { kind: 'pod', target: { namespace: 'default', selector: 'app=sleep' } },
      { method: 'POST', url: 'http://httpbin:8000/post', body: 'x=1' },
    );
    expect(r).toEqual({ status: 200, headers: { server: 'envoy' }, body: 'hello', durationMs: 20 });
    const [ns, podName, container, argv, stdin] = api.callsOf('exec').at(-1)!;
    expect([ns, podName, container, stdin]).toEqual(['default', 'sleep-1', 'sleep', 'x=1']);
    expect((argv as string[])[0]).toBe('curl');
    expect((argv as string[]).at(-1)).toBe('http://httpbin:8000/post');
  });

  it("HTTP from outside goes to the environment's own gateway pod through a port-forward (8080 for http)", async () => {
    const env = await makeEnv(false);
    const server = createServer((req, res) => {
      res.writeHead(200, { server: 'istio-envoy' });
      res.end(`${req.headers.host} ${req.url}`);
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    api.portForwardHandler = () => connect({ host: '127.0.0.1', port });
    api.add(pod('istio-ingressgateway-1', 'default', { istio: 'ingressgateway' }, ['istio-proxy']));
    try {
      const r = await env.http({ kind: 'outside' }, { url: 'http://ingress/productpage' });
      expect(r).toMatchObject({ status: 200, body: '127.0.0.1:8080 /productpage' });
      expect(api.callsOf('portForward')).toEqual([['default', 'istio-ingressgateway-1', 8080]]);
      expect(api.callsOf('list').at(-1)).toEqual(['Pod', 'default', 'istio=ingressgateway']);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });

  it('HTTP from outside with no gateway running, or nothing listening on it, is curl exit 7', async () => {
    const env = await makeEnv(false);
    const none = await env.http({ kind: 'outside' }, { url: 'http://ingress/productpage' });
    expect(none.error?.curlExitCode).toBe(7);
    api.add(pod('istio-ingressgateway-1', 'default', { istio: 'ingressgateway' }, ['istio-proxy']));
    const refused = await env.http({ kind: 'outside' }, { url: 'http://ingress/productpage' });
    expect(refused.error?.curlExitCode).toBe(7);
    expect(api.callsOf('exec')).toEqual([]);
  });

  it("reset keeps the environment's own gateway (objects and pods) and applies it again", async () => {
    const env = await makeEnv(false);
    await env.prepare();
    const gatewayPod = pod('istio-ingressgateway-1', 'default', { istio: 'ingressgateway' }, ['istio-proxy']);
    gatewayPod.metadata.labels!['labs.istio-traffic-labs/part'] = 'ingress-gateway';
    api.add(gatewayPod);
    api.calls.length = 0;
    await env.reset();
    expect(api.callsOf('delete')).toEqual([]);
    expect(api.objects.has('Pod/default/istio-ingressgateway-1')).toBe(true);
    expect(api.callsOf('apply').filter(([kind]) => kind === 'Deployment')).toEqual([
      ['Deployment', 'default', 'istio-ingressgateway'],
    ]);
  });

  it(
    'a terminal is an interactive bash in the toolbox with a TTY; ' +
      'resize and keystrokes pass through; commands become history',
    async () => {
      const env = await makeEnv(false);
      const terminal = env.openTerminal({ cols: 100, rows: 30 });
      const output: string[] = [];
      const records: string[] = [];
      terminal.onOutput((d) => output.push(d));
      terminal.onCommand((r) => records.push(`${r.line} -> ${r.exitCode}`));
      terminal.write('kubectl get pods\r');
      await expect.poll(() => api.ttys.length).toBe(1);
      const tty = api.ttys[0]!;
      expect(api.callsOf('openTty')[0]!.slice(0, 5)).toEqual([
        'labs-toolbox',
        expect.stringMatching(/^toolbox-/),
        'shell',
        ['bash', '--rcfile', '/etc/labs/labsrc.sh', '-i'],
        { cols: 100, rows: 30 },
      ]);
      await expect.poll(() => tty.written).toEqual(['kubectl get pods\r']);
      terminal.resize(120, 40);
      await expect.poll(() => tty.sizes.at(-1)).toEqual({ cols: 120, rows: 40 });
      const line = Buffer.from('kubectl get pods').toString('base64');
      tty.handlers.onData(`No resources found in default namespace.\r\n\x1b]633;E;${line}\x07\x1b]133;D;0\x07~ # `);
      expect(output.join('')).toBe('No resources found in default namespace.\r\n~ # ');
      expect(records).toEqual(['kubectl get pods -> 0']);
      expect(env.history().map((r) => r.line)).toEqual(['kubectl get pods']);
      terminal.close();
      await expect.poll(() => tty.closed).toBe(true);
    },
  );

  it('a script whose signal fires is cut off, stopped in the toolbox by its name, and ends with exit code 130', async () => {
    const env = await makeEnv(false);
    api.execHandler = ({ argv, signal }) =>
      argv[0] === 'bash'
        ? new Promise((resolve) =>
            signal?.addEventListener('abort', () => resolve({ stdout: 'tick\n', stderr: '', exitCode: 130 })),
          )
        : { stdout: '', stderr: '', exitCode: 0 };
    const controller = new AbortController();
    const running = env.runScript('while true; do echo tick; sleep 1; done\n', { signal: controller.signal });
    await expect.poll(() => api.callsOf('exec').length).toBe(1);
    controller.abort();
    expect(await running).toEqual({ output: 'tick\n', exitCode: 130 });
    const [script, stop] = api.callsOf('exec');
    const marker = /exec -a (labs-script-[0-9a-f-]+) /.exec((script![3] as string[])[2]!)![1];
    expect((stop![3] as string[]).join(' ')).toContain(`pgrep -f '^${marker} '`);
  });

  it("runScript does not count as the learner's history", async () => {
    const env = await makeEnv(false);
    api.execHandler = () => ({ stdout: 'hi\n', stderr: '', exitCode: 0 });
    expect(await env.runScript('echo hi')).toEqual({ output: 'hi\n', exitCode: 0 });
    expect(env.history()).toEqual([]);
  });

  it('reset deletes what the learner made (pods without waiting) and runs the setup again', async () => {
    const env = await makeEnv(false);
    await env.prepare();
    api.add({
      apiVersion: 'networking.istio.io/v1',
      kind: 'DestinationRule',
      metadata: { name: 'httpbin', namespace: 'default' },
    });
    api.add(pod('httpbin-v2-x', 'default', { app: 'httpbin' }, ['httpbin']));
    // A Gateway API variant's route is the learner's too.
    api.add({
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata: { name: 'httpbin', namespace: 'default' },
    });
    api.calls.length = 0;
    await env.reset();
    expect(api.callsOf('delete')).toEqual([
      ['DestinationRule', 'default', 'httpbin', undefined],
      ['HTTPRoute', 'default', 'httpbin', undefined],
      ['Pod', 'default', 'httpbin-v2-x', 0],
    ]);
    expect(api.callsOf('exec')).toHaveLength(1);
  });
});

describe('kind environment, classroom', () => {
  it('puts the chapter in its own namespace with Roles, no ClusterRoleBinding', async () => {
    const env = await makeEnv(true);
    api.calls.length = 0;
    await env.prepare();
    const applied = api.callsOf('apply').map(([kind, ns]) => `${kind as string}@${ns ?? '-'}`);
    const ns = env.namespaceFor('default');
    expect(ns).toMatch(/^lab-session-ada-mirroring-[0-9a-f]{8}$/);
    expect(applied).toEqual([
      `Namespace@-`,
      `ResourceQuota@${ns}`,
      `LimitRange@${ns}`,
      'ServiceAccount@labs-toolbox',
      `Role@${ns}`,
      `RoleBinding@${ns}`,
      'Role@istio-system',
      'RoleBinding@istio-system',
      'Pod@labs-toolbox',
      `ServiceAccount@${ns}`,
      `Deployment@${ns}`,
      `Service@${ns}`,
      `Role@${ns}`,
      `RoleBinding@${ns}`,
    ]);
    expect(api.objects.get(`Namespace//${ns}`)?.metadata.labels?.['istio-injection']).toBe('enabled');
    const toolbox = [...api.objects.values()].find((o) => o.kind === 'Pod')!;
    expect(JSON.stringify(toolbox)).toContain(`"LABS_NAMESPACE","value":"${ns}"`);
    // Containers without requests get the LimitRange's, so the quota's requests.cpu/memory can count them.
    expect(api.objects.get(`LimitRange/${ns}/labs-defaults`)?.spec).toEqual({
      limits: [
        { type: 'Container', defaultRequest: { cpu: '10m', memory: '32Mi' }, default: { cpu: '1', memory: '512Mi' } },
      ],
    });
    // The learner's own gateway: a NodePort the API server numbers (no fixed ports to collide between learners).
    expect(api.objects.get(`Service/${ns}/istio-ingressgateway`)?.spec).toMatchObject({
      type: 'NodePort',
      ports: [
        { name: 'http2', port: 80, targetPort: 8080 },
        { name: 'https', port: 443, targetPort: 8443 },
      ],
    });
    expect(JSON.stringify(api.objects.get(`Service/${ns}/istio-ingressgateway`))).not.toContain('nodePort');
  });

  it("maps the lab file's namespace to the learner's, and leaves other namespaces alone", async () => {
    const env = await makeEnv(true);
    const ns = env.namespaceFor('default');
    api.calls.length = 0;
    await env.get({ kind: 'VirtualService', name: 'httpbin', namespace: 'default' });
    await env.list({ kind: 'Service', namespace: 'istio-system' });
    expect(api.calls.filter((c) => c.method !== 'resolveKind').map((c) => c.args)).toEqual([
      ['VirtualService', ns, 'httpbin'],
      ['Service', 'istio-system', undefined],
    ]);
  });

  it('dispose deletes the toolbox, its bindings and the learner namespace', async () => {
    const env = await makeEnv(true);
    await env.prepare();
    api.calls.length = 0;
    await backend.close();
    const deleted = api.callsOf('delete').map(([kind]) => kind);
    expect(deleted).toEqual([
      'Pod',
      'RoleBinding',
      'Role',
      'RoleBinding',
      'Role',
      'ServiceAccount',
      'LimitRange',
      'ResourceQuota',
      'Namespace',
    ]);
  });
});
