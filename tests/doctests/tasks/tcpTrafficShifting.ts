/** https://istio.io/latest/docs/tasks/traffic-management/tcp-traffic-shifting/ (commands and outputs: istio.io, CC BY 4.0). */
import { waitForDeployment, type DocTask } from '../task.ts';

const NS = 'istio-io-tcp-traffic-shifting';

const sendTwenty = `export SLEEP=$(kubectl get pod -l app=sleep -n ${NS} -o jsonpath={.items..metadata.name})
for i in {1..20}; do \\
kubectl exec "$SLEEP" -c sleep -n ${NS} -- sh -c "(date; sleep 1) | nc $INGRESS_HOST $TCP_INGRESS_PORT"; \\
done`;

export const tcpTrafficShifting: DocTask = {
  id: 'tcp-traffic-shifting',
  page: 'tcp-traffic-shifting/',
  setup: ['istioctl install --set profile=demo -y'],
  steps: [
    { name: 'snip_set_up_the_test_environment_1', run: `kubectl create namespace ${NS}` },
    { name: 'snip_set_up_the_test_environment_2', run: `kubectl apply -f samples/sleep/sleep.yaml -n ${NS}` },
    {
      name: 'snip_set_up_the_test_environment_3',
      run: `kubectl apply -f samples/tcp-echo/tcp-echo-services.yaml -n ${NS}`,
    },
    {
      name: '_wait_for_deployment (tcp-echo-v1, tcp-echo-v2, sleep)',
      run: ['tcp-echo-v1', 'tcp-echo-v2', 'sleep'].map((d) => waitForDeployment(NS, d)).join('\n'),
    },
    {
      name: 'snip_apply_weightbased_tcp_routing_1',
      run: `kubectl apply -f samples/tcp-echo/tcp-echo-all-v1.yaml -n ${NS}`,
    },
    {
      name: '_set_ingress_environment_variables',
      run: `export INGRESS_HOST=$(kubectl get po -l istio=ingressgateway -n istio-system -o jsonpath='{.items[0].status.hostIP}')
export TCP_INGRESS_PORT=$(kubectl -n istio-system get service istio-ingressgateway -o jsonpath='{.spec.ports[?(@.name=="tcp")].nodePort}')`,
      since:
        'kind has no external load balancer, so the gateway is reached at the ' +
        "node address and the tcp port's node port (the helper's own fallback)",
    },
    {
      name: 'snip_apply_weightbased_tcp_routing_4',
      run: sendTwenty,
      verify: { rule: 'lines', expected: '\n+ one\n- two\n' },
    },
    {
      name: 'snip_apply_weightbased_tcp_routing_5',
      run: `kubectl apply -f samples/tcp-echo/tcp-echo-20-v2.yaml -n ${NS}`,
    },
    {
      name: 'snip_apply_weightbased_tcp_routing_7',
      run: `kubectl get virtualservice tcp-echo -o yaml -n ${NS}`,
      verify: {
        rule: 'elided',
        expected: `apiVersion: networking.istio.io/v1
kind: VirtualService
  ...
spec:
  ...
  tcp:
  - match:
    - port: 31400
    route:
    - destination:
        host: tcp-echo
        port:
          number: 9000
        subset: v1
      weight: 80
    - destination:
        host: tcp-echo
        port:
          number: 9000
        subset: v2
      weight: 20`,
      },
      since:
        "the page shows `networking.istio.io/v1beta1`; Istio 1.30 serves and prints Istio's kinds as `networking.istio.io/v1`",
    },
    {
      name: 'snip_apply_weightbased_tcp_routing_9',
      run: sendTwenty,
      verify: { rule: 'lines', expected: '\n+ one\n+ two\n' },
    },
  ],
};
