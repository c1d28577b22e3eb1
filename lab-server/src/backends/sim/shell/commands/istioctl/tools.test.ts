/**
 * istioctl 1.30's proxy-status, experimental describe, uninstall, manifest generate and dashboard on the whole
 * simulator, and the commands 1.30 no longer has: whole results, flags and refusals.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { podName, simWorld, type SimWorld } from '../../testing/simWorld.ts';

let w: SimWorld;
const ok = (stdout: string) => ({ stdout, stderr: '', exitCode: 0 });
const fail = (stderr: string, stdout = '') => ({ stdout, stderr, exitCode: 1 });

beforeAll(async () => {
  w = await simWorld(6);
  await w.run('kubectl label namespace default istio-injection=enabled');
  await w.run('kubectl apply -f samples/bookinfo/platform/kube/bookinfo.yaml');
  await w.run('kubectl apply -f samples/bookinfo/networking/bookinfo-gateway.yaml');
  await w.run('kubectl apply -f samples/bookinfo/networking/destination-rule-all.yaml');
  await w.run('kubectl apply -f samples/bookinfo/networking/virtual-service-all-v1.yaml');
  await w.settle();
});

describe('istioctl proxy-status', () => {
  it('lists every connected proxy with the xDS types it subscribed to', async () => {
    const r = await w.run('istioctl ps');
    const istiod = podName(w, 'app=istiod', 'istio-system');
    const rows = r.stdout.trimEnd().split('\n');
    expect(rows[0]).toMatch(/^NAME {2,}CLUSTER {8}ISTIOD {5,}VERSION {5}SUBSCRIBED TYPES$/);
    expect(rows.slice(1).map((l) => l.split(/ {2,}/))).toEqual(
      [
        [podName(w, 'app=details'), 'default'],
        [podName(w, 'app=istio-egressgateway', 'istio-system'), 'istio-system'],
        [podName(w, 'app=istio-ingressgateway', 'istio-system'), 'istio-system'],
        [podName(w, 'app=productpage'), 'default'],
        [podName(w, 'app=ratings'), 'default'],
        [podName(w, 'app=reviews,version=v1'), 'default'],
        [podName(w, 'app=reviews,version=v2'), 'default'],
        [podName(w, 'app=reviews,version=v3'), 'default'],
      ].map(([pod, ns]) => [
        `${pod}.${ns}`,
        'Kubernetes',
        istiod,
        '1.30.0',
        // The egress gateway has no Gateway server yet, so it asked for no routes.
        pod!.startsWith('istio-egressgateway') ? '3 (CDS,LDS,EDS)' : '4 (CDS,LDS,EDS,RDS)',
      ]),
    );
    expect(r.stderr).toBe('');
  });

  it('-n filters, -v 1 shows a column per type, one proxy compares its config', async () => {
    expect((await w.run('istioctl proxy-status -n istio-system')).stdout.trimEnd().split('\n')).toHaveLength(3);
    const verbose = (await w.run('istioctl proxy-status -v 1')).stdout.split('\n');
    expect(verbose[0]).toMatch(/^NAME +CLUSTER +CDS +LDS +EDS +RDS +ECDS +ISTIOD +VERSION$/);
    expect(verbose[1]).toMatch(/ SYNCED \(\d+s\) +SYNCED \(\d+s\) +SYNCED \(\d+s\) +SYNCED \(\d+s\) +IGNORED +istiod-/);
    expect(await w.run(`istioctl ps ${podName(w, 'app=productpage')}.default`)).toEqual({
      stdout: expect.stringMatching(
        /^Clusters Match\nListeners Match\nRoutes Match \(RDS last loaded at \w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} UTC\)\n$/,
      ),
      stderr: '',
      exitCode: 0,
    });
  });

  it.each([
    ['istioctl ps nope', fail('Error: pods "nope" not found\n')],
    ['istioctl ps -o xml', fail('Error: output format "xml" not supported\n')],
    ['istioctl ps --bogus', fail('Error: unknown flag: --bogus\n')],
  ])('%s', async (line, result) => {
    expect(await w.run(line)).toEqual(result);
  });
});

describe('istioctl experimental describe', () => {
  it('describes a pod: its Service, DestinationRule subsets, VirtualService, mTLS and the gateway route', async () => {
    const pod = podName(w, 'app=productpage');
    expect(await w.run(`istioctl x describe pod ${pod}`)).toEqual(
      ok(`Pod: ${pod}
   Pod Revision: default
   Pod Ports: 9080 (productpage)
--------------------
Service: productpage
   Port: http 9080/HTTP targets pod port 9080
DestinationRule: productpage for "productpage"
   Matching subsets: v1
   No Traffic Policy
VirtualService: productpage
   1 HTTP route(s)
--------------------
Effective PeerAuthentication:
   Workload mTLS mode: PERMISSIVE
--------------------
Exposed on Ingress Gateway http://172.18.0.2
VirtualService: bookinfo
   Match: /productpage, Match: /static*, Match: /login, Match: /logout, Match: /api/v1/products*
`),
    );
  });

  it('says which subsets a pod does not match, and what a weighted route sends it', async () => {
    await w.run('kubectl apply -f samples/bookinfo/networking/virtual-service-reviews-50-v3.yaml');
    const pod = podName(w, 'app=reviews,version=v2');
    expect((await w.run(`istioctl experimental describe po ${pod}.default`)).stdout).toContain(
      `DestinationRule: reviews for "reviews"
   Matching subsets: v2
      (Non-matching subsets v1,v3)
   No Traffic Policy
VirtualService: reviews
   WARNING: No destinations match pod subsets (checked 1 HTTP routes)
      Route to non-matching subset v1 for (everything)
      Route to non-matching subset v3 for (everything)
`,
    );
    const v1 = podName(w, 'app=reviews,version=v1');
    expect((await w.run(`istioctl x des pod ${v1}`)).stdout).toContain(
      'VirtualService: reviews\n   Route to host "reviews" subset "v1" with weight 50%\n',
    );
  });

  it('describes a service from its first meshed pod', async () => {
    expect(await w.run('istioctl x describe svc ratings')).toEqual(
      ok(`Service: ratings
   Port: http 9080/HTTP targets pod port 9080
DestinationRule: ratings for "ratings"
   Matching subsets: v1
      (Non-matching subsets v2,v2-mysql,v2-mysql-vm)
   No Traffic Policy
VirtualService: ratings
   1 HTTP route(s)
`),
    );
  });

  it.each([
    ['istioctl x describe pod nope', fail('Error: pods "nope" not found\n')],
    ['istioctl x describe service nope', fail('Error: services "nope" not found\n')],
    ['istioctl x describe pod', fail('Error: expecting pod name\n')],
    ['istioctl x describe deployment x', fail('Error: unknown resource type "deployment"\n')],
  ])('%s', async (line, result) => {
    expect(await w.run(line)).toEqual(result);
  });

  it('a pod without a sidecar is not part of the mesh, and istioctl cannot reach its proxy', async () => {
    const istiod = podName(w, 'app=istiod', 'istio-system');
    const r = await w.run(`istioctl x describe pod ${istiod} -n istio-system`);
    expect(r.stdout).toContain(`WARNING: ${istiod} is not part of mesh; no Istio sidecar\n`);
    expect(r.stderr).toBe(
      `Error: failed to execute command on sidecar: container istio-proxy is not valid for pod ${istiod}\n`,
    );
    expect(r.exitCode).toBe(1);
  });
});

describe('what istioctl 1.30 no longer has', () => {
  it.each([
    // `experimental wait` went with the config distribution tracking in 1.23: the flag is what cobra trips on.
    ['istioctl x wait --for=distribution VirtualService reviews.default', fail('Error: unknown flag: --for\n')],
    // `verify-install` went with the in-cluster operator in 1.24.
    [
      'istioctl verify-install',
      fail('Error: unknown command "verify-install" for "istioctl"\nRun \'istioctl --help\' for usage.\n'),
    ],
  ])('%s', async (line, result) => {
    expect(await w.run(line)).toEqual(result);
  });

  it("an unknown experimental subcommand without flags prints experimental's help", async () => {
    const r = await w.run('istioctl x wait VirtualService reviews.default');
    expect(r.exitCode).toBe(0);
    expect(r.stdout).toMatch(
      /^Experimental commands that may be modified or deprecated\n\nUsage:\n {2}istioctl experimental \[command\]/,
    );
  });
});

describe('istioctl dashboard', () => {
  it.each([
    ['istioctl dashboard kiali', fail('Error: no pods found with selector app=kiali\n')],
    ['istioctl d grafana', fail('Error: no pods found with selector app.kubernetes.io/name=grafana\n')],
    ['istioctl dashboard nope', fail('Error: unknown dashboard "nope"\n')],
    ['istioctl dashboard envoy', fail('Error: specify a pod or --selector\n')],
    ['istioctl dashboard envoy deploy/nope', fail('Error: deployments.apps "nope" not found\n')],
  ])('%s', async (line, result) => {
    expect(await w.run(line)).toEqual(result);
  });

  it('finds a proxy, prints the address it would open and says why it cannot open it here', async () => {
    const r = await w.run('istioctl dashboard envoy deploy/productpage-v1');
    expect(r.stdout).toBe('http://localhost:15000\n');
    expect(r.stderr).toMatch(
      /^Error: istioctl dashboard forwards a port of your machine to the cluster and opens a browser there; this lab terminal/,
    );
    expect(r.exitCode).toBe(1);
    expect((await w.run('istioctl dashboard controlz --port 9999')).stdout).toBe('http://localhost:9999\n');
  });
});

describe('istioctl manifest generate and uninstall', () => {
  it('generates the objects of a profile, with its mesh config', async () => {
    const demo = (await w.run('istioctl manifest generate --set profile=demo')).stdout;
    const kinds = (text: string) => [...text.matchAll(/^kind: (\w+)$/gm)].map((m) => m[1]);
    expect(kinds(demo).filter((k) => k === 'CustomResourceDefinition')).toHaveLength(15);
    expect(demo).toContain('name: istio-egressgateway');
    expect(demo).toContain('accessLogFile: /dev/stdout');
    const minimal = (await w.run('istioctl manifest generate --set profile=minimal')).stdout;
    expect(minimal).not.toContain('istio-ingressgateway');
    expect(minimal).not.toContain('accessLogFile');
    expect(await w.run('istioctl manifest generate --set profile=nope')).toEqual(
      fail('Error: generate config: could not read profile "nope": profile does not exist\n'),
    );
    expect(await w.run('istioctl manifest build')).toEqual(
      fail('Error: unknown command "build" for "istioctl manifest"\n'),
    );
  });

  it('uninstall needs --purge (or a revision), asks first, prunes everything and install puts it back', async () => {
    const v = await simWorld(7);
    expect(await v.run('istioctl uninstall')).toEqual(
      fail(
        'Error: at least one of the --revision (or --set revision=<revision>), --filename or --purge flags must be set\n',
      ),
    );
    expect(await v.run('istioctl uninstall --revision canary')).toEqual(
      fail('Error: could not find target revision\n'),
    );
    expect(await v.run('echo n | istioctl uninstall --purge')).toEqual({
      stdout: 'All Istio resources will be pruned from the cluster\nProceed? (y/N) Cancelled.\n',
      stderr: '',
      exitCode: 1,
    });
    const r = await v.run('istioctl uninstall --purge -y');
    expect(r.exitCode).toBe(0);
    expect(r.stdout.split('\n').slice(0, 2)).toEqual([
      'All Istio resources will be pruned from the cluster',
      '  Removed apps/v1, Kind=Deployment/istio-egressgateway.istio-system.',
    ]);
    expect(r.stdout).toContain(
      '  Removed apiextensions.k8s.io/v1, Kind=CustomResourceDefinition/virtualservices.networking.istio.io..\n',
    );
    expect(r.stdout.endsWith('✔ Uninstall complete\n')).toBe(true);
    expect(await v.run('kubectl get vs')).toEqual(fail('error: the server doesn\'t have a resource type "vs"\n'));
    expect(await v.run('kubectl get pods -n istio-system')).toEqual({
      stdout: '',
      stderr: 'No resources found in istio-system namespace.\n',
      exitCode: 0,
    });
    expect((await v.run('istioctl install --set profile=demo -y')).exitCode).toBe(0);
    await v.settle();
    expect((await v.run('kubectl get crd -o name')).stdout.split('\n').filter(Boolean)).toHaveLength(15);
    expect((await v.run('kubectl get deploy -n istio-system -o name')).stdout).toBe(
      'deployment.apps/istio-egressgateway\ndeployment.apps/istio-ingressgateway\ndeployment.apps/istiod\n',
    );
  });
});
