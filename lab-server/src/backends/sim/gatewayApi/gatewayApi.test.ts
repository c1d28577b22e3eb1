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
  'kubectl get crd gateways.gateway.networking.k8s.io &> /dev/null || { kubectl kustomize "github.com/kubernetes-sigs/gateway-api/config/crd?ref=v1.5.1" | kubectl apply -f -; }';

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
    await writeFile(e, 'gw.yaml', GATEWAY);
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
        'kubectl get deploy bookinfo-gateway-istio -o name; kubectl get svc bookinfo-gateway-istio -o jsonpath="{.spec.type} {.spec.ports[*].port}"',
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
    // Only what the route matches is routed: the rest is the gateway's 404.
    expect(await code('/api/v1/products')).toBe('404');
    // Deleting the Gateway deletes what istiod made for it.
    await run(e, 'kubectl delete gtw bookinfo-gateway');
    expect(await run(e, 'kubectl get deploy,svc bookinfo-gateway-istio')).toContain('NotFound');
  });
});
