import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { K8sObject } from '../../contract.ts';
import { runClusterCommand, type ClusterCommandDeps } from './cluster-cli.ts';
import { FakeKubeApi } from './testing/fakeKubeApi.ts';
import type { ProgramOutput } from './preflight.ts';
import type { ClusterTools } from './runner.ts';

/** istiod as `kubectl get deployment istiod -o json` shows it. */
function istiod(version: string, scoped: boolean): K8sObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'istiod', namespace: 'istio-system' },
    spec: {
      template: {
        spec: {
          containers: [
            {
              name: 'discovery',
              image: `docker.io/istio/pilot:${version}`,
              env: scoped ? [{ name: 'PILOT_SCOPE_GATEWAY_TO_NAMESPACE', value: 'true' }] : [],
            },
          ],
        },
      },
    },
  };
}

/** A pretend machine: kind clusters and an Istio install, changed by the commands run; its API as a fake. */
class FakeMachine implements ClusterTools {
  clusters: string[] = [];
  istio: string | undefined;
  scoped = false;
  nodePort = 30081;
  injection = false;
  toolbox = false;
  gatewayApi = false;
  commands: string[] = [];
  applied = '';

  async run(program: string, args: string[], options: { stdin?: string } = {}): Promise<ProgramOutput> {
    const line = [program, ...args].join(' ');
    this.commands.push(line);
    const ok = (stdout = ''): ProgramOutput => ({ code: 0, stdout, stderr: '' });
    if (line === 'kind get clusters') return ok(this.clusters.map((c) => `${c}\n`).join(''));
    if (line.startsWith('kind create cluster --name ')) {
      this.clusters.push(args[3]!);
      return ok();
    }
    if (line.startsWith('kind export kubeconfig')) return ok();
    if (line.startsWith('kind delete cluster --name ')) {
      this.clusters = this.clusters.filter((c) => c !== args[3]);
      return ok();
    }
    if (line.startsWith('istioctl install')) {
      this.istio = '1.30.0';
      this.scoped = true;
      this.nodePort = 30081;
      return ok();
    }
    if (program === 'kubectl') {
      const rest = args.slice(2).join(' ');
      if (rest.includes('get deployment istiod -o json'))
        return this.istio
          ? ok(JSON.stringify(istiod(this.istio, this.scoped)))
          : { code: 1, stdout: '', stderr: 'Error from server (NotFound): deployments.apps "istiod" not found\n' };
      if (rest.includes('get service istio-ingressgateway'))
        return this.istio ? ok(String(this.nodePort)) : { code: 1, stdout: '', stderr: 'not found' };
      if (rest.startsWith('label namespace default')) {
        this.injection = true;
        return ok('namespace/default labeled');
      }
      if (rest === 'get crd gateways.gateway.networking.k8s.io -o name')
        return this.gatewayApi
          ? ok('customresourcedefinition.apiextensions.k8s.io/gateways.gateway.networking.k8s.io\n')
          : { code: 1, stdout: '', stderr: 'Error from server (NotFound): customresourcedefinitions... not found\n' };
      if (
        rest ===
        'apply --server-side -f https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.5.1/standard-install.yaml'
      ) {
        this.gatewayApi = true;
        return ok();
      }
      if (rest.startsWith('apply --server-side')) {
        this.toolbox = true;
        this.applied = options.stdin ?? '';
        return ok();
      }
      if (rest.includes('rollout status')) return ok('deployment successfully rolled out');
      if (rest.startsWith('get nodes')) return ok('True');
      if (rest.startsWith('get namespace default')) return ok(this.injection ? 'enabled' : '');
      if (rest.includes('get configmap'))
        return this.toolbox
          ? ok('configmap/labs-samples\nconfigmap/labs-shell\n')
          : { code: 1, stdout: '', stderr: 'not found' };
      if (rest.includes('get pods')) return ok('pod/toolbox-a\n');
    }
    return { code: 127, stdout: '', stderr: `unexpected command: ${line}` };
  }

  /** The cluster's API as the lab server would see it: what up installed (the account may do everything). */
  api(): FakeKubeApi {
    const api = new FakeKubeApi();
    if (this.istio) {
      api.add(istiod(this.istio, this.scoped));
      api.add({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'istio-sidecar-injector', namespace: 'istio-system' },
        data: { config: 'templates:\n  sidecar: |\n    {}\n  gateway: |\n    {}\n' },
      });
    }
    api.add({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name: 'labs-control-plane' },
      status: {
        allocatable: { cpu: '4', memory: '16Gi', pods: '110' },
        conditions: [{ type: 'Ready', status: 'True' }],
      },
    });
    api.createHandler = (o) => (o.kind === 'SelfSubjectAccessReview' ? { ...o, status: { allowed: true } } : o);
    return api;
  }
}

class Sink extends Writable {
  text = '';
  override _write(chunk: Buffer, _e: BufferEncoding, cb: () => void) {
    this.text += chunk.toString();
    cb();
  }
}

function deps(machine: FakeMachine, problems: string[] = []): ClusterCommandDeps & { out: Sink; err: Sink } {
  return {
    tools: machine,
    preflight: async (only) => problems.filter((p) => only.some((o) => p.startsWith(`${o}:`))),
    api: (context) => {
      if (context !== 'kind-labs' && context !== 'kind-class1' && context !== 'workshop')
        throw new Error(`kubeconfig has no context "${context}"`);
      return machine.api();
    },
    out: new Sink(),
    err: new Sink(),
  };
}

describe('labs cluster up', () => {
  it('creates the cluster, installs Istio with the overlay, enables injection, installs the toolbox objects, checks', async () => {
    const machine = new FakeMachine();
    const d = deps(machine);
    expect(await runClusterCommand(['up'], d)).toBe(0);
    expect(machine.commands).toContainEqual(
      expect.stringMatching(/^kind create cluster --name labs --config .*\/kind\/cluster\.yaml --wait 180s$/),
    );
    expect(machine.commands).toContainEqual(
      expect.stringMatching(/^istioctl install --context kind-labs -f .*\/kind\/istio-overlay\.yaml -y$/),
    );
    expect(machine.commands).toContain(
      'kubectl --context kind-labs label namespace default istio-injection=enabled --overwrite',
    );
    expect(machine.applied).toContain('name: labs-samples');
    expect(machine.applied).toContain('bookinfo__networking__virtual-service-reviews-50-v3.yaml');
    const lines = d.out.text.trim().split('\n');
    expect(machine.gatewayApi).toBe(true);
    expect(d.out.text).toContain('✓ Installed the Gateway API CRDs v1.5.1 (standard channel)');
    expect(lines.filter((l) => l.startsWith(' ✓'))).toHaveLength(8);
    // The last phase checks the cluster through its API, as the lab server will, for a class.
    expect(lines.at(-2)).toMatch(/^ ✓ Capacity: room for \d+ learners/);
    expect(lines.at(-1)).toMatch(
      /^Cluster "labs" is ready \(\d+ s\)\. Next: npx labs serve --backend kind \(add --classroom for a class\)$/,
    );
  });

  it('is idempotent: a second up creates and installs nothing again', async () => {
    const machine = new FakeMachine();
    await runClusterCommand(['up'], deps(machine));
    machine.commands = [];
    const d = deps(machine);
    expect(await runClusterCommand(['up'], d)).toBe(0);
    expect(machine.commands.some((c) => c.startsWith('kind create'))).toBe(false);
    expect(machine.commands.some((c) => c.startsWith('istioctl install'))).toBe(false);
    expect(machine.clusters).toEqual(['labs']);
    expect(d.out.text).toContain('✓ Cluster "labs" exists (context kind-labs)');
    expect(d.out.text).toContain('✓ Istio 1.30.0 is installed');
    expect(d.out.text).toContain('✓ The Gateway API CRDs are installed');
    expect(machine.commands.some((c) => c.includes('standard-install.yaml'))).toBe(false);
  });

  it("repairs: reinstalls Istio when istio-system's gateway holds the mapped node port, or gateways are not scoped", async () => {
    for (const [nodePort, scoped] of [
      [30080, true],
      [30081, false],
    ] as const) {
      const machine = new FakeMachine();
      machine.clusters = ['labs'];
      machine.istio = '1.30.0';
      machine.nodePort = nodePort;
      machine.scoped = scoped;
      expect(await runClusterCommand(['up'], deps(machine))).toBe(0);
      expect(machine.commands.filter((c) => c.startsWith('istioctl install'))).toHaveLength(1);
    }
  });

  it('stops at the prerequisites with one line per missing piece and exit 1, running nothing', async () => {
    const machine = new FakeMachine();
    const d = deps(machine, [
      'kind: not found on PATH; install kind 0.30.0 or newer',
      'istioctl: not found on PATH; install istioctl 1.30.0',
    ]);
    expect(await runClusterCommand(['up'], d)).toBe(1);
    expect(machine.commands).toEqual([]);
    expect(d.out.text).toContain(' ✗ Checking prerequisites');
    expect(d.out.text).toContain('   kind: not found on PATH; install kind 0.30.0 or newer\n');
    expect(d.out.text).toContain('   istioctl: not found on PATH; install istioctl 1.30.0\n');
    expect(d.out.text + d.err.text).not.toMatch(/\n\s+at /);
  });

  it("shows a failing phase with ✗ and the tool's own error, then exits 1", async () => {
    const machine = new FakeMachine();
    machine.run = async (program, args) =>
      program === 'kind' && args[0] === 'create'
        ? {
            code: 1,
            stdout: '',
            stderr: 'ERROR: failed to create cluster: node(s) already exist for a cluster with the name "labs"\n',
          }
        : FakeMachine.prototype.run.call(machine, program, args);
    const d = deps(machine);
    expect(await runClusterCommand(['up'], d)).toBe(1);
    expect(d.out.text).toMatch(
      new RegExp(
        String.raw` ✗ Creating cluster "labs" \(\d+\.\d s\)\n   kind create cluster --name labs failed \(exit code 1\)\n` +
          '   ERROR: failed to create cluster',
      ),
    );
  });
});

describe('labs cluster down and status', () => {
  it('down deletes the cluster, and says so when there is none', async () => {
    const machine = new FakeMachine();
    machine.clusters = ['labs'];
    expect(await runClusterCommand(['down'], deps(machine))).toBe(0);
    expect(machine.clusters).toEqual([]);
    const d = deps(machine);
    expect(await runClusterCommand(['down'], d)).toBe(0);
    expect(d.out.text).toContain('Cluster "labs" does not exist; nothing to delete.');
  });

  it('status is all ✓ after up and exits 0', async () => {
    const machine = new FakeMachine();
    await runClusterCommand(['up', '--name', 'class1'], deps(machine));
    const d = deps(machine);
    expect(await runClusterCommand(['status', '--name', 'class1'], d)).toBe(0);
    expect(d.out.text).not.toContain('✗');
    expect(d.out.text).toContain('✓ Istio 1.30.0');
    expect(d.out.text).toContain('✓ Gateways are scoped to their namespace (PILOT_SCOPE_GATEWAY_TO_NAMESPACE=true)');
  });

  it('status says what is missing and exits 1', async () => {
    const machine = new FakeMachine();
    machine.clusters = ['labs'];
    const d = deps(machine);
    expect(await runClusterCommand(['status'], d)).toBe(1);
    expect(d.out.text).toContain(
      '✗ istio: istiod is not installed in istio-system; run "npx labs cluster up" to repair',
    );
    expect(d.out.text).toContain('✗ Sidecar injection not enabled in default');
    expect(d.out.text).toContain('Run "npx labs cluster up" to repair.');
  });

  it('status --context describes any cluster through its API alone, and exits 1 naming what is missing', async () => {
    const machine = new FakeMachine();
    const d = deps(machine);
    expect(await runClusterCommand(['status', '--context', 'workshop'], d)).toBe(1);
    expect(d.out.text).toContain(' ✓ Cluster (context workshop) answers\n');
    expect(d.out.text).toContain(' ✗ istio: istiod is not installed in istio-system; see docs/kube.md');
    expect(machine.commands).toEqual([]);
    machine.istio = '1.30.0';
    machine.scoped = true;
    const ready = deps(machine);
    expect(await runClusterCommand(['status', '--context', 'workshop'], ready)).toBe(0);
    expect(ready.out.text).toContain(' ✓ Learner namespaces: 0; learner toolboxes running: 0');
    const missing = deps(machine);
    expect(await runClusterCommand(['status', '--context', 'gone'], missing)).toBe(1);
    expect(missing.out.text).toBe(
      ' ✗ kubeconfig has no context "gone"\nThe kube backend refuses to start until every ✗ above is fixed (docs/kube.md).\n',
    );
  });

  it('rejects unknown commands, stray arguments and bad names with exit 2', async () => {
    for (const argv of [
      ['frob'],
      ['up', 'now'],
      ['up', '--name', 'Bad_Name'],
      ['up', '--nmae', 'x'],
      [],
      ['up', '--context', 'workshop'],
    ]) {
      const d = deps(new FakeMachine());
      expect(await runClusterCommand(argv, d), argv.join(' ')).toBe(2);
      expect(d.err.text).toMatch(/^labs cluster: /);
    }
  });
});
