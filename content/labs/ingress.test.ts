/** The Ingress lab on the simulator: `labs verify` passes, wrong Gateways and VirtualServices fail usefully, the seed's commands work. */
import { describe, expect, it } from 'vitest';
import { simLabHarness } from './labHarness.ts';

const { lab, step, fresh, run, checkOnce, expectVerifyPasses } = simLabHarness('ingress');

describe('ingress on the simulator', () => {
  it('passes `labs verify`: each check fails before its step (unless it observes) and passes after', async () => {
    await expectVerifyPasses(31);
  });

  it('a VirtualService without `gateways` is not used by the gateway: /status gets 404 and the check says so', async () => {
    const env = await fresh(32);
    await run(
      env,
      `kubectl apply -f - <<EOF
apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: httpbin-gateway}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 80, name: http, protocol: HTTP}
    hosts: ["httpbin.example.com"]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: httpbin}
spec:
  hosts: ["httpbin.example.com"]
  http:
  - match: [{uri: {prefix: /status}}]
    route: [{destination: {host: httpbin, port: {number: 8000}}}]
EOF`,
    );
    // The check reads the gateway's log of the learner's own request: it sends none itself.
    const since = env.now();
    expect((await checkOnce(env, 'route-status', since)).ok).toBe(false);
    await run(env, `${step('ingress-address').solution}\n${step('route-status').solution}`);
    const outcome = await checkOnce(env, 'route-status', since);
    expect(outcome.ok).toBe(false);
    expect(JSON.stringify(outcome.evidence)).toContain('"HEAD /status/200 HTTP/1.1\\" 404 NR route_not_found');
  });

  it('the browser step fails while only httpbin.example.com is accepted', async () => {
    const env = await fresh(33);
    await run(env, step('gateway').solution);
    expect((await checkOnce(env, 'browser-headers')).ok).toBe(false);
  });

  it("the seed's commands: <pending> EXTERNAL-IP, the node port, 200 with server istio-envoy, 404 elsewhere", async () => {
    const env = await fresh(34);
    const out = await run(
      env,
      [
        step('ingress-address').solution,
        step('gateway').solution,
        step('route-status').solution,
        step('headers-404').solution,
      ].join('\n'),
    );
    expect(out).toMatch(/^172\.18\.0\.2:30080$/m);
    expect(out).toMatch(/^HTTP\/1\.1 200 OK\r?\nserver: istio-envoy/m);
    expect(out).toMatch(/^HTTP\/1\.1 404 Not Found\r?\nserver: istio-envoy/m);
  });
});

describe('the ingress lab file', () => {
  it('is ready, previews the headers page and follows the seed chapter in order', () => {
    expect(lab.status).toBe('ready');
    expect(lab.preview?.url).toBe('http://ingress/headers');
    expect(lab.steps.map((s) => s.id)).toEqual([
      'ingress-address',
      'gateway',
      'route-status',
      'headers-404',
      'browser-headers',
    ]);
  });
});
