/**
 * The Gateway API end to end on the simulator, as a learner meets it: CRDs installed, a Gateway of class `istio`
 * deployed and programmed by istiod's controller, HTTPRoutes answered through it with the mesh's own routing.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { LabEnvironment } from '../../../contract.ts';
import { loadLab } from '../../../labs/load.ts';
import { createSimBackend } from '../index.ts';

const open: LabEnvironment[] = [];
afterEach(async () => {
  await Promise.all(open.splice(0).map((e) => e.dispose()));
});

async function bookinfo(): Promise<LabEnvironment> {
  const e = await createSimBackend({ clock: 'virtual', seed: 7 }).createEnvironment({
    lab: loadLab('traffic-shifting'),
    owner: 't',
  });
  open.push(e);
  await e.prepare();
  return e;
}

const INSTALL =
  'kubectl get crd gateways.gateway.networking.k8s.io &> /dev/null || ' +
  '{ kubectl kustomize "github.com/kubernetes-sigs/gateway-api/config/crd?ref=v1.5.1" | kubectl apply -f -; }';

const GATEWAY = `apiVersion: gateway.networking.k8s.io/v1
kind: Gateway
metadata:
  name: bookinfo-gateway
spec:
  gatewayClassName: istio
  listeners:
  - name: http
    port: 80
    protocol: HTTP
    allowedRoutes:
      namespaces:
        from: Same
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: bookinfo
spec:
  parentRefs:
  - name: bookinfo-gateway
  rules:
  - matches:
    - path:
        type: Exact
        value: /productpage
    - path:
        type: PathPrefix
        value: /static
    backendRefs:
    - name: productpage
      port: 9080
`;

const NODE_PORT =
  'export INGRESS_HOST=$(kubectl get nodes -o jsonpath=\'{.items[0].status.addresses[?(@.type=="InternalIP")].address}\')\n' +
  'export INGRESS_PORT=$(kubectl get svc bookinfo-gateway-istio -o jsonpath=\'{.spec.ports[?(@.name=="http")].nodePort}\')';

async function run(e: LabEnvironment, script: string): Promise<string> {
  return (await e.runScript(script)).output;
}

async function writeFile(e: LabEnvironment, name: string, text: string): Promise<void> {
  await e.runScript(`cat > ${name} <<'EOF'\n${text}EOF`);
}

describe('Gateway API on the simulator', () => {
  it('istiod deploys a Gateway of class istio and reports it; programmed once it has an address', async () => {
    const e = await bookinfo();
    await run(e, INSTALL);
    expect(await run(e, 'kubectl get gatewayclass')).toMatch(
      /^NAME +CONTROLLER +ACCEPTED +AGE\nistio +istio\.io\/gateway-controller +True +\S+\nistio-remote +istio\.io\/unmanaged-gateway +True/,
    );
    // istio.io's sample, as vendored from Istio 1.30.3.
    await run(e, 'cp samples/bookinfo/gateway-api/bookinfo-gateway.yaml gw.yaml');
    expect(await run(e, 'kubectl apply -f gw.yaml')).toBe(
      'gateway.gateway.networking.k8s.io/bookinfo-gateway created\nhttproute.gateway.networking.k8s.io/bookinfo created\n',
    );
    // kind has no load balancer: the Service's address stays pending, so the Gateway is not programmed.
    const pending = JSON.parse(await run(e, 'kubectl get gtw bookinfo-gateway -o json'));
    expect(
      pending.status.conditions.map((c: { type: string; status: string; reason: string }) => [
        c.type,
        c.status,
        c.reason,
      ]),
    ).toEqual([
      ['Accepted', 'True', 'Accepted'],
      ['Programmed', 'False', 'AddressNotAssigned'],
    ]);
    expect(pending.status.addresses).toEqual([
      { type: 'Hostname', value: 'bookinfo-gateway-istio.default.svc.cluster.local' },
    ]);
    expect(pending.status.listeners[0]).toMatchObject({ name: 'http', attachedRoutes: 1 });
    expect(await run(e, 'kubectl wait --for=condition=programmed gtw/bookinfo-gateway --timeout=5s')).toContain(
      'timed out waiting for the condition on gateways/bookinfo-gateway',
    );
    // istio.io's remedy on kind: another Service type through the annotation.
    await run(e, 'kubectl annotate gateway bookinfo-gateway networking.istio.io/service-type=NodePort');
    expect(await run(e, 'kubectl wait --for=condition=programmed gtw/bookinfo-gateway')).toBe(
      'gateway.gateway.networking.k8s.io/bookinfo-gateway condition met\n',
    );
    expect(
      await run(
        e,
        'kubectl get deploy bookinfo-gateway-istio -o name; ' +
          'kubectl get svc bookinfo-gateway-istio -o jsonpath="{.spec.type} {.spec.ports[*].port}"',
      ),
    ).toBe('deployment.apps/bookinfo-gateway-istio\nNodePort 15021 80');
    await run(e, 'kubectl rollout status deploy/bookinfo-gateway-istio');
    const route = JSON.parse(await run(e, 'kubectl get httproute bookinfo -o json'));
    expect(
      route.status.parents[0].conditions.map((c: { type: string; status: string }) => `${c.type}=${c.status}`),
    ).toEqual(['Accepted=True', 'ResolvedRefs=True']);
    const code = (path: string) =>
      run(e, `${NODE_PORT}\ncurl -s -o /dev/null -w "%{http_code}" http://$INGRESS_HOST:$INGRESS_PORT${path}`);
    expect(await code('/productpage')).toBe('200');
    expect(await code('/static/tailwind/tailwind.css')).toBe('200');
    expect(await code('/api/v1/products/0/reviews')).toBe('200');
    // Only what the route matches is routed: the rest is the gateway's 404.
    expect(await code('/reviews/0')).toBe('404');
    // Deleting the Gateway deletes what istiod made for it.
    await run(e, 'kubectl delete gtw bookinfo-gateway');
    expect(await run(e, 'kubectl get deploy,svc bookinfo-gateway-istio')).toContain('NotFound');
    // So does removing the CRDs (their objects go, and with them what they own).
    await run(e, 'kubectl apply -f gw.yaml');
    expect(await run(e, 'kubectl get deploy bookinfo-gateway-istio -o name')).toBe(
      'deployment.apps/bookinfo-gateway-istio\n',
    );
    await run(e, 'kubectl delete crd gateways.gateway.networking.k8s.io');
    expect(await run(e, 'kubectl get deploy bookinfo-gateway-istio -o name')).toContain('NotFound');
  });

  it('routes HTTPRoutes as the Istio API does: matches, weights to Services (GAMMA), route names in logs', async () => {
    const e = await programmedGateway();
    await writeFile(e, 'edge.yaml', EDGE_ROUTE);
    expect(await run(e, 'kubectl apply -f edge.yaml')).toBe(
      'httproute.gateway.networking.k8s.io/reviews-edge created\n',
    );
    const pod = (headers: string, path = '/reviews/0') =>
      run(
        e,
        `${NODE_PORT}\ncurl -s ${headers} http://$INGRESS_HOST:$INGRESS_PORT${path} | ` +
          `grep -o '"podname": *"[a-z0-9-]*' | sed 's/.*"\\(reviews-v[0-9]\\).*/\\1/'`,
      );
    // The rule with a header match goes first though written second: the Gateway API orders rules by precedence.
    expect(await pod('-H "x-version: v3"')).toBe('reviews-v3\n');
    expect(await pod('')).toBe('reviews-v1\n');
    // A prefix matches whole path segments: /reviewsX is not under /reviews.
    expect(
      await run(e, `${NODE_PORT}\ncurl -s -o /dev/null -w "%{http_code}" http://$INGRESS_HOST:$INGRESS_PORT/reviewsX`),
    ).toBe('404');
    expect(await run(e, 'kubectl logs deploy/bookinfo-gateway-istio | tail -2')).toMatch(
      / outbound\|9080\|\|reviews-v1\.default\.svc\.cluster\.local .* default\.reviews-edge\.0\n.*404 NR route_not_found/,
    );

    await writeFile(e, 'split.yaml', SPLIT_ROUTE);
    await run(e, 'kubectl apply -f split.yaml');
    const colors = await run(
      e,
      `${NODE_PORT}\nfor i in $(seq 1 100); do curl -s http://$INGRESS_HOST:$INGRESS_PORT/productpage | ` +
        `grep -o 'text-red-500\\|text-black-500' | head -1; echo; done | sort | uniq -c`,
    );
    const count = (color: string) => Number(new RegExp(`(\\d+) text-${color}-500`).exec(colors)?.[1] ?? 0);
    expect(count('red')).toBeGreaterThanOrEqual(3);
    expect(count('red')).toBeLessThanOrEqual(20);
    expect(count('black')).toBe(0);
    expect(colors).toMatch(/^ +\d+ \n/);
  });

  it("a learner's mistakes show in route status and traffic as Istio answers them", async () => {
    const e = await programmedGateway();
    await writeFile(
      e,
      'bad.yaml',
      EDGE_ROUTE.replace('name: reviews-v1', 'name: reviews-v9').replace(
        /- name: bookinfo-gateway/,
        '- name: bookinfo-gateway',
      ),
    );
    await writeFile(
      e,
      'orphan.yaml',
      EDGE_ROUTE.replace('name: reviews-edge', 'name: orphan').replace(
        '- name: bookinfo-gateway',
        '- name: no-such-gateway',
      ),
    );
    await writeFile(
      e,
      'section.yaml',
      EDGE_ROUTE.replace('name: reviews-edge', 'name: section').replace(
        '- name: bookinfo-gateway',
        '- name: bookinfo-gateway\n    sectionName: https',
      ),
    );
    await run(e, 'kubectl apply -f bad.yaml -f orphan.yaml -f section.yaml');
    const status = (name: string) =>
      run(
        e,
        `kubectl get httproute ${name} -o jsonpath='{range .status.parents[0].conditions[*]}{.type}={.status}/{.reason} {end}'`,
      );
    expect(await status('reviews-edge')).toBe('Accepted=True/Accepted ResolvedRefs=False/BackendNotFound ');
    expect(
      await run(e, "kubectl get httproute reviews-edge -o jsonpath='{.status.parents[0].conditions[1].message}'"),
    ).toBe('backend(reviews-v9.default.svc.cluster.local) not found');
    // istiod reports only on parents it knows (1.30): a parentRef to no Gateway leaves no status entry.
    expect(await run(e, "kubectl get httproute orphan -o jsonpath='{.status.parents}'")).toBe('');
    expect(
      await run(e, `${NODE_PORT}\ncurl -s -o /dev/null -w "%{http_code}" http://$INGRESS_HOST:$INGRESS_PORT/reviews/0`),
    ).toBe('500');
    expect(await status('section')).toBe('Accepted=False/NoMatchingParent ResolvedRefs=True/ResolvedRefs ');
    expect(await run(e, "kubectl get httproute section -o jsonpath='{.status.parents[0].conditions[0].message}'")).toBe(
      'sectionName "https" not found',
    );
    // The Gateway counts only the route it accepted.
    expect(await run(e, "kubectl get gtw bookinfo-gateway -o jsonpath='{.status.listeners[0].attachedRoutes}'")).toBe(
      '2',
    );
  });
});

describe('Gateway API mirroring in the mesh (GAMMA)', () => {
  it('a RequestMirror filter copies each request to the mirror Service; timeouts.request cuts a slow backend', async () => {
    const e = await createSimBackend({ clock: 'virtual', seed: 3 }).createEnvironment({
      lab: loadLab('mirroring'),
      owner: 't',
    });
    open.push(e);
    await e.prepare();
    await run(
      e,
      'kubectl apply -f samples/seed/httpbin-v1.yaml -f samples/seed/httpbin-v2.yaml -f samples/seed/httpbin-service.yaml\n' +
        'kubectl wait --for=condition=Available deployment/httpbin-v1 deployment/httpbin-v2',
    );
    await run(e, INSTALL);
    await writeFile(e, 'mirror.yaml', MIRROR);
    expect(await run(e, 'kubectl apply -f mirror.yaml')).toContain(
      'httproute.gateway.networking.k8s.io/httpbin created\n',
    );
    const status = await run(
      e,
      'kubectl exec deploy/sleep -c sleep -- curl -s -o /dev/null -w "%{http_code}" http://httpbin:8000/headers',
    );
    expect(status).toBe('200');
    const count = async (version: string) =>
      Number(
        (await run(e, `kubectl logs -l app=httpbin,version=${version} -c httpbin | grep -c 'GET /headers'`)).trim(),
      );
    expect(await count('v1')).toBe(1);
    expect(await count('v2')).toBe(1);

    // timeouts.request is the route's timeout: Envoy's local reply when the backend is slower.
    await run(
      e,
      `kubectl patch httproute httpbin --type=json -p='[{"op":"add","path":"/spec/rules/0/timeouts","value":{"request":"1s"}}]'`,
    );
    expect(
      await run(e, 'kubectl exec deploy/sleep -c sleep -- curl -s -w " %{http_code}" http://httpbin:8000/delay/3'),
    ).toBe('upstream request timeout 504');
  });
});

const MIRROR = `apiVersion: v1
kind: Service
metadata:
  name: httpbin-v1
spec:
  ports:
  - {name: http, port: 8000, targetPort: 80}
  selector: {app: httpbin, version: v1}
---
apiVersion: v1
kind: Service
metadata:
  name: httpbin-v2
spec:
  ports:
  - {name: http, port: 8000, targetPort: 80}
  selector: {app: httpbin, version: v2}
---
apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: httpbin
spec:
  parentRefs:
  - group: ""
    kind: Service
    name: httpbin
    port: 8000
  rules:
  - filters:
    - type: RequestMirror
      requestMirror:
        backendRef:
          name: httpbin-v2
          port: 8000
    backendRefs:
    - name: httpbin-v1
      port: 8000
`;

async function programmedGateway(): Promise<LabEnvironment> {
  const e = await bookinfo();
  await run(e, INSTALL);
  await writeFile(
    e,
    'gw.yaml',
    GATEWAY.replace(
      '  name: bookinfo-gateway\n',
      '  name: bookinfo-gateway\n  annotations:\n    networking.istio.io/service-type: NodePort\n',
    ),
  );
  await run(e, 'kubectl apply -f gw.yaml');
  await run(
    e,
    'kubectl apply -f https://raw.githubusercontent.com/istio/istio/release-1.30/samples/bookinfo/platform/kube/bookinfo-versions.yaml',
  );
  expect(await run(e, 'kubectl wait --for=condition=programmed gtw/bookinfo-gateway')).toContain('condition met');
  await run(e, 'kubectl rollout status deploy/bookinfo-gateway-istio');
  return e;
}

const EDGE_ROUTE = `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: reviews-edge
spec:
  parentRefs:
  - name: bookinfo-gateway
  rules:
  - matches:
    - path:
        type: PathPrefix
        value: /reviews
    backendRefs:
    - name: reviews-v1
      port: 9080
  - matches:
    - path:
        type: PathPrefix
        value: /reviews
      headers:
      - name: x-version
        value: v3
    backendRefs:
    - name: reviews-v3
      port: 9080
`;

const SPLIT_ROUTE = `apiVersion: gateway.networking.k8s.io/v1
kind: HTTPRoute
metadata:
  name: reviews
spec:
  parentRefs:
  - group: ""
    kind: Service
    name: reviews
    port: 9080
  rules:
  - backendRefs:
    - name: reviews-v1
      port: 9080
      weight: 90
    - name: reviews-v3
      port: 9080
      weight: 10
`;
