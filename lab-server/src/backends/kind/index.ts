/**
 * The kind backend: the labs on a real kind cluster with Istio 1.30, created by `labs cluster up`.
 * `createKindBackend` checks the prerequisites and the cluster first, then returns a `LabBackend` whose
 * environments run terminals in per-learner toolbox pods (see environment.ts). The kube backend
 * (backends/kube/) is the same code on any cluster: `kindBackendFromParts` serves both.
 */
import type { BackendCapacity, EnvironmentSpec, LabBackend, LabEnvironment } from '../../contract.ts';
import { describeCapacity, measureCapacity } from './capacity.ts';
import { ClientKubeApi, loadKubeConfig } from './clientKubeApi.ts';
import { findClusterProblems } from './clusterChecks.ts';
import { KindEnvironment } from './environment.ts';
import type { IngressGatewayOptions } from './ingressGateway.ts';
import type { KubeApi } from './kubeApi.ts';
import { environmentNames } from './names.ts';
import { DEFAULT_CLUSTER_NAME, INGRESS_HTTP, INGRESS_HTTPS } from './pins.ts';
import { findPreflightProblems, PreflightError, type PreflightOptions } from './preflight.ts';
import { loadSamples, sharedObjects } from './sharedObjects.ts';

export { PreflightError } from './preflight.ts';

/** Options of `createKindBackend`. */
export interface KindBackendOptions {
  /** Kubeconfig file (default: $KUBECONFIG or ~/.kube/config). */
  kubeconfig?: string;
  /** Context to use (default: `kind-labs`, or $LABS_KIND_CONTEXT). A context not made by kind skips the local tool checks. */
  context?: string;
  /** One namespace and a confined ServiceAccount per learner's chapter (default: $LABS_KIND_CLASSROOM=1). */
  classroom?: boolean;
  /** At most this many learners, whatever room the cluster has (default: $LABS_MAX_LEARNERS, else no cap). */
  maxLearners?: number;
}

/** What the backend is made of; tests pass fakes. */
export interface KindBackendParts {
  api: KubeApi;
  classroom: boolean;
  /** How each environment's own gateway is exposed (see `gatewayExposure`). */
  gateway: Omit<IngressGatewayOptions, 'namespace'>;
  samples: Record<string, string>;
  /** `kind` (default) or `kube`: the same code, named after how the cluster was chosen. */
  name?: 'kind' | 'kube';
  /** A cap on learners below the cluster's room. */
  maxLearners?: number;
}

/**
 * One learner on kind: a LoadBalancer on kind's mapped node ports (the host's 127.0.0.1:8080 reaches it, and the
 * lessons' INGRESS_PORT is 30080 as on the simulator). A class, or any other cluster: NodePorts the API server picks.
 */
export function gatewayExposure(options: {
  kind: boolean;
  classroom: boolean;
}): Omit<IngressGatewayOptions, 'namespace'> {
  if (options.kind && !options.classroom)
    return { serviceType: 'LoadBalancer', nodePorts: { http: INGRESS_HTTP.nodePort, https: INGRESS_HTTPS.nodePort } };
  return { serviceType: 'NodePort' };
}

/** `LABS_MAX_LEARNERS` as a number, or undefined. */
export function maxLearnersFromEnv(env: NodeJS.ProcessEnv = process.env): number | undefined {
  const text = env.LABS_MAX_LEARNERS;
  if (!text) return undefined;
  if (!/^\d+$/.test(text)) throw new PreflightError([`LABS_MAX_LEARNERS must be a whole number, got "${text}"`]);
  return Number(text);
}

/** How long a measured capacity is reused (a class joining at once asks many times a second). */
const CAPACITY_TTL_MS = 10_000;

/** The backend over the given parts (no checks). */
export async function kindBackendFromParts(parts: KindBackendParts): Promise<LabBackend> {
  // The samples and the shell's rc files: every toolbox mounts them.
  for (const object of sharedObjects(parts.samples)) await parts.api.apply(object);
  const samplePaths = Object.keys(parts.samples);
  const environments = new Set<LabEnvironment>();
  let measured: { at: number; value: Promise<BackendCapacity> } | undefined;
  const capacity = (): Promise<BackendCapacity> => {
    if (!measured || Date.now() - measured.at > CAPACITY_TTL_MS) {
      const value = measureCapacity(parts.api).then((c) => {
        const capped = parts.maxLearners !== undefined && parts.maxLearners < c.maxLearners;
        return {
          maxLearners: capped ? parts.maxLearners! : c.maxLearners,
          detail: capped
            ? `capped at ${parts.maxLearners} by LABS_MAX_LEARNERS; the cluster has ${describeCapacity(c)}`
            : describeCapacity(c),
        };
      });
      value.catch(() => {
        measured = undefined;
      });
      measured = { at: Date.now(), value };
    }
    return measured.value;
  };
  return {
    name: parts.name ?? 'kind',
    async createEnvironment(spec: EnvironmentSpec): Promise<LabEnvironment> {
      const names = environmentNames(spec.owner, spec.lab.id, spec.lab.namespace, parts.classroom);
      const env = new KindEnvironment({
        api: parts.api,
        spec,
        names,
        classroom: parts.classroom,
        samplePaths,
        gateway: parts.gateway,
      });
      environments.add(env);
      const dispose = env.dispose.bind(env);
      env.dispose = async () => {
        environments.delete(env);
        await dispose();
      };
      return env;
    },
    // A class shares the cluster; one learner has it to themselves and needs no count.
    ...(parts.classroom ? { capacity } : {}),
    async close(): Promise<void> {
      await Promise.all([...environments].map((e) => e.dispose().catch(() => undefined)));
    },
  };
}

/** Connects to the context's cluster; a missing or unreadable kubeconfig or context is one line. */
export function connect(options: { kubeconfig?: string; context?: string; missingContextHint?: string }): {
  api: ClientKubeApi;
  context: string;
} {
  try {
    const kc = loadKubeConfig(options);
    return { api: new ClientKubeApi(kc), context: kc.getCurrentContext() };
  } catch (error) {
    throw new PreflightError([error instanceof Error ? error.message : String(error)]);
  }
}

/** Makes the kind backend; throws a `PreflightError` (one line per problem) when it cannot run here. */
export async function createKindBackend(
  options: KindBackendOptions = {},
  preflightOptions: PreflightOptions = {},
): Promise<LabBackend> {
  const context = options.context ?? process.env.LABS_KIND_CONTEXT ?? `kind-${DEFAULT_CLUSTER_NAME}`;
  const problems = context.startsWith('kind-') ? await findPreflightProblems(preflightOptions) : [];
  if (problems.length > 0) throw new PreflightError(problems);
  const classroom = options.classroom ?? process.env.LABS_KIND_CLASSROOM === '1';
  const { api } = connect({ ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}), context });
  const clusterProblems = await findClusterProblems(api, {
    context,
    classroom,
    istioFix: 'run "npx labs cluster up" (it installs Istio 1.30 as the labs need it)',
  });
  if (clusterProblems.length > 0) throw new PreflightError(clusterProblems);
  const maxLearners = options.maxLearners ?? maxLearnersFromEnv();
  return kindBackendFromParts({
    api,
    classroom,
    gateway: gatewayExposure({ kind: true, classroom }),
    samples: loadSamples(),
    ...(maxLearners !== undefined ? { maxLearners } : {}),
  });
}
