/** Runs kubectl in a just-bash shell over a cluster, with recorded `kubectl exec` calls, for tests. */
import { Bash } from 'just-bash';
import { createSimCluster } from '../../../../cluster/index.ts';
import { seededRandom, VirtualClock } from '../../../../mesh/testing/fakeCluster.ts';
import type { PodEndpoint, PodExec, SimCluster, SimCommandHost } from '../../../../types.ts';
import { createKubectlCommand } from '../index.ts';
import { FakeSimCluster } from '../../../../cluster/testing/fakeSimCluster.ts';

/** One recorded `pods.exec` call. */
export interface ExecCall {
  target: PodEndpoint;
  argv: string[];
  stdin?: string;
}

/** A shell with kubectl, its cluster, clock and exec log. */
export interface KubectlShell<C extends SimCluster> {
  cluster: C;
  clock: VirtualClock;
  host: SimCommandHost & { cluster: C };
  execCalls: ExecCall[];
  streamed: string[];
  run(
    command: string,
    options?: { signal?: AbortSignal },
  ): Promise<{ stdout: string; stderr: string; exitCode: number }>;
}

/** Options of a shell. */
export interface ShellOptions {
  files?: Record<string, string>;
  samples?: Map<string, string>;
  /** Streams output like an attached terminal does (`logs -f`). */
  interactive?: boolean;
  exec?: PodExec['exec'];
}

function build<C extends SimCluster>(cluster: C, clock: VirtualClock, options: ShellOptions): KubectlShell<C> {
  const execCalls: ExecCall[] = [];
  const streamed: string[] = [];
  const exec: PodExec['exec'] =
    options.exec ??
    (async (target, argv) => ({
      stdout: `ran ${argv.join(' ')} in ${target.pod}/${target.container}\n`,
      stderr: '',
      exitCode: 0,
    }));
  const host = {
    cluster,
    network: {
      request: async () => {
        throw new Error('no network in kubectl tests');
      },
      connect: async () => {
        throw new Error('no network in kubectl tests');
      },
      capture: () => () => undefined,
    },
    pods: {
      exec: (
        t: PodEndpoint,
        a: string[],
        o: { stdin?: string; signal?: AbortSignal; stream?: (text: string) => void },
      ) => {
        execCalls.push({ target: t, argv: a, ...(o.stdin !== undefined ? { stdin: o.stdin } : {}) });
        return exec(t, a, o);
      },
    },
    clock,
    random: seededRandom(7),
    ...(options.interactive ? { stream: (text: string) => void streamed.push(text) } : {}),
    samples: options.samples ?? new Map(),
  };
  const bash = new Bash({
    customCommands: [createKubectlCommand(host)],
    files: Object.fromEntries(
      Object.entries(options.files ?? {}).map(([p, c]) => [p.startsWith('/') ? p : `/home/user/${p}`, c]),
    ),
    cwd: '/home/user',
  });
  return {
    cluster,
    clock,
    host,
    execCalls,
    streamed,
    run: async (command, o) => {
      const r = await bash.exec(command, o?.signal ? { signal: o.signal } : {});
      return { stdout: r.stdout, stderr: r.stderr, exitCode: r.exitCode };
    },
  };
}

/** A shell over the fake cluster (objects exactly as the test puts them). */
export function fakeShell(options: ShellOptions = {}): KubectlShell<FakeSimCluster> {
  const clock = new VirtualClock();
  return build(new FakeSimCluster(clock), clock, options);
}

/** A shell over the real simulated cluster (kind + Istio demo, controllers on a virtual clock). */
export async function simShell(options: ShellOptions = {}): Promise<KubectlShell<SimCluster>> {
  const clock = new VirtualClock();
  const cluster = createSimCluster({ clock, random: seededRandom(1) });
  await cluster.idle();
  return build(cluster, clock, options);
}
