/**
 * `labs cluster up|down|status [--name labs] [--context NAME]`: creates, deletes and describes the kind cluster the
 * kind backend runs on; `status --context NAME` describes any cluster (the kube backend's) through its API. Progress
 * is printed as kind prints it (one line per phase, ✓ or ✗); problems end the command with a non-zero status and a
 * message, never a stack trace.
 */
import { parseArgs } from 'node:util';
import { inspectCluster, type ClusterCheck } from './clusterChecks.ts';
import {
  clusterExists,
  ensureCluster,
  ensureGatewayApiCrds,
  ensureInjection,
  ensureIstio,
  ensureToolboxObjects,
  injectionEnabled,
  nodeReady,
  toolboxObjectsPresent,
  toolboxPodCount,
  waitForIstio,
  type ClusterTarget,
} from './clusterSteps.ts';
import { connect } from './index.ts';
import type { KubeApi } from './kubeApi.ts';
import { DEFAULT_CLUSTER_NAME, GATEWAY_API_VERSION, ISTIO_VERSION, TOOLBOX_NAMESPACE } from './pins.ts';
import { PhaseError, PhasePrinter } from './phases.ts';
import { findPreflightProblems, type Prerequisite } from './preflight.ts';
import { systemTools, type ClusterTools } from './runner.ts';
import { LEARNER_NAMESPACE_LABEL } from './capacity.ts';

/** Usage of `labs cluster`. */
export const CLUSTER_HELP = `Usage: labs cluster up|down|status [--name NAME]
       labs cluster status --context NAME

Creates (up), deletes (down) or describes (status) the kind cluster with Istio ${ISTIO_VERSION}
that the kind backend uses. Needs Docker, kind >= 0.30, kubectl >= 1.33 and istioctl ${ISTIO_VERSION.replace(/\.\d+$/, '.x')}.
With --context, status describes any cluster of your kubeconfig (the kube backend's; docs/kube.md).

  up       create the cluster from kind/cluster.yaml, install Istio (demo profile, gateways scoped to
           their namespace: kind/istio-overlay.yaml), enable injection in default, install the
           learners' toolbox objects, wait until ready, then check the cluster as the lab server
           sees it. Safe to run again: it repairs, never duplicates.
  down     delete the cluster
  status   say what is there and what is not (exit 0 when everything is)

Flags:
  --name NAME      kind cluster name (default: ${DEFAULT_CLUSTER_NAME}; kubectl context kind-NAME)
  --context NAME   (status) any kubeconfig context: Istio and its settings, node ports, the lab
                   server's permissions, room for learners, learners' namespaces
  -h, --help       show this help
`;

/** What the command needs; tests pass fakes. */
export interface ClusterCommandDeps {
  tools: ClusterTools;
  preflight: (only: Prerequisite[]) => Promise<string[]>;
  /** The API of a kubeconfig context (throws one line when the context is missing). */
  api: (context: string) => KubeApi;
  out: NodeJS.WritableStream & { isTTY?: boolean };
  err: NodeJS.WritableStream;
}

const defaultDeps = (): ClusterCommandDeps => ({
  tools: systemTools,
  preflight: (only) => findPreflightProblems({ only }),
  api: (context) => connect({ context }).api,
  out: process.stdout,
  err: process.stderr,
});

const KIND_ISTIO_FIX = 'run "npx labs cluster up" to repair';

/** The cluster as the lab server sees it, through its API (for a class: the strictest). */
function apiChecks(deps: ClusterCommandDeps, context: string, istioFix: string): Promise<ClusterCheck[]> {
  let api: KubeApi;
  try {
    api = deps.api(context);
  } catch (error) {
    return Promise.resolve([{ ok: false, line: error instanceof Error ? error.message : String(error) }]);
  }
  return inspectCluster(api, { context, classroom: true, istioFix });
}

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
  await p.phase(`Installing the Gateway API CRDs ${GATEWAY_API_VERSION}`, () => ensureGatewayApiCrds(t));
  await p.phase('Enabling sidecar injection in default', () => ensureInjection(t));
  await p.phase('Installing the lab toolbox objects', () => ensureToolboxObjects(t));
  await p.phase('Waiting for Istio to be ready', () => waitForIstio(t));
  await p.phase('Checking the cluster as the lab server sees it', async () => {
    const checks = await apiChecks(deps, `kind-${t.name}`, KIND_ISTIO_FIX);
    const failed = checks.filter((c) => !c.ok).map((c) => c.line);
    if (failed.length > 0)
      throw new PhaseError(`${failed.length} check${failed.length > 1 ? 's' : ''} failed:`, failed);
    return checks.at(-1)?.line ?? 'The cluster is ready for the labs';
  });
  const seconds = Math.round((performance.now() - started) / 1000);
  p.line(
    `Cluster "${t.name}" is ready (${seconds} s). Next: npx labs serve --backend kind (add --classroom for a class)`,
  );
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

function printLines(deps: ClusterCommandDeps, lines: [boolean, string][]): boolean {
  for (const [ok, text] of lines)
    deps.out.write(text.startsWith('  ') ? `   ${text.trim()}\n` : ` ${ok ? '✓' : '✗'} ${text}\n`);
  return lines.every(([ok]) => ok);
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
    for (const c of await apiChecks(deps, `kind-${t.name}`, KIND_ISTIO_FIX))
      if (!/^Cluster \(/.test(c.line)) lines.push([c.ok, c.line]);
    const injection = await injectionEnabled(t);
    lines.push([
      injection,
      injection ? 'Sidecar injection enabled in default' : 'Sidecar injection not enabled in default',
    ]);
    const toolbox = await toolboxObjectsPresent(t);
    lines.push([toolbox, toolbox ? 'Lab toolbox objects installed' : 'Lab toolbox objects missing']);
    lines.push([true, `Learner toolboxes running: ${await toolboxPodCount(t)}`]);
  }
  const allOk = printLines(deps, lines);
  if (!allOk) deps.out.write(exists ? 'Run "npx labs cluster up" to repair.\n' : '');
  return allOk ? 0 : 1;
}

/** `status --context NAME`: any cluster, through its API only (nothing on this host is needed). */
async function contextStatus(context: string, deps: ClusterCommandDeps): Promise<number> {
  const fix = 'see docs/kube.md ("What to install")';
  const checks = await apiChecks(deps, context, fix);
  const lines: [boolean, string][] = checks.map((c) => [c.ok, c.line]);
  if (checks.every((c) => c.ok)) {
    const api = deps.api(context);
    const [configMap, namespace, pod] = await Promise.all(
      ['ConfigMap', 'Namespace', 'Pod'].map((k) => api.resolveKind(k)),
    );
    const shared = configMap ? await api.list(configMap, TOOLBOX_NAMESPACE) : [];
    const toolbox = shared.some((c) => c.metadata.name === 'labs-samples');
    lines.push([
      true,
      toolbox
        ? 'Lab toolbox objects installed'
        : 'Lab toolbox objects: not yet (the lab server installs them when it starts)',
    ]);
    const learners = namespace ? await api.list(namespace, undefined, `${LEARNER_NAMESPACE_LABEL}=true`) : [];
    const toolboxes = pod ? await api.list(pod, TOOLBOX_NAMESPACE, 'app=labs-toolbox') : [];
    lines.push([
      true,
      `Learner namespaces: ${learners.length}; learner toolboxes running: ${toolboxes.length} ` +
        `("npx labs class cleanup --context ${context}" removes them)`,
    ]);
  }
  const allOk = printLines(deps, lines);
  if (!allOk) deps.out.write('The kube backend refuses to start until every ✗ above is fixed (docs/kube.md).\n');
  return allOk ? 0 : 1;
}

function parseClusterArgs(argv: string[]) {
  return parseArgs({
    args: argv,
    options: { name: { type: 'string' }, context: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    allowPositionals: true,
    strict: true,
  });
}

/** Runs `labs cluster <argv>`; resolves with the exit status. */
export async function runClusterCommand(argv: string[], deps: ClusterCommandDeps = defaultDeps()): Promise<number> {
  let parsed: ReturnType<typeof parseClusterArgs>;
  try {
    parsed = parseClusterArgs(argv);
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
    const what = command
      ? extra.length
        ? `unexpected argument "${extra[0]}"`
        : `unknown command "${command}"`
      : 'missing command';
    deps.err.write(`labs cluster: ${what}; expected up, down or status\nRun "labs cluster --help" for usage.\n`);
    return 2;
  }
  const context = parsed.values.context;
  if (context !== undefined) {
    if (command !== 'status' || parsed.values.name !== undefined) {
      deps.err.write(
        'labs cluster: --context is for "status" only: up and down manage kind clusters; for a cluster of your own, ' +
          `install what docs/kube.md lists, then run "labs cluster status --context ${context}"\n`,
      );
      return 2;
    }
    if (!context.startsWith('kind-')) {
      try {
        return await contextStatus(context, deps);
      } catch (error) {
        deps.err.write(`labs cluster status: ${error instanceof Error ? error.message : String(error)}\n`);
        return 1;
      }
    }
  }
  const name = context?.slice('kind-'.length) ?? parsed.values.name ?? DEFAULT_CLUSTER_NAME;
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
