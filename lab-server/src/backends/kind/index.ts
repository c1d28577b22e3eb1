/**
 * The kind backend: the labs on a real kind cluster with Istio 1.30, created by `labs cluster up`.
 * `createKindBackend` checks the prerequisites and the cluster first, then returns a `LabBackend` whose
 * environments run terminals in per-learner toolbox pods (see environment.ts).
 */
import type { EnvironmentSpec, LabBackend, LabEnvironment } from '../../contract.ts';
import { ClientKubeApi, loadKubeConfig } from './clientKubeApi.ts';
import { KindEnvironment } from './environment.ts';
import type { KubeApi } from './kubeApi.ts';
import { environmentNames } from './names.ts';
import type { IngressGatewayOptions } from './ingressGateway.ts';
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
}

/** What the backend is made of; tests pass fakes. */
export interface KindBackendParts {
  api: KubeApi;
  classroom: boolean;
  /** How each environment's own gateway is exposed (see `gatewayExposure`). */
  gateway: Omit<IngressGatewayOptions, 'namespace'>;
  samples: Record<string, string>;
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

/** Problems with the cluster itself: reachable, Istio installed. One line each. */
export async function findClusterProblems(api: KubeApi, context: string): Promise<string[]> {
  try {
    const deployment = await api.resolveKind('Deployment');
    if (!deployment) return [`cluster (${context}): the API serves no Deployments; is this a Kubernetes cluster?`];
    const istiod = await api.read(deployment, 'istio-system', 'istiod');
    if (!istiod) return [`istio: not installed in the cluster (${context}); run "npx labs cluster up"`];
    return [];
  } catch (error) {
    const message = error instanceof Error ? error.message.split('\n')[0] : String(error);
    return [
      `cluster (${context}): not reachable (${message}); run "npx labs cluster up" (or "npx labs cluster status" to see what is missing)`,
    ];
  }
}

/** The backend over the given parts (no checks). */
export async function kindBackendFromParts(parts: KindBackendParts): Promise<LabBackend> {
  // The samples and the shell's rc files: every toolbox mounts them.
  for (const object of sharedObjects(parts.samples)) await parts.api.apply(object);
  const samplePaths = Object.keys(parts.samples);
  const environments = new Set<LabEnvironment>();
  return {
    name: 'kind',
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
    async close(): Promise<void> {
      await Promise.all([...environments].map((e) => e.dispose().catch(() => undefined)));
    },
  };
}

/** Makes the kind backend; throws a `PreflightError` (one line per problem) when it cannot run here. */
export async function createKindBackend(
  options: KindBackendOptions = {},
  preflightOptions: PreflightOptions = {},
): Promise<LabBackend> {
  const context = options.context ?? process.env.LABS_KIND_CONTEXT ?? `kind-${DEFAULT_CLUSTER_NAME}`;
  const problems = context.startsWith('kind-') ? await findPreflightProblems(preflightOptions) : [];
  if (problems.length > 0) throw new PreflightError(problems);
  let api: ClientKubeApi;
  try {
    api = new ClientKubeApi(
      loadKubeConfig({ ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}), context }),
    );
  } catch (error) {
    throw new PreflightError([`cluster: ${error instanceof Error ? error.message : String(error)}`]);
  }
  const clusterProblems = await findClusterProblems(api, context);
  if (clusterProblems.length > 0) throw new PreflightError(clusterProblems);
  const classroom = options.classroom ?? process.env.LABS_KIND_CLASSROOM === '1';
  return kindBackendFromParts({
    api,
    classroom,
    gateway: gatewayExposure({ kind: true, classroom }),
    samples: loadSamples(),
  });
}
