import { Bash } from 'just-bash';
import { parse } from 'yaml';
import { parseAllDocuments } from 'yaml';
import { beforeEach, describe, expect, it } from 'vitest';
import type { SimCommandHost } from '../../../types.ts';
import { World } from '../../../mesh/testing/fixtures.ts';
import { STREAMS_VARIABLE } from '../../orderedOutput.ts';
import { workloadSpec } from '../../../cluster/shapes.ts';
import { readMeshConfig } from '../../../mesh/meshConfig.ts';
import { createIstioctlCommand } from './index.ts';
import { createCurlCommand } from '../curl/index.ts';

function setup(): { w: World; bash: Bash; host: SimCommandHost } {
  const w = new World();
  w.installIstio();
  w.cluster.apply({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: 'istio-sidecar-injector', namespace: 'istio-system' },
    data: {
      values: JSON.stringify({
        global: { proxy: { includeIPRanges: '*', excludeIPRanges: '' }, hub: 'docker.io/istio' },
      }),
      config: '',
    },
  });
  w.cluster.apply({
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: 'default', labels: { 'istio-injection': 'enabled' } },
  });
  const host: SimCommandHost = {
    cluster: w.cluster,
    network: w.network,
    pods: { exec: async () => ({ stdout: '', stderr: '', exitCode: 0 }) },
    clock: w.clock,
    random: w.random,
    samples: new Map(),
  };
  return { w, host, bash: new Bash({ customCommands: [createIstioctlCommand(host)] }) };
}

describe('istioctl', () => {
  let w: World;
  let bash: Bash;
  let host: SimCommandHost;
  beforeEach(() => ({ w, bash, host } = setup()));

  it('version counts the proxies', async () => {
    w.deployBookinfo();
    const r = await bash.exec('istioctl version');
    expect(r.stdout).toBe(
      'client version: 1.30.0\ncontrol plane version: 1.30.0\ndata plane version: 1.30.0 (7 proxies)\n',
    );
    expect((await bash.exec('istioctl version --remote=false')).stdout).toBe('client version: 1.30.0\n');
  });

  it('install --set meshConfig.outboundTrafficPolicy.mode=REGISTRY_ONLY changes the mesh config, and the traffic', async () => {
    const sleep = w.deploySleep();
    expect((await w.get(sleep, 'https://www.google.com')).status).toBe(200);
    const r = await bash.exec(
      'istioctl install --set profile=demo --set meshConfig.outboundTrafficPolicy.mode=REGISTRY_ONLY -y',
    );
    expect(r.exitCode).toBe(0);
    // The progress lines are the progress bar's, on stderr; 1.30 prints nothing after "Installation complete".
    expect(
      r.stderr.endsWith(
        '✔ Istio core installed ⛵️\n✔ Istiod installed 🧠\n✔ Egress gateways ' +
          'installed 🛫\n✔ Ingress gateways installed 🛬\n✔ Installation complete\n',
      ),
    ).toBe(true);
    expect(r.stdout).toBe('');
    expect(readMeshConfig(w.cluster)).toMatchObject({
      accessLogFile: '/dev/stdout',
      outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' },
    });
    expect((await w.get(sleep, 'https://www.google.com')).error?.curlExitCode).toBe(35);
  });

  it('install without profile=demo installs the default profile: access logs off, egress gateway pruned', async () => {
    await bash.exec('istioctl install --set profile=demo -y');
    expect(w.cluster.get('Deployment', 'istio-system', 'istio-egressgateway')).toBeDefined();
    const r = await bash.exec('istioctl install --set meshConfig.outboundTrafficPolicy.mode=REGISTRY_ONLY -y');
    expect(r.stdout).toContain('  Removed apps/v1:Deployment:istio-system:istio-egressgateway.\n');
    expect(readMeshConfig(w.cluster).accessLogFile).toBeUndefined();
    expect(w.cluster.get('Deployment', 'istio-system', 'istio-egressgateway')).toBeUndefined();
  });

  it('install asks for confirmation without -y as 1.30 words it, and refuses bad values like istioctl', async () => {
    const prompt = 'This will install the Istio 1.30.0 profile "demo" into the cluster. Proceed? (y/N) ';
    const r = await bash.exec('echo n | istioctl install --set profile=demo');
    // The banner goes first, on stderr; the prompt on stdout; "Cancelled." on stderr; exit 1.
    expect(r).toMatchObject({ stdout: prompt, exitCode: 1 });
    expect(r.stderr.startsWith('        |\\          \n')).toBe(true);
    expect(r.stderr.endsWith('     \\_____/        \n\nCancelled.\n')).toBe(true);
    expect(w.cluster.get('Deployment', 'istio-system', 'istio-egressgateway')).toBeUndefined();
    // Without a profile the prompt names "default".
    expect((await bash.exec('echo no | istioctl install')).stdout).toBe(
      'This will install the Istio 1.30.0 profile "default" into the cluster. Proceed? (y/N) ',
    );
    // Y, YES in any case accept; another word asks again; an empty line or the end of the input refuse.
    expect(await bash.exec('echo YES | istioctl install --set profile=demo')).toMatchObject({
      stdout: prompt,
      exitCode: 0,
    });
    expect(await bash.exec('printf "sure\\ny\\n" | istioctl install --set profile=demo')).toMatchObject({
      stdout: prompt.repeat(2),
      exitCode: 0,
    });
    expect((await bash.exec('echo | istioctl install --set profile=demo')).exitCode).toBe(1);
    expect((await bash.exec('istioctl install --set profile=demo < /dev/null')).exitCode).toBe(1);
    expect((await bash.exec('echo "y y" | istioctl install --set profile=demo')).exitCode).toBe(1);
    // -y and --skip-confirmation do not ask.
    for (const flag of ['-y', '--skip-confirmation'])
      expect(await bash.exec(`istioctl install --set profile=demo ${flag}`)).toMatchObject({ stdout: '', exitCode: 0 });
    const bad = await bash.exec('istioctl install --set meshConfig.outboundTrafficPolicy.mode=BLOCK -y');
    expect(bad.exitCode).toBe(1);
    expect(
      bad.stderr.endsWith(
        '\n\nError: generate config: unknown value "BLOCK" for enum istio.mesh.v1alpha1.MeshConfig_OutboundTrafficPolicy_Mode\n',
      ),
    ).toBe(true);
    expect((await bash.exec('istioctl install --set profile=nope -y')).stderr).toContain('profile does not exist');
  });

  it("install at the learner's terminal: the question gets an empty answer, said so; a terminal colours the banner", async () => {
    const r = await bash.exec(`${STREAMS_VARIABLE}=merged,terminal istioctl install --set profile=demo`);
    expect(r.exitCode).toBe(1);
    expect(r.stdout.startsWith('\x1b[94;1m        |\\          \n')).toBe(true);
    expect(r.stdout).toContain(
      '\x1b[0m\nThis will install the Istio 1.30.0 profile "demo" into the cluster. Proceed? (y/N) \nCancelled.\n' +
        'lab shell: this terminal cannot type into a running command',
    );
    // Piped input answers it, even with stdout on the terminal.
    expect(
      (await bash.exec(`echo y | ${STREAMS_VARIABLE}=merged,terminal istioctl install --set profile=demo`)).exitCode,
    ).toBe(0);
  });

  it('install sets injector values and istiod env', async () => {
    await bash.exec(
      'istioctl install --set profile=demo --set values.global.proxy.includeIPRanges=10.96.0.0/12 ' +
        '--set values.pilot.env.DISABLE_SHADOW_HOST_SUFFIX=false -y',
    );
    const values = JSON.parse(
      (w.cluster.get('ConfigMap', 'istio-system', 'istio-sidecar-injector')!.data as Record<string, string>).values,
    );
    expect(values.global.proxy.includeIPRanges).toBe('10.96.0.0/12');
    expect(values.global.hub).toBe('docker.io/istio');
    const env = workloadSpec(w.cluster.get('Deployment', 'istio-system', 'istiod')!).template!.spec!.containers![0]!
      .env;
    expect(env).toContainEqual({ name: 'DISABLE_SHADOW_HOST_SUFFIX', value: 'false' });
  });

  it("kube-inject adds istio-proxy and istio-init to pod templates, even of the seed's extensions/v1beta1 Deployment", async () => {
    await bash.exec('istioctl install --set profile=demo --set values.global.proxy.includeIPRanges=10.96.0.0/12 -y');
    const seed = `apiVersion: extensions/v1beta1
kind: Deployment
metadata:
  name: sleep
spec:
  replicas: 1
  template:
    metadata:
      labels:
        app: sleep
    spec:
      containers:
      - name: sleep
        image: tutum/curl
        command: ["/bin/sleep","infinity"]
---
apiVersion: v1
kind: Service
metadata:
  name: sleep
spec:
  ports: [{port: 80}]
`;
    const r = await bash.exec(`cat <<'EOF' | istioctl kube-inject -f -\n${seed}EOF`);
    expect(r.exitCode).toBe(0);
    const docs = parseAllDocuments(r.stdout).map((d) => d.toJS());
    expect(docs[0].apiVersion).toBe('extensions/v1beta1');
    const spec = docs[0].spec.template.spec;
    // The cluster's node runs Kubernetes 1.34: istio-proxy is injected as a native sidecar.
    expect(spec.containers.map((c: { name: string }) => c.name)).toEqual(['sleep']);
    expect(spec.initContainers.map((c: { name: string; restartPolicy?: string }) => [c.name, c.restartPolicy])).toEqual(
      [
        ['istio-init', undefined],
        ['istio-proxy', 'Always'],
      ],
    );
    expect(spec.initContainers[0].args).toContain('10.96.0.0/12');
    expect(docs[0].spec.template.metadata.annotations['sidecar.istio.io/status']).toContain(
      '"initContainers":["istio-init","istio-proxy"],"containers":null',
    );
    expect(docs[1]).toEqual(parse(seed.split('---\n')[1]));
    expect(await bash.exec('istioctl kube-inject -f nope.yaml')).toMatchObject({
      stderr: 'Error: open nope.yaml: no such file or directory\n',
      exitCode: 1,
    });
    expect((await bash.exec('istioctl kube-inject')).stderr).toBe(
      'Error: filename not specified (see --filename or -f)\n',
    );
  });

  it('a kube-injected pod with a narrowed -i range bypasses the sidecar for external addresses', async () => {
    const pod = w.addPod('default', 'sleep-injected', { app: 'sleep' }, [{ name: 'sleep', image: 'curlimages/curl' }], {
      sidecar: true,
    });
    (pod.spec as { initContainers?: unknown[] }).initContainers = [
      { name: 'istio-init', args: ['istio-iptables', '-i', '10.96.0.0/12', '-x', ''] },
    ];
    w.cluster.apply(pod);
    const curl = new Bash({
      customCommands: [createCurlCommand(host, { namespace: 'default', pod: 'sleep-injected', container: 'sleep' })],
    });
    const out = await curl.exec('curl -s http://httpbin.org/headers');
    expect(JSON.parse(out.stdout).headers['X-Envoy-Attempt-Count']).toBeUndefined();
  });

  it('analyze reports IST0101 for a missing subset and host, with exit code 79', async () => {
    w.deployBookinfo();
    w.applyYaml(
      'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: reviews}\nspec:\n ' +
        ' hosts: [reviews]\n  http:\n  - route:\n    - destination: {host: reviews, subset: ' +
        'v3}\n---\napiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: ' +
        'ratings}\nspec:\n  hosts: [ratings]\n  http:\n  - route:\n    - destination: {host: ratingz}\n',
    );
    const r = await bash.exec('istioctl analyze');
    expect(r.exitCode).toBe(79);
    expect(r.stdout).toContain(
      'Error [IST0101] (VirtualService default/reviews) Referenced host+subset in destinationrule not found: "reviews+v3"\n',
    );
    expect(r.stdout).toContain(
      'Error [IST0101] (VirtualService default/ratings) Referenced host not found: "ratingz"\n',
    );
    expect(r.stderr).toBe(
      'Error: Analyzers found issues when analyzing namespace: default.\nSee ' +
        'https://istio.io/v1.30/docs/reference/config/analysis for more information about causes and resolutions.\n',
    );
  });

  it('analyze is clean when subsets exist, and reports IST0102 for a namespace without injection', async () => {
    w.deployBookinfo();
    w.applyYaml(
      'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: reviews}\nspec:\n ' +
        ' host: reviews\n  subsets: [{name: v3, labels: {version: v3}}]\n---\napiVersion: ' +
        'networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: reviews}\nspec:\n  ' +
        'hosts: [reviews]\n  http:\n  - route:\n    - destination: {host: reviews, subset: v3}\n',
    );
    expect(await bash.exec('istioctl analyze')).toMatchObject({
      stdout: '✔ No validation issues found when analyzing namespace: default.\n',
      exitCode: 0,
    });
    w.cluster.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'foo' } });
    const r = await bash.exec('istioctl analyze -n foo');
    expect(r).toMatchObject({
      exitCode: 0,
      stdout:
        'Info [IST0102] (Namespace foo) The namespace is not enabled for Istio ' +
        "injection. Run 'kubectl label namespace foo istio-injection=enabled' " +
        "to enable it, or 'kubectl label namespace foo istio-injection=disabled' to explicitly mark it as not needing injection.\n",
    });
  });

  it('unknown subcommands and flags are worded like cobra', async () => {
    expect(await bash.exec('istioctl frobnicate')).toMatchObject({
      stderr: 'Error: unknown command "frobnicate" for "istioctl"\nRun \'istioctl --help\' for usage.\n',
      exitCode: 1,
    });
    expect(await bash.exec('istioctl version --bogus')).toMatchObject({
      stderr: 'Error: unknown flag: --bogus\n',
      exitCode: 1,
    });
    expect((await bash.exec('istioctl --help')).stdout).toContain('Available Commands:');
    expect((await bash.exec('istioctl install --help')).stdout).toContain('--set');
  });
});

describe('istioctl proxy-config', () => {
  it('routes show the VirtualService that programs a host; clusters show subsets from DestinationRules', async () => {
    const { w, bash } = setup();
    w.deployBookinfo();
    w.applyYaml(
      'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: reviews}\nspec:\n ' +
        ' host: reviews\n  subsets: [{name: v1, labels: {version: v1}}, {name: v3, labels: {version: ' +
        'v3}}]\n---\napiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: reviews}\nspec:\n ' +
        ' hosts: [reviews]\n  http:\n  - route:\n    - destination: {host: reviews, subset: v3}\n',
    );
    const pod = w.pod('productpage').metadata.name;
    const routes = (await bash.exec(`istioctl proxy-config routes ${pod}`)).stdout;
    expect(routes.split('\n')[0]).toMatch(/^NAME\s+VHOST NAME\s+DOMAINS\s+MATCH\s+VIRTUAL SERVICE$/);
    expect(routes).toMatch(
      /9080\s+reviews\.default\.svc\.cluster\.local:9080\s+reviews, reviews\.default \+ 2 more\.\.\.\s+\/\*\s+reviews\.default\n/,
    );
    const clusters = (await bash.exec(`istioctl pc clusters ${pod}.default`)).stdout;
    expect(clusters).toMatch(/reviews\.default\.svc\.cluster\.local\s+9080\s+v3\s+outbound\s+EDS\s+reviews\.default\n/);
    expect(clusters).toContain('BlackHoleCluster');
    expect((await bash.exec('istioctl proxy-config routes nope')).stderr).toBe('Error: pods "nope" not found\n');
  });

  it('takes deploy/NAME and NAME.NAMESPACE; filters clusters by --fqdn/--port/--direction/--subset, routes by --name', async () => {
    const { w, bash } = setup();
    w.deployBookinfo();
    w.applyYaml(
      'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: reviews}\nspec:\n  host: reviews\n' +
        '  subsets: [{name: v1, labels: {version: v1}}, {name: v3, labels: {version: v3}}]\n',
    );
    w.cluster.apply({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'productpage-v1', namespace: 'default' },
      spec: {
        selector: { matchLabels: { app: 'productpage' } },
        template: { metadata: { labels: { app: 'productpage' } } },
      },
    });
    const lines = async (line: string) => (await bash.exec(line)).stdout.trimEnd().split('\n');
    const subsets = await lines('istioctl pc clusters deploy/productpage-v1 --fqdn reviews.default --port 9080');
    expect(subsets.slice(1).map((l) => l.split(/\s+/).slice(0, 4).join(' '))).toEqual([
      'reviews.default.svc.cluster.local 9080 - outbound',
      'reviews.default.svc.cluster.local 9080 v1 outbound',
      'reviews.default.svc.cluster.local 9080 v3 outbound',
    ]);
    expect(
      await lines('istioctl pc clusters deploy/productpage-v1.default --subset v3 --direction outbound'),
    ).toHaveLength(2);
    const inbound = await lines('istioctl proxy-config cluster deploy/productpage-v1 --direction inbound');
    expect(inbound.slice(1).map((l) => l.trim().split(/\s+/))).toEqual([['9080', '-', 'inbound', 'ORIGINAL_DST']]);
    const routes = await lines('istioctl pc routes deploy/productpage-v1 --name 9080');
    expect(routes.length).toBeGreaterThan(2);
    expect(routes.slice(1).every((l) => l.startsWith('9080 '))).toBe(true);
    expect(routes.join('\n')).not.toContain('/healthz/ready*');
  });

  it('refuses as istioctl does, and says why the Envoy-only views are not here', async () => {
    const { w, bash } = setup();
    w.deployBookinfo();
    const fail = async (line: string) => {
      const r = await bash.exec(line);
      expect(r.exitCode).toBe(1);
      return r.stderr;
    };
    expect(await fail('istioctl pc routes deploy/nope')).toBe('Error: deployments.apps "nope" not found\n');
    expect(await fail('istioctl pc routes deploy/productpage-v1 --fqdn x')).toBe('Error: unknown flag: --fqdn\n');
    expect(await fail('istioctl pc clusters deploy/productpage-v1 --name x')).toBe('Error: unknown flag: --name\n');
    expect(await fail('istioctl pc clusters deploy/productpage-v1 --port x')).toMatch(
      /^Error: invalid argument "x" for "--port" flag/,
    );
    expect(await fail('istioctl pc bogus x')).toBe('Error: unknown command "bogus" for "istioctl proxy-config"\n');
    expect(await fail('istioctl pc listeners deploy/productpage-v1')).toMatch(
      /^Error: istioctl proxy-config listeners reads a running Envoy's admin API/,
    );
    expect(await fail('istioctl pc clusters deploy/productpage-v1 -o json')).toMatch(
      /^Error: -o json prints the Envoy configuration dump/,
    );
  });
});
