/**
 * A task page of istio.io as a doc test: its commands (the page's snips, in the order its test.sh runs them) and
 * each verified output with the rule test.sh compares it by. Expected outputs are what Istio 1.30 prints; where the
 * page shows an older output, `since` says what changed.
 */
import type { Rule } from './verify.ts';

/** One step: a snippet to run, and what its output must satisfy (unverified steps only change the cluster). */
export interface DocStep {
  /** The snip's name on the page (`snip_config_all_v1`) or the test.sh helper it stands for. */
  name: string;
  /** Shell text run in the lab shell, exactly as a learner would type it. */
  run: string;
  verify?: { rule: Rule; expected: string };
  /** Why the expected output differs from the page's (written for an older Istio or another cluster). */
  since?: string;
}

/** One task page. */
export interface DocTask {
  id: string;
  /** The page under https://istio.io/latest/docs/tasks/traffic-management/. */
  page: string;
  /** What test.sh's `# @setup` and start-up helpers put in place before the page's own commands. */
  setup: string[];
  steps: DocStep[];
}

/** test.sh's `_wait_for_deployment NS NAME`. */
export const waitForDeployment = (ns: string, name: string) =>
  `kubectl -n ${ns} rollout status deployment ${name} --timeout 5m`;

/** samples.sh's `startup_sleep_sample`. */
export const SLEEP_SAMPLE = ['kubectl apply -f samples/sleep/sleep.yaml', waitForDeployment('default', 'sleep')];

/** samples.sh's `startup_bookinfo_sample`. */
export const BOOKINFO_SAMPLE = [
  'kubectl apply -f samples/bookinfo/platform/kube/bookinfo.yaml',
  'kubectl apply -f samples/bookinfo/networking/bookinfo-gateway.yaml',
  'kubectl apply -f samples/bookinfo/networking/destination-rule-all.yaml',
  ...['productpage-v1', 'details-v1', 'ratings-v1', 'reviews-v1', 'reviews-v2', 'reviews-v3'].map((d) =>
    waitForDeployment('default', d),
  ),
];

/** Istio 1.30 serves and prints Istio's kinds as `networking.istio.io/v1`. */
export const V1_NOTE =
  'the page shows `networking.istio.io/v1beta1`, as Istio 1.21 and earlier printed; since 1.22 the API server ' +
  "serves v1 first (and stores v1 since 1.27), so Istio 1.30's `kubectl get -o yaml` prints `networking.istio.io/v1`";

/**
 * samples.sh's `sample_http_request PATH [USER]`: the page fetched through the ingress gateway from the sleep pod,
 * with the helper's retry flags. A user logs in first, as the helper's commented-out login does (the productpage
 * keeps the user in a session cookie, kept in the sleep container's cookie jar).
 */
export function productpageFromSleep(user?: string): string {
  const pod = '$(kubectl get pod -l app=sleep -n default -o jsonpath={.items..metadata.name})';
  const exec = `kubectl exec "${pod}" -c sleep -n default --`;
  const url = 'http://istio-ingressgateway.istio-system';
  const fetch = (args: string) =>
    `${exec} curl "${url}/productpage"${args} -s --retry 3 --retry-connrefused --retry-delay 5`;
  if (!user) return fetch('');
  const login = `${exec} curl -s -o /dev/null -c sample.cookies "${url}/login" --data "username=${user}&passwd=password"`;
  return `${login}\n${fetch(' -b sample.cookies')}`;
}

/**
 * tests/util/gateway-api.sh's `install_gateway_api_crds` (what the Gateway API tab's `gtwapi_test.sh` runs first, the
 * line the pages show), then the per-version Services the pages' GAMMA routes name (`bookinfo-versions.yaml`, the
 * pages' "Before you begin" for the Gateway API).
 */
export const GATEWAY_API_CRDS =
  'kubectl get crd gateways.gateway.networking.k8s.io &> /dev/null || ' +
  '{ kubectl kustomize "github.com/kubernetes-sigs/gateway-api/config/crd?ref=v1.5.1" | kubectl apply -f -; }';
export const BOOKINFO_VERSIONS = 'kubectl apply -f samples/bookinfo/platform/kube/bookinfo-versions.yaml';

/** The Gateway API kinds are served as `gateway.networking.k8s.io/v1` (the pages' outputs show `v1beta1`). */
export const GATEWAY_V1_NOTE =
  'the page shows `gateway.networking.k8s.io/v1beta1` and a Service parentRef of group `gateway.networking.k8s.io`, ' +
  'from Gateway API 0.5 and Istio 1.16; with the v1.5.1 CRDs HTTPRoute is served as v1, and the samples name the ' +
  'core group (`group: ""`) for a Service parent';
