/** Mirroring, headers and egress (ISTIO-BEHAVIOR.md "Routing", "Headers", "Egress"). */
import { describe, expect, it } from 'vitest';
import { World } from './testing/fixtures.ts';
import { DEMO_MESH } from './testing/fixtures.ts';
import { tracingFor } from './meshConfig.ts';

const HTTPBIN_DR = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: httpbin}
spec:
  host: httpbin
  subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]
`;

function mirrorWorld(mirror: string): { w: World; sleep: ReturnType<World['deploySleep']>; v1: string; v2: string } {
  const w = new World();
  w.installIstio();
  w.deploySeedHttpbin();
  const sleep = w.deploySleep();
  w.applyYaml(HTTPBIN_DR);
  w.applyYaml(`apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: httpbin}
spec:
  hosts: [httpbin]
  http:
  - route:
    - destination: {host: httpbin, subset: v1}
      weight: 100
${mirror}`);
  return { w, sleep, v1: w.pod('httpbin-v1').metadata.name, v2: w.pod('httpbin-v2').metadata.name };
}

describe('mirroring', () => {
  it('without a mirror only v1 logs the request', async () => {
    const { w, sleep, v1, v2 } = mirrorWorld('');
    await w.get(sleep, 'http://httpbin:8000/headers');
    await w.network.idle();
    expect(w.log('default', v1, 'httpbin')).toHaveLength(1);
    expect(w.log('default', v2, 'httpbin')).toHaveLength(0);
  });

  it('mirror: both log it, the caller sees only v1, and the Host is unchanged (Istio >= 1.28)', async () => {
    const { w, sleep, v1, v2 } = mirrorWorld('    mirror: {host: httpbin, subset: v2}\n');
    const res = await w.get(sleep, 'http://httpbin:8000/headers');
    await w.network.idle();
    expect(JSON.parse(res.body).headers.Host).toBe('httpbin:8000');
    expect(w.log('default', v1, 'httpbin')).toHaveLength(1);
    expect(w.log('default', v2, 'httpbin')).toHaveLength(1);
    expect(w.log('default', v2, 'httpbin')[0]).toMatch(
      /^127\.0\.0\.6 - - \[24\/Nov\/2026:10:02:43 \+0000\] "GET \/headers HTTP\/1\.1" 200 \d+ "-" "curl\/8\.16\.0"$/,
    );
    expect(w.log('default', v2, 'istio-proxy')[0]).toContain('"httpbin:8000"');
    expect(w.log('default', sleep.pod, 'istio-proxy')).toHaveLength(1);
  });

  it('with istiod DISABLE_SHADOW_HOST_SUFFIX=false the mirrored Host gets -shadow', async () => {
    const { w, sleep, v2 } = mirrorWorld('    mirror: {host: httpbin, subset: v2}\n');
    const istiod = w.cluster.get('Deployment', 'istio-system', 'istiod')!;
    (istiod.spec as any).template.spec.containers[0].env.push({ name: 'DISABLE_SHADOW_HOST_SUFFIX', value: 'false' });
    w.cluster.apply(istiod);
    await w.get(sleep, 'http://httpbin:8000/headers');
    await w.network.idle();
    expect(w.log('default', v2, 'istio-proxy')[0]).toContain('"httpbin-shadow:8000"');
  });

  it('the caller only sees the primary response even when the mirror fails', async () => {
    const { w, sleep, v2 } = mirrorWorld('    mirror: {host: httpbin, subset: v3}\n');
    const res = await w.get(sleep, 'http://httpbin:8000/status/200');
    await w.network.idle();
    expect(res.status).toBe(200);
    expect(w.log('default', v2, 'httpbin')).toHaveLength(0);
  });

  it('mirrorPercentage 0 sends none; 50 sends about half; `mirrors` works too', async () => {
    const none = mirrorWorld('    mirror: {host: httpbin, subset: v2}\n    mirrorPercentage: {value: 0}\n');
    for (let i = 0; i < 20; i++) await none.w.get(none.sleep, 'http://httpbin:8000/get');
    await none.w.network.idle();
    expect(none.w.log('default', none.v2, 'httpbin')).toHaveLength(0);
    const half = mirrorWorld('    mirror: {host: httpbin, subset: v2}\n    mirrorPercentage: {value: 50}\n');
    for (let i = 0; i < 200; i++) await half.w.get(half.sleep, 'http://httpbin:8000/get');
    await half.w.network.idle();
    const n = half.w.log('default', half.v2, 'httpbin').length;
    expect(n).toBeGreaterThan(70);
    expect(n).toBeLessThan(130);
    const list = mirrorWorld('    mirrors: [{destination: {host: httpbin, subset: v2}, percentage: {value: 100}}]\n');
    await list.w.get(list.sleep, 'http://httpbin:8000/get');
    await list.w.network.idle();
    expect(list.w.log('default', list.v2, 'httpbin')).toHaveLength(1);
  });
});

describe('headers', () => {
  it('an app behind sidecars sees attempt count and XFCC; no trace headers (no tracer since 1.22), no decorator', async () => {
    const { w, sleep } = mirrorWorld('');
    const h = JSON.parse((await w.get(sleep, 'http://httpbin:8000/headers')).body).headers as Record<string, string>;
    expect(h['X-Envoy-Attempt-Count']).toBe('1');
    expect(Object.keys(h).filter((k) => /^x-b3-|^traceparent$/i.test(k))).toEqual([]);
    expect(h['X-Forwarded-Client-Cert']).toMatch(
      new RegExp(
        String.raw`^By=spiffe:\/\/cluster\.local\/ns\/default\/sa\/default;Hash=[0-9a-f]{64};Subject="";URI=spiffe:\/\/` +
          String.raw`cluster\.local\/ns\/default\/sa\/sleep$`,
      ),
    );
    expect(h['X-Envoy-Decorator-Operation']).toBeUndefined();
    expect(h['X-Envoy-Peer-Metadata']).toBeUndefined();
    // gunicorn's httpbin hides X-Request-Id and X-Forwarded-Proto (its ENV_HEADERS).
    expect(h['X-Request-Id']).toBeUndefined();
  });

  it('with a Zipkin tracer (defaultConfig.tracing) the sidecars propagate B3; with OpenTelemetry, traceparent', async () => {
    const zipkin = new World();
    zipkin.installIstio(
      'accessLogFile: /dev/stdout\ndefaultConfig:\n  discoveryAddress: istiod.istio-system.svc:15012\n' +
        '  tracing:\n    zipkin:\n      address: zipkin.istio-system:9411\n',
    );
    zipkin.deploySeedHttpbin();
    const sleep = zipkin.deploySleep();
    const h = JSON.parse((await zipkin.get(sleep, 'http://httpbin:8000/headers')).body).headers as Record<
      string,
      string
    >;
    expect(h['X-B3-Traceid']).toMatch(/^[0-9a-f]{32}$/);
    expect(h['X-B3-Spanid']).toMatch(/^[0-9a-f]{16}$/);
    expect(h['X-B3-Parentspanid']).toMatch(/^[0-9a-f]{16}$/);
    expect(h['X-B3-Sampled']).toBe('1');

    const otel = new World();
    otel.installIstio(
      `${DEMO_MESH}defaultProviders:\n  tracing: [otel-tracing]\nextensionProviders:\n- name: otel-tracing\n` +
        '  opentelemetry: {port: 4317, service: opentelemetry-collector.observability.svc.cluster.local}\n',
    );
    otel.deploySeedHttpbin();
    const client = otel.deploySleep();
    const o = JSON.parse((await otel.get(client, 'http://httpbin:8000/headers')).body).headers as Record<
      string,
      string
    >;
    expect(o.Traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/);
    expect(Object.keys(o).filter((k) => /^x-b3-/i.test(k))).toEqual([]);
  });

  it('enableTracing: false turns the legacy tracer off', () => {
    expect(
      tracingFor({ enableTracing: false, defaultConfig: { tracing: { zipkin: { address: 'z:9411' } } } }, undefined),
    ).toBeUndefined();
    expect(tracingFor({ defaultConfig: { tracing: { zipkin: { address: 'z:9411' } } } }, undefined)).toBe('b3');
    expect(tracingFor({}, undefined)).toBeUndefined();
  });

  it('a client without a sidecar reaches the server sidecar in plaintext: no XFCC, and server: istio-envoy', async () => {
    const { w } = mirrorWorld('');
    const plain = w.deploySleep({ sidecar: false, name: 'sleep-plain' });
    const res = await w.get(plain, 'http://httpbin:8000/headers');
    expect(JSON.parse(res.body).headers['X-Forwarded-Client-Cert']).toBeUndefined();
    expect(res.headers).toContainEqual(['server', 'istio-envoy']);
  });

  it('through the gateway: X-Forwarded-For and X-Envoy-Internal reach go-httpbin as arrays', async () => {
    const w = new World();
    w.installIstio();
    w.addPod(
      'default',
      'httpbin-7d8b9c6f5d-qwert',
      { app: 'httpbin', version: 'v1' },
      [{ name: 'httpbin', image: 'docker.io/mccutchen/go-httpbin:v2.15.0', ports: [{ containerPort: 8080 }] }],
      { sidecar: true, serviceAccount: 'httpbin' },
    );
    w.addService('default', 'httpbin', { app: 'httpbin' }, [{ name: 'http', port: 8000, targetPort: 8080 }]);
    w.applyYaml(`apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: httpbin-gateway}
spec:
  selector: {istio: ingressgateway}
  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: httpbin}
spec:
  hosts: ["*"]
  gateways: [httpbin-gateway]
  http: [{route: [{destination: {host: httpbin, port: {number: 8000}}}]}]
`);
    const h = JSON.parse((await w.get('outside', 'http://172.18.0.2:30080/headers')).body).headers;
    expect(h['X-Forwarded-For']).toEqual(['10.244.0.1']);
    expect(h['X-Envoy-Internal']).toEqual(['true']);
    expect(h['X-Forwarded-Proto']).toEqual(['http']);
    expect(h['X-Forwarded-Client-Cert'][0]).toContain(
      'URI=spiffe://cluster.local/ns/istio-system/sa/istio-ingressgateway-service-account',
    );
    expect(w.log('default', 'httpbin-7d8b9c6f5d-qwert', 'httpbin')[0]).toMatch(/status=200 method=GET uri=\/headers /);
  });
});

describe('egress', () => {
  function egress(mesh = DEMO_MESH): { w: World; sleep: ReturnType<World['deploySleep']> } {
    const w = new World();
    w.installIstio(mesh);
    return { w, sleep: w.deploySleep() };
  }
  const registryOnly = DEMO_MESH + 'outboundTrafficPolicy:\n  mode: REGISTRY_ONLY\n';

  it('ALLOW_ANY: HTTPS to www.google.com and edition.cnn.com answers HTTP/2 200; the log shows PassthroughCluster', async () => {
    const { w, sleep } = egress();
    for (const url of ['https://www.google.com', 'https://edition.cnn.com']) {
      const res = await w.get(sleep, url, [], { method: 'HEAD' });
      expect(res).toMatchObject({ status: 200, httpVersion: '2' });
    }
    const line = w.log('default', sleep.pod, 'istio-proxy')[0];
    expect(line).toMatch(
      new RegExp(
        String.raw`^\[2026-11-24T10:02:43\.\d{3}Z\] "- - -" 0 - - - "-" \d+ \d+ \d+ - "-" "-" "-" "-" "142\.250\.196\.1` +
          String.raw`00:443" PassthroughCluster 10\.244\.0\.\d+:\d+ 142\.250\.196\.100:443 10\.244\.0\.\d+:\d+ www\.googl` +
          String.raw`e\.com -$`,
      ),
    );
  });

  it('REGISTRY_ONLY: HTTPS is reset in the handshake (curl 35); HTTP gets 502 from block_all', async () => {
    const { w, sleep } = egress(registryOnly);
    const tls = await w.get(sleep, 'https://www.google.com');
    expect(tls.error).toEqual({
      curlExitCode: 35,
      message: 'OpenSSL SSL_connect: Connection reset by peer in connection to www.google.com:443',
    });
    expect(w.log('default', sleep.pod, 'istio-proxy').at(-1)).toContain(' BlackHoleCluster ');
    const http = await w.get(sleep, 'http://httpbin.org/headers');
    expect(http).toMatchObject({ status: 502, body: '' });
    expect(w.log('default', sleep.pod, 'istio-proxy').at(-1)).toMatch(
      /"GET \/headers HTTP\/1\.1" 502 - direct_response - .* block_all$/,
    );
  });

  it("the seed's way (editing the istio ConfigMap) changes the mode for running pods", async () => {
    const { w, sleep } = egress();
    expect((await w.get(sleep, 'https://www.google.com')).status).toBe(200);
    const cm = w.cluster.get('ConfigMap', 'istio-system', 'istio')!;
    (cm as any).data.mesh += 'outboundTrafficPolicy:\n  mode: REGISTRY_ONLY\n';
    w.cluster.apply(cm);
    expect((await w.get(sleep, 'https://www.google.com')).error?.curlExitCode).toBe(35);
  });

  it('a Sidecar resource in the namespace sets REGISTRY_ONLY for it only', async () => {
    const { w, sleep } = egress();
    const other = w.deploySleep({ namespace: 'other', name: 'sleep-other' });
    w.applyYaml(
      'apiVersion: networking.istio.io/v1\nkind: Sidecar\nmetadata: {name: ' +
        'default}\nspec:\n  outboundTrafficPolicy: {mode: REGISTRY_ONLY}\n',
    );
    expect((await w.get(sleep, 'https://www.google.com')).error?.curlExitCode).toBe(35);
    expect((await w.get(other, 'https://www.google.com')).status).toBe(200);
  });

  it('ServiceEntry for httpbin.org (HTTP): works under REGISTRY_ONLY, shows the decorator, logs the request', async () => {
    const { w, sleep } = egress(registryOnly);
    w.applyYaml(
      'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: httpbin-ext}\nspec:\n  hosts: ' +
        '[httpbin.org]\n  ports: [{number: 80, name: http, protocol: HTTP}]\n  resolution: DNS\n  location: MESH_EXTERNAL\n',
    );
    const res = await w.get(sleep, 'http://httpbin.org/headers');
    expect(res.status).toBe(200);
    const h = JSON.parse(res.body).headers;
    expect(h['X-Envoy-Decorator-Operation']).toBe('httpbin.org:80/*');
    expect(h['X-Amzn-Trace-Id']).toMatch(/^Root=1-/);
    expect(w.log('default', sleep.pod, 'istio-proxy').at(-1)).toMatch(
      new RegExp(
        String.raw`"GET \/headers HTTP\/1\.1" 200 - via_upstream - "-" 0 \d+ \d+ \d+ "-" "curl\/8\.16\.0" "[0-9a-f-]{36` +
          String.raw`}" "httpbin\.org" "3\.230\.204\.70:80" outbound\|80\|\|httpbin\.org `,
      ),
    );
  });

  it('ServiceEntry for www.google.com (HTTPS): a TCP connection with SNI and bytes in the log', async () => {
    const { w, sleep } = egress(registryOnly);
    w.applyYaml(
      'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: google}\nspec:\n  hosts: [www.google.com]\n ' +
        ' ports: [{number: 443, name: https, protocol: HTTPS}]\n  resolution: DNS\n  location: MESH_EXTERNAL\n',
    );
    expect((await w.get(sleep, 'https://www.google.com', [], { method: 'HEAD' })).status).toBe(200);
    expect(w.log('default', sleep.pod, 'istio-proxy').at(-1)).toMatch(
      new RegExp(
        String.raw`"- - -" 0 - - - "-" [1-9]\d* [1-9]\d* \d+ - "-" "-" "-" "-" "142\.250\.196\.100:443" outbound\|443\|` +
          String.raw`\|www\.google\.com .* www\.google\.com -$`,
      ),
    );
    expect((await w.get(sleep, 'https://edition.cnn.com')).error?.curlExitCode).toBe(35);
  });

  it('a VirtualService timeout on a ServiceEntry host is enforced by the client sidecar', async () => {
    const { w, sleep } = egress();
    w.applyYaml(
      'apiVersion: networking.istio.io/v1\nkind: ServiceEntry\nmetadata: {name: httpbin-ext}\nspec:\n  hosts: ' +
        '[httpbin.org]\n  ports: [{number: 80, name: http, protocol: HTTP}]\n  resolution: DNS\n  location: ' +
        'MESH_EXTERNAL\n---\napiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: httpbin-ext}\nspec:\n ' +
        ' hosts: [httpbin.org]\n  http:\n  - timeout: 3s\n    route: [{destination: {host: httpbin.org}, weight: 100}]\n',
    );
    const t0 = w.clock.now();
    expect((await w.get(sleep, 'http://httpbin.org/delay/5')).status).toBe(504);
    expect(w.clock.now() - t0).toBe(3000);
  });

  it('bypass by IP range: no Envoy headers, no sidecar log line, REGISTRY_ONLY ignored', async () => {
    const { w } = egress(registryOnly);
    const bypass = w.deploySleep({
      name: 'sleep-bypass',
      annotations: { 'traffic.sidecar.istio.io/includeOutboundIPRanges': '10.96.0.0/12' },
    });
    const res = await w.get(bypass, 'http://httpbin.org/headers');
    expect(res.status).toBe(200);
    expect(Object.keys(JSON.parse(res.body).headers).sort()).toEqual([
      'Accept',
      'Host',
      'User-Agent',
      'X-Amzn-Trace-Id',
    ]);
    expect(res.headers.some(([k]) => k.toLowerCase() === 'server' && k === 'server')).toBe(false);
    expect(w.log('default', 'sleep-bypass', 'istio-proxy')).toHaveLength(0);
  });

  it('an unknown name does not resolve (curl 6)', async () => {
    const { w, sleep } = egress();
    expect((await w.get(sleep, 'http://no.such.example/')).error).toEqual({
      curlExitCode: 6,
      message: 'Could not resolve host: no.such.example',
    });
  });

  it('access logging follows meshConfig.accessLogFile', async () => {
    const { w, sleep } = egress('rootNamespace: istio-system\n');
    await w.get(sleep, 'https://www.google.com');
    expect(w.log('default', sleep.pod, 'istio-proxy')).toHaveLength(0);
  });
});
