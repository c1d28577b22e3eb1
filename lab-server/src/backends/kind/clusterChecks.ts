/**
 * What the lab server checks on a cluster before it serves labs there (kind or any other): reachable, Istio 1.30 with
 * the settings the labs need, Istio's gateway injection, node ports for the learners' gateways, the permissions of
 * the lab server's own account, and room for learners. Each check is one line that holds or says what to do;
 * `labs cluster status` prints them all, and a backend refuses to start on the first failing ones.
 */
import { parse } from 'yaml';
import type { K8sObject } from '../../contract.ts';
import { describeCapacity, LEARNER_QUOTA, measureCapacity } from './capacity.ts';
import type { KubeApi } from './kubeApi.ts';
import { accessQuestions, accessReview, describeQuestion } from './labServerAccess.ts';
import { ISTIO_MINOR } from './pins.ts';

/** One line about the cluster: whether it holds, what it says. */
export interface ClusterCheck {
  ok: boolean;
  line: string;
}

/** How the cluster will be used. */
export interface ClusterCheckOptions {
  /** kubeconfig context, named in messages. */
  context: string;
  /** A class: learners' Gateways must stay in their namespaces, and the cluster must have room for learners. */
  classroom: boolean;
  /** How to fix Istio's install here (`npx labs cluster up` on kind; docs/kube.md elsewhere). */
  istioFix: string;
}

/** The name of istiod's scoping setting. */
export const SCOPE_SETTING = 'PILOT_SCOPE_GATEWAY_TO_NAMESPACE';

function firstLine(error: unknown): string {
  return (error instanceof Error ? error.message : String(error)).split('\n')[0] ?? '';
}

/** The value of an environment variable of a Deployment's containers, if set. */
export function containerEnv(deployment: K8sObject, name: string): string | undefined {
  const containers =
    (deployment.spec as { template?: { spec?: { containers?: { env?: { name: string; value?: string }[] }[] } } })
      ?.template?.spec?.containers ?? [];
  for (const c of containers) {
    const found = c.env?.find((e) => e.name === name);
    if (found) return found.value ?? '';
  }
  return undefined;
}

/** The Istio version in istiod's image tag (`docker.io/istio/pilot:1.30.0-distroless` -> `1.30.0`). */
export function istiodVersion(deployment: K8sObject): string | undefined {
  const image =
    (deployment.spec as { template?: { spec?: { containers?: { image?: string }[] } } })?.template?.spec
      ?.containers?.[0]?.image ?? '';
  return /:(\d+\.\d+\.\d+)/.exec(image)?.[1];
}

/** Whether the sidecar injector's config has Istio's `gateway` template. */
export function hasGatewayTemplate(injector: K8sObject | null): boolean {
  const config = (injector?.data as Record<string, string> | undefined)?.config;
  if (!config) return false;
  try {
    const parsed = parse(config) as { templates?: Record<string, unknown> } | null;
    return Boolean(parsed?.templates && 'gateway' in parsed.templates);
  } catch {
    return false;
  }
}

async function istioChecks(api: KubeApi, o: ClusterCheckOptions): Promise<ClusterCheck[]> {
  const deployment = await api.resolveKind('Deployment');
  const configMap = await api.resolveKind('ConfigMap');
  const istiod = deployment ? await api.read(deployment, 'istio-system', 'istiod') : null;
  if (!istiod) return [{ ok: false, line: `istio: istiod is not installed in istio-system; ${o.istioFix}` }];
  const checks: ClusterCheck[] = [];
  const version = istiodVersion(istiod);
  const versionOk = version?.startsWith(`${ISTIO_MINOR}.`) ?? false;
  checks.push({
    ok: versionOk,
    line: versionOk
      ? `Istio ${version}`
      : `istio: istiod runs ${version ?? 'an unknown version'}; the labs need ${ISTIO_MINOR}.x; ${o.istioFix}`,
  });
  const scoped = containerEnv(istiod, SCOPE_SETTING)?.toLowerCase() === 'true';
  checks.push({
    ok: scoped || !o.classroom,
    line: scoped
      ? `Gateways are scoped to their namespace (${SCOPE_SETTING}=true): learners' routes never meet`
      : o.classroom
        ? `istio: istiod runs without ${SCOPE_SETTING}=true, so every learner's Gateway would bind to every ` +
          `learner's gateway; ${o.istioFix}`
        : `Gateways are not scoped to their namespace (${SCOPE_SETTING} unset): fine for one learner, needed for a class`,
  });
  const injector = configMap ? await api.read(configMap, 'istio-system', 'istio-sidecar-injector') : null;
  const template = hasGatewayTemplate(injector);
  checks.push({
    ok: template,
    line: template
      ? "Istio's gateway injection template is there (each environment's own ingress gateway)"
      : `istio: the sidecar injector (ConfigMap istio-system/istio-sidecar-injector) has no "gateway" template; ${o.istioFix}`,
  });
  return checks;
}

/** Whether the API server admits a NodePort Service (quota, policy); a dry run stores nothing. */
async function nodePortCheck(api: KubeApi): Promise<ClusterCheck> {
  try {
    await api.create(
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'labs-preflight-nodeport', namespace: 'default' },
        spec: { type: 'NodePort', selector: { app: 'labs-preflight' }, ports: [{ name: 'http2', port: 80 }] },
      },
      { dryRun: true },
    );
    return { ok: true, line: "NodePort Services are allowed (each learner's gateway takes 2 node ports)" };
  } catch (error) {
    return {
      ok: false,
      line: `ingress: the API server refuses a NodePort Service (${firstLine(error)}); each learner's gateway needs one`,
    };
  }
}

/** Asks the API server, rule by rule, what the lab server's account may do; one line naming what it may not. */
async function accessCheck(api: KubeApi, o: ClusterCheckOptions): Promise<ClusterCheck> {
  const questions = accessQuestions();
  const denied: string[] = [];
  for (let i = 0; i < questions.length; i += 20) {
    const batch = questions.slice(i, i + 20);
    const answers = await Promise.all(
      batch.map((q) =>
        api.create(accessReview(q)).then(
          (r) => (r.status as { allowed?: boolean } | undefined)?.allowed === true,
          () => false,
        ),
      ),
    );
    batch.forEach((q, j) => {
      if (!answers[j]) denied.push(describeQuestion(q));
    });
  }
  if (denied.length === 0)
    return { ok: true, line: `The lab server's account (context ${o.context}) has every permission the labs need` };
  const shown = denied.slice(0, 6).join(', ');
  return {
    ok: false,
    line:
      `permissions: the lab server's account (context ${o.context}) may not ${shown}` +
      `${denied.length > 6 ? ` and ${denied.length - 6} more` : ''}; bind it to cluster-admin or to kind/lab-server-role.yaml`,
  };
}

async function capacityCheck(api: KubeApi, o: ClusterCheckOptions): Promise<ClusterCheck> {
  const quota =
    `each learner namespace has a quota of ${LEARNER_QUOTA['requests.cpu']} CPU and ` +
    `${LEARNER_QUOTA['requests.memory']} in requests, ${LEARNER_QUOTA.pods} pods`;
  try {
    const capacity = await measureCapacity(api);
    const ok = capacity.maxLearners >= 1 || !o.classroom;
    return {
      ok,
      line: ok
        ? `Capacity: ${describeCapacity(capacity)}; ${quota}`
        : `capacity: the cluster has no room for a learner: ${describeCapacity(capacity)}; add nodes (docs/kube.md sizes a cluster)`,
    };
  } catch (error) {
    return { ok: false, line: `capacity: cannot count the cluster's room (${firstLine(error)})` };
  }
}

/** Every check, in order; stops after the first when the cluster cannot be reached at all. */
export async function inspectCluster(api: KubeApi, o: ClusterCheckOptions): Promise<ClusterCheck[]> {
  try {
    const deployment = await api.resolveKind('Deployment');
    if (!deployment)
      return [
        { ok: false, line: `cluster (${o.context}): the API serves no Deployments; is this a Kubernetes cluster?` },
      ];
  } catch (error) {
    return [{ ok: false, line: `cluster (${o.context}): not reachable (${firstLine(error)})` }];
  }
  const checks: ClusterCheck[] = [{ ok: true, line: `Cluster (context ${o.context}) answers` }];
  checks.push(...(await istioChecks(api, o)));
  checks.push(await nodePortCheck(api));
  checks.push(await accessCheck(api, o));
  checks.push(await capacityCheck(api, o));
  return checks;
}

/** The failing checks' lines: what stops the lab server from serving labs on this cluster. */
export async function findClusterProblems(api: KubeApi, o: ClusterCheckOptions): Promise<string[]> {
  return (await inspectCluster(api, o)).filter((c) => !c.ok).map((c) => c.line);
}
