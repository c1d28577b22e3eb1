/**
 * A whole simulator for command tests: the simulated cluster (kind + Istio 1.30 demo), the mesh, pod sandboxes,
 * and a just-bash shell with kubectl and istioctl, on a virtual clock. Samples come from `content/samples`.
 */
import { Bash, InMemoryFs } from 'just-bash';
import { readFileSync } from 'node:fs';
import { SimulationClock } from '../../clock.ts';
import { createSimCluster } from '../../cluster/index.ts';
import { createSimNetwork } from '../../mesh/index.ts';
import { SimPodExec } from '../../pods/podExec.ts';
import { createRandom } from '../../random.ts';
import type { SimCluster, SimCommandHost } from '../../types.ts';
import { createIstioctlCommand } from '../commands/istioctl/index.ts';
import { createKubectlCommand } from '../commands/kubectl/index.ts';

const SAMPLES = new URL('../../../../../../content/samples/', import.meta.url);

/** A sample manifest's text (`bookinfo/platform/kube/bookinfo.yaml`). */
export const sample = (path: string) => readFileSync(new URL(path, SAMPLES), 'utf8');

/** The world: cluster, pods, clock, and `run(line)` in a shell whose home holds `samples/`. */
export interface SimWorld {
  cluster: SimCluster;
  host: SimCommandHost & { cluster: SimCluster };
  pods: SimPodExec;
  clock: SimulationClock;
  run(line: string): Promise<{ stdout: string; stderr: string; exitCode: number }>;
  /** Lets controllers start what was applied (pods running), on the virtual clock. */
  settle(): Promise<void>;
}

/** A fresh world seeded with `seed`. */
export async function simWorld(seed = 9): Promise<SimWorld> {
  const clock = new SimulationClock('virtual', Date.UTC(2026, 10, 24, 10, 0, 0));
  const random = createRandom(seed);
  const cluster = createSimCluster({ clock, random });
  const network = createSimNetwork({ cluster, clock, random });
  const host: SimCommandHost & { cluster: SimCluster } = {
    cluster,
    network,
    clock,
    random,
    samples: new Map(),
    pods: undefined as never,
  };
  const pods = new SimPodExec(() => host);
  host.pods = pods;
  const files: Record<string, string> = {};
  for (const path of [
    'bookinfo/platform/kube/bookinfo.yaml',
    'bookinfo/networking/destination-rule-all.yaml',
    'bookinfo/networking/bookinfo-gateway.yaml',
    'bookinfo/networking/virtual-service-all-v1.yaml',
    'bookinfo/networking/virtual-service-reviews-50-v3.yaml',
    'bookinfo/networking/virtual-service-reviews-test-v2.yaml',
    'bookinfo/networking/virtual-service-ratings-test-delay.yaml',
    'sleep/sleep.yaml',
    'tcp-echo/tcp-echo.yaml',
    'tcp-echo/tcp-echo-services.yaml',
    'tcp-echo/tcp-echo-all-v1.yaml',
    'httpbin/httpbin.yaml',
  ])
    files[`/root/samples/${path}`] = sample(path);
  const bash = new Bash({
    fs: new InMemoryFs(files),
    cwd: '/root',
    customCommands: [createKubectlCommand(host), createIstioctlCommand(host)],
    sleep: (ms) => clock.sleep(ms),
  });
  await cluster.idle();
  const settle = async () => {
    await clock.sleep(30_000);
    await cluster.idle();
  };
  return {
    cluster,
    host,
    pods,
    clock,
    settle,
    async run(line) {
      const r = await bash.exec(line, { rawScript: true });
      return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode };
    },
  };
}

/** The name of the first pod with `selector` in `namespace`. */
export function podName(world: SimWorld, selector: string, namespace = 'default'): string {
  const pod = world.cluster.list('Pod', namespace, selector)[0];
  if (!pod) throw new Error(`no pod ${selector} in ${namespace}`);
  return pod.metadata.name;
}
