/**
 * https://istio.io/latest/docs/tasks/traffic-management/egress/egress-control/, the "Gateway API" tab of "Manage
 * traffic to external services": the timeout as an HTTPRoute whose parent is the ServiceEntry, as the page's
 * `gtwapi_test.sh` runs it (profile demo, so ALLOW_ANY; commands and outputs: istio.io, CC BY 4.0).
 */
import { GATEWAY_API_CRDS, GATEWAY_V1_NOTE, SLEEP_SAMPLE, waitForDeployment, type DocTask } from '../task.ts';

const timedDelay =
  'kubectl exec "$SOURCE_POD" -c sleep -- time curl -o /dev/null -sS -w "%{http_code}\\n" http://httpbin.org/delay/5';

export const egressControlGatewayApi: DocTask = {
  id: 'egress-control (Gateway API)',
  page: 'egress/egress-control/',
  setup: [
    GATEWAY_API_CRDS,
    'istioctl install --set profile=demo -y',
    waitForDeployment('istio-system', 'istiod'),
    'kubectl label namespace default istio-injection=enabled --overwrite',
    ...SLEEP_SAMPLE,
  ],
  steps: [
    {
      name: 'snip_before_you_begin_3',
      run: "export SOURCE_POD=$(kubectl get pod -l app=sleep -o jsonpath='{.items..metadata.name}')",
    },
    {
      name: 'snip_access_an_external_http_service_1',
      run: `kubectl apply -f - <<EOF
apiVersion: networking.istio.io/v1alpha3
kind: ServiceEntry
metadata:
  name: httpbin-ext
spec:
  hosts:
  - httpbin.org
  ports:
  - number: 80
    name: http
    protocol: HTTP
  resolution: DNS
  location: MESH_EXTERNAL
EOF`,
    },
    {
      name: 'snip_manage_traffic_to_external_services_1',
      run: timedDelay,
      verify: { rule: 'firstLine', expected: '200\nreal    0m5.024s\nuser    0m0.003s\nsys     0m0.003s' },
    },
    {
      name: 'snip_manage_traffic_to_external_services_3',
      run: `kubectl apply -f - <<EOF
apiVersion: gateway.networking.k8s.io/v1beta1
kind: HTTPRoute
metadata:
  name: httpbin-ext
spec:
  parentRefs:
  - kind: ServiceEntry
    group: networking.istio.io
    name: httpbin-ext
  hostnames:
  - httpbin.org
  rules:
  - timeouts:
      request: 3s
    backendRefs:
    - kind: Hostname
      group: networking.istio.io
      name: httpbin.org
      port: 80
EOF`,
      since: GATEWAY_V1_NOTE,
    },
    {
      name: 'snip_manage_traffic_to_external_services_4',
      run: timedDelay,
      verify: { rule: 'firstLine', expected: '504\nreal    0m3.149s\nuser    0m0.004s\nsys     0m0.004s' },
    },
    {
      name: 'snip_cleanup_the_controlled_access_to_external_services_2',
      run: 'kubectl delete serviceentry httpbin-ext\nkubectl delete httproute httpbin-ext --ignore-not-found=true',
    },
  ],
};
