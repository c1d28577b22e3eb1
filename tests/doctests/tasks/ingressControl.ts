/** https://istio.io/latest/docs/tasks/traffic-management/ingress/ingress-control/ (istio.io, CC BY 4.0). */
import { waitForDeployment, type DocTask } from '../task.ts';

const gatewayAndRoute = (hosts: string, matches: string) => `kubectl apply -f - <<EOF
apiVersion: networking.istio.io/v1alpha3
kind: Gateway
metadata:
  name: httpbin-gateway
spec:
  # The selector matches the ingress gateway pod labels.
  # If you installed Istio using Helm following the standard documentation, this would be "istio=ingress"
  selector:
    istio: ingressgateway
  servers:
  - port:
      number: 80
      name: http
      protocol: HTTP
    hosts:
    - ${hosts}
---
apiVersion: networking.istio.io/v1alpha3
kind: VirtualService
metadata:
  name: httpbin
spec:
  hosts:
  - ${hosts}
  gateways:
  - httpbin-gateway
  http:
  - match:
${matches}
    route:
    - destination:
        port:
          number: 8000
        host: httpbin
EOF`;

export const ingressControl: DocTask = {
  id: 'ingress-control',
  page: 'ingress/ingress-control/',
  setup: [
    'istioctl install --set profile=default -y',
    'kubectl label namespace default istio-injection=enabled --overwrite',
    'kubectl apply -f samples/httpbin/httpbin.yaml',
    waitForDeployment('default', 'httpbin'),
  ],
  steps: [
    {
      name: 'snip_configuring_ingress_using_a_gateway_1 + _2',
      run: gatewayAndRoute(
        '"httpbin.example.com"',
        '    - uri:\n        prefix: /status\n    - uri:\n        prefix: /delay',
      ),
    },
    {
      name: 'snip_determining_the_ingress_ip_and_ports_2',
      run: 'export INGRESS_NAME=istio-ingressgateway\nexport INGRESS_NS=istio-system',
    },
    {
      name: 'snip_determining_the_ingress_ip_and_ports_4',
      run: 'kubectl get svc "$INGRESS_NAME" -n "$INGRESS_NS"',
      verify: {
        rule: 'like',
        expected: `NAME                   TYPE           CLUSTER-IP       EXTERNAL-IP      PORT(S)   AGE
istio-ingressgateway   LoadBalancer   172.21.109.129   130.211.10.121   ...       17h`,
      },
      since:
        'on kind without a load balancer EXTERNAL-IP stays <pending>, which the like rule accepts in place of an address',
    },
    {
      name: 'snip_using_node_ports_of_the_ingress_gateway_service_1 + _6',
      run:
        `export INGRESS_PORT=$(kubectl -n "\${INGRESS_NS}" get service "\${INGRESS_NAME}" ` +
        `-o jsonpath='{.spec.ports[?(@.name=="http2")].nodePort}')
export SECURE_INGRESS_PORT=$(kubectl -n "\${INGRESS_NS}" get service "\${INGRESS_NAME}" ` +
        `-o jsonpath='{.spec.ports[?(@.name=="https")].nodePort}')
export TCP_INGRESS_PORT=$(kubectl -n "\${INGRESS_NS}" get service "\${INGRESS_NAME}" -o jsonpath='{.spec.ports[?(@.name=="tcp")].nodePort}')
export INGRESS_HOST=$(kubectl get po -l istio=ingressgateway -n "\${INGRESS_NS}" -o jsonpath='{.items[0].status.hostIP}')`,
      since:
        "kind has no external load balancer: the page's node-port instructions set " +
        "INGRESS_HOST and the ports, as test.sh's _set_ingress_environment_variables does there",
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
      name: 'snip_accessing_ingress_services_using_a_browser_1',
      run: gatewayAndRoute('"*"', '    - uri:\n        prefix: /headers'),
    },
    {
      name: 'curl_httpbin_headers',
      run: 'curl -s -I "http://$INGRESS_HOST:$INGRESS_PORT/headers"',
      verify: { rule: 'contains', expected: 'HTTP/1.1 200 OK' },
    },
    {
      name: 'snip_troubleshooting_1 .. _3',
      run:
        'kubectl get svc -n istio-system\necho "INGRESS_HOST=$INGRESS_HOST, ' +
        'INGRESS_PORT=$INGRESS_PORT"\nkubectl get gateway --all-namespaces\nkubectl get ingress --all-namespaces',
      verify: {
        rule: 'lines',
        expected:
          '\n+ INGRESS_HOST=172.18.0.2, INGRESS_PORT=30080\n+ httpbin-gateway\n+ No resources found\n- error:\n',
      },
      since: 'the page shows these troubleshooting commands without their output; here each must run and answer',
    },
  ],
};
