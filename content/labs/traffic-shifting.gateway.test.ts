/**
 * Chapter 1 in the Gateway API on the simulator: a learner's mistakes with HTTPRoutes show as istiod shows them
 * (route status) and as the mesh answers (500s, the split not made), and the steps' checks explain them.
 */
import { describe, expect, it } from 'vitest';
import type { LabEnvironment } from '../../lab-server/src/contract.ts';
import { simLabHarness } from './labHarness.ts';
import { runStepCheck } from './simLab.ts';

const { lab, step, fresh, run, solveUpTo, checkOnce } = simLabHarness('traffic-shifting', 'gateway');

/** The reviews HTTPRoute as a learner might write it: `parentRef` and `rules` given as YAML. */
function reviewsRoute(parentRef: string, rules: string): string {
  return `kubectl apply -f - <<EOF
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: reviews
spec:
  parentRefs:
${parentRef}
  rules:
${rules}
EOF`;
}

const REVIEWS_PARENT = `  - group: ""
    kind: Service
    name: reviews
    port: 9080`;

/** A condition of the reviews route's first parent, as `kubectl get -o jsonpath` prints it. */
async function routeCondition(env: LabEnvironment, type: string, field: 'status' | 'reason' | 'message') {
  const r = await env.runScript(
    `kubectl get httproute reviews -o jsonpath='{.status.parents[0].conditions[?(@.type=="${type}")].${field}}'`,
  );
  expect(r.exitCode, r.output).toBe(0);
  return r.output.trim();
}

/** productpage's own call to reviews, from its pod through its sidecar. */
function reviewsFromProductpage(env: LabEnvironment) {
  return env.http(
    { kind: 'pod', target: { namespace: 'default', selector: 'app=productpage' } },
    { method: 'GET', url: 'http://reviews:9080/reviews/0', timeoutMs: 5_000 },
  );
}

describe('traffic-shifting in the Gateway API: a learner’s mistakes', () => {
  it('a backendRef to a Service that does not exist: ResolvedRefs False BackendNotFound, 500s, and the check says so', async () => {
    const env = await fresh(31);
    await solveUpTo(env, 'route-all-v1');
    // reviews-v1 misspelt: there is no such Service.
    await run(env, reviewsRoute(REVIEWS_PARENT, '  - backendRefs:\n    - name: reviews-v01\n      port: 9080'));
    expect(await routeCondition(env, 'ResolvedRefs', 'status')).toBe('False');
    expect(await routeCondition(env, 'ResolvedRefs', 'reason')).toBe('BackendNotFound');
    expect(await routeCondition(env, 'ResolvedRefs', 'message')).toContain('reviews-v01');
    // The route is still accepted: istiod answers the requests it carries with 500 (no backend to send them to).
    expect(await routeCondition(env, 'Accepted', 'status')).toBe('True');
    expect((await reviewsFromProductpage(env)).status).toBe(500);
    const outcome = await checkOnce(env, 'route-all-v1');
    expect(outcome.ok).toBe(false);
    expect(outcome.explanation.en).toContain('reviews unavailable (does the Service the backendRef names exist?)');
    expect(outcome.explanation.ko).toContain('backendRef가 가리키는 Service가 있나요?');
  });

  it('a parentRef naming a Service that does not exist: Accepted False NoMatchingParent, and no version is pinned', async () => {
    const env = await fresh(32);
    await solveUpTo(env, 'route-all-v1');
    const wrongParent = REVIEWS_PARENT.replace('name: reviews', 'name: review');
    await run(env, reviewsRoute(wrongParent, '  - backendRefs:\n    - name: reviews-v1\n      port: 9080'));
    expect(await routeCondition(env, 'Accepted', 'status')).toBe('False');
    expect(await routeCondition(env, 'Accepted', 'reason')).toBe('NoMatchingParent');
    // Nothing routes reviews: the pages come from every version, and the check names them.
    const outcome = await checkOnce(env, 'route-all-v1');
    expect(outcome.ok).toBe(false);
    expect(outcome.explanation.en).toMatch(/v3 \(red stars\)/);
  });

  it('a parentRef naming no Gateway that exists: the route attaches to nothing and the ingress does not serve it', async () => {
    const env = await fresh(33);
    await solveUpTo(env, 'route-all-v1');
    // The bookinfo route, attached to a misspelt Gateway: istiod 1.30 writes no status for a parent it cannot find.
    await run(
      env,
      `kubectl apply -f - <<EOF
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: bookinfo
spec:
  parentRefs:
  - name: bookinfo-gatway
  rules:
  - matches:
    - path:
        type: Exact
        value: /productpage
    backendRefs:
    - name: productpage
      port: 9080
EOF`,
    );
    const parents = await env.runScript(
      `kubectl get httproute bookinfo -o jsonpath='{.status.parents[*].parentRef.name}'`,
    );
    expect(parents.output).not.toContain('bookinfo-gateway');
    const listener = await env.runScript(
      `kubectl get gateway bookinfo-gateway -o jsonpath='{.status.listeners[0].attachedRoutes}'`,
    );
    expect(listener.output.trim()).toBe('0');
    const page = await env.runScript(
      `kubectl wait --for=condition=Available deployment/bookinfo-gateway-istio --timeout=300s
export INGRESS_HOST=$(kubectl get nodes -o jsonpath='{.items[0].status.addresses[?(@.type=="InternalIP")].address}')
export INGRESS_PORT=$(kubectl get service bookinfo-gateway-istio -o jsonpath='{.spec.ports[?(@.name=="http")].nodePort}')
curl -s -o /dev/null -w '%{http_code}\\n' http://$INGRESS_HOST:$INGRESS_PORT/productpage`,
    );
    expect(page.output.trim().split('\n').at(-1)).toBe('404');
  });

  it('weights on the wrong rule (one that matches only some requests): the split is not made, and the check shows it', async () => {
    const env = await fresh(34);
    await solveUpTo(env, 'shift-50-v3');
    // 50/50 written on a rule for the user jason only; everyone else stays on the default rule's v1.
    const rules = `  - matches:
    - headers:
      - name: end-user
        value: jason
    backendRefs:
    - name: reviews-v1
      port: 9080
      weight: 50
    - name: reviews-v3
      port: 9080
      weight: 50
  - backendRefs:
    - name: reviews-v1
      port: 9080`;
    await run(env, reviewsRoute(REVIEWS_PARENT, rules));
    expect(await routeCondition(env, 'Accepted', 'status')).toBe('True');
    const outcome = await checkOnce(env, 'shift-50-v3');
    expect(outcome.ok).toBe(false);
    expect(outcome.explanation.en).toMatch(/100 ?% v1 \(no stars\).*the step expects about 50 ?% v1/s);
  });

  it('the checks enter through bookinfo-gateway: Istio’s own ingress route gone, they still pass', async () => {
    const env = await fresh(36);
    await solveUpTo(env, 'route-all-v1');
    await run(env, step('route-all-v1').solution);
    // The starting state's Gateway + VirtualService on istio-ingressgateway: not the way in of this API's checks.
    await run(env, 'kubectl delete virtualservices.networking.istio.io bookinfo');
    const classic = await env.http({ kind: 'outside' }, { url: 'http://ingress/productpage' });
    expect(classic.status).toBe(404);
    const outcome = await runStepCheck(env, lab, step('route-all-v1'), env.now(), { retry: true });
    expect(outcome.ok, outcome.explanation.en).toBe(true);
    expect(JSON.stringify(outcome.evidence)).toContain('from outside through Gateway default/bookinfo-gateway');
  });

  it('a bookinfo-gateway that is not Programmed (its NodePort annotation removed): no answers, and the check says why', async () => {
    const env = await fresh(37);
    await solveUpTo(env, 'route-all-v1');
    await run(env, step('route-all-v1').solution);
    await run(env, 'kubectl annotate gateway bookinfo-gateway networking.istio.io/service-type-');
    const outcome = await checkOnce(env, 'route-all-v1');
    expect(outcome.ok).toBe(false);
    expect(outcome.explanation.en).toMatch(/All \d+ requests got no response/);
    expect(outcome.explanation.en).toContain(
      'Gateway default/bookinfo-gateway is not Programmed yet (AddressNotAssigned',
    );
    expect(outcome.explanation.ko).toContain('Programmed가 아닙니다');
  });

  it('the 50/50 step passes with the weights written 1:1 on the one rule', async () => {
    const env = await fresh(35);
    await solveUpTo(env, 'shift-50-v3');
    const rules = `  - backendRefs:
    - name: reviews-v1
      port: 9080
      weight: 1
    - name: reviews-v3
      port: 9080
      weight: 1`;
    await run(env, reviewsRoute(REVIEWS_PARENT, rules));
    expect((await runStepCheck(env, lab, step('shift-50-v3'), env.now(), { retry: true })).ok).toBe(true);
  });
});
