/** Routing through real proxies and apps, row by row of ISTIO-BEHAVIOR.md's "Routing" and local-reply tables. */
import { describe, expect, it } from 'vitest';
import { World, starsOf } from './testing/fixtures.ts';

const GATEWAY = `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: bookinfo-gateway}
spec:
  selector: {istio: ingressgateway}
  servers:
  - port: {number: 8080, name: http, protocol: HTTP}
    hosts: ["*"]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: bookinfo}
spec:
  hosts: ["*"]
  gateways: [bookinfo-gateway]
  http:
  - match: [{uri: {exact: /productpage}}, {uri: {prefix: /api/v1/products}}]
    route: [{destination: {host: productpage, port: {number: 9080}}}]
`;

const DR_REVIEWS = `apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews}
spec:
  host: reviews
  subsets:
  - {name: v1, labels: {version: v1}}
  - {name: v2, labels: {version: v2}}
  - {name: v3, labels: {version: v3}}
`;

function reviewsVs(routes: string): string {
  return `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews}
spec:
  hosts: [reviews]
  http:
  - route:
${routes}`;
}

function bookinfo(): World {
  const w = new World();
  w.installIstio();
  w.deployBookinfo();
  w.applyYaml(GATEWAY);
  return w;
}

async function pages(w: World, n: number): Promise<Record<string, number>> {
  const counts: Record<string, number> = { none: 0, black: 0, red: 0, unavailable: 0 };
  for (let i = 0; i < n; i++) {
    const res = await w.get('outside', 'http://172.18.0.2:30080/productpage');
    counts[starsOf(res.body)]++;
  }
  return counts;
}

describe('traffic shifting through the ingress gateway and productpage', () => {
  it('without a VirtualService requests are balanced over all reviews pods (about a third each)', async () => {
    const c = await pages(bookinfo(), 300);
    for (const k of ['none', 'black', 'red']) expect(c[k]).toBeGreaterThan(65);
    expect(c.unavailable).toBe(0);
  });

  it('all to v1: no stars, ever', async () => {
    const w = bookinfo();
    w.applyYaml(DR_REVIEWS);
    w.applyYaml(reviewsVs('    - destination: {host: reviews, subset: v1}\n'));
    expect(await pages(w, 50)).toMatchObject({ none: 50 });
  });

  it('50/50 v1/v3: about half red; relative weights 1:1 behave the same', async () => {
    const w = bookinfo();
    w.applyYaml(DR_REVIEWS);
    w.applyYaml(
      reviewsVs(
        '    - destination: {host: reviews, subset: v1}\n      weight: 50\n ' +
          '   - destination: {host: reviews, subset: v3}\n      weight: 50\n',
      ),
    );
    const c = await pages(w, 200);
    expect(c.red + c.none).toBe(200);
    expect(c.red).toBeGreaterThan(70);
    expect(c.red).toBeLessThan(130);
    w.applyYaml(
      reviewsVs(
        '    - destination: {host: reviews, subset: v1}\n      weight: 1\n ' +
          '   - destination: {host: reviews, subset: v3}\n      weight: 1\n',
      ),
    );
    const d = await pages(w, 200);
    expect(d.red).toBeGreaterThan(70);
    expect(d.red).toBeLessThan(130);
  });

  it('100 % v3: only red; weight 0 destinations get nothing', async () => {
    const w = bookinfo();
    w.applyYaml(DR_REVIEWS);
    w.applyYaml(reviewsVs('    - destination: {host: reviews, subset: v3}\n'));
    expect(await pages(w, 40)).toMatchObject({ red: 40 });
    w.applyYaml(
      reviewsVs(
        '    - destination: {host: reviews, subset: v1}\n      weight: 0\n ' +
          '   - destination: {host: reviews, subset: v2}\n      weight: 100\n',
      ),
    );
    expect(await pages(w, 40)).toMatchObject({ black: 40 });
  });

  it('a subset no DestinationRule defines: 503 NC with an empty body, and the page says reviews are unavailable', async () => {
    const w = bookinfo();
    w.applyYaml(reviewsVs('    - destination: {host: reviews, subset: v3}\n'));
    expect(await pages(w, 5)).toMatchObject({ unavailable: 5 });
    const sleep = w.deploySleep();
    const res = await w.get(sleep, 'http://reviews:9080/reviews/0');
    expect(res).toMatchObject({ status: 503, body: '' });
    expect(res.headers).toContainEqual(['server', 'envoy']);
    expect(res.headers.find(([k]) => k === 'x-envoy-upstream-service-time')).toBeUndefined();
    const log = w.log('default', sleep.pod, 'istio-proxy').at(-1)!;
    expect(log).toContain('"GET /reviews/0 HTTP/1.1" 503 NC cluster_not_found ');
    expect(log).toContain(' outbound|9080|v3|reviews.default.svc.cluster.local ');
  });

  it('a subset whose labels match no pod: 503 UH "no healthy upstream"', async () => {
    const w = bookinfo();
    w.applyYaml(DR_REVIEWS.replace('{name: v3, labels: {version: v3}}', '{name: v3, labels: {version: v4}}'));
    w.applyYaml(reviewsVs('    - destination: {host: reviews, subset: v3}\n'));
    const sleep = w.deploySleep();
    const res = await w.get(sleep, 'http://reviews:9080/reviews/0');
    expect(res).toMatchObject({ status: 503, body: 'no healthy upstream' });
    expect(w.log('default', sleep.pod, 'istio-proxy').at(-1)).toContain(' 503 UH no_healthy_upstream ');
  });

  it('weighted routing ignores replica counts: three v1 pods and one v3 pod still split 50/50', async () => {
    const w = bookinfo();
    for (const s of ['a', 'b']) {
      w.addPod(
        'default',
        `reviews-v1-5b9d4c6f7b-extra${s}`,
        { app: 'reviews', version: 'v1' },
        [{ name: 'reviews', image: 'docker.io/istio/examples-bookinfo-reviews-v1:1.20.3' }],
        { sidecar: true },
      );
    }
    w.applyYaml(DR_REVIEWS);
    w.applyYaml(
      reviewsVs(
        '    - destination: {host: reviews, subset: v1}\n      weight: 50\n ' +
          '   - destination: {host: reviews, subset: v3}\n      weight: 50\n',
      ),
    );
    const c = await pages(w, 200);
    expect(c.red).toBeGreaterThan(70);
    expect(c.red).toBeLessThan(130);
  });
});

describe('gateways and mesh binding', () => {
  function httpbinWorld(): World {
    const w = new World();
    w.installIstio();
    w.deploySeedHttpbin();
    return w;
  }
  const gw = (hosts: string) => `apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: httpbin-gateway}
spec:
  selector: {istio: ingressgateway}
  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: [${hosts}]}]
`;
  const vs = (
    hosts: string,
    gateways: string,
    match = '[{uri: {prefix: /status}}, {uri: {prefix: /delay}}]',
  ) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: httpbin}
spec:
  hosts: [${hosts}]
  gateways: [${gateways}]
  http:
  - match: ${match}
    route: [{destination: {host: httpbin, port: {number: 8000}, subset: v1}}]
---
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: httpbin}
spec:
  host: httpbin
  subsets: [{name: v1, labels: {version: v1}}, {name: v2, labels: {version: v2}}]
`;

  it('Host must match the Gateway and VirtualService hosts; unrouted paths get 404 NR from istio-envoy', async () => {
    const w = httpbinWorld();
    w.applyYaml(gw('"httpbin.example.com"'));
    w.applyYaml(vs('"httpbin.example.com"', 'httpbin-gateway'));
    const ok = await w.get('outside', 'http://172.18.0.2:30080/status/200', [['Host', 'httpbin.example.com']]);
    expect(ok.status).toBe(200);
    expect(ok.headers).toContainEqual(['server', 'istio-envoy']);
    expect(ok.headers.some(([k]) => k === 'x-envoy-upstream-service-time')).toBe(true);
    const wrongHost = await w.get('outside', 'http://172.18.0.2:30080/status/200');
    expect(wrongHost.status).toBe(404);
    const unrouted = await w.get('outside', 'http://172.18.0.2:30080/headers', [['Host', 'httpbin.example.com']]);
    expect(unrouted).toMatchObject({ status: 404, body: '' });
    expect(unrouted.headers).toContainEqual(['server', 'istio-envoy']);
    expect(unrouted.headers.some(([k]) => k === 'x-envoy-upstream-service-time')).toBe(false);
    expect(w.log('istio-system', 'istio-ingressgateway-6b7b8c9d5f-x2k8q', 'istio-proxy').at(-1)).toContain(
      '"GET /headers HTTP/1.1" 404 NR route_not_found ',
    );
  });

  it('no Gateway server on the port: the connection is refused', async () => {
    const w = httpbinWorld();
    const res = await w.get('outside', 'http://172.18.0.2:30080/status/200');
    expect(res.error?.curlExitCode).toBe(7);
  });

  it('a VirtualService bound to a gateway does not affect in-mesh callers until `mesh` is listed', async () => {
    const w = httpbinWorld();
    const sleep = w.deploySleep();
    w.applyYaml(gw('"*"'));
    w.applyYaml(vs('"*"', 'httpbin-gateway', '[{uri: {prefix: /}}]'));
    const versions = async () => {
      const seen = new Set<string>();
      for (let i = 0; i < 40; i++) {
        await w.get(sleep, 'http://httpbin:8000/get');
      }
      for (const v of ['v1', 'v2'])
        if (w.log('default', w.pod(`httpbin-${v}`).metadata.name, 'httpbin').length > 0) seen.add(v);
      return seen;
    };
    expect([...(await versions())].sort()).toEqual(['v1', 'v2']);
    const w2 = httpbinWorld();
    const sleep2 = w2.deploySleep();
    w2.applyYaml(gw('"*"'));
    w2.applyYaml(vs('httpbin', 'httpbin-gateway, mesh', '[{uri: {prefix: /}}]'));
    for (let i = 0; i < 40; i++) await w2.get(sleep2, 'http://httpbin:8000/get');
    expect(w2.log('default', w2.pod('httpbin-v2').metadata.name, 'httpbin')).toHaveLength(0);
    expect(w2.log('default', w2.pod('httpbin-v1').metadata.name, 'httpbin')).toHaveLength(40);
  });

  it('the wildcard host answers any Host, including the node address', async () => {
    const w = httpbinWorld();
    w.applyYaml(gw('"*"'));
    w.applyYaml(vs('"*"', 'httpbin-gateway', '[{uri: {prefix: /headers}}]'));
    const res = await w.get('outside', 'http://127.0.0.1:8080/headers');
    expect(res.status).toBe(200);
    const headers = JSON.parse(res.body).headers;
    expect(headers.Host).toBe('127.0.0.1:8080');
  });
});

describe('timeouts, retries and faults', () => {
  function world(rule: string): { w: World; sleep: ReturnType<World['deploySleep']> } {
    const w = new World();
    w.installIstio();
    w.deploySeedHttpbin();
    const sleep = w.deploySleep();
    if (rule)
      w.applyYaml(
        `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata: {name: httpbin}\nspec:\n ` +
          ` hosts: [httpbin]\n  http:\n  - ${rule}\n    route: [{destination: {host: httpbin}}]\n`,
      );
    return { w, sleep };
  }

  it('no timeout unless set: /delay/5 answers 200 after 5 s', async () => {
    const { w, sleep } = world('');
    const t0 = w.clock.now();
    const res = await w.get(sleep, 'http://httpbin:8000/delay/5');
    expect(res.status).toBe(200);
    expect(w.clock.now() - t0).toBe(5000);
  });

  it('timeout: 3s answers 504 "upstream request timeout" after 3 s, logged as UT', async () => {
    const { w, sleep } = world('timeout: 3s');
    const t0 = w.clock.now();
    const res = await w.get(sleep, 'http://httpbin:8000/delay/5');
    expect(res).toMatchObject({ status: 504, body: 'upstream request timeout' });
    expect(w.clock.now() - t0).toBe(3000);
    expect(w.log('default', sleep.pod, 'istio-proxy').at(-1)).toContain('" 504 UT response_timeout ');
  });

  it('default retries: a 503 from the app is tried three times', async () => {
    const { w, sleep } = world('');
    for (const v of ['v2']) w.cluster.delete('Pod', 'default', w.pod(`httpbin-${v}`).metadata.name);
    const res = await w.get(sleep, 'http://httpbin:8000/status/503');
    expect(res.status).toBe(503);
    expect(w.log('default', w.pod('httpbin-v1').metadata.name, 'httpbin')).toHaveLength(3);
  });

  it('retries.attempts 0 disables retries', async () => {
    const { w, sleep } = world('retries: {attempts: 0}\n    timeout: 10s');
    w.cluster.delete('Pod', 'default', w.pod('httpbin-v2').metadata.name);
    await w.get(sleep, 'http://httpbin:8000/status/503');
    expect(w.log('default', w.pod('httpbin-v1').metadata.name, 'httpbin')).toHaveLength(1);
  });

  it('fault abort answers from the client sidecar with "fault filter abort"', async () => {
    const { w, sleep } = world('fault: {abort: {httpStatus: 500, percentage: {value: 100}}}');
    const res = await w.get(sleep, 'http://httpbin:8000/get');
    expect(res).toMatchObject({ status: 500, body: 'fault filter abort' });
    expect(w.log('default', sleep.pod, 'istio-proxy').at(-1)).toContain(' 500 FI fault_filter_abort ');
  });

  it('fault delay waits before forwarding', async () => {
    const { w, sleep } = world('fault: {delay: {fixedDelay: 2s, percentage: {value: 100}}}');
    const t0 = w.clock.now();
    expect((await w.get(sleep, 'http://httpbin:8000/get')).status).toBe(200);
    expect(w.clock.now() - t0).toBe(2000);
  });

  it('redirect, directResponse and rewrite', async () => {
    const r = world(
      'match: [{uri: {prefix: /old}}]\n    redirect: {uri: /new}\n  - directResponse: {status: 418, body: {string: teapot}}',
    );
    const red = await r.w.get(r.sleep, 'http://httpbin:8000/old');
    expect(red.status).toBe(301);
    expect(red.headers).toContainEqual(['location', 'http://httpbin:8000/new']);
    expect(await r.w.get(r.sleep, 'http://httpbin:8000/x')).toMatchObject({ status: 418, body: 'teapot' });
    const rw = world('match: [{uri: {prefix: /api}}]\n    rewrite: {uri: /anything}');
    const res = await rw.w.get(rw.sleep, 'http://httpbin:8000/api/x');
    expect(JSON.parse(res.body).url).toBe('http://httpbin:8000/anything/x');
  });

  it('headers set/remove on requests and responses', async () => {
    const { w, sleep } = world(
      'headers: {request: {set: {x-lab: one}}, response: {set: {x-served: yes}, remove: [access-control-allow-origin]}}',
    );
    const res = await w.get(sleep, 'http://httpbin:8000/headers');
    expect(JSON.parse(res.body).headers['X-Lab']).toBe('one');
    expect(res.headers).toContainEqual(['x-served', 'yes']);
    expect(res.headers.some(([k]) => k === 'access-control-allow-origin')).toBe(false);
  });
});

describe('a VirtualService without `gateways` is for sidecars only', () => {
  it('does not program the ingress gateway', async () => {
    const w = new World();
    w.installIstio();
    w.deploySeedHttpbin();
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
  hosts: [httpbin.example.com]
  http: [{route: [{destination: {host: httpbin, port: {number: 8000}}}]}]
`);
    expect((await w.get('outside', 'http://172.18.0.2:30080/get', [['Host', 'httpbin.example.com']])).status).toBe(404);
  });

  it('Envoy puts server and date first and x-envoy-upstream-service-time last', async () => {
    const w = new World();
    w.installIstio();
    w.deploySeedHttpbin();
    const sleep = w.deploySleep();
    const res = await w.get(sleep, 'http://httpbin:8000/status/200');
    expect(res.headers.map(([k]) => k)).toEqual([
      'server',
      'date',
      'content-type',
      'content-length',
      'access-control-allow-origin',
      'access-control-allow-credentials',
      'x-envoy-upstream-service-time',
    ]);
  });
});
