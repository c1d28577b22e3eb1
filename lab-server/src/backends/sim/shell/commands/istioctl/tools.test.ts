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

  it('takes deploy/NAME[.NAMESPACE] as istioctl infers the pod from a typed resource', async () => {
    const pod = podName(w, 'app=productpage');
    expect(await w.run('istioctl x describe pod deploy/productpage-v1.default')).toEqual(
      await w.run(`istioctl x describe pod ${pod}`),
    );
    expect(await w.run('istioctl x describe pod deploy/ghost')).toEqual(
      fail('Error: deployments.apps "ghost" not found\n'),
    );
    expect(await w.run('istioctl pc clusters deploy/productpage-v1 --fqdn details --direction outbound')).toMatchObject(
      {
        stdout: expect.stringMatching(
          /^SERVICE FQDN +PORT +SUBSET +DIRECTION +TYPE +DESTINATION RULE\ndetails\.default/,
        ),
        exitCode: 0,
      },
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

  it('a command 1.30 lists under experimental but the lab does not simulate says so instead of printing the help', async () => {
    expect(await w.run('istioctl x metrics productpage-v1')).toEqual(
      fail(
        'Error: istioctl experimental metrics is not simulated in this lab; istioctl x describe, proxy-status and analyze are\n',
      ),
    );
  });
});

const GREEN_CHECK = '\u001b[32m✔\u001b[0m';

describe('istioctl x precheck', () => {
  it('finds nothing on a healthy 1.34 cluster and says so on stderr', async () => {
    expect(await w.run('istioctl x precheck')).toEqual({
      stdout: '',
      stderr:
        '✔ No issues found when checking the cluster. Istio is safe to install or upgrade!\n' +
        '  To get started, check out https://istio.io/latest/docs/setup/getting-started/.\n',
      exitCode: 0,
    });
    expect((await w.run('__labs_streams=terminal istioctl x precheck')).stderr.startsWith(GREEN_CHECK)).toBe(true);
  });

  it('flags Gateway API CRDs that do not serve v1 (or v1beta1), and zipkin with --from-version 1.21', async () => {
    const v = await simWorld(8);
    v.cluster.apply({
      apiVersion: 'apiextensions.k8s.io/v1',
      kind: 'CustomResourceDefinition',
      metadata: { name: 'grpcroutes.gateway.networking.k8s.io' },
      spec: {
        group: 'gateway.networking.k8s.io',
        names: { kind: 'GRPCRoute', plural: 'grpcroutes', singular: 'grpcroute', listKind: 'GRPCRouteList' },
        scope: 'Namespaced',
        versions: [{ name: 'v1alpha2', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object' } } }],
      },
    } as never);
    const r = await v.run('istioctl x precheck');
    expect(r.stdout).toBe(
      '\u001b[33mWarning\u001b[0m [IST0172] (CustomResourceDefinition grpcroutes.gateway.networking.k8s.io) ' +
        'The Gateway API CRD version v1alpha2 is lower than the minimum version: v1\n',
    );
    expect(r.stderr).toBe(
      'Error: Issues found when checking the cluster. Istio may not be safe to install or upgrade.\n' +
        'See https://istio.io/v1.30/docs/reference/config/analysis for more information about causes and resolutions.\n',
    );
    expect(r.exitCode).toBe(1);
    // Below the threshold nothing is shown, but a warning still fails the check.
    expect((await v.run('istioctl x precheck --output-threshold Error')).stdout).toBe('');
    const json = JSON.parse((await v.run('istioctl x precheck -o json')).stdout);
    expect(json).toEqual([
      {
        code: 'IST0172',
        documentationUrl: 'https://istio.io/v1.30/docs/reference/config/analysis/ist0172/',
        level: 'Warning',
        message: 'The Gateway API CRD version v1alpha2 is lower than the minimum version: v1',
        origin: 'CustomResourceDefinition grpcroutes.gateway.networking.k8s.io',
      },
    ]);
    expect((await v.run('istioctl x precheck --skip-controlplane')).exitCode).toBe(0);
    v.cluster.apply({
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'zipkin', namespace: 'istio-system' },
      spec: { ports: [{ name: 'http-query', port: 9411 }] },
    } as never);
    const since = await v.run('istioctl x precheck --skip-controlplane --from-version 1.21');
    expect(since.stdout).toContain(
      '[IST0169] (Service istio-system/zipkin) The configuration "meshConfig.defaultConfig.tracer"',
    );
    expect((await v.run('istioctl x precheck --skip-controlplane --from-version 1.22')).exitCode).toBe(0);
  });

  it('refuses what istioctl refuses', async () => {
    expect(await w.run('istioctl x precheck --from-version 2.1')).toEqual(
      fail('Error: expected major version 1, got 2.1\n'),
    );
    expect(await w.run('istioctl x precheck --from-version 1')).toEqual(
      fail("Error: invalid version 1, expected format like '1.0'\n"),
    );
    expect(await w.run('istioctl x precheck --from-version 1.x')).toEqual(
      fail('Error: minor version is not a number: x\n'),
    );
    expect(await w.run('istioctl x precheck --output-threshold loud')).toEqual(
      fail('Error: invalid argument "loud" for "--output-threshold" flag: invalid level option\n'),
    );
    expect(await w.run('istioctl x precheck -o xml')).toEqual(
      fail('Error: invalid format, expected one of [log json yaml] but got "xml"\n'),
    );
  });
});

describe('istioctl x check-inject', () => {
  const header = (reason = 'REASON') => `WEBHOOK                 REVISION  INJECTED      ${reason}\n`;
  const row = (injected: boolean, reason: string) =>
    `istio-sidecar-injector  default   ${injected ? GREEN_CHECK : '\u001b[31m✘\u001b[0m'}             ${reason}\n`;

  it("explains from the injection webhook's selectors why a pod is or would be injected", async () => {
    expect(await w.run('istioctl x check-inject deploy/productpage-v1')).toEqual(
      ok(header() + row(true, 'Namespace label istio-injection=enabled matches')),
    );
    expect(await w.run('istioctl x check-inject -l app=x,sidecar.istio.io/inject=false')).toEqual(
      ok(header() + row(false, 'Pod has sidecar.istio.io/inject=false label, preventing injection')),
    );
    await w.run('kubectl create namespace bare');
    expect(await w.run('istioctl x check-inject -n bare -l app=x')).toEqual(
      ok(
        header() +
          row(
            false,
            'No matching namespace labels (istio.io/rev=default, istio-injection=enabled) ' +
              'or pod labels (istio.io/rev=default, sidecar.istio.io/inject=true)',
          ),
      ),
    );
    expect(await w.run('istioctl x check-inject -n bare -l sidecar.istio.io/inject=true')).toEqual(
      ok(header() + row(true, 'Pod label sidecar.istio.io/inject=true matches')),
    );
    await w.run('kubectl label namespace bare istio-injection=disabled');
    expect(await w.run('istioctl x check-inject -n bare -l sidecar.istio.io/inject=true')).toEqual(
      ok(header() + row(false, 'Namespace has istio-injection=disabled label, preventing injection')),
    );
  });

  it('refuses what istioctl refuses', async () => {
    expect(await w.run('istioctl x check-inject')).toEqual(
      fail(
        'Error: check-inject requires only [<resource-type>/]<resource-name>[.<namespace>], or specify labels flag\n',
      ),
    );
    expect(await w.run('istioctl x check-inject nope-123')).toEqual(fail('Error: pods "nope-123" not found\n'));
    expect(await w.run('istioctl x check-inject -n ghost -l a=b')).toEqual(
      fail('Error: namespaces "ghost" not found\n'),
    );
  });
});

describe('istioctl tag', () => {
  it('lists the revisions and tags the webhooks and istiod services carry, with their namespaces', async () => {
    expect(await w.run('istioctl tag list')).toEqual(ok('TAG REVISION NAMESPACES\n    default  \n'));
    expect(JSON.parse((await w.run('istioctl tag list -o json')).stdout)).toEqual([
      { tag: '', revision: 'default', namespaces: [] },
    ]);
    expect((await w.run('istioctl tag list -o yaml')).stdout).toBe(
      '- namespaces: []\n  revision: default\n  tag: ""\n\n',
    );
    // A tag of the revision (as `istioctl tag set prod --revision default` would make) replaces the untagged entry.
    w.cluster.apply({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata: { name: 'istio-revision-tag-prod', labels: { 'istio.io/rev': 'default', 'istio.io/tag': 'prod' } },
      webhooks: [],
    } as never);
    await w.run('kubectl create namespace tagged && kubectl label namespace tagged istio.io/rev=prod');
    expect((await w.run('istioctl tag show')).stdout).toBe('TAG  REVISION NAMESPACES\nprod default  tagged\n');
    w.cluster.delete('MutatingWebhookConfiguration', undefined, 'istio-revision-tag-prod');
  });

  it('refuses as istioctl does, and says that tags cannot be changed here', async () => {
    expect(await w.run('istioctl tag list extra')).toEqual(fail('Error: tag list command does not accept arguments\n'));
    expect(await w.run('istioctl tag list -o xml')).toEqual(fail('Error: unknown format: xml\n'));
    expect(await w.run('istioctl tag nope')).toEqual(fail('Error: unknown subcommand "nope"\n'));
    expect((await w.run('istioctl tag set prod --revision default')).stderr).toMatch(
      /^Error: istioctl tag set is not simulated/,
    );
    expect((await w.run('istioctl tag')).stdout).toMatch(/^Command group used to interact with revision tags/);
  });
});

describe('istioctl profile', () => {
  it('is gone in 1.30 (removed in 1.24): an unknown command, as istioctl 1.30 says', async () => {
    for (const line of ['istioctl profile list', 'istioctl profile dump demo', 'istioctl profile diff default demo'])
      expect(await w.run(line)).toEqual(
        fail('Error: unknown command "profile" for "istioctl"\nRun \'istioctl --help\' for usage.\n'),
      );
  });
});

describe('istioctl dashboard', () => {
  it.each([
    ['istioctl dashboard kiali', fail('Error: no Kiali pods found\n')],
    ['istioctl d grafana', fail('Error: no Grafana pods found\n')],
    ['istioctl dash skywalking', fail('Error: no SkyWalking UI pods found\n')],
    ['istioctl dashboard controlz', fail('Error: specify a pod or --selector\n')],
    ['istioctl dashboard envoy -l app=nothing', fail('Error: no pods found\n')],
    ['istioctl dashboard envoy x -l app=x', fail('Error: name cannot be provided when a selector is specified\n')],
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
    expect((await w.run('istioctl dashboard controlz deploy/istiod --port 9999')).stdout).toBe(
      'http://localhost:9999\n',
    );
    expect((await w.run('istioctl dashboard envoy -l app=ratings')).stdout).toBe('http://localhost:15000\n');
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
      stdout: 'All Istio resources will be pruned from the cluster\nProceed? (y/N) ',
      stderr: 'Cancelled.\n',
      exitCode: 1,
    });
    // Another word asks again, with the whole message.
    expect((await v.run('printf "maybe\\nno\\n" | istioctl uninstall --purge')).stdout).toBe(
      'All Istio resources will be pruned from the cluster\nProceed? (y/N) '.repeat(2),
    );
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
