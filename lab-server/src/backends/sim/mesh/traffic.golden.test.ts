/**
 * The data plane's regression record: for fixed seeds, every chapter's steps and a tour of the mesh's features
 * (weighted routes, header matches, faults, timeouts, retries, mirroring, egress, local replies) give exactly the
 * recorded terminal output, responses, log lines, traffic splits and check explanations. A faster data plane must
 * leave these files unchanged; a deliberate change of behaviour updates them (`npx vitest run -u` on this file)
 * and the diff shows what changed.
 */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadLab } from '../../../labs/load.ts';
import type { Check, LabId } from '../../../labs/schema.ts';
import { checkSchema } from '../../../labs/schema.ts';
import { createSimBackend } from '../index.ts';
import { KEEP_EVERY_LINE, recordGolden, type GoldenAction } from './testing/golden.ts';

/** Frozen wall clock: the environments run on virtual time from here, so durations and dates are the same every run. */
const WALL_CLOCK = new Date('2026-11-24T09:00:00Z');

beforeAll(() => {
  vi.useFakeTimers({ toFake: ['Date'], now: WALL_CLOCK });
});
afterAll(() => {
  vi.useRealTimers();
});

const OUTSIDE = { kind: 'outside' } as const;
const fromPod = (selector: string) => ({ kind: 'pod', target: { namespace: 'default', selector } }) as const;

function apply(yaml: string): GoldenAction {
  return { script: `kubectl apply -f - <<EOF\n${yaml.trim()}\nEOF` };
}

function trafficCheck(expect: Record<string, number>, requests = 100): Check {
  return checkSchema.parse({
    type: 'traffic',
    from: { outside: true },
    request: { url: 'http://ingress/productpage' },
    requests,
    classes: [
      { name: 'reviews-unavailable', bodyContains: 'Sorry, product reviews are currently unavailable' },
      { name: 'ratings-unavailable', bodyContains: 'Ratings service is currently unavailable' },
      { name: 'v3', status: 200, bodyContains: 'color="red"' },
      { name: 'v2', status: 200, bodyContains: 'color="black"' },
      { name: 'v1', status: 200, bodyNotContains: 'glyphicon-star' },
    ],
    expect,
  });
}

const productpage = (label: string, times = 12, headers?: Record<string, string>): GoldenAction => ({
  requests: {
    label,
    origin: OUTSIDE,
    request: { url: 'http://ingress/productpage', ...(headers ? { headers } : {}) },
    times,
  },
});

const REVIEWS_VS = (http: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: reviews}
spec:
  hosts: [reviews]
  http:
${http}`;

const TRAFFIC_SHIFTING: GoldenAction[] = [
  productpage('no VirtualService: every reviews pod'),
  { stepSolution: 'destination-rules' },
  { stepCheck: 'destination-rules' },
  { stepSolution: 'route-all-v1' },
  { stepCheck: 'route-all-v1' },
  productpage('all to v1'),
  { stepSolution: 'see-no-stars' },
  { stepSolution: 'shift-50-v3' },
  { stepCheck: 'shift-50-v3' },
  productpage('50/50 v1/v3', 20),
  { stepSolution: 'read-virtualservice' },
  { stepSolution: 'see-red-half' },
  { stepSolution: 'shift-100-v3' },
  { stepCheck: 'shift-100-v3' },
  { script: 'kubectl apply -f samples/bookinfo/networking/virtual-service-reviews-80-20.yaml' },
  { check: trafficCheck({ v1: 0.5, v3: 0.5 }), label: '80/20 judged against 50/50' },
  { check: trafficCheck({ v1: 0.8, v2: 0.2 }, 200), label: '80/20 judged against 80/20' },
  { script: 'kubectl apply -f samples/bookinfo/networking/virtual-service-reviews-test-v2.yaml' },
  productpage('jason gets v2', 4, { cookie: 'user=jason' }),
  productpage('others get v1', 4),
  { script: 'kubectl apply -f samples/bookinfo/networking/virtual-service-ratings-test-delay.yaml' },
  productpage('ratings delayed 7 s for jason: productpage gives up on reviews', 2, { cookie: 'user=jason' }),
  { script: 'kubectl apply -f samples/bookinfo/networking/virtual-service-ratings-test-abort.yaml' },
  productpage('ratings aborted for jason', 3, { cookie: 'user=jason' }),
  {
    requests: {
      label: 'from the ratings pod to reviews (sidecar to sidecar)',
      origin: fromPod('app=ratings'),
      request: { url: 'http://reviews:9080/reviews/0' },
      times: 6,
    },
  },
  {
    requests: {
      label: 'the products API through the gateway',
      origin: OUTSIDE,
      request: { url: 'http://ingress/api/v1/products/0/reviews' },
      times: 3,
    },
  },
  // Local replies: a subset nobody defined (NC), a subset without pods (UH), no matching route (NR).
  apply(REVIEWS_VS('  - route: [{destination: {host: reviews, subset: v9}}]')),
  productpage('undefined subset: cluster not found', 2),
  {
    script: `kubectl apply -f - <<EOF
apiVersion: networking.istio.io/v1
kind: DestinationRule
metadata: {name: reviews}
spec:
  host: reviews
  subsets:
  - {name: v1, labels: {version: v1}}
  - {name: v4, labels: {version: v4}}
EOF`,
  },
  apply(REVIEWS_VS('  - route: [{destination: {host: reviews, subset: v4}}]')),
  productpage('subset without pods: no healthy upstream', 2),
  apply(REVIEWS_VS('  - match: [{headers: {end-user: {exact: nobody}}}]\n    route: [{destination: {host: reviews}}]')),
  productpage('no route matches: route not found', 2),
  {
    requests: {
      label: 'reviews directly from ratings, no route matches',
      origin: fromPod('app=ratings'),
      request: { url: 'http://reviews:9080/reviews/0' },
      times: 2,
    },
  },
  // Timeouts and retries: reviews waits 0.5 s for ratings, which is delayed 2 s half of the time.
  apply(REVIEWS_VS('  - route: [{destination: {host: reviews, subset: v2}}]\n    timeout: 0.5s')),
  apply(`apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: ratings}
spec:
  hosts: [ratings]
  http:
  - fault:
      delay: {percentage: {value: 50}, fixedDelay: 2s}
      abort: {percentage: {value: 20}, httpStatus: 503}
    route: [{destination: {host: ratings, subset: v1}}]
    retries: {attempts: 2, retryOn: 5xx}`),
  productpage('reviews v2 with faulty ratings', 8),
  {
    requests: {
      label: 'ratings with faults, straight from reviews-v2',
      origin: fromPod('app=reviews,version=v2'),
      request: { url: 'http://ratings:9080/ratings/0' },
      times: 8,
    },
  },
  // Rewrites, redirects, direct responses and header operations at the gateway.
  apply(`apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: bookinfo}
spec:
  hosts: ["*"]
  gateways: [bookinfo-gateway]
  http:
  - match: [{uri: {prefix: /old}}]
    redirect: {uri: /productpage, redirectCode: 302}
  - match: [{uri: {exact: /teapot}}]
    directResponse: {status: 418, body: {string: "short and stout"}}
  - match: [{uri: {prefix: /v2/products}}]
    rewrite: {uri: /api/v1/products}
    route: [{destination: {host: productpage, port: {number: 9080}}}]
    headers:
      request: {set: {x-lab: golden}}
      response: {add: {x-served-by: rewrite}, remove: [content-type]}
  - match: [{uri: {exact: /productpage}}]
    route: [{destination: {host: productpage, port: {number: 9080}}}]`),
  ...['/old/x', '/teapot', '/v2/products', '/v2/products/0', '/nowhere'].map(
    (path): GoldenAction => ({
      requests: { label: `gateway route ${path}`, origin: OUTSIDE, request: { url: `http://ingress${path}` } },
    }),
  ),
  { script: 'kubectl delete virtualservice --all && kubectl delete destinationrule --all' },
  productpage('back to the Service default route', 6),
];

const sleepCurl = (args: string) =>
  `kubectl exec $(kubectl get pod -l app=sleep -o jsonpath={.items..metadata.name}) -c sleep -- curl ${args}`;

const MIRRORING: GoldenAction[] = [
  { stepSolution: 'deploy-httpbin' },
  { stepCheck: 'deploy-httpbin' },
  { script: sleepCurl('-sv http://httpbin:8000/headers') },
  { stepSolution: 'route-v1' },
  { stepCheck: 'route-v1' },
  { stepSolution: 'only-v1-logs' },
  { stepCheck: 'only-v1-logs' },
  { stepSolution: 'mirror-v2' },
  { stepCheck: 'mirror-v2' },
  { script: sleepCurl('-s -i http://httpbin:8000/headers') },
  { stepSolution: 'shadow-host' },
  { stepCheck: 'shadow-host' },
  { script: sleepCurl('-s http://httpbin:8000/headers') },
  apply(`apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: httpbin}
spec:
  hosts: [httpbin]
  http:
  - route: [{destination: {host: httpbin, subset: v1}}]
    mirror: {host: httpbin, subset: v2}
    mirrorPercentage: {value: 50}`),
  {
    requests: {
      label: 'half mirrored',
      origin: fromPod('app=sleep'),
      request: { url: 'http://httpbin:8000/get?show_env=1' },
      times: 10,
    },
  },
  apply(`apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: httpbin}
spec:
  hosts: [httpbin]
  http:
  - match: [{uri: {prefix: /status}}]
    route: [{destination: {host: httpbin, subset: v1}}]
    retries: {attempts: 3, retryOn: "5xx,connect-failure", perTryTimeout: 1s}
  - match: [{uri: {prefix: /delay}}]
    route: [{destination: {host: httpbin, subset: v2}}]
    timeout: 0.5s
  - fault:
      abort: {percentage: {value: 40}, httpStatus: 418}
      delay: {percentage: {value: 30}, fixedDelay: 1500ms}
    route:
    - {destination: {host: httpbin, subset: v1}, weight: 70}
    - {destination: {host: httpbin, subset: v2}, weight: 30}`),
  ...['/status/503', '/status/200', '/delay/1', '/delay/0', '/headers'].map(
    (path): GoldenAction => ({
      requests: {
        label: `httpbin ${path}`,
        origin: fromPod('app=sleep'),
        request: { url: `http://httpbin:8000${path}` },
        times: path === '/headers' ? 10 : 2,
      },
    }),
  ),
  { script: sleepCurl('-s -o /dev/null -w "%{http_code} %{time_total}\\n" --max-time 1 http://httpbin:8000/delay/3') },
  { script: sleepCurl('-s -i -H "x-b3-sampled: 1" -X POST -d hello http://httpbin:8000/anything/x?y=1') },
  // Egress: the open internet, then REGISTRY_ONLY, then a ServiceEntry.
  { script: sleepCurl('-s -i http://httpbin.org/headers') },
  { script: sleepCurl('-s -I https://www.google.com') },
  { script: sleepCurl('-s -o /dev/null -w "%{http_code}\\n" http://edition.cnn.com') },
  { script: sleepCurl('-sv http://nowhere.example.invalid/') },
  { script: 'istioctl install --set profile=demo --set meshConfig.outboundTrafficPolicy.mode=REGISTRY_ONLY -y' },
  { script: sleepCurl('-s -i http://httpbin.org/headers') },
  { script: sleepCurl('-s -I https://www.google.com') },
  apply(`apiVersion: networking.istio.io/v1
kind: ServiceEntry
metadata: {name: httpbin-ext}
spec:
  hosts: [httpbin.org]
  ports: [{number: 80, name: http, protocol: HTTP}]
  resolution: DNS
  location: MESH_EXTERNAL`),
  { script: sleepCurl('-s -i http://httpbin.org/headers') },
  {
    requests: {
      label: 'httpbin.org through its ServiceEntry',
      origin: fromPod('app=sleep'),
      request: { url: 'http://httpbin.org/status/201' },
      times: 2,
    },
  },
  { script: 'kubectl delete deployment httpbin-v2 && kubectl wait --for=delete pod -l version=v2 --timeout=60s' },
  {
    requests: {
      label: 'after v2 is gone',
      origin: fromPod('app=sleep'),
      request: { url: 'http://httpbin:8000/headers' },
      times: 6,
    },
  },
];

const INGRESS_ENV =
  "export INGRESS_HOST=$(kubectl get po -l istio=ingressgateway -n istio-system -o jsonpath='{.items[0].status.hostIP}')\n" +
  'export INGRESS_PORT=$(kubectl -n istio-system get service istio-ingressgateway ' +
  '-o jsonpath=\'{.spec.ports[?(@.name=="http2")].nodePort}\')\n';

const INGRESS: GoldenAction[] = [
  { stepSolution: 'ingress-address' },
  { stepCheck: 'ingress-address' },
  { script: `${INGRESS_ENV}curl -s -I -HHost:httpbin.example.com "http://$INGRESS_HOST:$INGRESS_PORT/status/200"` },
  { stepSolution: 'gateway' },
  { stepCheck: 'gateway' },
  { script: `${INGRESS_ENV}curl -s -I -HHost:httpbin.example.com "http://$INGRESS_HOST:$INGRESS_PORT/status/200"` },
  { stepCheck: 'route-status' },
  { script: `${INGRESS_ENV}curl -sv -HHost:httpbin.example.com "http://$INGRESS_HOST:$INGRESS_PORT/headers"` },
  { stepCheck: 'headers-404' },
  { stepCheck: 'browser-headers' },
  { stepSolution: 'browser-headers' },
  { stepCheck: 'browser-headers' },
  ...['/headers', '/status/418', '/ip', '/user-agent', '/response-headers?x=1', '/gzip'].map(
    (path): GoldenAction => ({
      requests: { label: `ingress ${path}`, origin: OUTSIDE, request: { url: `http://ingress${path}` } },
    }),
  ),
  {
    requests: {
      label: 'ingress HEAD and a client timeout',
      origin: OUTSIDE,
      request: { url: 'http://ingress/delay/2', timeoutMs: 1000 },
    },
  },
  { script: `${INGRESS_ENV}curl -s "http://$INGRESS_HOST:$INGRESS_PORT/headers" -H "Host: other.example.com" -i` },
  { script: `${INGRESS_ENV}curl -s "http://$INGRESS_HOST:31999/headers"; echo "exit $?"` },
  { script: `${INGRESS_ENV}curl -sk "https://$INGRESS_HOST:$INGRESS_PORT/headers"; echo "exit $?"` },
];

const SCENARIOS: { name: string; lab: LabId; seed: number; actions: GoldenAction[] }[] = [
  { name: 'traffic-shifting', lab: 'traffic-shifting', seed: 101, actions: TRAFFIC_SHIFTING },
  { name: 'mirroring', lab: 'mirroring', seed: 202, actions: MIRRORING },
  { name: 'ingress', lab: 'ingress', seed: 303, actions: INGRESS },
];

describe('environments started from a shared starting state', () => {
  it('give the same record as the one that set up (mirroring, seed 202, twice from one backend)', async () => {
    const backend = createSimBackend({
      clock: 'virtual',
      seed: 202,
      shareStartingStates: 'all',
      limits: KEEP_EVERY_LINE,
    });
    try {
      for (const round of ['set up', 'started from its snapshot']) {
        vi.setSystemTime(WALL_CLOCK);
        const transcript = await recordGolden(
          loadLab('mirroring'),
          202,
          MIRRORING,
          (ms) => vi.setSystemTime(Date.now() + ms),
          backend,
        );
        await expect(transcript, round).toMatchFileSnapshot('./golden/mirroring.txt');
      }
    } finally {
      await backend.close();
    }
  });
});

describe('the data plane gives the recorded answers for fixed seeds', () => {
  for (const s of SCENARIOS) {
    it(`${s.name} (seed ${s.seed})`, async () => {
      vi.setSystemTime(WALL_CLOCK);
      const transcript = await recordGolden(loadLab(s.lab), s.seed, s.actions, (ms) =>
        vi.setSystemTime(Date.now() + ms),
      );
      await expect(transcript).toMatchFileSnapshot(`./golden/${s.name}.txt`);
    });
  }
});
