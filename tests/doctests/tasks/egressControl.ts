/** https://istio.io/latest/docs/tasks/traffic-management/egress/egress-control/ (istio.io, CC BY 4.0). */
import { waitForDeployment, type DocTask } from '../task.ts';

const twoSites = (options: string) =>
  `kubectl exec "$SOURCE_POD" -c sleep -- curl ${options} https://www.google.com | grep  ` +
  `"HTTP/"; kubectl exec "$SOURCE_POD" -c sleep -- curl -sI https://edition.cnn.com | grep "HTTP/"`;

const timedDelay =
  'kubectl exec "$SOURCE_POD" -c sleep -- time curl -o /dev/null -sS -w "%{http_code}\\n" http://httpbin.org/delay/5';

export const egressControl: DocTask = {
  id: 'egress-control',
  page: 'egress/egress-control/',
  setup: [
    'istioctl install --set profile=demo -y',
    waitForDeployment('istio-system', 'istiod'),
    'kubectl label namespace default istio-injection=enabled --overwrite',
    'kubectl apply -f samples/sleep/sleep.yaml',
    waitForDeployment('default', 'sleep'),
  ],
  steps: [
    {
      name: 'snip_before_you_begin_3',
      run: "export SOURCE_POD=$(kubectl get pod -l app=sleep -o jsonpath='{.items..metadata.name}')",
    },
    {
      name: 'snip_envoy_passthrough_to_external_services_1',
      run: 'kubectl get configmap istio -n istio-system -o yaml',
      verify: { rule: 'notContains', expected: 'REGISTRY_ONLY' },
    },
    {
      name: 'snip_envoy_passthrough_to_external_services_3',
      run: twoSites('-sSI'),
      verify: { rule: 'same', expected: 'HTTP/2 200\nHTTP/2 200' },
    },
    {
      name: 'istioctl install ... outboundTrafficPolicy.mode=REGISTRY_ONLY',
      run:
        `istioctl install --set profile=demo --set meshConfig.outboundTrafficPolicy.mode=REGISTRY_ONLY ` +
        `-y\n${waitForDeployment('istio-system', 'istiod')}`,
    },
    {
      name: 'snip_change_to_the_blockingbydefault_policy_3',
      run: twoSites('-sI'),
      verify: { rule: 'same', expected: 'command terminated with exit code 35\ncommand terminated with exit code 35' },
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
      name: 'snip_access_an_external_http_service_2',
      run: 'kubectl exec "$SOURCE_POD" -c sleep -- curl -sS http://httpbin.org/headers',
      verify: {
        rule: 'elided',
        expected: `{
  "headers": {
    "Accept": "*/*",
    "Host": "httpbin.org",
    ...
    "X-Envoy-Decorator-Operation": "httpbin.org:80/*",
    ...
  }
}`,
      },
    },
    {
      name: 'snip_access_an_external_http_service_3',
      run: 'kubectl logs "$SOURCE_POD" -c istio-proxy | tail',
      verify: { rule: 'contains', expected: 'outbound|80||httpbin.org' },
    },
    {
      name: 'snip_access_an_external_https_service_1',
      run: `kubectl apply -f - <<EOF
apiVersion: networking.istio.io/v1alpha3
kind: ServiceEntry
metadata:
  name: google
spec:
  hosts:
  - www.google.com
  ports:
  - number: 443
    name: https
    protocol: HTTPS
  resolution: DNS
  location: MESH_EXTERNAL
EOF`,
    },
    {
      name: 'snip_access_an_external_https_service_2',
      run: 'kubectl exec "$SOURCE_POD" -c sleep -- curl -sSI https://www.google.com | grep  "HTTP/"',
      verify: { rule: 'same', expected: 'HTTP/2 200' },
    },
    {
      name: 'snip_access_an_external_https_service_3',
      run: 'kubectl logs "$SOURCE_POD" -c istio-proxy | tail',
      verify: { rule: 'contains', expected: 'outbound|443||www.google.com' },
    },
    {
      name: 'snip_manage_traffic_to_external_services_1',
      run: timedDelay,
      verify: { rule: 'firstLine', expected: '200\nreal    0m5.024s\nuser    0m0.003s\nsys     0m0.003s' },
    },
    {
      name: 'snip_manage_traffic_to_external_services_2',
      run: `kubectl apply -f - <<EOF
apiVersion: networking.istio.io/v1alpha3
kind: VirtualService
metadata:
  name: httpbin-ext
spec:
  hosts:
  - httpbin.org
  http:
  - timeout: 3s
    route:
    - destination:
        host: httpbin.org
      weight: 100
EOF`,
    },
    {
      name: 'snip_manage_traffic_to_external_services_4',
      run: timedDelay,
      verify: { rule: 'firstLine', expected: '504\nreal    0m3.149s\nuser    0m0.004s\nsys     0m0.004s' },
    },
    {
      name: 'snip_cleanup_the_controlled_access_to_external_services_1',
      run: 'kubectl delete serviceentry httpbin-ext google\nkubectl delete virtualservice httpbin-ext --ignore-not-found=true',
    },
  ],
};
