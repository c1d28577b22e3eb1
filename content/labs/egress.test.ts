/**
 * The Egress lab on the simulator: `labs verify` passes, the seed's chapter-4 commands give Istio 1.30's results,
 * and the ways a learner goes wrong fail with a check that says why.
 */
import { describe, expect, it } from 'vitest';
import { simLabHarness } from './labHarness.ts';

const { step, fresh, run, solveUpTo, checkOnce, expectVerifyPasses } = simLabHarness('egress');

/** The lesson's `SOURCE_POD`, for scripts that run in a terminal of their own. */
const SOURCE_POD = 'export SOURCE_POD=$(kubectl get pod -l app=sleep -o jsonpath={.items..metadata.name})';

/** The seed's ConfigMap edit (REGISTRY_ONLY by sed and kubectl replace). */
const SEED_SED =
  "kubectl get configmap istio -n istio-system -o yaml | sed 's/mode: ALLOW_ANY/mode: REGISTRY_ONLY/g' | " +
  'kubectl replace -n istio-system -f -';

const serviceEntry = (ports: string) => `kubectl apply -f - <<EOF
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: httpbin-ext}
spec:
  hosts: [httpbin.org]
  ports: [${ports}]
  resolution: DNS
  location: MESH_EXTERNAL
EOF`;

describe('egress on the simulator', () => {
  it('passes `labs verify`: each check fails before its step (unless it observes) and passes after', async () => {
    await expectVerifyPasses(41);
  });

  it("the seed's commands: 200s under ALLOW_ANY, exit 35 under REGISTRY_ONLY, the ServiceEntries, 504 after 3 s", async () => {
    const env = await fresh(42);
    const out = await run(
      env,
      [
        step('source-pod').solution,
        'kubectl get configmap istio -n istio-system -o yaml | grep -o "mode: ALLOW_ANY" || echo "no mode line"',
        'kubectl exec "$SOURCE_POD" -c sleep -- curl -sSI https://www.google.com | grep "HTTP/"; kubectl ' +
          'exec "$SOURCE_POD" -c sleep -- curl -sSI https://edition.cnn.com | grep "HTTP/"',
        step('registry-only').solution,
        'kubectl exec "$SOURCE_POD" -c sleep -- curl -sI https://www.google.com | grep "HTTP/"; kubectl ' +
          'exec "$SOURCE_POD" -c sleep -- curl -sI https://edition.cnn.com | grep "HTTP/"; true',
        'kubectl apply -f samples/egress/httpbin-ext-serviceentry.yaml',
        'kubectl exec "$SOURCE_POD" -c sleep -- curl -sS http://httpbin.org/headers',
        'kubectl logs "$SOURCE_POD" -c istio-proxy | tail -1',
        'kubectl apply -f samples/egress/google-serviceentry.yaml',
        'kubectl exec "$SOURCE_POD" -c sleep -- curl -sSI https://www.google.com | grep "HTTP/"',
        'kubectl logs "$SOURCE_POD" -c istio-proxy | tail -1',
        "kubectl -n istio-system logs -l istio-mixer-type=telemetry -c mixer | grep 'www.google.com'; true",
        'kubectl exec "$SOURCE_POD" -c sleep -- time curl -o /dev/null -sS -w "%{http_code}\\n" http://httpbin.org/delay/5',
        'kubectl apply -f samples/egress/httpbin-ext-timeout.yaml',
        'kubectl exec "$SOURCE_POD" -c sleep -- time curl -o /dev/null -sS -w "%{http_code}\\n" http://httpbin.org/delay/5',
        "kubectl describe pod kube-apiserver -n kube-system | grep 'service-cluster-ip-range'",
      ].join('\n'),
    );
    expect(out).toContain('no mode line');
    expect(out).toMatch(/^HTTP\/2 200 \r?\nHTTP\/2 200 \r?\n/m);
    expect(out).toMatch(/command terminated with exit code 35\ncommand terminated with exit code 35\n/);
    expect(out).toContain('"X-Envoy-Decorator-Operation": "httpbin.org:80/*"');
    expect(out).toMatch(/"GET \/headers HTTP\/1\.1" 200 .* outbound\|80\|\|httpbin\.org /);
    expect(out).toMatch(/"- - -" 0 - - - "-" \d+ \d+ .* outbound\|443\|\|www\.google\.com .* www\.google\.com -$/m);
    expect(out).toContain('No resources found in istio-system namespace.');
    expect(out).toMatch(/^200\nreal\t0m 5\.\d\ds\nuser\t0m 0\.00s\nsys\t0m 0\.00s$/m);
    expect(out).toMatch(/^504\nreal\t0m 3\.\d\ds\n/m);
    expect(out).toContain('--service-cluster-ip-range=10.96.0.0/16');
  });

  it("the seed's obsolete commands fail as they do today", async () => {
    const env = await fresh(43);
    await run(env, step('source-pod').solution);
    const r = await env.runScript(
      [
        SOURCE_POD,
        'kubectl exec $SOURCE_POD -c sleep curl http://httpbin.org/headers',
        'helm template install/kubernetes/helm/istio --set global.proxy.includeIPRanges="10.0.0.1/24" -x ' +
          'templates/sidecar-injector-configmap.yaml | kubectl apply -f -',
      ].join('\n'),
    );
    expect(r.output).toContain(
      'error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\n' +
        "See 'kubectl exec -h' for help and examples\n",
    );
    expect(r.output).toContain('bash: helm: command not found');
    expect(r.exitCode).not.toBe(0);
  });

  it("REGISTRY_ONLY set by the seed's ConfigMap edit works, and the next install reverts it; the check says why", async () => {
    const env = await fresh(44);
    await solveUpTo(env, 'registry-only');
    // On 1.30 the seed's sed finds no `mode:` line: nothing changes.
    await run(env, SEED_SED);
    const unchanged = await checkOnce(env, 'registry-only');
    expect(unchanged.ok).toBe(false);
    expect(unchanged.explanation.en).toContain('has no outboundTrafficPolicy, so the default applies');
    // With the key written by an install, the same sed does switch the mode...
    await run(env, 'istioctl install --set profile=demo --set meshConfig.outboundTrafficPolicy.mode=ALLOW_ANY -y');
    await run(env, SEED_SED);
    expect((await checkOnce(env, 'registry-only')).ok).toBe(true);
    // ...until the next install writes the ConfigMap from its options again.
    await run(env, 'istioctl install --set profile=demo -y');
    const reverted = await checkOnce(env, 'registry-only');
    expect(reverted.ok).toBe(false);
    expect(reverted.explanation.en).toContain('undone by the next istioctl install');
    expect(reverted.explanation.ko).toContain('istioctl install');
  });

  it('a Sidecar resource in the namespace makes it REGISTRY_ONLY too', async () => {
    const env = await fresh(45);
    await solveUpTo(env, 'registry-only');
    await run(env, 'kubectl apply -f samples/egress/registry-only-sidecar.yaml');
    expect((await checkOnce(env, 'registry-only')).ok).toBe(true);
  });

  it('a ServiceEntry with the wrong port or protocol: 502, and the check names the entry and the port it needs', async () => {
    const env = await fresh(46);
    await solveUpTo(env, 'http-service-entry');
    await run(env, serviceEntry('{number: 443, name: http, protocol: HTTP}'));
    const wrongPort = await checkOnce(env, 'http-service-entry');
    expect(wrongPort.ok).toBe(false);
    expect(wrongPort.explanation.en).toContain(
      'ServiceEntry httpbin-ext (443/HTTP) registers httpbin.org, but not for HTTP on port 80',
    );
    await run(env, serviceEntry('{number: 80, name: tls, protocol: TLS}'));
    const wrongProtocol = await checkOnce(env, 'http-service-entry');
    expect(wrongProtocol.ok).toBe(false);
    expect(wrongProtocol.explanation.en).toContain('(80/TLS)');
    expect(wrongProtocol.explanation.ko).toContain('protocol HTTP');
  });

  it('no ServiceEntry at all: the check says REGISTRY_ONLY blocked it', async () => {
    const env = await fresh(47);
    await solveUpTo(env, 'http-service-entry');
    const outcome = await checkOnce(env, 'http-service-entry');
    expect(outcome.ok).toBe(false);
    expect(outcome.explanation.en).toContain('no ServiceEntry registers httpbin.org');
  });

  it('TLS to a host with only an HTTP entry is still blocked, and the check says so', async () => {
    const env = await fresh(48);
    await solveUpTo(env, 'https-service-entry');
    await run(
      env,
      `kubectl apply -f - <<EOF
apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: google}
spec:
  hosts: [www.google.com]
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: DNS
EOF`,
    );
    const outcome = await checkOnce(env, 'https-service-entry');
    expect(outcome.ok).toBe(false);
    expect(outcome.explanation.en).toContain('TLS to a host with only an HTTP entry is still blocked');
  });

  it('a timeout on the wrong host does not fire, and the check says which hosts it is on', async () => {
    const env = await fresh(49);
    await solveUpTo(env, 'external-timeout');
    await run(
      env,
      `kubectl apply -f - <<EOF
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: httpbin-ext}
spec:
  hosts: [httpbin]
  http:
  - timeout: 3s
    route: [{destination: {host: httpbin}}]
EOF`,
    );
    const outcome = await checkOnce(env, 'external-timeout');
    expect(outcome.ok).toBe(false);
    expect(outcome.explanation.en).toContain('The answer was 200');
    expect(outcome.explanation.en).toContain('set for hosts [httpbin], not for httpbin.org');
  });

  it('the annotation on a running pod without a restart bypasses nothing, and the check says so', async () => {
    const env = await fresh(50);
    await solveUpTo(env, 'bypass-ip-range');
    await run(env, 'kubectl delete serviceentry httpbin-ext google; kubectl delete virtualservice httpbin-ext');
    await run(
      env,
      `${SOURCE_POD}\nkubectl annotate pod $SOURCE_POD traffic.sidecar.istio.io/includeOutboundIPRanges=10.96.0.0/16`,
    );
    const outcome = await checkOnce(env, 'bypass-ip-range');
    expect(outcome.ok).toBe(false);
    expect(outcome.explanation.en).toContain('an annotation added to a running pod changes nothing');
    // On the Deployment's template it works: a new pod is created with it.
    await run(
      env,
      'kubectl apply -f samples/egress/sleep-include-ip-ranges.yaml && kubectl rollout status deployment sleep',
    );
    expect((await checkOnce(env, 'bypass-ip-range')).ok).toBe(true);
  });

  it('includeIPRanges installed without restarting sleep: the check says the pod predates the change', async () => {
    const env = await fresh(51);
    await solveUpTo(env, 'bypass-ip-range');
    await run(
      env,
      'kubectl delete serviceentry httpbin-ext google; kubectl delete virtualservice httpbin-ext\n' +
        'istioctl install --set profile=demo --set meshConfig.outboundTrafficPolicy.mode=REGISTRY_ONLY --set ' +
        'values.global.proxy.includeIPRanges="10.96.0.0/16" -y',
    );
    const outcome = await checkOnce(env, 'bypass-ip-range');
    expect(outcome.ok).toBe(false);
    expect(outcome.explanation.en).toContain('a pod created now gets "10.96.0.0/16"');
    expect(outcome.explanation.en).toContain('kubectl rollout restart deployment');
  });

  it('the egress gateway without its DestinationRule subset: 503, and the step does not pass', async () => {
    const env = await fresh(52);
    await solveUpTo(env, 'egress-gateway');
    await run(
      env,
      'kubectl apply -f samples/egress/httpbin-egress-gateway.yaml && kubectl delete destinationrule egressgateway-for-httpbin',
    );
    const outcome = await checkOnce(env, 'egress-gateway');
    expect(outcome.ok).toBe(false);
    expect(outcome.explanation.en).toContain('503');
  });
});
