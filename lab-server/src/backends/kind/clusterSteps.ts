/**
 * The steps `labs cluster up` takes and `labs cluster status` inspects, as small functions over the
 * cluster tools; each is idempotent (a second `up` finds things in place and repairs what is not).
 */
import { stringify } from 'yaml';
import type { K8sObject } from '../../contract.ts';
import { containerEnv, istiodVersion, SCOPE_SETTING } from './clusterChecks.ts';
import {
  GATEWAY_API_VERSION,
  gatewayApiInstallUrl,
  ISTIO_SYSTEM_NODE_PORTS,
  ISTIO_VERSION,
  NODE_IMAGE,
  TOOLBOX_NAMESPACE,
} from './pins.ts';
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

/** What `up` checks of an Istio install: istiod's version and scope setting, istio-system's gateway node port. */
export interface IstioState {
  version?: string;
  /** istiod runs with PILOT_SCOPE_GATEWAY_TO_NAMESPACE=true. */
  scoped: boolean;
  httpNodePort?: number;
}

/** istiod's image tag and scope setting and the istio-system gateway's http2 node port, as the cluster has them. */
export async function istioState(t: ClusterTarget): Promise<IstioState> {
  const istiod = await kubectl(t, ['-n', 'istio-system', 'get', 'deployment', 'istiod', '-o', 'json']);
  const port = await kubectl(t, [
    '-n',
    'istio-system',
    'get',
    'service',
    'istio-ingressgateway',
    '-o',
    'jsonpath={.spec.ports[?(@.name=="http2")].nodePort}',
  ]);
  let deployment: K8sObject | undefined;
  try {
    deployment = istiod.code === 0 ? (JSON.parse(istiod.stdout) as K8sObject) : undefined;
  } catch {
    deployment = undefined;
  }
  const version = deployment ? istiodVersion(deployment) : undefined;
  const env = deployment ? containerEnv(deployment, SCOPE_SETTING) : undefined;
  const httpNodePort = port.code === 0 && /^\d+$/.test(port.stdout.trim()) ? Number(port.stdout.trim()) : undefined;
  return {
    ...(version ? { version } : {}),
    scoped: env?.toLowerCase() === 'true',
    ...(httpNodePort ? { httpNodePort } : {}),
  };
}

/** Installs Istio with the demo profile and the labs' overlay, unless it is in place as the overlay sets it. */
export async function ensureIstio(t: ClusterTarget): Promise<string> {
  const before = await istioState(t);
  if (before.version === ISTIO_VERSION && before.scoped && before.httpNodePort === ISTIO_SYSTEM_NODE_PORTS.http)
    return `Istio ${ISTIO_VERSION} is installed (demo profile, gateways scoped to their namespace)`;
  const out = await t.tools.run(
    'istioctl',
    ['install', '--context', context(t), '-f', repoPath('kind/istio-overlay.yaml'), '-y'],
    { timeoutMs: 900_000 },
  );
  if (out.code !== 0) fail('istioctl install failed', out);
  const replacing = before.version ? `, replacing ${before.version}` : '';
  return `Installed Istio ${ISTIO_VERSION} (demo profile, gateways scoped to their namespace)${replacing}`;
}

/**
 * Installs the Kubernetes Gateway API CRDs (standard channel), unless they are there: a chapter followed in the
 * Gateway API needs them, and on a shared cluster a learner may not install CRDs. istiod finds them whenever they come.
 */
export async function ensureGatewayApiCrds(t: ClusterTarget): Promise<string> {
  const found = await kubectl(t, ['get', 'crd', 'gateways.gateway.networking.k8s.io', '-o', 'name']);
  if (found.code === 0 && found.stdout.trim() !== '') return 'The Gateway API CRDs are installed';
  const out = await kubectl(t, ['apply', '--server-side', '-f', gatewayApiInstallUrl(GATEWAY_API_VERSION)]);
  if (out.code !== 0) fail(`installing the Gateway API CRDs ${GATEWAY_API_VERSION} failed`, out);
  return `Installed the Gateway API CRDs ${GATEWAY_API_VERSION} (standard channel)`;
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
