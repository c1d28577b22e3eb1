/** The Gateway API's CRDs in the simulated cluster: absent until installed as istio.io installs them (offline), then served. */
import { describe, expect, it } from 'vitest';
import { simShell } from './testing/harness.ts';

const INSTALL =
  'kubectl get crd gateways.gateway.networking.k8s.io &> /dev/null || ' +
  '{ kubectl kustomize "github.com/kubernetes-sigs/gateway-api/config/crd?ref=v1.5.1" | kubectl apply -f -; }';

const ROUTE = `apiVersion: gateway.networking.k8s.io/v1
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
    - name: reviews-v2
      port: 9080
      weight: 10
`;

describe('Gateway API CRDs', () => {
  it('are absent until installed; istio.io install line installs the standard channel offline', async () => {
    const sh = await simShell({ files: { 'route.yaml': ROUTE } });
    expect(await sh.run('kubectl get httproute')).toMatchObject({
      stderr: 'error: the server doesn\'t have a resource type "httproute"\n',
      exitCode: 1,
    });
    // Before the CRDs, `gateway` is Istio's kind.
    expect(await sh.run('kubectl get gateway')).toEqual(await sh.run('kubectl get gateway.networking.istio.io'));
    const applied = await sh.run('kubectl apply -f route.yaml');
    expect(applied.stderr).toContain('no matches for kind "HTTPRoute" in version "gateway.networking.k8s.io/v1"');

    expect(await sh.run('kubectl api-resources --api-group=gateway.networking.k8s.io -o name')).toMatchObject({
      stdout: '',
    });
    const install = await sh.run(INSTALL);
    expect((await sh.run('kubectl api-resources --api-group=gateway.networking.k8s.io -o name')).stdout).toContain(
      'httproutes.gateway.networking.k8s.io\n',
    );
    expect(install.exitCode).toBe(0);
    expect(install.stdout).toContain(
      'customresourcedefinition.apiextensions.k8s.io/httproutes.gateway.networking.k8s.io created\n',
    );
    expect(install.stdout).not.toContain('tcproutes');
    // Installed: the line does nothing the second time.
    expect(await sh.run(INSTALL)).toEqual({ stdout: '', stderr: '', exitCode: 0 });

    expect((await sh.run('kubectl apply -f route.yaml')).stdout).toBe(
      'httproute.gateway.networking.k8s.io/reviews created\n',
    );
    const stored = JSON.parse((await sh.run('kubectl get httproute reviews -o json')).stdout);
    // The CRD's defaults are written in by the API server.
    expect(stored.spec.rules[0].matches).toEqual([{ path: { type: 'PathPrefix', value: '/' } }]);
    expect(stored.spec.rules[0].backendRefs[0]).toMatchObject({ group: '', kind: 'Service', weight: 90 });
    expect(stored.spec.parentRefs[0]).toMatchObject({ group: '', kind: 'Service', name: 'reviews' });
    // Now `gateway` is the Gateway API's (kubectl prefers the group discovery lists first); Istio's stays reachable.
    expect((await sh.run('kubectl get gateway')).stderr).toBe('No resources found in default namespace.\n');
    expect(await sh.run('kubectl get gtw')).toEqual(await sh.run('kubectl get gateway'));
    expect((await sh.run('kubectl explain httproute.spec.rules.backendRefs.weight')).stdout).toContain(
      'GROUP:      gateway.networking.k8s.io\nKIND:       HTTPRoute\nVERSION:    v1\n',
    );
  });

  it('the experimental channel adds TCPRoute; another release is refused in words, not answered', async () => {
    const sh = await simShell();
    const other = await sh.run('kubectl kustomize "github.com/kubernetes-sigs/gateway-api/config/crd?ref=v1.2.0"');
    expect(other.exitCode).toBe(1);
    expect(other.stderr).toContain('carries the Gateway API CRDs of v1.5.1 only');
    const url = 'https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.5.1/experimental-install.yaml';
    expect((await sh.run(`kubectl apply --server-side -f ${url}`)).exitCode).toBe(0);
    expect((await sh.run('kubectl get crd tcproutes.gateway.networking.k8s.io -o name')).stdout).toBe(
      'customresourcedefinition.apiextensions.k8s.io/tcproutes.gateway.networking.k8s.io\n',
    );
  });

  it("admission: schema defaults, enums and the CRDs' CEL rules, in the API server's words", async () => {
    const sh = await simShell({
      files: {
        'bad.yaml': ROUTE.replace(
          'weight: 10',
          'weight: 10\n      kind: Service\n      group: ""\n    - name: x\n      weight: 1',
        ).replace(
          '  rules:\n',
          '  rules:\n  - matches:\n    - path:\n        type: PathPrefix\n        value: productpage\n' +
            '    backendRefs:\n    - name: a\n      port: 80\n',
        ),
        'typo.yaml': ROUTE.replace('weight: 90', 'wieght: 90'),
      },
    });
    await sh.run(INSTALL);
    const bad = await sh.run('kubectl apply -f bad.yaml');
    expect(bad.exitCode).toBe(1);
    expect(bad.stderr).toContain(
      'error when creating "bad.yaml": HTTPRoute.gateway.networking.k8s.io "reviews" is invalid: [',
    );
    expect(bad.stderr).toContain(
      "value must be an absolute path and start with '/' when type one of ['Exact', 'PathPrefix']",
    );
    expect(bad.stderr).toContain('Must have port for Service reference');
    const typo = await sh.run('kubectl apply -f typo.yaml');
    expect(typo.stderr).toContain('unknown field "spec.rules[0].backendRefs[0].wieght"');
  });
});
