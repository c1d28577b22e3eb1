/** Service addresses: cluster IPs, node ports, conflicts, and what dry runs, refusals and deletes leave behind. */
import { describe, expect, it } from 'vitest';
import type { K8sObject } from '../../../contract.ts';
import { newCluster, refusal, service } from './testing/newCluster.ts';

type Spec = {
  type: string;
  clusterIP: string;
  clusterIPs: string[];
  ports: { name?: string; port: number; nodePort?: number; targetPort: number | string }[];
};
const specOf = (o: K8sObject) => o.spec as unknown as Spec;

describe('Service addresses', () => {
  it("gives kind's fixed addresses to the bootstrap Services", async () => {
    const c = await newCluster();
    expect(specOf(c.get('Service', 'default', 'kubernetes')!).clusterIP).toBe('10.96.0.1');
    expect(specOf(c.get('Service', 'kube-system', 'kube-dns')!).clusterIP).toBe('10.96.0.10');
    const ingress = c.get('Service', 'istio-system', 'istio-ingressgateway')!;
    expect(specOf(ingress).ports.map((p) => [p.name, p.port, p.targetPort, p.nodePort])).toEqual([
      ['status-port', 15021, 15021, 30021],
      ['http2', 80, 8080, 30080],
      ['https', 443, 8443, 30443],
      ['tcp', 31400, 31400, 31400],
      ['tls', 15443, 15443, 31443],
    ]);
    expect(ingress.status).toEqual({ loadBalancer: {} });
  });

  it.each([
    ['ClusterIP', false],
    ['NodePort', true],
    ['LoadBalancer', true],
  ])('a %s Service gets a cluster IP in 10.96.0.0/16 and node ports: %s', async (type, nodePorts) => {
    const c = await newCluster();
    const svc = specOf(
      c.create(
        service('web', {
          type,
          selector: { app: 'web' },
          ports: [
            { name: 'http', port: 80, targetPort: 8080 },
            { name: 'grpc', port: 90 },
          ],
        }),
      ),
    );
    expect(svc.clusterIP).toMatch(/^10\.96\.\d{1,3}\.\d{1,3}$/);
    expect(svc.clusterIPs).toEqual([svc.clusterIP]);
    expect(svc.ports[1]!.targetPort).toBe(90);
    for (const p of svc.ports) {
      if (nodePorts) {
        expect(p.nodePort).toBeGreaterThanOrEqual(30000);
        expect(p.nodePort).toBeLessThanOrEqual(32767);
      } else expect(p.nodePort).toBeUndefined();
    }
    if (nodePorts) expect(svc.ports[0]!.nodePort).not.toBe(svc.ports[1]!.nodePort);
  });

  it("keeps a requested node port and refuses one already allocated, in the API server's words", async () => {
    const c = await newCluster();
    expect(
      specOf(c.create(service('a', { type: 'NodePort', ports: [{ port: 80, nodePort: 31000 }] }))).ports[0]!.nodePort,
    ).toBe(31000);
    const e = refusal(() => c.create(service('b', { type: 'NodePort', ports: [{ port: 80, nodePort: 31000 }] })));
    expect(e).toEqual({
      code: 422,
      reason: 'Invalid',
      message:
        'Service "b" is invalid: spec.ports[0].nodePort: Invalid value: 31000: provided port is already allocated',
    });
    expect(c.get('Service', 'default', 'b')).toBeUndefined();
  });

  it('refuses a taken cluster IP and a changed one', async () => {
    const c = await newCluster();
    expect(refusal(() => c.create(service('a', { clusterIP: '10.96.0.1', ports: [{ port: 80 }] }))).message).toBe(
      'Service "a" is invalid: spec.clusterIPs: Invalid value: []string{"10.96.0.1"}: ' +
        'failed to allocate IP 10.96.0.1: provided IP is already allocated',
    );
    const ip = specOf(c.create(service('b', { ports: [{ port: 80 }] }))).clusterIP;
    expect(
      refusal(() =>
        c.update('Service', 'default', 'b', (o) => {
          specOf(o).clusterIP = '10.96.77.77';
        }),
      ).message,
    ).toBe(
      `Service "b" is invalid: spec.clusterIPs[0]: Invalid value: []string{"10.96.77.77"}: may not change once set`,
    );
    expect(specOf(c.get('Service', 'default', 'b')!).clusterIP).toBe(ip);
  });

  it('holds nothing after a dry run, a refused write, a delete, or a change to ClusterIP', async () => {
    const c = await newCluster();
    c.create(service('dry', { type: 'NodePort', ports: [{ port: 80, nodePort: 31001 }] }), { dryRun: true });
    expect(c.get('Service', 'default', 'dry')).toBeUndefined();
    // A refused write (the second port conflicts) must not keep the first port's allocation.
    refusal(() =>
      c.create(
        service('half', {
          type: 'NodePort',
          ports: [
            { name: 'a', port: 80, nodePort: 31002 },
            { name: 'b', port: 81, nodePort: 30080 },
          ],
        }),
      ),
    );
    c.create(service('gone', { type: 'NodePort', ports: [{ port: 80, nodePort: 31003 }] }));
    c.delete('Service', 'default', 'gone');
    c.create(service('switch', { type: 'NodePort', ports: [{ port: 80, nodePort: 31004 }] }));
    c.update('Service', 'default', 'switch', (o) => {
      specOf(o).type = 'ClusterIP';
      delete specOf(o).ports[0]!.nodePort;
    });
    expect(specOf(c.get('Service', 'default', 'switch')!).ports[0]!.nodePort).toBeUndefined();
    const reuse = c.create(
      service('reuse', {
        type: 'NodePort',
        ports: [31001, 31002, 31003, 31004].map((nodePort, i) => ({ name: `p${i}`, port: 80 + i, nodePort })),
      }),
    );
    expect(specOf(reuse).ports.map((p) => p.nodePort)).toEqual([31001, 31002, 31003, 31004]);
  });

  it('keeps node ports and the cluster IP across an apply that does not name them', async () => {
    const c = await newCluster();
    const first = specOf(
      c.apply(service('web', { type: 'NodePort', selector: { app: 'web' }, ports: [{ name: 'http', port: 80 }] }))
        .object,
    );
    const again = specOf(
      c.apply(
        service('web', {
          type: 'NodePort',
          selector: { app: 'web', tier: 'front' },
          ports: [{ name: 'http', port: 80 }],
        }),
      ).object,
    );
    expect(again.clusterIP).toBe(first.clusterIP);
    expect(again.ports[0]!.nodePort).toBe(first.ports[0]!.nodePort);
  });
});
