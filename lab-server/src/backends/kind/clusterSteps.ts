/**
 * The steps `labs cluster up` takes and `labs cluster status` inspects, as small functions over the
 * cluster tools; each is idempotent (a second `up` finds things in place and repairs what is not).
 */
import { stringify } from 'yaml';
import { ISTIO_VERSION, TOOLBOX_NAMESPACE, INGRESS_HTTP, NODE_IMAGE } from './pins.ts';
import { PhaseError } from './phases.ts';
import type { ClusterTools } from './runner.ts';
import { repoPath } from './repoPaths.ts';
import { sharedObjects } from './sharedObjects.ts';
import { SAMPLES_CONFIGMAP, SHELL_CONFIGMAP } from './toolbox.ts';

/** Which cluster the steps act on. */
export interface ClusterTarget {
  name: string;
  tools: ClusterTools;
}

function context(t: ClusterTarget): string {
  return `kind-${t.name}`;
}

function fail(what: string, out: { code: number; stdout: string; stderr: string }): never {
  const lines = (out.stderr || out.stdout).trim().split('\n').filter(Boolean).slice(-8);
  throw new PhaseError(`${what} (exit code ${out.code})`, lines);
}

async function kubectl(t: ClusterTarget, args: string[], stdin?: string) {
  return t.tools.run('kubectl', ['--context', context(t), ...args], {
    timeoutMs: 330_000,
    ...(stdin !== undefined ? { stdin } : {}),
  });
}

/** True when kind knows a cluster of this name. */
export async function clusterExists(t: ClusterTarget): Promise<boolean> {
  const out = await t.tools.run('kind', ['get', 'clusters']);
  if (out.code !== 0) fail('kind get clusters failed', out);
  return out.stdout
    .split('\n')
    .map((l) => l.trim())
    .includes(t.name);
}

/** Creates the cluster from kind/cluster.yaml, or re-exports the kubeconfig of the existing one. */
export async function ensureCluster(t: ClusterTarget): Promise<string> {
  if (await clusterExists(t)) {
    const out = await t.tools.run('kind', ['export', 'kubeconfig', '--name', t.name]);
    if (out.code !== 0) fail(`kind export kubeconfig --name ${t.name} failed`, out);
    return `Cluster "${t.name}" exists (context ${context(t)})`;
  }
  const out = await t.tools.run(
    'kind',
    ['create', 'cluster', '--name', t.name, '--config', repoPath('kind/cluster.yaml'), '--wait', '180s'],
    { timeoutMs: 900_000 },
  );
  if (out.code !== 0) fail(`kind create cluster --name ${t.name} failed`, out);
  return `Created cluster "${t.name}" (${NODE_IMAGE}, context ${context(t)})`;
}

/** The istiod image tag and the ingress gateway's http2 node port, or undefined when absent. */
export async function istioState(t: ClusterTarget): Promise<{ version?: string; httpNodePort?: number }> {
  const image = await kubectl(t, [
    '-n',
    'istio-system',
    'get',
    'deployment',
    'istiod',
    '-o',
    'jsonpath={.spec.template.spec.containers[0].image}',
  ]);
  const port = await kubectl(t, [
    '-n',
    'istio-system',
    'get',
    'service',
    'istio-ingressgateway',
    '-o',
    'jsonpath={.spec.ports[?(@.name=="http2")].nodePort}',
  ]);
  const version = image.code === 0 ? /:([^:@]+)(@.*)?$/.exec(image.stdout.trim())?.[1] : undefined;
  const httpNodePort = port.code === 0 && /^\d+$/.test(port.stdout.trim()) ? Number(port.stdout.trim()) : undefined;
  return { ...(version ? { version } : {}), ...(httpNodePort ? { httpNodePort } : {}) };
}

/** Installs Istio with the demo profile and the node-port overlay, unless the right version is in place. */
export async function ensureIstio(t: ClusterTarget): Promise<string> {
  const before = await istioState(t);
  if (before.version === ISTIO_VERSION && before.httpNodePort === INGRESS_HTTP.nodePort)
    return `Istio ${ISTIO_VERSION} is installed (demo profile, ingress node port ${INGRESS_HTTP.nodePort})`;
  const out = await t.tools.run(
    'istioctl',
    ['install', '--context', context(t), '-f', repoPath('kind/istio-overlay.yaml'), '-y'],
    { timeoutMs: 900_000 },
  );
  if (out.code !== 0) fail('istioctl install failed', out);
  return `Installed Istio ${ISTIO_VERSION} (demo profile, ingress node ports 30080/30443)${before.version ? `, replacing ${before.version}` : ''}`;
}

/** Labels the default namespace for sidecar injection. */
export async function ensureInjection(t: ClusterTarget): Promise<string> {
  const out = await kubectl(t, ['label', 'namespace', 'default', 'istio-injection=enabled', '--overwrite']);
  if (out.code !== 0) fail('kubectl label namespace default failed', out);
  return 'Sidecar injection enabled in namespace default';
}

/** Applies the toolbox namespace, the samples and the shell rc files (server-side, as the backend does). */
export async function ensureToolboxObjects(t: ClusterTarget): Promise<string> {
  const objects = sharedObjects();
  const yaml = objects.map((o) => stringify(o)).join('---\n');
  const out = await kubectl(t, ['apply', '--server-side', '--field-manager', 'istio-traffic-labs', '-f', '-'], yaml);
  if (out.code !== 0) fail('kubectl apply of the toolbox objects failed', out);
  const samplesMap = objects.find((o) => o.kind === 'ConfigMap' && o.metadata.name === SAMPLES_CONFIGMAP);
  const samples = Object.keys((samplesMap?.data ?? {}) as Record<string, string>).length;
  return `Lab toolbox ready in namespace ${TOOLBOX_NAMESPACE} (${samples} sample files, shell integration)`;
}

/** Waits for Istio's deployments to roll out. */
export async function waitForIstio(t: ClusterTarget): Promise<string> {
  for (const deployment of ['istiod', 'istio-ingressgateway', 'istio-egressgateway']) {
    const out = await kubectl(t, [
      '-n',
      'istio-system',
      'rollout',
      'status',
      `deployment/${deployment}`,
      '--timeout=300s',
    ]);
    if (out.code !== 0) fail(`${deployment} did not become ready`, out);
  }
  return 'Istio is ready (istiod, ingress and egress gateways)';
}

/** Waits until the ingress gateway answers through the host's port mapping (any HTTP status will do). */
export async function waitForIngress(
  t: ClusterTarget,
  options: { attempts?: number; delayMs?: number } = {},
): Promise<string> {
  let last = '';
  for (let i = 0; i < (options.attempts ?? 30); i++) {
    const r = await t.tools.ingressGet('http://ingress/');
    if (r.status > 0) return `Ingress gateway answers at http://127.0.0.1:${INGRESS_HTTP.hostPort} (HTTP ${r.status})`;
    last = r.error?.message ?? 'no answer';
    await new Promise((res) => setTimeout(res, options.delayMs ?? 2000));
  }
  throw new PhaseError(`the ingress gateway does not answer at http://127.0.0.1:${INGRESS_HTTP.hostPort}`, [
    last,
    'is another process using port 8080, or was the cluster created without kind/cluster.yaml? "npx labs cluster down" then "up" recreates it',
  ]);
}

/** Whether the shared toolbox objects are there. */
export async function toolboxObjectsPresent(t: ClusterTarget): Promise<boolean> {
  const out = await kubectl(t, [
    '-n',
    TOOLBOX_NAMESPACE,
    'get',
    'configmap',
    SAMPLES_CONFIGMAP,
    SHELL_CONFIGMAP,
    '-o',
    'name',
  ]);
  return out.code === 0 && out.stdout.trim().split('\n').length === 2;
}

/** The learners' toolbox pods now running. */
export async function toolboxPodCount(t: ClusterTarget): Promise<number> {
  const out = await kubectl(t, ['-n', TOOLBOX_NAMESPACE, 'get', 'pods', '-l', 'app=labs-toolbox', '-o', 'name']);
  return out.code === 0 ? out.stdout.trim().split('\n').filter(Boolean).length : 0;
}

/** Whether the default namespace has injection on. */
export async function injectionEnabled(t: ClusterTarget): Promise<boolean> {
  const out = await kubectl(t, ['get', 'namespace', 'default', '-o', 'jsonpath={.metadata.labels.istio-injection}']);
  return out.code === 0 && out.stdout.trim() === 'enabled';
}

/** Whether the node reports Ready. */
export async function nodeReady(t: ClusterTarget): Promise<boolean> {
  const out = await kubectl(t, [
    'get',
    'nodes',
    '-o',
    'jsonpath={.items[*].status.conditions[?(@.type=="Ready")].status}',
  ]);
  return (
    out.code === 0 &&
    out.stdout
      .trim()
      .split(/\s+/)
      .every((s) => s === 'True') &&
    out.stdout.trim() !== ''
  );
}
