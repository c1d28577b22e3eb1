/**
 * The Mirroring lab on the simulator: `labs verify` passes, the checks fail with a useful explanation when a
 * step is done wrong, and the seed's commands typed into the lab shell give what current Istio gives.
 */
import { describe, expect, it } from 'vitest';
import { simLabHarness } from './labHarness.ts';

const { lab, step, fresh, run, solveUpTo, checkOnce, expectVerifyPasses } = simLabHarness('mirroring');

const mirrorWith = (percentage: number) => `kubectl apply -f - <<EOF
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: httpbin
spec:
  hosts: [httpbin]
  http:
  - route:
    - destination: {host: httpbin, subset: v1}
    mirror: {host: httpbin, subset: v2}
    mirrorPercentage: {value: ${percentage}}
EOF`;

/** The learner's own request from sleep: the checks of this lab send none, they read what this left. */
const curlFromSleep = 'kubectl exec deploy/sleep -c sleep -- curl -s http://httpbin:8000/headers';

describe('mirroring on the simulator', () => {
  it('passes `labs verify`: each check fails before its step (unless it observes) and passes after', async () => {
    await expectVerifyPasses(21);
  });

  it('mirror step: mirrorPercentage 0 mirrors nothing, and the check says v2 saw no request', async () => {
    const env = await fresh(22);
    await solveUpTo(env, 'mirror-v2');
    const since = env.now();
    await run(env, `${mirrorWith(0)}\n${curlFromSleep}`);
    const outcome = await checkOnce(env, 'mirror-v2', since);
    expect(outcome.ok).toBe(false);
    expect(outcome.explanation.en).toContain('httpbin');
    expect(JSON.stringify(outcome.evidence)).toContain('version=v2');
    await run(env, mirrorWith(100));
    // The route mirrors now, but no request of the learner's went through it yet: the check sends none itself.
    expect((await checkOnce(env, 'mirror-v2', since)).ok).toBe(false);
    await run(env, curlFromSleep);
    expect((await checkOnce(env, 'mirror-v2', since)).ok).toBe(true);
  });

  it("the observing step passes only after the learner's own request, and the checks leave no line in the logs", async () => {
    const env = await fresh(25);
    await solveUpTo(env, 'only-v1-logs');
    const since = env.now();
    expect((await checkOnce(env, 'only-v1-logs', since)).ok).toBe(false);
    expect(await run(env, 'kubectl logs -l app=httpbin,version=v1 -c httpbin | grep -c "GET /headers" || true')).toBe(
      '0\n',
    );
    await run(env, curlFromSleep);
    expect((await checkOnce(env, 'only-v1-logs', since)).ok).toBe(true);
    expect(await run(env, 'kubectl logs -l app=httpbin,version=v1 -c httpbin | grep -c "GET /headers"')).toBe('1\n');
  });

  it("v1-only step: a route that sends traffic to v2 fails because v2's log shows the requests", async () => {
    const env = await fresh(23);
    await solveUpTo(env, 'only-v1-logs');
    const since = env.now();
    await run(
      env,
      'kubectl apply -f - <<EOF\napiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  name: ' +
        'httpbin\nspec:\n  hosts: [httpbin]\n  http:\n  - route:\n    - destination: {host: httpbin, subset: v2}\nEOF',
    );
    await run(env, curlFromSleep);
    const outcome = await checkOnce(env, 'only-v1-logs', since);
    expect(outcome.ok).toBe(false);
  });

  it("the seed's commands: the original manifest fails, the client gets v1's answer while v2 logs the copy", async () => {
    const env = await fresh(24);
    const failed = await env.runScript('kubectl apply -f samples/seed/original/httpbin-v1.yaml');
    expect(failed.exitCode).toBe(1);
    expect(failed.output).toContain('no matches for kind "Deployment" in version "extensions/v1beta1"');
    await run(env, step('deploy-httpbin').solution);
    await run(env, step('route-v1').solution);
    const out = await run(
      env,
      [
        'export SLEEP_POD=$(kubectl get pod -l app=sleep -o jsonpath={.items..metadata.name})',
        "kubectl exec $SLEEP_POD -c sleep -- sh -c 'curl -s http://httpbin:8000/headers' | python3 -m json.tool",
        "kubectl logs -l app=httpbin,version=v2 -c httpbin | grep -c 'GET /headers'",
        'kubectl apply -f samples/seed/httpbin-mirror-v2.yaml',
        'kubectl exec $SLEEP_POD -c sleep -- curl -s -o /dev/null -w "%{http_code}\\n" http://httpbin:8000/headers',
        'kubectl logs -l app=httpbin,version=v2 -c httpbin',
        'kubectl logs -l app=httpbin,version=v2 -c istio-proxy --tail=1',
      ].join('\n'),
    );
    expect(out).toMatch(/^ {8}"Host": "httpbin:8000",$/m);
    // v2's log has only gunicorn's start-up lines so far: no request.
    expect(out).toMatch(/^0$/m);
    expect(out).toMatch(/\[INFO\] Starting gunicorn 23\.0\.0$/m);
    expect(out).toContain('virtualservice.networking.istio.io/httpbin configured');
    expect(out).toMatch(/^200$/m);
    expect(out).toMatch(/127\.0\.0\.6 - - \[.*\] "GET \/headers HTTP\/1\.1" 200/);
    // Istio 1.28+: the mirrored request keeps its Host; the old suffix needs DISABLE_SHADOW_HOST_SUFFIX=false.
    expect(out).toContain('"httpbin:8000"');
    expect(out).not.toContain('httpbin-shadow');
  });
});

describe('the mirroring lab file', () => {
  it('is ready and follows the seed chapter in order', () => {
    expect(lab.status).toBe('ready');
    expect(lab.steps.map((s) => s.id)).toEqual([
      'deploy-httpbin',
      'route-v1',
      'only-v1-logs',
      'mirror-v2',
      'shadow-host',
    ]);
  });
});
