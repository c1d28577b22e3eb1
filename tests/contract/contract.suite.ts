/**
 * ONE contract suite for every backend: the same steps and the same expectations against `LabBackend`
 * and `LabEnvironment`, whether the cluster is simulated or real. Each backend's test file calls
 * `defineContractSuite` with a factory; time limits scale for real clusters (image pulls, config
 * propagation to the proxies), which is why observations are polled rather than read once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CommandRecord, LabBackend, LabEnvironment } from '../../lab-server/src/contract.ts';
import { contractLab } from './contractLab.ts';

/** How a backend's run of the suite is set up. */
export interface ContractSuiteOptions {
  /** Makes the backend under test. */
  makeBackend: () => Promise<LabBackend>;
  /** Longest wait for prepare/reset (a real cluster pulls images). */
  prepareTimeoutMs: number;
  /** Longest wait for an observation to settle (config reaching proxies, log lines appearing). */
  settleTimeoutMs: number;
}

const SLEEP = { namespace: 'default', selector: 'app=sleep' } as const;

/** Registers the suite under `describe(name)`. */
export function defineContractSuite(name: string, options: ContractSuiteOptions): void {
  describe(`backend contract: ${name}`, () => {
    let backend: LabBackend;
    let env: LabEnvironment;
    const poll = { timeout: options.settleTimeoutMs, interval: 250 };

    beforeAll(async () => {
      backend = await options.makeBackend();
      env = await backend.createEnvironment({ lab: contractLab, owner: 'contract-suite', seed: 7 });
      await env.prepare();
    }, options.prepareTimeoutMs);

    afterAll(async () => {
      await env?.dispose();
      await backend?.close();
    }, options.prepareTimeoutMs);

    it('prepares the chapter: its pods run, with sidecars', async () => {
      const pods = await env.list({ kind: 'Pod', namespace: 'default', labelSelector: 'app=httpbin' });
      expect(pods.length).toBeGreaterThanOrEqual(1);
      const pod = pods[0]!;
      expect(pod.kind).toBe('Pod');
      expect((pod.status as { phase: string }).phase).toBe('Running');
      // Istio 1.27+ on Kubernetes >= 1.33 injects a native sidecar: an init container with restartPolicy Always.
      const spec = pod.spec as { initContainers?: { name: string; restartPolicy?: string }[] };
      expect((spec.initContainers ?? []).find((c) => c.name === 'istio-proxy')?.restartPolicy).toBe('Always');
    });

    it('gets one object by Kind, and null for one that is not there', async () => {
      const svc = await env.get({ kind: 'Service', name: 'httpbin', namespace: 'default' });
      expect(svc?.metadata.name).toBe('httpbin');
      expect((svc?.spec as { ports?: { port: number }[] } | undefined)?.ports?.[0]?.port).toBe(8000);
      const vs = await env.get({ kind: 'VirtualService', name: 'httpbin', namespace: 'default' });
      expect(vs?.apiVersion).toBe('networking.istio.io/v1');
      expect(await env.get({ kind: 'VirtualService', name: 'no-such-thing', namespace: 'default' })).toBeNull();
    });

    it('lists by label selector', async () => {
      const all = await env.list({ kind: 'Pod', namespace: 'default' });
      const sleep = await env.list({ kind: 'Pod', namespace: 'default', labelSelector: 'app=sleep' });
      expect(sleep.length).toBeGreaterThanOrEqual(1);
      expect(all.length).toBeGreaterThan(sleep.length);
      for (const p of sleep) expect(p.metadata.labels?.app).toBe('sleep');
    });

    it('execs a command in a pod and reports its exit code', async () => {
      expect(await env.exec(SLEEP, ['echo', 'contract'])).toEqual({ stdout: 'contract\n', stderr: '', exitCode: 0 });
      const failing = await env.exec(SLEEP, ['cat', '/no/such/file']);
      expect(failing.exitCode).toBe(1);
      expect(failing.stderr).toContain('No such file or directory');
    });

    it("names a container the same way on every backend: the oldest running pod, kubectl's default container", async () => {
      expect((await env.runScript('kubectl scale deployment sleep --replicas=2\n')).exitCode).toBe(0);
      const running = async () =>
        (await env.list({ kind: 'Pod', namespace: 'default', labelSelector: 'app=sleep' })).filter(
          (p) => (p.status as { phase?: string } | undefined)?.phase === 'Running' && !p.metadata.deletionTimestamp,
        );
      await expect.poll(async () => (await running()).length, poll).toBe(2);
      const oldest = (await running()).sort((a, b) =>
        String(a.metadata.creationTimestamp).localeCompare(String(b.metadata.creationTimestamp)),
      )[0]!;
      // `hostname` runs in the application's container (the sidecar is never the default) of the oldest pod.
      expect(await env.exec(SLEEP, ['hostname'])).toEqual({
        stdout: `${oldest.metadata.name}\n`,
        stderr: '',
        exitCode: 0,
      });
      expect((await env.runScript('kubectl scale deployment sleep --replicas=1\n')).exitCode).toBe(0);
      await expect.poll(async () => (await running()).length, poll).toBe(1);
    });

    it('makes HTTP requests from a pod, through its sidecar', async () => {
      await expect
        .poll(
          async () =>
            (await env.http({ kind: 'pod', target: SLEEP }, { url: 'http://httpbin:8000/status/418' })).status,
          poll,
        )
        .toBe(418);
      const r = await env.http(
        { kind: 'pod', target: SLEEP },
        { url: 'http://httpbin:8000/headers', headers: { 'x-contract': 'yes' } },
      );
      expect(r.status).toBe(200);
      expect(r.headers['content-type']).toContain('application/json');
      expect(r.body.toLowerCase()).toContain('x-contract');
      expect(r.durationMs).toBeGreaterThanOrEqual(0);
    });

    it('reads container logs since a time: the sidecar logged the request', async () => {
      const since = env.now().toISOString();
      await env.http({ kind: 'pod', target: SLEEP }, { url: 'http://httpbin:8000/status/202' });
      await expect
        .poll(async () => env.logs({ ...SLEEP, container: 'istio-proxy' }, { sinceTime: since }), poll)
        .toMatch(/"GET \/status\/202 HTTP\/1\.1" 202/);
    });

    it('makes HTTP requests from outside through the ingress gateway', async () => {
      await expect
        .poll(async () => (await env.http({ kind: 'outside' }, { url: 'http://ingress/status/418' })).status, poll)
        .toBe(418);
      const r = await env.http({ kind: 'outside' }, { url: 'http://ingress/status/200' });
      expect(r.headers.server).toBe('istio-envoy');
    });

    it('makes HTTP requests from outside through a Gateway API gateway, and refuses them while it is not there', async () => {
      const through = { kind: 'outside', gateway: { name: 'contract-gateway', namespace: 'default' } } as const;
      const request = { url: 'http://ingress/status/418', headers: { Host: 'httpbin.example.com' } };
      expect((await env.http(through, request)).error?.curlExitCode).toBe(7);
      const made = await env.runScript(
        [
          'kubectl get crd gateways.gateway.networking.k8s.io &> /dev/null || ' +
            '{ kubectl kustomize "github.com/kubernetes-sigs/gateway-api/config/crd?ref=v1.5.1" | kubectl apply -f -; }',
          'kubectl apply -f - <<EOF',
          'apiVersion: gateway.networking.k8s.io/v1',
          'kind: Gateway',
          'metadata:',
          '  name: contract-gateway',
          '  annotations: {networking.istio.io/service-type: NodePort}',
          'spec:',
          '  gatewayClassName: istio',
          '  listeners: [{name: http, port: 80, protocol: HTTP, hostname: "*.example.com"}]',
          '---',
          'apiVersion: gateway.networking.k8s.io/v1',
          'kind: HTTPRoute',
          'metadata: {name: contract-route}',
          'spec:',
          '  parentRefs: [{name: contract-gateway}]',
          '  hostnames: [httpbin.example.com]',
          '  rules: [{backendRefs: [{name: httpbin, port: 8000}]}]',
          'EOF',
          'kubectl wait --for=condition=programmed gateway/contract-gateway --timeout=300s',
          '',
        ].join('\n'),
      );
      expect(made.exitCode, made.output).toBe(0);
      try {
        await expect.poll(async () => (await env.http(through, request)).status, poll).toBe(418);
        const other = await env.http(through, { ...request, headers: { Host: 'httpbin.example.org' } });
        expect(other.status).toBe(404);
      } finally {
        await env.runScript('kubectl delete httproute contract-route\nkubectl delete gateway contract-gateway\n');
      }
    });

    it("runs a script as if typed, with the last command's status", async () => {
      const ok = await env.runScript(
        'P=$(kubectl get service httpbin -o jsonpath={.spec.ports[0].port})\necho "port $P"\n',
      );
      expect(ok).toEqual({ output: 'port 8000\n', exitCode: 0 });
      expect((await env.runScript('echo one\nfalse\n')).exitCode).toBe(1);
    });

    it('opens a terminal: typed lines run, print, and become history', async () => {
      const terminal = env.openTerminal({ cols: 100, rows: 30 });
      let output = '';
      const records: CommandRecord[] = [];
      terminal.onOutput((d) => {
        output += d;
      });
      terminal.onCommand((r) => records.push(r));
      terminal.write('echo contract-$((40+2))\r');
      await expect.poll(() => records.map((r) => [r.line, r.exitCode]), poll).toEqual([['echo contract-$((40+2))', 0]]);
      expect(output).toContain('contract-42');
      expect(env.history().map((r) => r.line)).toContain('echo contract-$((40+2))');
      terminal.close();
    });

    it('stops a command that would run for ever on Ctrl-C, and the terminal goes on', async () => {
      const terminal = env.openTerminal({ cols: 100, rows: 30 });
      const records: CommandRecord[] = [];
      let output = '';
      terminal.onOutput((d) => {
        output += d;
      });
      terminal.onCommand((r) => records.push(r));
      terminal.write('while true; do sleep 1; done\r');
      await expect.poll(() => output, poll).toContain('while true; do sleep 1; done');
      terminal.write('\x03');
      await expect.poll(() => records.map((r) => r.exitCode), poll).toEqual([130]);
      terminal.write('echo still-here\r');
      await expect.poll(() => output, poll).toContain('still-here');
      terminal.close();
    });

    it('stops a script when its signal fires', async () => {
      const r = await env.runScript('while true; do sleep 1; done\necho not-reached\n', {
        signal: AbortSignal.timeout(200),
      });
      expect(r.output).not.toContain('not-reached');
      expect(r.exitCode).not.toBe(0);
    });

    it(
      'resets: what the learner made is gone, the starting state is back',
      async () => {
        const applied = await env.runScript(
          [
            'kubectl apply -f - <<EOF',
            'apiVersion: networking.istio.io/v1',
            'kind: DestinationRule',
            'metadata:',
            '  name: contract-extra',
            'spec:',
            '  host: httpbin',
            'EOF',
            '',
          ].join('\n'),
        );
        expect(applied.exitCode).toBe(0);
        expect(await env.get({ kind: 'DestinationRule', name: 'contract-extra', namespace: 'default' })).not.toBeNull();
        await env.reset();
        expect(await env.get({ kind: 'DestinationRule', name: 'contract-extra', namespace: 'default' })).toBeNull();
        expect(await env.get({ kind: 'Service', name: 'httpbin', namespace: 'default' })).not.toBeNull();
        await expect.poll(async () => (await env.exec(SLEEP, ['echo', 'back'])).stdout, poll).toBe('back\n');
      },
      options.prepareTimeoutMs,
    );
  });
}
