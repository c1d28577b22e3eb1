/**
 * Chapter 4 in the Gateway API on the simulator: a learner's mistakes with the egress HTTPRoutes and Gateway show as
 * istiod shows them (route and Gateway status) and as the mesh answers (no timeout, 500s), and the steps' checks
 * fail on them.
 */
import { describe, expect, it } from 'vitest';
import type { LabEnvironment } from '../../lab-server/src/contract.ts';
import { simLabHarness } from './labHarness.ts';

const { fresh, run, solveUpTo, checkOnce } = simLabHarness('egress', 'gateway');

/** istio.io's install line for the Gateway API CRDs (the variant's first command). */
const INSTALL_CRDS =
  'kubectl get crd gateways.gateway.networking.k8s.io &> /dev/null || ' +
  '{ kubectl kustomize "github.com/kubernetes-sigs/gateway-api/config/crd?ref=v1.5.1" | kubectl apply -f -; }';
const TIMEOUT_ROUTE = 'samples/egress/gateway-api/httpbin-ext-timeout.yaml';
const EGRESS_GATEWAY = 'samples/egress/gateway-api/httpbin-egress-gateway.yaml';

/** A condition of an HTTPRoute's first parent, as `kubectl get -o jsonpath` prints it. */
async function routeCondition(
  env: LabEnvironment,
  route: string,
  type: string,
  field: 'status' | 'reason' | 'message',
) {
  return (
    await run(
      env,
      `kubectl get httproute ${route} -o jsonpath='{.status.parents[0].conditions[?(@.type=="${type}")].${field}}'`,
    )
  ).trim();
}

/** sleep's request for httpbin.org's /delay/5, through its sidecar. */
function delayFromSleep(env: LabEnvironment) {
  return env.http(
    { kind: 'pod', target: { namespace: 'default', selector: 'app=sleep', container: 'sleep' } },
    { method: 'GET', url: 'http://httpbin.org/delay/5', timeoutMs: 10_000 },
  );
}

describe('egress in the Gateway API: a learner’s mistakes', () => {
  it('the timeout route with a parentRef to a ServiceEntry that does not exist: NoMatchingParent, no timeout', async () => {
    const env = await fresh(41);
    await solveUpTo(env, 'external-timeout');
    await run(env, INSTALL_CRDS);
    // The parent misnamed `httpbin` (the ServiceEntry is httpbin-ext).
    await run(env, `sed 's/    name: httpbin-ext/    name: httpbin/' ${TIMEOUT_ROUTE} | kubectl apply -f -`);
    expect(await routeCondition(env, 'httpbin-ext', 'Accepted', 'status')).toBe('False');
    expect(await routeCondition(env, 'httpbin-ext', 'Accepted', 'reason')).toBe('NoMatchingParent');
    expect(await routeCondition(env, 'httpbin-ext', 'Accepted', 'message')).toBe(
      'parent service entry: "httpbin" not found',
    );
    // No sidecar applies it: httpbin.org takes its five seconds.
    expect((await delayFromSleep(env)).status).toBe(200);
    const outcome = await checkOnce(env, 'external-timeout');
    expect(outcome.ok).toBe(false);
  });

  it('a Hostname backend the ServiceEntry does not declare: BackendNotFound and 500s, and the check fails', async () => {
    const env = await fresh(42);
    await solveUpTo(env, 'external-timeout');
    await run(env, INSTALL_CRDS);
    await run(env, `sed 's/name: httpbin.org/name: www.httpbin.org/' ${TIMEOUT_ROUTE} | kubectl apply -f -`);
    // Accepted on its parent, but the backend is not in the registry.
    expect(await routeCondition(env, 'httpbin-ext', 'Accepted', 'status')).toBe('True');
    expect(await routeCondition(env, 'httpbin-ext', 'ResolvedRefs', 'reason')).toBe('BackendNotFound');
    expect(await routeCondition(env, 'httpbin-ext', 'ResolvedRefs', 'message')).toBe(
      'backend(www.httpbin.org) not found',
    );
    expect((await delayFromSleep(env)).status).toBe(500);
    expect((await checkOnce(env, 'external-timeout')).ok).toBe(false);
    // Declaring the host in the ServiceEntry resolves it: the same route then times out at 3 s.
    await run(
      env,
      'kubectl patch serviceentry httpbin-ext --type=json -p=\'[{"op":"add","path":"/spec/hosts/-","value":"www.httpbin.org"}]\'',
    );
    expect(await routeCondition(env, 'httpbin-ext', 'ResolvedRefs', 'status')).toBe('True');
  });

  it('the egress Gateway without the ClusterIP annotation: a LoadBalancer kind never addresses, and the check says no', async () => {
    const env = await fresh(43);
    await solveUpTo(env, 'egress-gateway');
    await run(env, INSTALL_CRDS);
    await run(env, `grep -v 'annotations:\\|service-type' ${EGRESS_GATEWAY} | kubectl apply -f -`);
    const programmed = await run(
      env,
      `kubectl get gtw httpbin-egress-gateway -o jsonpath='{.status.conditions[?(@.type=="Programmed")].reason}'`,
    );
    expect(programmed.trim()).toBe('AddressNotAssigned');
    await run(env, 'kubectl rollout status deployment httpbin-egress-gateway-istio');
    // The routes still work inside the cluster; what is wrong is the Service exposed outside it.
    const outcome = await checkOnce(env, 'egress-gateway');
    expect(outcome.ok).toBe(false);
    expect(outcome.explanation.en).toContain('LoadBalancer');
  });

  it('a learner who keeps Istio’s egress gateway rules but follows the Gateway API is told the generated gateway saw nothing', async () => {
    const env = await fresh(44);
    await solveUpTo(env, 'egress-gateway');
    await run(env, 'kubectl apply -f samples/egress/httpbin-egress-gateway.yaml');
    const outcome = await checkOnce(env, 'egress-gateway');
    expect(outcome.ok).toBe(false);
  });
});
