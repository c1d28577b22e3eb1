/**
 * The kube backend: the kind backend's code on any Kubernetes cluster a kubeconfig context names (EKS, GKE, AKS, a
 * company's own), for classes too big for a laptop. Nothing is installed on the lab server's host: learners'
 * terminals run in toolbox pods, outside requests reach each learner's own gateway through port-forwards. Before it
 * serves anything it checks the cluster (clusterChecks.ts) and says, one line each, what is missing. docs/kube.md.
 */
import type { LabBackend } from '../../contract.ts';
import { findClusterProblems } from '../kind/clusterChecks.ts';
import { connect, gatewayExposure, kindBackendFromParts, maxLearnersFromEnv, PreflightError } from '../kind/index.ts';
import { loadSamples } from '../kind/sharedObjects.ts';

export { PreflightError } from '../kind/index.ts';

/** Options of `createKubeBackend`. */
export interface KubeBackendOptions {
  /** Kubeconfig file (default: $KUBECONFIG or ~/.kube/config). */
  kubeconfig?: string;
  /** Context to use (default: $LABS_KUBE_CONTEXT, else the kubeconfig's current context). */
  context?: string;
  /** One namespace, gateway and confined toolbox per learner's chapter (`labs serve --classroom`). */
  classroom?: boolean;
  /** At most this many learners (default: $LABS_MAX_LEARNERS, else what the cluster has room for). */
  maxLearners?: number;
}

/** How to fix Istio on a cluster the labs did not install. */
const ISTIO_FIX =
  'install Istio 1.30 with "istioctl install --set profile=demo ' +
  '--set values.pilot.env.PILOT_SCOPE_GATEWAY_TO_NAMESPACE=true -y" (docs/kube.md)';

/** Makes the kube backend; throws a `PreflightError` (one line per problem) when the cluster is not ready for labs. */
export async function createKubeBackend(options: KubeBackendOptions = {}): Promise<LabBackend> {
  const context = options.context ?? process.env.LABS_KUBE_CONTEXT;
  const { api, context: chosen } = connect({
    ...(options.kubeconfig ? { kubeconfig: options.kubeconfig } : {}),
    ...(context ? { context } : {}),
    missingContextHint: 'choose one with --context NAME ("kubectl config get-contexts" lists them)',
  });
  const classroom = options.classroom ?? false;
  const problems = await findClusterProblems(api, { context: chosen, classroom, istioFix: ISTIO_FIX });
  if (problems.length > 0) throw new PreflightError(problems);
  const maxLearners = options.maxLearners ?? maxLearnersFromEnv();
  return kindBackendFromParts({
    api,
    classroom,
    gateway: gatewayExposure({ kind: false, classroom }),
    samples: loadSamples(),
    name: 'kube',
    ...(maxLearners !== undefined ? { maxLearners } : {}),
  });
}
