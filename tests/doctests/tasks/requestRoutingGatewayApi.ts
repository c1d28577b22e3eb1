/**
 * https://istio.io/latest/docs/tasks/traffic-management/request-routing/, the "Gateway API" tab: its `gtw` snips in
 * the order the page runs them, as `gtwapi_test.sh` runs the page (commands and outputs: istio.io, CC BY 4.0).
 */
import {
  BOOKINFO_SAMPLE,
  BOOKINFO_VERSIONS,
  GATEWAY_API_CRDS,
  GATEWAY_V1_NOTE,
  productpageFromSleep,
  SLEEP_SAMPLE,
  type DocTask,
} from '../task.ts';

const reviewsRoute = (rules: string) => `kubectl apply -f - <<EOF
apiVersion: gateway.networking.k8s.io/v1beta1
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
${rules}
EOF`;

export const requestRoutingGatewayApi: DocTask = {
  id: 'request-routing (Gateway API)',
  page: 'request-routing/',
  setup: [
    GATEWAY_API_CRDS,
    'istioctl install --set profile=default -y',
    'kubectl label namespace default istio-injection=enabled --overwrite',
    ...SLEEP_SAMPLE,
    ...BOOKINFO_SAMPLE,
    BOOKINFO_VERSIONS,
  ],
  steps: [
    {
      name: 'snip_route_to_version_1_2',
      run: reviewsRoute('  - backendRefs:\n    - name: reviews-v1\n      port: 9080'),
      verify: { rule: 'same', expected: 'httproute.gateway.networking.k8s.io/reviews created' },
    },
    {
      name: 'snip_route_to_version_1_5',
      run: 'kubectl get httproute reviews -o yaml',
      verify: {
        rule: 'elided',
        expected: `...
spec:
  parentRefs:
  - group: ""
    kind: Service
    name: reviews
    port: 9080
  rules:
  - backendRefs:
    - group: ""
      kind: Service
      name: reviews-v1
      port: 9080
      weight: 1
    matches:
    - path:
        type: PathPrefix
        value: /
status:
  parents:
  - conditions:
...
      message: Route was valid
...
      reason: Accepted
      status: "True"
      type: Accepted
...
      message: All references resolved
...
      reason: ResolvedRefs
      status: "True"
      type: ResolvedRefs
    controllerName: istio.io/gateway-controller
    parentRef:
      group: ""
      kind: Service
      name: reviews
      port: 9080`,
      },
      // The page's times and generations are its own run's: those lines are elided here.
      since: GATEWAY_V1_NOTE,
    },
    {
      name: 'get_bookinfo_productpage',
      run: productpageFromSleep(),
      verify: { rule: 'notContains', expected: 'glyphicon glyphicon-star' },
    },
    {
      name: 'snip_route_based_on_user_identity_3',
      run: reviewsRoute(`  - matches:
    - headers:
      - name: end-user
        value: jason
    backendRefs:
    - name: reviews-v2
      port: 9080
  - backendRefs:
    - name: reviews-v1
      port: 9080`),
      verify: { rule: 'same', expected: 'httproute.gateway.networking.k8s.io/reviews configured' },
    },
    {
      name: 'get_bookinfo_productpage_jason',
      run: productpageFromSleep('jason'),
      verify: { rule: 'contains', expected: 'glyphicon glyphicon-star' },
    },
    {
      name: 'get_bookinfo_productpage',
      run: productpageFromSleep(),
      verify: { rule: 'notContains', expected: 'glyphicon glyphicon-star' },
    },
  ],
};
