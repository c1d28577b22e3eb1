/**
 * Chapter 3 in the Gateway API on the simulator: requests from outside enter through the learner's Gateway (its
 * generated httpbin-gateway-istio Service), and a learner's mistakes with the Gateway and its HTTPRoutes show as a
 * client and istiod show them (refused connections, 404, 500, route status) and as the steps' checks explain them.
 */
import { describe, expect, it } from 'vitest';
import type { LabEnvironment } from '../../lab-server/src/contract.ts';
import { simLabHarness } from './labHarness.ts';

const { lab, fresh, run, checkOnce } = simLabHarness('ingress', 'gateway');

/** The solutions of the steps before `id`, typed into one terminal (later steps use the address step 1 exports). */
async function solveUpTo(env: LabEnvironment, id: string): Promise<void> {
  const before = lab.steps.slice(
    0,
    lab.steps.findIndex((s) => s.id === id),
  );
  await run(env, before.map((s) => s.solution).join('\n'));
}

/** The learner's address of the Gateway on kind: a node's IP and the generated Service's node port. */
const ENTRY = `export INGRESS_HOST=$(kubectl get nodes -o jsonpath='{.items[0].status.addresses[?(@.type=="InternalIP")].address}')
export INGRESS_PORT=$(kubectl get service httpbin-gateway-istio -o jsonpath='{.spec.ports[?(@.name=="http")].nodePort}')`;

const THROUGH_GATEWAY = { kind: 'outside', gateway: { name: 'httpbin-gateway', namespace: 'default' } } as const;

/** An HTTPRoute as a learner might write it. */
function route(name: string, parent: string, hostnames: string | undefined, path: string, backend = 'httpbin'): string {
  return `kubectl apply -f - <<EOF
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: ${name}
spec:
  parentRefs:
  - name: ${parent}
${hostnames ? `  hostnames: ${hostnames}\n` : ''}  rules:
  - matches:
    - path:
        type: PathPrefix
        value: ${path}
    backendRefs:
    - name: ${backend}
      port: 8000
EOF`;
}

/** The httpbin-gateway Gateway, with or without a listener hostname and the NodePort annotation. */
function gateway(options: { hostname?: string; nodePort: boolean; port?: number }): string {
  return `kubectl apply -f - <<EOF
apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: httpbin-gateway
${options.nodePort ? '  annotations:\n    networking.istio.io/service-type: NodePort\n' : ''}spec:
  gatewayClassName: istio
  listeners:
  - name: http
${options.hostname ? `    hostname: "${options.hostname}"\n` : ''}    port: ${options.port ?? 80}
    protocol: HTTP
EOF`;
}

async function routeStatus(env: LabEnvironment, name: string, type: string, field: string): Promise<string> {
  const r = await env.runScript(
    `kubectl get httproute ${name} -o jsonpath='{.status.parents[0].conditions[?(@.type=="${type}")].${field}}'`,
  );
  return r.output.trim();
}

describe('ingress in the Gateway API: entering through the Gateway', () => {
  it('reaches httpbin at the generated Service, and refuses a port the Gateway has no listener on', async () => {
    const env = await fresh(41);
    await solveUpTo(env, 'browser-headers');
    await run(env, 'kubectl apply -f samples/seed/gateway-api/httpbin-any-host.yaml');
    const page = await env.http(THROUGH_GATEWAY, { url: 'http://ingress/headers' });
    expect(page.status).toBe(200);
    expect(page.body).toContain('"headers"');
    const status = await env.http(THROUGH_GATEWAY, {
      url: 'http://ingress/status/418',
      headers: { Host: 'httpbin.example.com' },
    });
    expect(status.status).toBe(418);
    // The generated gateway's own log shows the request, with the HTTPRoute's route name.
    const log = await env.logs({
      namespace: 'default',
      selector: 'gateway.networking.k8s.io/gateway-name=httpbin-gateway',
      container: 'istio-proxy',
    });
    expect(log).toMatch(/"GET \/status\/418 HTTP\/1\.1" 418 .*"httpbin\.example\.com"/);
    // istio-system's gateway knows nothing of this Gateway: with no Istio Gateway its Envoy has no listener on 80.
    const classic = await env.http({ kind: 'outside' }, { url: 'http://ingress/headers' });
    expect(classic).toMatchObject({ status: 0, error: { curlExitCode: 7 } });
    const wrongPort = await env.http(THROUGH_GATEWAY, { url: 'http://ingress:8080/headers' });
    expect(wrongPort).toMatchObject({ status: 0, error: { curlExitCode: 7 } });
  });

  it('a Gateway that is not Programmed (no address on kind) refuses the connection, and the check says why', async () => {
    const env = await fresh(42);
    await solveUpTo(env, 'browser-headers');
    // The any-host Gateway written without the NodePort annotation: a LoadBalancer Service kind never gives an address.
    await run(
      env,
      `${gateway({ nodePort: false })}\n${route('httpbin-any-host', 'httpbin-gateway', undefined, '/headers')}`,
    );
    const condition = await env.runScript(
      `kubectl get gateway httpbin-gateway -o jsonpath='{.status.conditions[?(@.type=="Programmed")].reason}'`,
    );
    expect(condition.output.trim()).toBe('AddressNotAssigned');
    const outcome = await checkOnce(env, 'browser-headers');
    expect(outcome.ok).toBe(false);
    expect(JSON.stringify(outcome.evidence)).toContain('from outside through Gateway default/httpbin-gateway');
    expect(outcome.explanation.en).toContain("Couldn't connect to server");
    expect(outcome.explanation.en).toContain(
      'Gateway default/httpbin-gateway is not Programmed yet (AddressNotAssigned',
    );
    expect(outcome.explanation.en).toContain('networking.istio.io/service-type: NodePort');
    expect(outcome.explanation.ko).toContain('Programmed가 아닙니다');
  });

  it('a Gateway that does not exist, or listens on another port, refuses the connection, and the check names it', async () => {
    const env = await fresh(43);
    await solveUpTo(env, 'browser-headers');
    await run(env, 'kubectl delete gateway httpbin-gateway');
    const missing = await checkOnce(env, 'browser-headers');
    expect(missing.ok).toBe(false);
    expect(missing.explanation.en).toContain('There is no Gateway API Gateway default/httpbin-gateway');
    expect(missing.explanation.ko).toContain('Gateway default/httpbin-gateway가 없어서');
    await run(env, gateway({ nodePort: true, port: 8080 }));
    const otherPort = await checkOnce(env, 'browser-headers');
    expect(otherPort.ok).toBe(false);
    expect(otherPort.explanation.en).toContain('has no listener on port 80');
    expect(otherPort.explanation.en).toContain('http:8080');
  });
});

describe('ingress in the Gateway API: a learner’s mistakes', () => {
  it('an HTTPRoute whose parentRef names no Gateway: no parent status, 404 at the gateway, and the checks fail', async () => {
    const env = await fresh(44);
    await solveUpTo(env, 'gateway');
    await run(env, route('httpbin', 'httpbin-gatway', '["httpbin.example.com"]', '/status'));
    // istiod 1.30 writes no status for a parent it cannot find, and the listener has no route.
    const parents = await env.runScript(`kubectl get httproute httpbin -o jsonpath='{.status.parents}'`);
    expect(parents.output.trim()).toBe('');
    const attached = await env.runScript(
      `kubectl get gateway httpbin-gateway -o jsonpath='{.status.listeners[0].attachedRoutes}'`,
    );
    expect(attached.output.trim()).toBe('0');
    expect((await checkOnce(env, 'gateway')).ok).toBe(false);
    const since = env.now();
    const out = await run(
      env,
      `${ENTRY}\ncurl -s -o /dev/null -w '%{http_code}\\n' -HHost:httpbin.example.com "http://$INGRESS_HOST:$INGRESS_PORT/status/200"`,
    );
    expect(out.trim().split('\n').at(-1)).toBe('404');
    const outcome = await checkOnce(env, 'route-status', since);
    expect(outcome.ok).toBe(false);
    expect(JSON.stringify(outcome.evidence)).toContain('/status/200 HTTP/1.1\\" 404 NR route_not_found');
  });

  it('the browser step with its route on a misspelt Gateway: 404, and the check says no route takes the address', async () => {
    const env = await fresh(45);
    await solveUpTo(env, 'browser-headers');
    await run(
      env,
      `${gateway({ nodePort: true })}\n${route('httpbin-any-host', 'httpbin-gatway', undefined, '/headers')}`,
    );
    const outcome = await checkOnce(env, 'browser-headers');
    expect(outcome.ok).toBe(false);
    expect(outcome.explanation.en).toContain('The answer was 404');
    expect(outcome.explanation.en).toContain(
      'The hostnames of the HTTPRoutes on Gateway default/httpbin-gateway (httpbin.example.com) ' +
        "do not name the request's Host (the gateway's address)",
    );
  });

  it('hostnames outside the listener: Accepted False NoMatchingListenerHostname, 404, and the checks say so', async () => {
    const env = await fresh(46);
    await solveUpTo(env, 'gateway');
    await run(env, route('httpbin', 'httpbin-gateway', '["httpbin.example.org"]', '/status'));
    expect(await routeStatus(env, 'httpbin', 'Accepted', 'status')).toBe('False');
    expect(await routeStatus(env, 'httpbin', 'Accepted', 'reason')).toBe('NoMatchingListenerHostname');
    expect((await checkOnce(env, 'gateway')).ok).toBe(false);
    const out = await run(
      env,
      `${ENTRY}\ncurl -s -o /dev/null -w '%{http_code}\\n' -HHost:httpbin.example.org "http://$INGRESS_HOST:$INGRESS_PORT/status/200"`,
    );
    expect(out.trim().split('\n').at(-1)).toBe('404');
    // The browser's request keeps the *.example.com listener: its address is no host under example.com.
    await run(
      env,
      `kubectl delete httproute httpbin\n${route('httpbin-any-host', 'httpbin-gateway', undefined, '/headers')}`,
    );
    const outcome = await checkOnce(env, 'browser-headers');
    expect(outcome.ok).toBe(false);
    expect(outcome.explanation.en).toContain(
      "The request's Host (the gateway's address) is outside the hostname of the port 80 listener (*.example.com)",
    );
    expect(outcome.explanation.ko).toContain('리스너의 hostname(*.example.com)에 맞지 않아');
  });

  it('a backendRef to a missing Service: ResolvedRefs False BackendNotFound, 500, and the check names the backend', async () => {
    const env = await fresh(47);
    await solveUpTo(env, 'browser-headers');
    await run(
      env,
      `${gateway({ nodePort: true })}\n${route('httpbin-any-host', 'httpbin-gateway', undefined, '/headers', 'httpbin-v9')}`,
    );
    expect(await routeStatus(env, 'httpbin-any-host', 'ResolvedRefs', 'reason')).toBe('BackendNotFound');
    const outcome = await checkOnce(env, 'browser-headers');
    expect(outcome.ok).toBe(false);
    expect(outcome.explanation.en).toContain('The answer was 500');
    expect(outcome.explanation.en).toContain('ResolvedRefs False, BackendNotFound: backend(httpbin-v9');
    expect(outcome.explanation.ko).toContain('backendRef를 istiod가 찾지 못해');
  });
});
