/** https://istio.io/latest/docs/tasks/traffic-management/request-routing/ (commands and outputs: istio.io, CC BY 4.0). */
import { BOOKINFO_SAMPLE, productpageFromSleep, SLEEP_SAMPLE, V1_NOTE, type DocTask } from '../task.ts';

const route = (host: string) => `  spec:
    hosts:
    - ${host}
    http:
    - route:
      - destination:
          host: ${host}
          subset: v1`;

export const requestRouting: DocTask = {
  id: 'request-routing',
  page: 'request-routing/',
  setup: [
    'istioctl install --set profile=default -y',
    'kubectl label namespace default istio-injection=enabled --overwrite',
    ...SLEEP_SAMPLE,
    ...BOOKINFO_SAMPLE,
  ],
  steps: [
    {
      name: 'snip_route_to_version_1_1',
      run: 'kubectl apply -f samples/bookinfo/networking/virtual-service-all-v1.yaml',
    },
    {
      name: 'snip_route_to_version_1_3',
      run: 'kubectl get virtualservices -o yaml',
      verify: {
        rule: 'elided',
        expected: ['details', 'productpage', 'ratings', 'reviews']
          .map((h) => `- apiVersion: networking.istio.io/v1\n  kind: VirtualService\n  ...\n${route(h)}`)
          .join('\n'),
      },
      since: V1_NOTE,
    },
    {
      name: 'snip_route_to_version_1_4',
      run: 'kubectl get destinationrules -o yaml',
      verify: { rule: 'lines', expected: '\n+ productpage\n+ reviews\n+ ratings\n+ details\n' },
    },
    {
      name: 'get_bookinfo_productpage',
      run: productpageFromSleep(),
      verify: { rule: 'notContains', expected: 'glyphicon glyphicon-star' },
    },
    {
      name: 'snip_route_based_on_user_identity_1',
      run: 'kubectl apply -f samples/bookinfo/networking/virtual-service-reviews-test-v2.yaml',
    },
    {
      name: 'snip_route_based_on_user_identity_2',
      run: 'kubectl get virtualservice reviews -o yaml',
      verify: {
        rule: 'elided',
        expected: `apiVersion: networking.istio.io/v1
kind: VirtualService
...
spec:
  hosts:
  - reviews
  http:
  - match:
    - headers:
        end-user:
          exact: jason
    route:
    - destination:
        host: reviews
        subset: v2
  - route:
    - destination:
        host: reviews
        subset: v1`,
      },
      since: V1_NOTE,
    },
    {
      name: 'get_bookinfo_productpage_jason',
      run: productpageFromSleep('jason'),
      verify: { rule: 'contains', expected: 'glyphicon glyphicon-star' },
      since:
        "istio.io's test appends the strings it expects instead of logging in (a kludge in samples.sh, its login left commented " +
        'out); here jason logs in as that commented-out login does (POST /login, cookie jar) and the page is fetched with the jar',
    },
    {
      name: 'get_bookinfo_productpage',
      run: productpageFromSleep(),
      verify: { rule: 'notContains', expected: 'glyphicon glyphicon-star' },
    },
  ],
};
