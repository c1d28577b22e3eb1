/**
 * https://istio.io/latest/docs/tasks/traffic-management/egress/egress-gateway/, the "Gateway API" tab of "Egress
 * gateway for HTTP traffic", as the page's `test.sh` runs it with `GATEWAY_API=true` (from `gtwapi_test.sh`, profile
 * demo; commands and outputs: istio.io, CC BY 4.0): a Gateway Istio deploys a ClusterIP gateway for, an HTTPRoute on
 * the ServiceEntry to that gateway's Service, an HTTPRoute on the Gateway to the external host (kind Hostname).
 *
 * Not run: `snip_egress_gateway_for_http_traffic_13`, which reads the generated gateway's certificate with
 * `istioctl pc secret ... | jq ... | base64 -d | openssl x509 -text`: the simulator issues no workload certificates
 * and its lab shell has no `openssl`.
 */
import { GATEWAY_API_CRDS, GATEWAY_V1_NOTE, SLEEP_SAMPLE, waitForDeployment, type DocTask } from '../task.ts';

const politics = 'kubectl exec "$SOURCE_POD" -c sleep -- curl -sSL -o /dev/null -D - http://edition.cnn.com/politics';

/** tests/util/helpers.sh's `_wait_for_gateway NS NAME`, and the generated gateway's rollout (`sleep 30` in test.sh). */
const WAIT_FOR_GATEWAY = [
  'kubectl wait --for=condition=programmed gtw/cnn-egress-gateway -n default --timeout=5m',
  waitForDeployment('default', 'cnn-egress-gateway-istio'),
].join('\n');

export const egressGatewayGatewayApi: DocTask = {
  id: 'egress-gateway HTTP (Gateway API)',
  page: 'egress/egress-gateway/',
  setup: [
    GATEWAY_API_CRDS,
    'istioctl install --set profile=demo -y',
    waitForDeployment('istio-system', 'istiod'),
    'kubectl label namespace default istio-injection=enabled || true',
    ...SLEEP_SAMPLE,
  ],
  steps: [
    {
      name: "export SOURCE_POD (test.sh's items[0])",
      run: "export SOURCE_POD=$(kubectl get pod -l app=sleep -o jsonpath='{.items[0].metadata.name}')",
    },
    {
      name: 'snip_egress_gateway_for_http_traffic_1',
      run: `kubectl apply -f - <<EOF
apiVersion: networking.istio.io/v1alpha3
kind: ServiceEntry
metadata:
  name: cnn
spec:
  hosts:
  - edition.cnn.com
  ports:
  - number: 80
    name: http-port
    protocol: HTTP
  - number: 443
    name: https
    protocol: HTTPS
  resolution: DNS
EOF`,
    },
    {
      name: 'snip_egress_gateway_for_http_traffic_2',
      run: politics,
      verify: { rule: 'contains', expected: 'HTTP/2 200' },
    },
    {
      name: 'snip_egress_gateway_for_http_traffic_4',
      run: `kubectl apply -f - <<EOF
apiVersion: gateway.networking.k8s.io/v1beta1
kind: Gateway
metadata:
  name: cnn-egress-gateway
  annotations:
    networking.istio.io/service-type: ClusterIP
spec:
  gatewayClassName: istio
  listeners:
  - name: http
    hostname: edition.cnn.com
    port: 80
    protocol: HTTP
    allowedRoutes:
      namespaces:
        from: Same
EOF`,
      since: GATEWAY_V1_NOTE,
    },
    {
      name: 'snip_egress_gateway_for_http_traffic_6',
      run: `kubectl apply -f - <<EOF
apiVersion: gateway.networking.k8s.io/v1beta1
kind: HTTPRoute
metadata:
  name: direct-cnn-to-egress-gateway
spec:
  parentRefs:
  - kind: ServiceEntry
    group: networking.istio.io
    name: cnn
  rules:
  - backendRefs:
    - name: cnn-egress-gateway-istio
      port: 80
---
apiVersion: gateway.networking.k8s.io/v1beta1
kind: HTTPRoute
metadata:
  name: forward-cnn-from-egress-gateway
spec:
  parentRefs:
  - name: cnn-egress-gateway
  hostnames:
  - edition.cnn.com
  rules:
  - backendRefs:
    - kind: Hostname
      group: networking.istio.io
      name: edition.cnn.com
      port: 80
EOF
${WAIT_FOR_GATEWAY}`,
      since: GATEWAY_V1_NOTE,
    },
    {
      name: 'snip_egress_gateway_for_http_traffic_7',
      run: politics,
      verify: { rule: 'contains', expected: 'HTTP/2 200' },
    },
    {
      name: 'snip_egress_gateway_for_http_traffic_11',
      run: 'kubectl logs -l gateway.networking.k8s.io/gateway-name=cnn-egress-gateway -c istio-proxy | tail',
      verify: { rule: 'contains', expected: 'outbound|80||edition.cnn.com' },
    },
    {
      name: 'snip_cleanup_http_gateway_2',
      run:
        'kubectl delete serviceentry cnn\nkubectl delete gtw cnn-egress-gateway\n' +
        'kubectl delete httproute direct-cnn-to-egress-gateway\nkubectl delete httproute forward-cnn-from-egress-gateway',
    },
  ],
};
