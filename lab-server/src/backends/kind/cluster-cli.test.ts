import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import type { HttpResult } from '../../contract.ts';
import { runClusterCommand, type ClusterCommandDeps } from './cluster-cli.ts';
import type { ProgramOutput } from './preflight.ts';
import type { ClusterTools } from './runner.ts';

/** A pretend machine: kind clusters, an Istio install and a reachable ingress, changed by the commands run. */
class FakeMachine implements ClusterTools {
  clusters: string[] = [];
  istio: string | undefined;
  nodePort = 30080;
  injection = false;
  toolbox = false;
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
      this.nodePort = 30080;
      return ok();
    }
    if (program === 'kubectl') {
      const rest = args.slice(2).join(' ');
      if (rest.includes('get deployment istiod'))
        return this.istio
          ? ok(`docker.io/istio/pilot:${this.istio}`)
          : { code: 1, stdout: '', stderr: 'Error from server (NotFound): deployments.apps "istiod" not found\n' };
      if (rest.includes('get service istio-ingressgateway'))
        return this.istio ? ok(String(this.nodePort)) : { code: 1, stdout: '', stderr: 'not found' };
      if (rest.startsWith('label namespace default')) {
        this.injection = true;
        return ok('namespace/default labeled');
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

  async ingressGet(): Promise<HttpResult> {
    return this.clusters.length && this.istio
      ? { status: 404, headers: { server: 'istio-envoy' }, body: '', durationMs: 2 }
      : {
          status: 0,
          headers: {},
          body: '',
          durationMs: 1,
          error: {
            curlExitCode: 7,
            message: "Failed to connect to 127.0.0.1 port 8080 after 0 ms: Couldn't connect to server",
          },
        };
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
    out: new Sink(),
    err: new Sink(),
    ingressDelayMs: 1,
  };
}

describe('labs cluster up', () => {
  it('creates the cluster from kind/cluster.yaml, installs Istio with the overlay, enables injection, installs the toolbox objects, waits', async () => {
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
    expect(lines.filter((l) => l.startsWith(' ✓'))).toHaveLength(7);
    expect(lines.at(-1)).toMatch(/^Cluster "labs" is ready \(\d+ s\)\. Next: npx labs serve --backend kind$/);
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
  });

  it('repairs: reinstalls Istio when the ingress node port is wrong', async () => {
    const machine = new FakeMachine();
    machine.clusters = ['labs'];
    machine.istio = '1.30.0';
    machine.nodePort = 31234;
    expect(await runClusterCommand(['up'], deps(machine))).toBe(0);
    expect(machine.commands.filter((c) => c.startsWith('istioctl install'))).toHaveLength(1);
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
      / ✗ Creating cluster "labs" \(\d+\.\d s\)\n   kind create cluster --name labs failed \(exit code 1\)\n   ERROR: failed to create cluster/,
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
    expect(d.out.text).toContain('✓ Ingress answers at http://127.0.0.1:8080 (HTTP 404)');
  });

  it('status says what is missing and exits 1', async () => {
    const machine = new FakeMachine();
    machine.clusters = ['labs'];
    const d = deps(machine);
    expect(await runClusterCommand(['status'], d)).toBe(1);
    expect(d.out.text).toContain('✗ Istio: not installed');
    expect(d.out.text).toContain('✗ Sidecar injection not enabled in default');
    expect(d.out.text).toContain('Run "npx labs cluster up" to repair.');
  });

  it('rejects unknown commands, stray arguments and bad names with exit 2', async () => {
    for (const argv of [['frob'], ['up', 'now'], ['up', '--name', 'Bad_Name'], ['up', '--nmae', 'x'], []]) {
      const d = deps(new FakeMachine());
      expect(await runClusterCommand(argv, d), argv.join(' ')).toBe(2);
      expect(d.err.text).toMatch(/^labs cluster: /);
    }
  });
});
