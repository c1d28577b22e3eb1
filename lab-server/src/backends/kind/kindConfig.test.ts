import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { kindClusterConfig, kindClusterConfigYaml } from './kindConfig.ts';
import { ISTIO_SYSTEM_NODE_PORTS } from './pins.ts';
import { repoPath } from './repoPaths.ts';

describe('kind cluster config', () => {
  it('maps host 8080 to node port 30080 and 8443 to 30443, on 127.0.0.1 only', () => {
    const [node] = kindClusterConfig().nodes;
    expect(node!.extraPortMappings).toEqual([
      { containerPort: 30080, hostPort: 8080, listenAddress: '127.0.0.1', protocol: 'TCP' },
      { containerPort: 30443, hostPort: 8443, listenAddress: '127.0.0.1', protocol: 'TCP' },
    ]);
  });

  it('pins the node image to Kubernetes 1.34.0, which Istio 1.30 supports', () => {
    const config = kindClusterConfig();
    expect(config.apiVersion).toBe('kind.x-k8s.io/v1alpha4');
    expect(config.nodes).toHaveLength(1);
    expect(config.nodes[0]!.image).toBe('kindest/node:v1.34.0');
  });

  it('is what kind/cluster.yaml in the repo says', () => {
    const file = readFileSync(repoPath('kind/cluster.yaml'), 'utf8');
    expect(file).toBe(kindClusterConfigYaml());
    expect(parse(file)).toEqual(kindClusterConfig());
  });
});

describe('Istio install overlay', () => {
  const overlay = parse(readFileSync(repoPath('kind/istio-overlay.yaml'), 'utf8')) as {
    kind: string;
    spec: {
      profile: string;
      values: { pilot: { env: Record<string, string> } };
      components: {
        ingressGateways: {
          name: string;
          k8s: { service: { ports: { name: string; port: number; targetPort: number; nodePort?: number }[] } };
        }[];
      };
    };
  };
  const ports = overlay.spec.components.ingressGateways.find((g) => g.name === 'istio-ingressgateway')!.k8s.service
    .ports;

  it('uses the demo profile', () => {
    expect(overlay.kind).toBe('IstioOperator');
    expect(overlay.spec.profile).toBe('demo');
  });

  it('scopes Gateways to their namespace, so learners each get their own gateway', () => {
    expect(overlay.spec.values.pilot.env).toEqual({ PILOT_SCOPE_GATEWAY_TO_NAMESPACE: 'true' });
  });

  it("moves istio-system's gateway off the node ports the kind config maps (a single learner's own gateway takes them)", () => {
    const mapped = kindClusterConfig().nodes[0]!.extraPortMappings.map((m) => m.containerPort);
    expect(ports.find((p) => p.name === 'http2')).toEqual({
      name: 'http2',
      port: 80,
      targetPort: 8080,
      nodePort: 30081,
    });
    expect(ports.find((p) => p.name === 'https')).toEqual({
      name: 'https',
      port: 443,
      targetPort: 8443,
      nodePort: 30444,
    });
    const fixed = ports.filter((p) => p.nodePort !== undefined).map((p) => p.nodePort);
    expect(fixed).toEqual([ISTIO_SYSTEM_NODE_PORTS.http, ISTIO_SYSTEM_NODE_PORTS.https]);
    for (const port of mapped) expect(fixed).not.toContain(port);
  });

  it("keeps every port of the demo gateway, since the list replaces demo's", () => {
    expect(ports.map((p) => p.name)).toEqual(['status-port', 'http2', 'https', 'tcp', 'tls']);
  });
});
