/**
 * https://istio.io/latest/docs/tasks/traffic-management/ingress/ingress-control/, the "Gateway API" tab: its `gtw`
 * snips in the page's order, as `gtwapi_test.sh` runs the page (commands and outputs: istio.io, CC BY 4.0).
 */
import { GATEWAY_API_CRDS, GATEWAY_V1_NOTE, waitForDeployment, type DocTask } from '../task.ts';

const gateway = (hostname: string) => `apiVersion: gateway.networking.k8s.io/v1beta1
kind: Gateway
metadata:
  name: httpbin-gateway
spec:
  gatewayClassName: istio
  listeners:
  - name: http${hostname}
    port: 80
    protocol: HTTP
    allowedRoutes:
      namespaces:
        from: Same`;

/** kind has no load balancer: the page's LoadBalancer address never comes, so its node port is used instead. */
const NODE_PORT_NOTE =
  "kind has no external load balancer, so istiod's LoadBalancer Service gets no address and the Gateway is not " +
  'Programmed (`kubectl wait` would time out); as the page says for such clusters, the Gateway asks for a NodePort ' +
  'Service (`networking.istio.io/service-type`) and INGRESS_HOST and INGRESS_PORT are the node and its node port';

export const ingressControlGatewayApi: DocTask = {
  id: 'ingress-control (Gateway API)',
  page: 'ingress/ingress-control/',
  setup: [
    GATEWAY_API_CRDS,
    'istioctl install --set profile=minimal -y',
    'kubectl label namespace default istio-injection=enabled --overwrite',
    'kubectl apply -f samples/httpbin/httpbin.yaml',
    waitForDeployment('default', 'httpbin'),
  ],
  steps: [
    {
      name: 'snip_configuring_ingress_using_a_gateway_3',
      run: `kubectl apply -f - <<EOF\n${gateway('\n    hostname: "httpbin.example.com"')}\nEOF`,
      verify: { rule: 'same', expected: 'gateway.gateway.networking.k8s.io/httpbin-gateway created' },
      since: GATEWAY_V1_NOTE,
    },
    {
      name: 'snip_configuring_ingress_using_a_gateway_4',
      run:
        'kubectl annotate gateway httpbin-gateway networking.istio.io/service-type=NodePort --overwrite\n' +
        'kubectl wait --for=condition=programmed gtw httpbin-gateway',
      verify: {
        rule: 'same',
        expected:
          'gateway.gateway.networking.k8s.io/httpbin-gateway annotated\ngateway.gateway.networking.k8s.io/httpbin-gateway condition met',
      },
      since: NODE_PORT_NOTE,
    },
    {
      name: 'snip_configuring_ingress_using_a_gateway_5',
      run: `kubectl apply -f - <<EOF
apiVersion: gateway.networking.k8s.io/v1beta1
kind: HTTPRoute
metadata:
  name: httpbin
spec:
  parentRefs:
  - name: httpbin-gateway
  hostnames: ["httpbin.example.com"]
  rules:
  - matches:
    - path:
        type: PathPrefix
        value: /status
    - path:
        type: PathPrefix
        value: /delay
    backendRefs:
    - name: httpbin
      port: 8000
EOF`,
    },
    {
      name: 'snip_determining_the_ingress_ip_and_ports_7 (node port)',
      run:
        'export INGRESS_HOST=$(kubectl get nodes -o jsonpath=\'{.items[0].status.addresses[?(@.type=="InternalIP")].address}\')\n' +
        'export INGRESS_PORT=$(kubectl get service httpbin-gateway-istio -o jsonpath=\'{.spec.ports[?(@.name=="http")].nodePort}\')',
      since: NODE_PORT_NOTE,
    },
    {
      name: 'snip_accessing_ingress_services_1',
      run: 'curl -s -I -HHost:httpbin.example.com "http://$INGRESS_HOST:$INGRESS_PORT/status/200"',
      verify: { rule: 'elided', expected: 'HTTP/1.1 200 OK\nserver: istio-envoy\n...' },
    },
    {
      name: 'snip_accessing_ingress_services_2',
      run: 'curl -s -I -HHost:httpbin.example.com "http://$INGRESS_HOST:$INGRESS_PORT/headers"',
      verify: { rule: 'elided', expected: 'HTTP/1.1 404 Not Found\n...' },
    },
    {
      name: 'snip_accessing_ingress_services_using_a_browser_2',
      run: `kubectl apply -f - <<EOF
${gateway('')}
---
apiVersion: gateway.networking.k8s.io/v1beta1
kind: HTTPRoute
metadata:
  name: httpbin
spec:
  parentRefs:
  - name: httpbin-gateway
  rules:
  - matches:
    - path:
        type: PathPrefix
        value: /headers
    backendRefs:
    - name: httpbin
      port: 8000
EOF`,
    },
    {
      name: 'curl_httpbin_headers',
      run: 'curl -s -I "http://$INGRESS_HOST:$INGRESS_PORT/headers"',
      verify: { rule: 'contains', expected: 'HTTP/1.1 200 OK' },
    },
  ],
};
