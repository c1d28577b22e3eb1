import { describe, expect, it } from 'vitest';
import { gatewayExposure } from './index.ts';
import { ingressGatewayObjects, isGatewayPart } from './ingressGateway.ts';

const objects = ingressGatewayObjects({ namespace: 'lab-ada-1234', serviceType: 'NodePort' });
const byKind = (kind: string) => objects.find((o) => o.kind === kind)!;

describe("an environment's own ingress gateway", () => {
  it('is a Deployment that Istio injects from its gateway template, labelled as the lessons select it', () => {
    const deployment = byKind('Deployment');
    expect(deployment.metadata).toMatchObject({ name: 'istio-ingressgateway', namespace: 'lab-ada-1234' });
    const template = (deployment.spec as { template: { metadata: { annotations: object; labels: object } } }).template;
    expect(template.metadata.annotations).toEqual({ 'inject.istio.io/templates': 'gateway' });
    expect(template.metadata.labels).toMatchObject({ istio: 'ingressgateway', 'sidecar.istio.io/inject': 'true' });
    const spec = (deployment.spec as { template: { spec: { containers: { name: string; image: string }[] } } }).template
      .spec;
    expect(spec.containers).toEqual([expect.objectContaining({ name: 'istio-proxy', image: 'auto' })]);
  });

  it("has a Service like istio-system's (http2 80 -> 8080, https 443 -> 8443) selecting only its own namespace's pods", () => {
    const service = byKind('Service');
    expect(service.metadata.namespace).toBe('lab-ada-1234');
    expect(service.spec).toEqual({
      type: 'NodePort',
      selector: { istio: 'ingressgateway' },
      ports: [
        { name: 'http2', port: 80, targetPort: 8080, protocol: 'TCP' },
        { name: 'https', port: 443, targetPort: 8443, protocol: 'TCP' },
      ],
    });
  });

  it('can read TLS secrets in its namespace only (a Role, not a ClusterRole)', () => {
    expect(byKind('Role').rules).toEqual([
      { apiGroups: [''], resources: ['secrets'], verbs: ['get', 'watch', 'list'] },
    ]);
    expect(byKind('RoleBinding').subjects).toEqual([
      { kind: 'ServiceAccount', name: 'istio-ingressgateway', namespace: 'lab-ada-1234' },
    ]);
  });

  it('marks every object so reset keeps it', () => {
    for (const o of objects) expect(isGatewayPart(o), o.kind).toBe(true);
    expect(isGatewayPart({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'httpbin' } })).toBe(false);
  });

  it("is a LoadBalancer on kind's mapped node ports for one learner, NodePorts the API picks in a class or elsewhere", () => {
    expect(gatewayExposure({ kind: true, classroom: false })).toEqual({
      serviceType: 'LoadBalancer',
      nodePorts: { http: 30080, https: 30443 },
    });
    expect(gatewayExposure({ kind: true, classroom: true })).toEqual({ serviceType: 'NodePort' });
    expect(gatewayExposure({ kind: false, classroom: false })).toEqual({ serviceType: 'NodePort' });
    const single = ingressGatewayObjects({
      namespace: 'default',
      ...gatewayExposure({ kind: true, classroom: false }),
    });
    expect((single.find((o) => o.kind === 'Service')!.spec as { ports: { nodePort?: number }[] }).ports).toEqual([
      expect.objectContaining({ name: 'http2', nodePort: 30080 }),
      expect.objectContaining({ name: 'https', nodePort: 30443 }),
    ]);
  });
});
