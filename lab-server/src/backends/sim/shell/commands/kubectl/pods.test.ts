import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fakeShell, type KubectlShell } from './testing/harness.ts';
import { podFixture, type FakeSimCluster } from '../../../cluster/testing/fakeSimCluster.ts';

const SIDECAR = { containers: ['sleep', 'istio-proxy'], initContainers: ['istio-init'] };
const DEFAULTED = 'Defaulted container "sleep" out of: sleep, istio-proxy, istio-init (init)\n';

let sh: KubectlShell<FakeSimCluster>;
function setup(options: Parameters<typeof fakeShell>[0] = {}) {
  sh = fakeShell(options);
  sh.cluster.put(
    podFixture('sleep-1', { labels: { app: 'sleep' }, ...SIDECAR }),
    podFixture('solo', { labels: { app: 'solo' }, containers: ['main'] }),
    podFixture('pending', { labels: { app: 'pending' }, ...SIDECAR, phase: 'Pending', initDone: 0 }),
    podFixture('httpbin-1', { namespace: 'labs', labels: { app: 'httpbin' }, containers: ['httpbin', 'istio-proxy'] }),
    {
      ...podFixture('annotated', { containers: ['istio-proxy', 'app'] }),
      metadata: {
        name: 'annotated',
        namespace: 'default',
        annotations: { 'kubectl.kubernetes.io/default-container': 'app' },
      },
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'sleep', namespace: 'default' },
      spec: { selector: { matchLabels: { app: 'sleep' } } },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'httpbin', namespace: 'labs' },
      spec: { selector: { app: 'httpbin' }, ports: [{ port: 8000 }] },
    },
  );
}

describe('kubectl exec', () => {
  beforeEach(() => setup());

  it.each([
    [
      'kubectl exec sleep-1 -- curl -s http://httpbin:8000/get',
      'sleep-1',
      'sleep',
      ['curl', '-s', 'http://httpbin:8000/get'],
      DEFAULTED,
    ],
    ['kubectl exec deploy/sleep -- ls', 'sleep-1', 'sleep', ['ls'], DEFAULTED],
    [
      'kubectl exec deployment/sleep -c istio-proxy -- pilot-agent request GET stats',
      'sleep-1',
      'istio-proxy',
      ['pilot-agent', 'request', 'GET', 'stats'],
      '',
    ],
    [
      'kubectl exec -it solo -- sh -c "echo hi"',
      'solo',
      'main',
      ['sh', '-c', 'echo hi'],
      'Unable to use a TTY - input is not a terminal or the right kind of file\n',
    ],
    ['kubectl exec -i solo -- sh -c "echo hi"', 'solo', 'main', ['sh', '-c', 'echo hi'], ''],
    [
      'kubectl -n labs exec svc/httpbin -- ls /',
      'httpbin-1',
      'httpbin',
      ['ls', '/'],
      'Defaulted container "httpbin" out of: httpbin, istio-proxy\n',
    ],
    ['kubectl exec annotated -- env', 'annotated', 'app', ['env'], ''],
  ])('%s', async (command, pod, container, argv, stderr) => {
    const r = await sh.run(command);
    expect(r).toEqual({ stdout: `ran ${argv.join(' ')} in ${pod}/${container}\n`, stderr, exitCode: 0 });
    expect(sh.execCalls.map(({ target, argv }) => ({ target, argv }))).toEqual([
      { target: { namespace: command.includes('labs') ? 'labs' : 'default', pod, container }, argv },
    ]);
  });

  it('-t on an interactive terminal takes no warning', async () => {
    setup({ interactive: true });
    expect((await sh.run('kubectl exec -it solo -- sh')).stderr).toBe('');
    expect((await sh.run('echo ls | kubectl exec -it solo -- sh')).stderr).toBe(
      'Unable to use a TTY - input is not a terminal or the right kind of file\n',
    );
  });

  it('-i passes stdin to the command', async () => {
    await sh.run('echo hello | kubectl exec -i solo -- cat');
    expect(sh.execCalls[0]?.stdin).toBe('hello\n');
  });

  it("a failing command's exit code comes back, with kubectl's line", async () => {
    setup({ exec: async () => ({ stdout: '', stderr: 'curl: (6) Could not resolve host: nope\n', exitCode: 6 }) });
    expect(await sh.run('kubectl exec solo -- curl nope')).toEqual({
      stdout: '',
      stderr: 'curl: (6) Could not resolve host: nope\ncommand terminated with exit code 6\n',
      exitCode: 6,
    });
  });

  it.each([
    ['kubectl exec nope -- ls', 'Error from server (NotFound): pods "nope" not found\n'],
    ['kubectl exec deploy/nope -- ls', 'Error from server (NotFound): deployments.apps "nope" not found\n'],
    [
      'kubectl exec solo ls',
      'error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] ' +
        "-- [COMMAND] instead\nSee 'kubectl exec -h' for help and examples\n",
    ],
    ['kubectl exec solo', 'error: you must specify at least one command for the container\n'],
    ['kubectl exec -- ls', 'error: pod, type/name or --filename must be specified\n'],
    ['kubectl exec solo -c nope -- ls', 'error: container nope not found in pod solo\n'],
    ['kubectl exec pending -- ls', `${DEFAULTED}error: unable to upgrade connection: container not found ("sleep")\n`],
  ])('%s', async (command, stderr) => {
    expect(await sh.run(command)).toEqual({ stdout: '', stderr, exitCode: 1 });
    expect(sh.execCalls).toEqual([]);
  });
});

describe('kubectl logs', () => {
  beforeEach(() => {
    setup();
    for (let i = 1; i <= 12; i++) sh.cluster.logs.append('default', 'sleep-1', 'sleep', `line ${i}`);
    sh.cluster.logs.append('default', 'sleep-1', 'istio-proxy', 'proxy ready');
    sh.cluster.logs.append('default', 'sleep-1', 'istio-init', 'iptables set');
    sh.cluster.logs.append('default', 'solo', 'main', 'solo says hi');
  });
  const lines = (from: number, to: number) =>
    Array.from({ length: to - from + 1 }, (_, i) => `line ${from + i}\n`).join('');

  it.each([
    ['kubectl logs sleep-1', lines(1, 12), DEFAULTED],
    ['kubectl logs sleep-1 --tail=2', lines(11, 12), DEFAULTED],
    ['kubectl logs deploy/sleep --tail 3', lines(10, 12), DEFAULTED],
    ['kubectl logs sleep-1 -c istio-proxy', 'proxy ready\n', ''],
    ['kubectl logs sleep-1 istio-proxy', 'proxy ready\n', ''],
    ['kubectl logs sleep-1 --all-containers', `iptables set\n${lines(1, 12)}proxy ready\n`, ''],
    ['kubectl logs -l app=sleep', lines(3, 12), DEFAULTED],
    ['kubectl logs -l app=solo --prefix', '[pod/solo/main] solo says hi\n', ''],
    ['kubectl logs -l app=none', '', 'No resources found in default namespace.\n'],
  ])('%s', async (command, stdout, stderr) => {
    expect(await sh.run(command)).toEqual({ stdout, stderr, exitCode: 0 });
  });

  it('--since keeps the recent lines; --timestamps prints RFC 3339 with nanoseconds', async () => {
    await sh.clock.sleep(60_000);
    sh.cluster.logs.append('default', 'solo', 'main', 'later');
    expect((await sh.run('kubectl logs solo --since=30s')).stdout).toBe('later\n');
    expect((await sh.run('kubectl logs solo --since=2m')).stdout).toBe('solo says hi\nlater\n');
    expect((await sh.run('kubectl logs solo --timestamps --tail=1')).stdout).toBe(
      `${new Date(sh.clock.now()).toISOString().replace('.000Z', '.000000000Z')} later\n`,
    );
  });

  it.each([
    ['kubectl logs nope', 'error: error from server (NotFound): pods "nope" not found in namespace "default"\n'],
    [
      'kubectl logs deploy/nope',
      'error: error from server (NotFound): deployments.apps "nope" not found in namespace "default"\n',
    ],
    [
      'kubectl logs',
      "error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is " +
        "a required argument for the logs command\nSee 'kubectl logs -h' for help and examples\n",
    ],
    ['kubectl logs solo -c nope', 'error: container nope is not valid for pod solo\n'],
    [
      'kubectl logs solo --since=5x',
      'error: invalid argument "5x" for "--since" flag: time: invalid duration "5x"\nSee \'kubectl logs --help\' for usage.\n',
    ],
    [
      'kubectl logs pending',
      `${DEFAULTED}Error from server (BadRequest): container "sleep" in pod "pending" is waiting to start: PodInitializing\n`,
    ],
  ])('%s', async (command, stderr) => {
    expect(await sh.run(command)).toEqual({ stdout: '', stderr, exitCode: 1 });
  });

  it('several pods behind a deployment: kubectl says which one it reads', async () => {
    sh.cluster.put(podFixture('sleep-2', { labels: { app: 'sleep' }, containers: ['sleep'] }));
    expect((await sh.run('kubectl logs deploy/sleep --tail=1')).stderr).toBe(
      `Found 2 pods, using pod/sleep-1\n${DEFAULTED}`,
    );
  });
});

describe('kubectl logs -f', () => {
  it('streams new lines to the terminal until Ctrl-C', async () => {
    setup({ interactive: true });
    sh.cluster.logs.append('default', 'solo', 'main', 'before');
    const abort = new AbortController();
    const following = vi.spyOn(sh.cluster.logs, 'follow');
    const running = sh.run('kubectl logs -f solo', { signal: abort.signal });
    await vi.waitFor(() => expect(following).toHaveBeenCalled());
    sh.cluster.logs.append('default', 'solo', 'main', 'after 1');
    sh.cluster.logs.append('default', 'solo', 'main', 'after 2');
    expect(sh.streamed.join('')).toBe('before\nafter 1\nafter 2\n');
    abort.abort();
    const r = await running;
    expect(r.exitCode).not.toBe(1);
    sh.cluster.logs.append('default', 'solo', 'main', 'too late');
    expect(sh.streamed.join('')).not.toContain('too late');
  });

  it('without a terminal, collects lines until Ctrl-C; ends by itself when the pod is deleted', async () => {
    setup();
    const abort = new AbortController();
    const following = vi.spyOn(sh.cluster.logs, 'follow');
    const running = sh.run('kubectl logs -f solo', { signal: abort.signal });
    await vi.waitFor(() => expect(following).toHaveBeenCalled());
    sh.cluster.logs.append('default', 'solo', 'main', 'one');
    sh.cluster.delete('Pod', 'default', 'solo');
    const r = await running;
    expect(r).toEqual({ stdout: 'one\n', stderr: '', exitCode: 0 });
  });
});

describe('exec and logs into a deployment whose pod does not exist yet', () => {
  it('wait for a pod (up to --pod-running-timeout, 1m for exec and 20s for logs)', async () => {
    setup();
    sh.cluster.put({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'late', namespace: 'default' },
      spec: { selector: { matchLabels: { app: 'late' } } },
    });
    const start = sh.clock.now();
    const running = sh.run('kubectl exec deploy/late -- ls');
    await sh.clock.sleep(3_000);
    sh.cluster.put(podFixture('late-1', { labels: { app: 'late' }, containers: ['late'] }));
    expect(await running).toEqual({ stdout: 'ran ls in late-1/late\n', stderr: '', exitCode: 0 });
    expect(sh.clock.now() - start).toBeLessThan(5_000);
    sh.cluster.delete('Pod', 'default', 'late-1');
    const t0 = sh.clock.now();
    expect(await sh.run('kubectl logs deploy/late')).toEqual({
      stdout: '',
      stderr: 'error: timed out waiting for the condition\n',
      exitCode: 1,
    });
    expect(sh.clock.now() - t0).toBe(20_000);
    const t1 = sh.clock.now();
    expect((await sh.run('kubectl exec deploy/late --pod-running-timeout=5s -- ls')).stderr).toBe(
      'error: timed out waiting for the condition\n',
    );
    expect(sh.clock.now() - t1).toBe(5_000);
  });
});
