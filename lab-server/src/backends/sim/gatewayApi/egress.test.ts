/**
 * istio.io's egress tasks in the Gateway API on the simulator: a timeout on an external service (an HTTPRoute whose
 * parent is a ServiceEntry, to a Hostname backend) and an egress gateway Istio deploys for a Gateway (a route on
 * the ServiceEntry to the gateway's Service, a route on the Gateway to the external host), with the status istiod
 * writes when a learner gets the ServiceEntry or the Hostname wrong.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LabEnvironment } from '../../../contract.ts';
import { loadLab } from '../../../labs/load.ts';
import { createSimBackend } from '../index.ts';

const open: LabEnvironment[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((e) => e.dispose()));
});

const INSTALL =
  'kubectl get crd gateways.gateway.networking.k8s.io &> /dev/null || ' +
  '{ kubectl kustomize "github.com/kubernetes-sigs/gateway-api/config/crd?ref=v1.5.1" | kubectl apply -f -; }';

const POD = 'export SOURCE_POD=$(kubectl get pod -l app=sleep -o jsonpath={.items..metadata.name})';

/** The egress chapter's starting state with sleep running, REGISTRY_ONLY as `mode`, and the Gateway API CRDs. */
async function egress(mode: 'ALLOW_ANY' | 'REGISTRY_ONLY'): Promise<LabEnvironment> {
  const e = await createSimBackend({ clock: 'virtual', seed: 11 }).createEnvironment({
    lab: loadLab('egress'),
    owner: 't',
  });
  open.push(e);
  await e.prepare();
  await run(
    e,
    [
      mode === 'REGISTRY_ONLY'
        ? 'istioctl install --set profile=demo --set meshConfig.outboundTrafficPolicy.mode=REGISTRY_ONLY -y'
        : 'true',
      'kubectl apply -f samples/sleep/sleep.yaml',
      'kubectl wait --for=condition=Ready pod -l app=sleep --timeout=300s',
      INSTALL,
    ].join('\n'),
  );
  return e;
}

async function run(e: LabEnvironment, script: string): Promise<string> {
  return (await e.runScript(script)).output;
}

const status = (e: LabEnvironment, route: string) =>
  run(
    e,
    `kubectl get httproute ${route} -o jsonpath='{range .status.parents[0].conditions[*]}{.type}={.status}/{.reason}: {.message}\n{end}'`,
  );

const timed = (e: LabEnvironment) =>
  run(
    e,
    `${POD}\nkubectl exec "$SOURCE_POD" -c sleep -- time curl -o /dev/null -sS -w "%{http_code}\\n" http://httpbin.org/delay/5`,
  );

describe('egress in the Gateway API', () => {
  it('an HTTPRoute on the ServiceEntry times out httpbin.org; a wrong parent or host shows in status and traffic', async () => {
    const e = await egress('REGISTRY_ONLY');
    await run(e, 'kubectl apply -f samples/egress/httpbin-ext-serviceentry.yaml');
    expect(await timed(e)).toMatch(/^200\nreal\s+0m ?5\./);
    expect(await run(e, 'kubectl apply -f samples/egress/gateway-api/httpbin-ext-timeout.yaml')).toBe(
      'httproute.gateway.networking.k8s.io/httpbin-ext created\n',
    );
    expect(await status(e, 'httpbin-ext')).toBe(
      'Accepted=True/Accepted: Route was valid\nResolvedRefs=True/ResolvedRefs: All references resolved\n',
    );
    expect(
      await run(
        e,
        "kubectl get httproute httpbin-ext -o jsonpath='{.status.parents[0].parentRef.group}/" +
          "{.status.parents[0].parentRef.kind}/{.status.parents[0].parentRef.name}'",
      ),
    ).toBe('networking.istio.io/ServiceEntry/httpbin-ext');
    expect(await timed(e)).toMatch(/^504\nreal\s+0m ?3\./);
    // The sidecar's log names the route istiod made of the rule.
    expect(await run(e, `${POD}\nkubectl logs "$SOURCE_POD" -c istio-proxy | tail -1`)).toMatch(
      /"GET \/delay\/5 HTTP\/1\.1" 504 UT .* outbound\|80\|\|httpbin\.org .* default\.httpbin-ext\.0$/m,
    );

    // A parentRef naming a ServiceEntry that is not there: not accepted, and no timeout.
    await run(
      e,
      'sed "s/name: httpbin-ext$/name: httpbin/" samples/egress/gateway-api/httpbin-ext-timeout.yaml | kubectl apply -f -',
    );
    expect(await status(e, 'httpbin')).toBe(
      'Accepted=False/NoMatchingParent: parent service entry: "httpbin" not found\n' +
        'ResolvedRefs=True/ResolvedRefs: All references resolved\n',
    );
    await run(e, 'kubectl delete httproute httpbin-ext');
    expect(await timed(e)).toMatch(/^200\n/);

    // A Hostname the ServiceEntry does not declare: accepted on its parent, the backend is not found, and 500.
    await run(
      e,
      'sed "s/name: httpbin.org/name: www.httpbin.org/" samples/egress/gateway-api/httpbin-ext-timeout.yaml | kubectl apply -f -',
    );
    expect(await status(e, 'httpbin-ext')).toBe(
      'Accepted=True/Accepted: Route was valid\n' +
        'ResolvedRefs=False/BackendNotFound: backend(www.httpbin.org) not found\n',
    );
    expect(
      await run(
        e,
        `${POD}\nkubectl exec "$SOURCE_POD" -c sleep -- curl -s -o /dev/null -w "%{http_code}" http://httpbin.org/get`,
      ),
    ).toBe('500');
  });

  it('an egress gateway Istio deploys: sidecar -> <gw>-istio -> httpbin.org, each hop in its own log', async () => {
    const e = await egress('REGISTRY_ONLY');
    expect(await run(e, 'kubectl apply -f samples/egress/gateway-api/httpbin-egress-gateway.yaml')).toBe(
      [
        'serviceentry.networking.istio.io/httpbin-ext created',
        'gateway.gateway.networking.k8s.io/httpbin-egress-gateway created',
        'httproute.gateway.networking.k8s.io/direct-httpbin-to-egress-gateway created',
        'httproute.gateway.networking.k8s.io/forward-httpbin-from-egress-gateway created',
        '',
      ].join('\n'),
    );
    // ClusterIP (the annotation): the Gateway is programmed at once, with the Service's cluster address.
    expect(await run(e, 'kubectl wait --for=condition=programmed gtw/httpbin-egress-gateway')).toBe(
      'gateway.gateway.networking.k8s.io/httpbin-egress-gateway condition met\n',
    );
    expect(
      await run(e, 'kubectl get svc httpbin-egress-gateway-istio -o jsonpath="{.spec.type} {.spec.ports[*].port}"'),
    ).toBe('ClusterIP 15021 80');
    await run(e, 'kubectl rollout status deploy/httpbin-egress-gateway-istio');
    expect(
      await run(e, "kubectl get gtw httpbin-egress-gateway -o jsonpath='{.status.listeners[0].attachedRoutes}'"),
    ).toBe('1');
    expect(await status(e, 'direct-httpbin-to-egress-gateway')).toBe(
      'Accepted=True/Accepted: Route was valid\nResolvedRefs=True/ResolvedRefs: All references resolved\n',
    );
    expect(await status(e, 'forward-httpbin-from-egress-gateway')).toBe(
      'Accepted=True/Accepted: Route was valid\nResolvedRefs=True/ResolvedRefs: All references resolved\n',
    );
    expect(
      await run(
        e,
        `${POD}\nkubectl exec "$SOURCE_POD" -c sleep -- curl -sS -o /dev/null -w "%{http_code}" http://httpbin.org/headers`,
      ),
    ).toBe('200');
    expect(await run(e, `${POD}\nkubectl logs "$SOURCE_POD" -c istio-proxy | tail -1`)).toMatch(
      / outbound\|80\|\|httpbin-egress-gateway-istio\.default\.svc\.cluster\.local .* default\.direct-httpbin-to-egress-gateway\.0$/m,
    );
    expect(
      await run(
        e,
        'kubectl logs -l gateway.networking.k8s.io/gateway-name=httpbin-egress-gateway -c istio-proxy | tail -1',
      ),
    ).toMatch(
      /"GET \/headers HTTP\/1\.1" 200 .* outbound\|80\|\|httpbin\.org .* default\.forward-httpbin-from-egress-gateway\.0$/m,
    );
    // Istio's own egress gateway saw none of it.
    expect(await run(e, 'kubectl logs -l istio=egressgateway -c istio-proxy -n istio-system')).not.toContain(
      'httpbin.org',
    );
  });

  it('without the ClusterIP annotation the gateway waits for a load balancer kind does not have (traffic still flows)', async () => {
    const e = await egress('ALLOW_ANY');
    await run(
      e,
      'grep -v "annotations:\\|service-type" samples/egress/gateway-api/httpbin-egress-gateway.yaml | kubectl apply -f -',
    );
    expect(await run(e, "kubectl get gtw httpbin-egress-gateway -o jsonpath='{.status.conditions[1].reason}'")).toBe(
      'AddressNotAssigned',
    );
    expect(await run(e, 'kubectl wait --for=condition=programmed gtw/httpbin-egress-gateway --timeout=5s')).toContain(
      'timed out waiting for the condition',
    );
    expect(await run(e, 'kubectl get svc httpbin-egress-gateway-istio -o jsonpath="{.spec.type}"')).toBe(
      'LoadBalancer',
    );
    // Not Programmed is about the address: istiod still configures the gateway, and the mesh routes through it.
    await run(e, 'kubectl rollout status deploy/httpbin-egress-gateway-istio');
    await run(e, `${POD}\nkubectl exec "$SOURCE_POD" -c sleep -- curl -sS -o /dev/null http://httpbin.org/headers`);
    expect(
      await run(e, 'kubectl logs -l gateway.networking.k8s.io/gateway-name=httpbin-egress-gateway -c istio-proxy'),
    ).toContain('outbound|80||httpbin.org');
  });
});
