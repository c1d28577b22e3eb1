/** kubectl on the simulated cluster: output and error texts as kubectl 1.34 prints them. */
import { Bash, InMemoryFs } from 'just-bash';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { SimulationClock } from '../../../clock.ts';
import { createSimCluster } from '../../../cluster/index.ts';
import { createSimNetwork } from '../../../mesh/index.ts';
import { SimPodExec } from '../../../pods/podExec.ts';
import { createRandom } from '../../../random.ts';
import type { SimCluster, SimCommandHost } from '../../../types.ts';
import { createKubectlCommand } from './index.ts';

const SAMPLES = new URL('../../../../../../../content/samples/', import.meta.url);
const sample = (path: string) => readFileSync(new URL(path, SAMPLES), 'utf8');

async function world() {
  const clock = new SimulationClock('virtual', Date.UTC(2026, 10, 24, 10, 0, 0));
  const random = createRandom(9);
  const cluster = createSimCluster({ clock, random });
  const network = createSimNetwork({ cluster, clock, random });
  const host: SimCommandHost & { cluster: SimCluster } = {
    cluster,
    network,
    clock,
    random,
    samples: new Map([['bookinfo/platform/kube/bookinfo.yaml', sample('bookinfo/platform/kube/bookinfo.yaml')]]),
    pods: undefined as never,
  };
  host.pods = new SimPodExec(() => host);
  const fs = new InMemoryFs({
    '/root/seed-deploy.yaml': sample('seed/original/httpbin-v1.yaml'),
    '/root/dr.yaml': sample('bookinfo/networking/destination-rule-all.yaml'),
    '/root/bad.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n data: 1\n',
    '/root/manifests/a.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n',
    '/root/manifests/b.json': '{"apiVersion":"v1","kind":"ConfigMap","metadata":{"name":"b"}}',
  });
  const bash = new Bash({
    fs,
    cwd: '/root',
    customCommands: [createKubectlCommand(host)],
    sleep: (ms) => clock.sleep(ms),
  });
  const run = (line: string) => bash.exec(line, { rawScript: true });
  await cluster.idle();
  return { cluster, run };
}

async function bookinfo() {
  const w = await world();
  await w.run('kubectl label namespace default istio-injection=enabled');
  await w.run(`kubectl apply -f - <<'EOF'\n${sample('bookinfo/platform/kube/bookinfo.yaml')}EOF`);
  await w.cluster.idle();
  return w;
}

describe('kubectl apply / create / delete', () => {
  it('prints one line per object with its type prefix and outcome', async () => {
    const { run } = await world();
    expect((await run('kubectl apply -f dr.yaml')).stdout).toBe(
      'destinationrule.networking.istio.io/productpage created\ndestinationrule.networking.istio.io/reviews ' +
        'created\ndestinationrule.networking.istio.io/ratings created\ndestinationrule.networking.istio.io/details created\n',
    );
    expect((await run('kubectl apply -f dr.yaml')).stdout).toContain(
      'destinationrule.networking.istio.io/reviews unchanged',
    );
    expect((await run('kubectl apply -f manifests/')).stdout).toBe('configmap/a created\nconfigmap/b created\n');
    const again = await run('kubectl create -f manifests/a.yaml');
    expect(again.stderr).toBe(
      'Error from server (AlreadyExists): error when creating "manifests/a.yaml": configmaps "a" already exists\n',
    );
    expect(again.exitCode).toBe(1);
    expect((await run('kubectl delete -f dr.yaml')).stdout).toContain(
      'destinationrule.networking.istio.io "reviews" deleted',
    );
    expect((await run('kubectl delete configmap nope')).stderr).toBe(
      'Error from server (NotFound): configmaps "nope" not found\n',
    );
  });

  it("gives the seed's extensions/v1beta1 Deployment kubectl's mapping error", async () => {
    const { run } = await world();
    const r = await run('kubectl apply -f seed-deploy.yaml');
    expect(r.stderr).toMatch(
      new RegExp(
        String.raw`^error: resource mapping not found for name: "httpbin-v1" namespace: "" from "seed-deploy.yaml": no ` +
          String.raw`matches for kind "Deployment" in version "extensions\/v1beta1"\nensure CRDs are installed first\n`,
      ),
    );
    expect(r.exitCode).toBe(1);
  });

  it('words YAML errors, missing files, and webhook denials as kubectl does', async () => {
    const { run } = await world();
    expect((await run('kubectl apply -f bad.yaml')).stderr).toMatch(
      /^error: error parsing bad\.yaml: error converting YAML to JSON: yaml: line \d+: /,
    );
    expect((await run('kubectl apply -f nope.yaml')).stderr).toBe('error: the path "nope.yaml" does not exist\n');
    const denied = await run(
      `kubectl apply -f - <<'EOF'\napiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: ` +
        `reviews\nspec:\n  hosts: [reviews]\n  http:\n  - route:\n    - destination: {host: reviews}\n      weight: -10\nEOF`,
    );
    expect(denied.stderr).toBe(
      'Error from server: error when creating "STDIN": admission webhook ' +
        '"validation.istio.io" denied the request: configuration is invalid: weight -10 < 0\n',
    );
  });

  it('labels, refusing to overwrite without --overwrite', async () => {
    const { run } = await world();
    expect((await run('kubectl label namespace default istio-injection=enabled')).stdout).toBe(
      'namespace/default labeled\n',
    );
    const refused = await run('kubectl label namespace default istio-injection=disabled');
    expect(refused.stderr).toBe("error: 'istio-injection' already has a value (enabled), and --overwrite is false\n");
    expect((await run('kubectl label namespace default istio-injection=disabled --overwrite')).stdout).toBe(
      'namespace/default labeled\n',
    );
    expect((await run('kubectl label ns default istio-injection-')).stdout).toBe('namespace/default unlabeled\n');
  });
});

describe('kubectl get', () => {
  it('prints tables with READY counting the sidecar, and -o wide / name / jsonpath', async () => {
    const { run } = await bookinfo();
    const pods = (await run('kubectl get pods')).stdout.split('\n');
    expect(pods[0]).toMatch(/^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE$/);
    expect(pods.find((l) => l.startsWith('reviews-v3-'))).toMatch(/^reviews-v3-\S+\s+2\/2\s+Running\s+0\s+\d+s$/);
    expect((await run('kubectl get deploy reviews-v1')).stdout).toMatch(
      /^NAME\s+READY\s+UP-TO-DATE\s+AVAILABLE\s+AGE\nreviews-v1\s+1\/1\s+1\s+1\s+\d+s\n$/,
    );
    expect((await run('kubectl get svc -o name')).stdout).toContain('service/productpage\n');
    expect(
      (
        await run(
          `kubectl get pods -l app=reviews -o jsonpath='{range .items[*]}{.metadata.labels.version}{"\\n"}{end}'`,
        )
      ).stdout,
    ).toBe('v1\nv2\nv3\n');
    expect((await run('kubectl get pods -o wide')).stdout.split('\n')[0]).toMatch(
      /IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/,
    );
  });

  it('shows the ingress gateway as kind does: LoadBalancer pending, NodePorts', async () => {
    const { run } = await world();
    const r = await run('kubectl -n istio-system get svc istio-ingressgateway');
    expect(r.stdout).toMatch(
      /istio-ingressgateway\s+LoadBalancer\s+10\.96\.\d+\.\d+\s+<pending>\s+15021:30021\/TCP,80:30080\/TCP,443:30443\/TCP/,
    );
  });

  it('says when nothing is there and refuses unknown types', async () => {
    const { run } = await world();
    expect(await run('kubectl get vs')).toMatchObject({
      stdout: '',
      stderr: 'No resources found in default namespace.\n',
      exitCode: 0,
    });
    expect((await run('kubectl get foo')).stderr).toBe('error: the server doesn\'t have a resource type "foo"\n');
    expect((await run('kubectl get pods nope')).stderr).toBe('Error from server (NotFound): pods "nope" not found\n');
    expect((await run('kubectl get pods -o toml')).stderr).toContain(
      'error: unable to match a printer suitable for the output format "toml"',
    );
    expect((await run('kubectl frobnicate')).stderr).toBe(
      'error: unknown command "frobnicate" for "kubectl"\nRun \'kubectl --help\' for usage.\n',
    );
    expect((await run('kubectl get pods --bogus')).stderr).toBe(
      "error: unknown flag: --bogus\nSee 'kubectl get --help' for usage.\n",
    );
  });

  it('reads a VirtualService back as networking.istio.io/v1 whatever version it was applied as', async () => {
    const { run } = await world();
    await run(
      `kubectl apply -f - <<'EOF'\napiVersion: networking.istio.io/v1alpha3\nkind: ` +
        `VirtualService\nmetadata:\n  name: reviews\nspec:\n  hosts: [reviews]\n  ` +
        `http:\n  - route:\n    - destination: {host: reviews, subset: v1}\n      ` +
        `weight: 50\n    - destination: {host: reviews, subset: v3}\n      weight: 50\nEOF`,
    );
    const yaml = (await run('kubectl get virtualservice reviews -o yaml')).stdout;
    expect(yaml).toMatch(/^apiVersion: networking\.istio\.io\/v1$/m);
    expect(yaml).toMatch(/subset: v1\n\s+weight: 50/);
    expect((await run('kubectl get vs')).stdout).toMatch(
      /^NAME\s+GATEWAYS\s+HOSTS\s+AGE\nreviews\s+\["reviews"\]\s+\d+s\n$/,
    );
  });
});

describe('kubectl exec, logs, wait, version', () => {
  it("execs into the app container (the injector's default-container annotation picks it, silently)", async () => {
    const { run } = await bookinfo();
    const r = await run('kubectl exec deploy/ratings-v1 -- cat /etc/hostname');
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^ratings-v1-/);
    expect((await run('kubectl exec deploy/ratings-v1 ls')).stderr).toContain(
      'error: exec [POD] [COMMAND] is not supported anymore',
    );
  });

  it('reads logs by deployment and container, with --tail', async () => {
    const { run } = await bookinfo();
    const r = await run('kubectl logs deploy/productpage-v1 -c istio-proxy --tail=1');
    expect(r.stdout).toMatch(/Envoy proxy is ready\n$/);
  });

  it("waits on the clock and times out with kubectl's message", async () => {
    const { run, cluster } = await world();
    cluster.apply({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'never', namespace: 'default' },
      spec: { containers: [{ name: 'a', image: 'x' }] },
    });
    const ok = await run('kubectl wait --for=condition=Ready pod/never --timeout=30s');
    expect(ok.stdout).toBe('pod/never condition met\n');
    const gone = await run('kubectl wait --for=delete pod/never --timeout=2s');
    expect(gone.stderr).toBe('error: timed out waiting for the condition on pods/never\n');
  });

  it('prints versions and api-resources from discovery', async () => {
    const { run } = await world();
    expect((await run('kubectl version')).stdout).toBe(
      'Client Version: v1.34.1\nKustomize Version: v5.7.1\nServer Version: v1.34.0\n',
    );
    const resources = (await run('kubectl api-resources --api-group=networking.istio.io')).stdout;
    expect(resources).toMatch(/^virtualservices\s+vs\s+networking\.istio\.io\/v1\s+true\s+VirtualService$/m);
  });
});
