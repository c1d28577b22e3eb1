/**
 * `labs cluster up|down|status [--name labs]`: creates, deletes and describes the kind cluster the kind
 * backend runs on. Progress is printed as kind prints it (one line per phase, ✓ or ✗); problems end the
 * command with a non-zero status and a message, never a stack trace.
 */
import { parseArgs } from 'node:util';
import { DEFAULT_CLUSTER_NAME, INGRESS_HTTP, ISTIO_VERSION } from './pins.ts';
import { PhaseError, PhasePrinter } from './phases.ts';
import { findPreflightProblems, type Prerequisite } from './preflight.ts';
import { systemTools, type ClusterTools } from './runner.ts';
import {
  clusterExists,
  ensureCluster,
  ensureInjection,
  ensureIstio,
  ensureToolboxObjects,
  injectionEnabled,
  istioState,
  nodeReady,
  toolboxObjectsPresent,
  toolboxPodCount,
  waitForIngress,
  waitForIstio,
  type ClusterTarget,
} from './clusterSteps.ts';

/** Usage of `labs cluster`. */
export const CLUSTER_HELP = `Usage: labs cluster up|down|status [--name NAME]

Creates (up), deletes (down) or describes (status) the kind cluster with Istio ${ISTIO_VERSION}
that the kind backend uses. Needs Docker, kind >= 0.30, kubectl >= 1.33 and istioctl ${ISTIO_VERSION.replace(/\.\d+$/, '.x')}.

  up       create the cluster from kind/cluster.yaml (host 127.0.0.1:${INGRESS_HTTP.hostPort} -> ingress), install
           Istio (demo profile, kind/istio-overlay.yaml), enable injection in default, install the
           learners' toolbox objects, wait until ready. Safe to run again: it repairs, never duplicates.
  down     delete the cluster
  status   say what is there and what is not (exit 0 when everything is)

Flags:
  --name NAME   cluster name (default: ${DEFAULT_CLUSTER_NAME}; kubectl context kind-NAME)
  -h, --help    show this help
`;

/** What the command needs; tests pass fakes. */
export interface ClusterCommandDeps {
  tools: ClusterTools;
  preflight: (only: Prerequisite[]) => Promise<string[]>;
  out: NodeJS.WritableStream & { isTTY?: boolean };
  err: NodeJS.WritableStream;
  /** Waits between ingress probes (tests shorten them). */
  ingressDelayMs?: number;
}

const defaultDeps = (): ClusterCommandDeps => ({
  tools: systemTools,
  preflight: (only) => findPreflightProblems({ only }),
  out: process.stdout,
  err: process.stderr,
});

async function up(t: ClusterTarget, deps: ClusterCommandDeps): Promise<number> {
  const started = performance.now();
  const p = new PhasePrinter(deps.out);
  deps.out.write(`Bringing up kind cluster "${t.name}" with Istio ${ISTIO_VERSION} ...\n`);
  await p.phase('Checking prerequisites (docker, kind, kubectl, istioctl)', async () => {
    const problems = await deps.preflight(['docker', 'kind', 'kubectl', 'istioctl']);
    if (problems.length)
      throw new PhaseError(
        `${problems.length} prerequisite${problems.length > 1 ? 's are' : ' is'} missing or unusable:`,
        problems,
      );
    return 'Prerequisites: docker, kind, kubectl, istioctl';
  });
  await p.phase(`Creating cluster "${t.name}"`, () => ensureCluster(t));
  await p.phase(`Installing Istio ${ISTIO_VERSION}`, () => ensureIstio(t));
  await p.phase('Enabling sidecar injection in default', () => ensureInjection(t));
  await p.phase('Installing the lab toolbox objects', () => ensureToolboxObjects(t));
  await p.phase('Waiting for Istio to be ready', () => waitForIstio(t));
  await p.phase('Checking the ingress from this host', () =>
    waitForIngress(t, { ...(deps.ingressDelayMs !== undefined ? { delayMs: deps.ingressDelayMs } : {}) }),
  );
  const seconds = Math.round((performance.now() - started) / 1000);
  p.line(`Cluster "${t.name}" is ready (${seconds} s). Next: npx labs serve --backend kind`);
  return 0;
}

async function down(t: ClusterTarget, deps: ClusterCommandDeps): Promise<number> {
  const p = new PhasePrinter(deps.out);
  await p.phase('Checking prerequisites (docker, kind)', async () => {
    const problems = await deps.preflight(['docker', 'kind']);
    if (problems.length) throw new PhaseError('prerequisites missing or unusable:', problems);
    return 'Prerequisites: docker, kind';
  });
  if (!(await clusterExists(t))) {
    p.line(`Cluster "${t.name}" does not exist; nothing to delete.`);
    return 0;
  }
  await p.phase(`Deleting cluster "${t.name}"`, async () => {
    const out = await t.tools.run('kind', ['delete', 'cluster', '--name', t.name], { timeoutMs: 300_000 });
    if (out.code !== 0)
      throw new PhaseError(
        `kind delete cluster --name ${t.name} failed (exit code ${out.code})`,
        out.stderr.trim().split('\n').slice(-5),
      );
    return `Deleted cluster "${t.name}"`;
  });
  return 0;
}

async function status(t: ClusterTarget, deps: ClusterCommandDeps): Promise<number> {
  const lines: [boolean, string][] = [];
  const problems = await deps.preflight(['docker', 'kind', 'kubectl', 'istioctl']);
  lines.push([
    problems.length === 0,
    problems.length === 0
      ? 'Prerequisites: docker, kind, kubectl, istioctl'
      : `Prerequisites: ${problems.length} missing or unusable`,
  ]);
  for (const problem of problems) lines.push([false, `  ${problem}`]);
  const canAsk = !problems.some((l) => /^(docker|kind|kubectl):/.test(l));
  const exists = canAsk && (await clusterExists(t).catch(() => false));
  lines.push([
    exists,
    exists
      ? `Cluster "${t.name}" exists (context kind-${t.name})`
      : `Cluster "${t.name}": not there (npx labs cluster up creates it)`,
  ]);
  if (exists) {
    const ready = await nodeReady(t);
    lines.push([ready, ready ? 'Node is Ready' : 'Node is not Ready']);
    const istio = await istioState(t);
    const istioOk = istio.version === ISTIO_VERSION;
    lines.push([
      istioOk,
      istio.version ? `Istio ${istio.version}${istioOk ? '' : ` (expected ${ISTIO_VERSION})`}` : 'Istio: not installed',
    ]);
    const portOk = istio.httpNodePort === INGRESS_HTTP.nodePort;
    lines.push([
      portOk,
      portOk
        ? `Ingress gateway http2 on node port ${INGRESS_HTTP.nodePort}`
        : `Ingress gateway http2 node port: ${istio.httpNodePort ?? 'none'} (expected ${INGRESS_HTTP.nodePort})`,
    ]);
    const injection = await injectionEnabled(t);
    lines.push([
      injection,
      injection ? 'Sidecar injection enabled in default' : 'Sidecar injection not enabled in default',
    ]);
    const toolbox = await toolboxObjectsPresent(t);
    lines.push([toolbox, toolbox ? 'Lab toolbox objects installed' : 'Lab toolbox objects missing']);
    const ingress = await t.tools.ingressGet('http://ingress/');
    lines.push([
      ingress.status > 0,
      ingress.status > 0
        ? `Ingress answers at http://127.0.0.1:${INGRESS_HTTP.hostPort} (HTTP ${ingress.status})`
        : `Ingress does not answer at http://127.0.0.1:${INGRESS_HTTP.hostPort} (${ingress.error?.message ?? 'no answer'})`,
    ]);
    lines.push([true, `Learner toolboxes running: ${await toolboxPodCount(t)}`]);
  }
  for (const [ok, text] of lines)
    deps.out.write(text.startsWith('  ') ? `   ${text.trim()}\n` : ` ${ok ? '✓' : '✗'} ${text}\n`);
  const allOk = lines.every(([ok]) => ok);
  if (!allOk) deps.out.write(exists ? 'Run "npx labs cluster up" to repair.\n' : '');
  return allOk ? 0 : 1;
}

/** Runs `labs cluster <argv>`; resolves with the exit status. */
export async function runClusterCommand(argv: string[], deps: ClusterCommandDeps = defaultDeps()): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: { name: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    deps.err.write(`labs cluster: ${(error as Error).message.split('. ')[0]}\nRun "labs cluster --help" for usage.\n`);
    return 2;
  }
  if (parsed.values.help) {
    deps.out.write(CLUSTER_HELP);
    return 0;
  }
  const [command, ...extra] = parsed.positionals;
  if (!command || extra.length > 0 || !['up', 'down', 'status'].includes(command)) {
    deps.err.write(
      `labs cluster: ${command ? (extra.length ? `unexpected argument "${extra[0]}"` : `unknown command "${command}"`) : 'missing command'}; expected up, down or status\nRun "labs cluster --help" for usage.\n`,
    );
    return 2;
  }
  const name = parsed.values.name ?? DEFAULT_CLUSTER_NAME;
  if (!/^[a-z0-9]([-a-z0-9]{0,48}[a-z0-9])?$/.test(name)) {
    deps.err.write(`labs cluster: invalid --name "${name}": use lowercase letters, digits and dashes (a DNS label)\n`);
    return 2;
  }
  const target: ClusterTarget = { name, tools: deps.tools };
  try {
    if (command === 'up') return await up(target, deps);
    if (command === 'down') return await down(target, deps);
    return await status(target, deps);
  } catch (error) {
    if (error instanceof PhaseError) return 1;
    deps.err.write(`labs cluster ${command}: ${error instanceof Error ? error.message : String(error)}\n`);
    return 1;
  }
}
