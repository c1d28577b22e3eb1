/** kubectl against the real simulated API server (admission, controllers, the kind + Istio bootstrap) on a virtual clock. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { simShell } from './testing/harness.ts';

const SAMPLES = new URL('../../../../../../../content/samples/', import.meta.url);
const sample = (path: string) => readFileSync(new URL(path, SAMPLES), 'utf8');
const files = {
  'sleep.yaml': sample('sleep/sleep.yaml'),
  'httpbin-v1.yaml': sample('seed/httpbin-v1.yaml'),
  'original/httpbin-v1.yaml': sample('seed/original/httpbin-v1.yaml'),
  'gateway.yaml': sample('bookinfo/networking/bookinfo-gateway.yaml'),
  'dr.yaml': sample('bookinfo/networking/destination-rule-all.yaml'),
};

describe('kubectl on the simulated cluster', () => {
  it('version, config, api-resources, api-versions', async () => {
    const sh = await simShell();
    expect(await sh.run('kubectl version')).toEqual({
      stdout: `Client Version: v1.34.1\nKustomize Version: v5.7.1\nServer Version: ${sh.cluster.serverVersion}\n`,
      stderr: '',
      exitCode: 0,
    });
    expect((await sh.run('kubectl version --client')).stdout).toBe(
      'Client Version: v1.34.1\nKustomize Version: v5.7.1\n',
    );
    expect(JSON.parse((await sh.run('kubectl version -o json')).stdout)).toMatchObject({
      clientVersion: { gitVersion: 'v1.34.1' },
      kustomizeVersion: 'v5.7.1',
      serverVersion: { gitVersion: sh.cluster.serverVersion },
    });
    expect((await sh.run('kubectl config current-context')).stdout).toBe('kind-kind\n');
    const resources = (await sh.run('kubectl api-resources')).stdout.split('\n');
    expect(resources[0]).toMatch(/^NAME +SHORTNAMES +APIVERSION +NAMESPACED +KIND$/);
    expect(resources.find((l) => l.startsWith('virtualservices '))).toMatch(
      /^virtualservices +vs +networking\.istio\.io\/v1 +true +VirtualService$/,
    );
    expect(resources.findIndex((l) => l.startsWith('pods '))).toBeLessThan(
      resources.findIndex((l) => l.startsWith('deployments ')),
    );
    const istio = (await sh.run('kubectl api-resources --api-group=networking.istio.io -o name')).stdout;
    expect(istio).toBe(
      [
        'destinationrules',
        'envoyfilters',
        'gateways',
        'proxyconfigs',
        'serviceentries',
        'sidecars',
        'virtualservices',
        'workloadentries',
        'workloadgroups',
      ]
        .map((r) => `${r}.networking.istio.io\n`)
        .join(''),
    );
    expect((await sh.run('kubectl api-versions')).stdout).toContain('apps/v1\n');
    expect((await sh.run('kubectl api-versions')).stdout).toContain('networking.istio.io/v1beta1\n');
  });

  it('help, unknown commands and flags', async () => {
    const sh = await simShell();
    expect((await sh.run('kubectl --help')).stdout).toContain('kubectl controls the Kubernetes cluster manager.');
    expect((await sh.run('kubectl')).stdout).toContain('Basic Commands');
    expect(await sh.run('kubectl frobnicate')).toEqual({
      stdout: '',
      stderr: 'error: unknown command "frobnicate" for "kubectl"\nRun \'kubectl --help\' for usage.\n',
      exitCode: 1,
    });
    expect(await sh.run('kubectl get pods --foo')).toEqual({
      stdout: '',
      stderr: "error: unknown flag: --foo\nSee 'kubectl get --help' for usage.\n",
      exitCode: 1,
    });
  });

  it('the seed: injection label, apply, pods starting with a sidecar, rollout status, exec with the Defaulted line', async () => {
    const sh = await simShell({ files });
    expect((await sh.run('kubectl label namespace default istio-injection=enabled')).stdout).toBe(
      'namespace/default labeled\n',
    );
    expect(await sh.run('kubectl apply -f original/httpbin-v1.yaml')).toMatchObject({
      stderr:
        'error: resource mapping not found for name: "httpbin-v1" namespace: "" from "original/httpbin-v1.yaml": ' +
        'no matches for kind "Deployment" in version "extensions/v1beta1"\nensure CRDs are installed first\n',
      exitCode: 1,
    });
    expect((await sh.run('kubectl apply -f sleep.yaml')).stdout).toBe(
      'serviceaccount/sleep created\nservice/sleep created\ndeployment.apps/sleep created\n',
    );
    expect((await sh.run('kubectl apply -f sleep.yaml')).stdout).toBe(
      'serviceaccount/sleep unchanged\nservice/sleep unchanged\ndeployment.apps/sleep unchanged\n',
    );
    const starting = await sh.run('kubectl get pods -l app=sleep');
    expect(starting.stdout).toMatch(
      new RegExp(
        String.raw`^NAME +READY +STATUS +RESTARTS +AGE\nsleep-[a-z0-9]+-[a-z0-9]{5} +0\/2 +(Init:0\/2|PodInitializing|C` +
          String.raw`ontainerCreating|Pending) +0 +0s\n$`,
      ),
    );
    const rollout = await sh.run('kubectl rollout status deploy/sleep');
    expect(rollout.stdout).toMatch(
      /^(Waiting for deployment "sleep" rollout to finish: .*\n)+deployment "sleep" successfully rolled out\n$/,
    );
    expect(rollout.stdout).toContain(
      'Waiting for deployment "sleep" rollout to finish: 0 of 1 updated replicas are available...\n',
    );
    const running = await sh.run('kubectl get pods -l app=sleep --no-headers');
    expect(running.stdout).toMatch(/^sleep-\S+ +2\/2 +Running +0 +\d+s\n$/);
    // Istio's injector sets kubectl.kubernetes.io/default-container, so kubectl picks the app container silently.
    const r = await sh.run('kubectl exec deploy/sleep -- ls');
    expect(r.stderr).toBe('');
    const pod = sh.cluster.list('Pod', 'default', 'app=sleep')[0]!;
    sh.cluster.update('Pod', 'default', pod.metadata.name, (p) => {
      delete p.metadata.annotations!['kubectl.kubernetes.io/default-container'];
    });
    expect((await sh.run('kubectl exec deploy/sleep -- ls')).stderr).toBe(
      'Defaulted container "sleep" out of: sleep, istio-init (init), istio-proxy (init)\n',
    );
    expect(sh.execCalls[0]).toMatchObject({ target: { namespace: 'default', container: 'sleep' }, argv: ['ls'] });
    expect(sh.execCalls[0]!.target.pod).toMatch(/^sleep-/);
  });

  it('wait --for=condition=Ready on pods and Available on deployments; --for=delete', async () => {
    const sh = await simShell({ files });
    await sh.run('kubectl apply -f httpbin-v1.yaml');
    const ready = await sh.run('kubectl wait --for=condition=Ready pod -l app=httpbin --timeout=300s');
    expect(ready).toMatchObject({ stderr: '', exitCode: 0 });
    expect(ready.stdout).toMatch(/^pod\/httpbin-v1-\S+ condition met\n$/);
    expect((await sh.run('kubectl wait --for=condition=Available deploy/httpbin-v1')).stdout).toBe(
      'deployment.apps/httpbin-v1 condition met\n',
    );
    const pod = (await sh.run("kubectl get pods -l app=httpbin -o jsonpath='{.items[0].metadata.name}'")).stdout;
    const waiting = sh.run(`kubectl wait --for=delete pod/${pod} --timeout=60s`);
    await sh.clock.sleep(5_000);
    expect((await sh.run(`kubectl delete pod ${pod}`)).stdout).toBe(`pod "${pod}" deleted from default namespace\n`);
    expect(await waiting).toEqual({ stdout: `pod/${pod} condition met\n`, stderr: '', exitCode: 0 });
    // Already gone: kubectl ignores the NotFound and prints nothing.
    expect(await sh.run(`kubectl wait --for=delete pod/${pod} --timeout=60s`)).toEqual({
      stdout: '',
      stderr: '',
      exitCode: 0,
    });
  });

  it('services and Istio objects as the cluster serves them', async () => {
    const sh = await simShell({ files });
    const port = await sh.run(
      'kubectl -n istio-system get svc istio-ingressgateway -o jsonpath=\'{.spec.ports[?(@.name=="http2")].nodePort}\'',
    );
    expect(port).toEqual({ stdout: '30080', stderr: '', exitCode: 0 });
    expect((await sh.run('kubectl get svc -n istio-system istio-ingressgateway')).stdout).toMatch(
      /LoadBalancer +10\.96\.\d+\.\d+ +<pending> +15021:30021\/TCP,80:30080\/TCP,443:30443\/TCP/,
    );
    expect((await sh.run('kubectl apply -f gateway.yaml')).stdout).toBe(
      'gateway.networking.istio.io/bookinfo-gateway created\nvirtualservice.networking.istio.io/bookinfo created\n',
    );
    expect((await sh.run('kubectl get vs')).stdout).toMatch(
      /^NAME +GATEWAYS +HOSTS +AGE\nbookinfo +\["bookinfo-gateway"\] +\["\*"\] +0s\n$/,
    );
    expect((await sh.run('kubectl get gw,vs -o name')).stdout).toBe(
      'gateway.networking.istio.io/bookinfo-gateway\nvirtualservice.networking.istio.io/bookinfo\n',
    );
    const yaml = (await sh.run('kubectl get vs bookinfo -o yaml')).stdout;
    expect(yaml).toMatch(
      new RegExp(
        String.raw`^apiVersion: networking.istio.io\/v1\nkind: VirtualService\nmetadata:\n  annotations:\n    kubectl.k` +
          String.raw`ubernetes.io\/last-applied-configuration: \|\n`,
      ),
    );
    expect(yaml).toMatch(/\n  creationTimestamp: "\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ"\n/);
    const described = (await sh.run('kubectl describe vs bookinfo')).stdout;
    expect(described).toMatch(
      new RegExp(
        String.raw`^Name: {9}bookinfo\nNamespace: {4}default\nLabels: {7}<none>\nAnnotations: {2}<none>\nAPI Version: {` +
          String.raw`2}networking.istio.io\/v1\nKind: {9}VirtualService\nMetadata:\n`,
      ),
    );
    expect(described).toContain(
      'Spec:\n  Gateways:\n    bookinfo-gateway\n  Hosts:\n    *\n  Http:\n    Match:\n      Uri:\n        Exact:  /productpage\n',
    );
    expect(await sh.run('kubectl delete -f gateway.yaml')).toEqual({
      stdout:
        'gateway.networking.istio.io "bookinfo-gateway" deleted from default ' +
        'namespace\nvirtualservice.networking.istio.io "bookinfo" deleted from default namespace\n',
      stderr: '',
      exitCode: 0,
    });
    expect(await sh.run('kubectl get vs')).toEqual({
      stdout: '',
      stderr: 'No resources found in default namespace.\n',
      exitCode: 0,
    });
  });

  it("the API server's refusals, worded by kubectl", async () => {
    const sh = await simShell({ files });
    await sh.run(`cat > bad-vs.yaml <<'EOF'
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts:
  - reviews
  http:
  - route:
    - destination:
        host: reviews
        subset: v1
      weight: -5
EOF`);
    const r = await sh.run('kubectl apply -f bad-vs.yaml');
    expect(r.exitCode).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(
      'Error from server: error when creating "bad-vs.yaml": admission webhook ' +
        '"validation.istio.io" denied the request: configuration is invalid: weight -5 < 0\n',
    );
    await sh.run("sed -i 's/weight: -5/weight: true/' bad-vs.yaml");
    expect((await sh.run('kubectl apply -f bad-vs.yaml')).stderr).toBe(
      'Error from server (Invalid): error when creating "bad-vs.yaml": VirtualService.networking.istio.io "reviews" is invalid: ' +
        'spec.http[0].route[0].weight: Invalid value: true: spec.http[0].route[0].weight in body must be of type integer: "boolean"\n',
    );
    // On an update kubectl shows the patch it sent and what it was for.
    await sh.run("sed -i 's/weight: true/weight: 100/' bad-vs.yaml");
    expect((await sh.run('kubectl apply -f bad-vs.yaml')).stdout).toBe(
      'virtualservice.networking.istio.io/reviews created\n',
    );
    await sh.run("sed -i 's/weight: 100/weight: -5/' bad-vs.yaml");
    const patched = await sh.run('kubectl apply -f bad-vs.yaml');
    const lastApplied = JSON.stringify({
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { annotations: {}, name: 'reviews', namespace: 'default' },
      spec: { hosts: ['reviews'], http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: -5 }] }] },
    });
    const patch = JSON.stringify({
      metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': `${lastApplied}\n` } },
      spec: { http: [{ route: [{ destination: { host: 'reviews', subset: 'v1' }, weight: -5 }] }] },
    });
    expect(patched).toEqual({
      stdout: '',
      stderr:
        `Error from server: error when applying patch:\n${patch}\nto:\nResource: "networking.istio.io/v1, ` +
        `Resource=virtualservices", GroupVersionKind: "networking.istio.io/v1, Kind=VirtualService"\nName: ` +
        `"reviews", Namespace: "default"\nfor: "bad-vs.yaml": error when patching "bad-vs.yaml": admission ` +
        `webhook "validation.istio.io" denied the request: configuration is invalid: weight -5 < 0\n`,
      exitCode: 1,
    });
    // An object `create` made has no last-applied annotation: apply warns and patches it in.
    await sh.run('kubectl delete vs reviews');
    await sh.run("sed -i 's/weight: -5/weight: 100/' bad-vs.yaml");
    expect((await sh.run('kubectl create -f bad-vs.yaml')).stdout).toBe(
      'virtualservice.networking.istio.io/reviews created\n',
    );
    expect(await sh.run('kubectl apply -f bad-vs.yaml')).toEqual({
      stdout: 'virtualservice.networking.istio.io/reviews configured\n',
      stderr:
        'Warning: resource virtualservices/reviews is missing the kubectl.kubernetes.io/last-applied-configuration ' +
        'annotation which is required by kubectl apply. kubectl apply ' +
        'should only be used on resources created declaratively by either kubectl create ' +
        '--save-config or kubectl apply. The missing annotation will be patched automatically.\n',
      exitCode: 0,
    });
    expect((await sh.run('kubectl apply -f bad-vs.yaml')).stdout).toBe(
      'virtualservice.networking.istio.io/reviews unchanged\n',
    );
    expect(await sh.run('kubectl create namespace default')).toEqual({
      stdout: '',
      stderr: 'Error from server (AlreadyExists): namespaces "default" already exists\n',
      exitCode: 1,
    });
  });
});
