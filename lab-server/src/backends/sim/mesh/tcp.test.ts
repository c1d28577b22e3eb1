/** TCP through the mesh: tcp-echo behind the ingress gateway's TCP server and behind sidecars, weights, logs. */
import { describe, expect, it } from 'vitest';
import { World } from './testing/fixtures.ts';
import { echoLines } from '../apps/tcpEcho/tcpEcho.ts';
import { portProtocol } from './tcpRoutes.ts';
import { looksLikeHttp, parseRawRequest } from './rawHttp.ts';

const TCP_GATEWAY = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata:
  name: tcp-echo-gateway
spec:
  selector:
    istio: ingressgateway
  servers:
  - port:
      number: 31400
      name: tcp
      protocol: TCP
    hosts:
    - "*"
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata:
  name: tcp-echo-destination
spec:
  host: tcp-echo
  subsets:
  - name: v1
    labels:
      version: v1
  - name: v2
    labels:
      version: v2
`;

function vs(weights: [number, number], extra = ''): string {
  return `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: tcp-echo
spec:
  hosts:
  - "*"
  gateways:
  - tcp-echo-gateway${extra}
  tcp:
  - match:
    - port: 31400
    route:
    - destination:
        host: tcp-echo
        port:
          number: 9000
        subset: v1
      weight: ${weights[0]}
    - destination:
        host: tcp-echo
        port:
          number: 9000
        subset: v2
      weight: ${weights[1]}
`;
}

function world(options: { sidecars?: boolean; namespace?: string } = {}): World {
  const w = new World(11);
  const ns = options.namespace ?? 'default';
  w.installIstio();
  w.cluster.apply({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'istio-ingressgateway', namespace: 'istio-system' },
    spec: {
      type: 'LoadBalancer',
      clusterIP: '10.96.0.10',
      selector: { app: 'istio-ingressgateway', istio: 'ingressgateway' },
      ports: [
        { name: 'http2', port: 80, targetPort: 8080, nodePort: 30080 },
        { name: 'tcp', port: 31400, targetPort: 31400, nodePort: 31400 },
      ],
    },
  });
  for (const [version, prefix] of [
    ['v1', 'one'],
    ['v2', 'two'],
  ] as const)
    w.addPod(
      ns,
      `tcp-echo-${version}-7dd5c5dcfb-${version}x`,
      { app: 'tcp-echo', version },
      [{ name: 'tcp-echo', image: 'registry.istio.io/release/tcp-echo-server:1.3', args: ['9000,9001,9002', prefix] }],
      { sidecar: options.sidecars ?? true },
    );
  w.addService(ns, 'tcp-echo', { app: 'tcp-echo' }, [
    { name: 'tcp', port: 9000 },
    { name: 'tcp-other', port: 9001 },
  ]);
  w.applyYaml(TCP_GATEWAY, ns);
  return w;
}

describe('tcp-echo-server', () => {
  it('answers each complete line with its prefix and ignores an unterminated tail', () => {
    expect(echoLines('one', 'a\nb\nc')).toBe('one a\none b\n');
    expect(echoLines('hello', '')).toBe('');
  });
});

describe('TCP through the ingress gateway', () => {
  it('routes the gateway port by the tcp rule, 100 % to v1', async () => {
    const w = world();
    w.applyYaml(vs([100, 0]));
    // kind's control-plane pods use the host network: they have the node's IP, which must not shadow node ports.
    w.addPod('kube-system', 'kube-apiserver-kind-control-plane', { component: 'kube-apiserver' }, [
      { name: 'kube-apiserver', image: 'registry.k8s.io/kube-apiserver:v1.34.0' },
    ]);
    const apiserver = w.pod('kube-apiserver', 'kube-system');
    (apiserver.status as { podIP: string }).podIP = '172.18.0.2';
    w.cluster.apply(apiserver);
    const sleep = w.deploySleep({ sidecar: false });
    for (let i = 0; i < 10; i++) {
      const r = await w.network.connect(sleep, { host: '172.18.0.2', port: 31400, data: 'Mon Nov 24\n' });
      expect(r).toMatchObject({ reply: 'one Mon Nov 24\n', ip: '172.18.0.2' });
      expect(r.error).toBeUndefined();
    }
    const gw = w.pod('istio-ingressgateway', 'istio-system').metadata.name;
    const line = w.log('istio-system', gw, 'istio-proxy').at(-1)!;
    expect(line).toMatch(/^\[[^\]]+\] "- - -" 0 - - - "-" 11 15 \d+ - "-" "-" "-" "-" "10\.244\.0\.\d+:9000" /);
    expect(line).toContain(' outbound|9000|v1|tcp-echo.default.svc.cluster.local ');
  });

  it('splits connections by weight (80/20 gives both, mostly one)', async () => {
    const w = world();
    w.applyYaml(vs([80, 20]));
    const sleep = w.deploySleep({ sidecar: false });
    const replies: string[] = [];
    for (let i = 0; i < 200; i++)
      replies.push((await w.network.connect(sleep, { host: '172.18.0.2', port: 31400, data: 'x\n' })).reply);
    const twos = replies.filter((r) => r === 'two x\n').length;
    expect(replies.filter((r) => r === 'one x\n').length + twos).toBe(200);
    expect(twos).toBeGreaterThan(20);
    expect(twos).toBeLessThan(70);
  });

  it('refuses the port when no VirtualService routes it, and from outside through the node port', async () => {
    const w = world();
    const sleep = w.deploySleep({ sidecar: false });
    expect(await w.network.connect(sleep, { host: '172.18.0.2', port: 31400, data: 'x\n' })).toMatchObject({
      reply: '',
      error: 'refused',
    });
    w.applyYaml(vs([0, 1]));
    expect((await w.network.connect('outside', { host: '172.18.0.2', port: 31400, data: 'hi\n' })).reply).toBe(
      'two hi\n',
    );
  });
});

describe('TCP from a sidecar', () => {
  it('goes to the Service by default and follows a mesh tcp rule by port', async () => {
    const w = world();
    const sleep = w.deploySleep();
    const seen = new Set<string>();
    for (let i = 0; i < 40; i++)
      seen.add((await w.network.connect(sleep, { host: 'tcp-echo', port: 9000, data: 'a\n' })).reply);
    expect([...seen].sort()).toEqual(['one a\n', 'two a\n']);
    w.applyYaml(`apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: tcp-echo-mesh
spec:
  hosts: [tcp-echo]
  tcp:
  - match:
    - port: 9001
    route:
    - destination: {host: tcp-echo, subset: v2, port: {number: 9001}}
  - route:
    - destination: {host: tcp-echo, subset: v1, port: {number: 9000}}
`);
    expect((await w.network.connect(sleep, { host: 'tcp-echo', port: 9001, data: 'b\n' })).reply).toBe('two b\n');
    expect((await w.network.connect(sleep, { host: 'tcp-echo', port: 9000, data: 'c\n' })).reply).toBe('one c\n');
    const out = w.log('default', 'sleep-7b9f8bfcd-2djx5', 'istio-proxy').at(-1)!;
    expect(out).toContain(' outbound|9000|v1|tcp-echo.default.svc.cluster.local ');
    const v1 = w.pod('tcp-echo-v1').metadata.name;
    const inbound = w.log('default', v1, 'istio-proxy').at(-1)!;
    expect(inbound).toMatch(
      /"- - -" 0 - - - "-" 2 6 \d+ - "-" "-" "-" "-" "10\.244\.0\.\d+:9000" inbound\|9000\|\| 127\.0\.0\.6:\d+ /,
    );
    expect(inbound).toContain(' outbound_.9000_.v1_.tcp-echo.default.svc.cluster.local ');
    expect(w.log('default', v1, 'tcp-echo').slice(-2)).toEqual(['request: c', 'response: one c']);
  });

  it('accepts then closes what its upstream refuses, black-holes under REGISTRY_ONLY, fails DNS itself', async () => {
    const w = world();
    const sleep = w.deploySleep();
    const proxyLog = () => w.log('default', 'sleep-7b9f8bfcd-2djx5', 'istio-proxy').at(-1)!;
    expect(await w.network.connect(sleep, { host: 'nope', port: 9000, data: '' })).toMatchObject({ error: 'dns' });
    // The sidecar takes the connection; its upstream (a cluster IP on no declared port) fails, so it closes it.
    const r = await w.network.connect(sleep, { host: 'tcp-echo', port: 9005, data: 'x\n' });
    expect(r).toMatchObject({ reply: '', ip: '10.96.0.11' });
    expect(r.error).toBeUndefined();
    expect(proxyLog()).toMatch(
      /"- - -" 0 UF - - "-" 0 0 \d+ - "-" "-" "-" "-" "10\.96\.0\.11:9005" PassthroughCluster /,
    );
    w.cluster.apply({
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'istio', namespace: 'istio-system' },
      data: { mesh: 'accessLogFile: /dev/stdout\noutboundTrafficPolicy:\n  mode: REGISTRY_ONLY\n' },
    });
    expect((await w.network.connect(sleep, { host: 'tcp-echo', port: 9005, data: 'x\n' })).reply).toBe('');
    expect(proxyLog()).toMatch(/"- - -" 0 UH - - "-" 0 0 \d+ - "-" "-" "-" "-" "-" BlackHoleCluster /);
    // Without a sidecar the kernel answers: nothing listens there.
    const bare = w.deploySleep({ sidecar: false, name: 'sleep-bare' });
    expect(await w.network.connect(bare, { host: 'tcp-echo', port: 9005, data: 'x\n' })).toMatchObject({
      error: 'refused',
    });
  });

  it('serves hand-written HTTP through an HTTP port', async () => {
    const w = new World(3);
    w.installIstio();
    w.deploySeedHttpbin();
    const sleep = w.deploySleep();
    const r = await w.network.connect(sleep, {
      host: 'httpbin',
      port: 8000,
      data: 'GET /status/418 HTTP/1.1\r\nHost: httpbin:8000\r\n\r\n',
    });
    expect(r.reply).toMatch(/^HTTP\/1\.1 418 I'm a teapot\r\n/);
    expect(r.reply).toContain('\r\nserver: envoy\r\n');
    const bad = await w.network.connect(sleep, { host: 'httpbin', port: 8000, data: 'hello\n' });
    expect(bad.reply).toMatch(/^HTTP\/1\.1 400 Bad Request\r\n/);
  });
});

describe('protocol selection and raw HTTP', () => {
  it.each([
    [{ name: 'http' }, 'HTTP'],
    [{ name: 'http-web' }, 'HTTP'],
    [{ name: 'grpc' }, 'HTTP'],
    [{ name: 'tcp' }, 'TCP'],
    [{ name: 'tcp-other' }, 'TCP'],
    [{ name: 'tls' }, 'TCP'],
    [{ name: 'web' }, 'SNIFF'],
    [{}, 'SNIFF'],
    [{ name: 'web', appProtocol: 'http' }, 'HTTP'],
  ])('%j is %s', (port, protocol) => {
    expect(portProtocol(port)).toBe(protocol);
  });

  it('parses a request head and waits for an incomplete one', () => {
    expect(looksLikeHttp('GET / HTTP/1.0\r\n')).toBe(true);
    expect(looksLikeHttp('hello\n')).toBe(false);
    expect(parseRawRequest('GET /x HTTP/1.1\r\nHost: a\r\n')).toBeUndefined();
    expect(parseRawRequest('GET /x HTTP/1.1\r\nHost: a\r\n\r\n')).toMatchObject({
      method: 'GET',
      path: '/x',
      authority: 'a',
    });
  });
});
