/** https://istio.io/latest/docs/tasks/traffic-management/traffic-shifting/ (commands and outputs: istio.io, CC BY 4.0). */
import { BOOKINFO_SAMPLE, SLEEP_SAMPLE, V1_NOTE, type DocTask } from '../task.ts';

/**
 * test.sh's `reviews_v3_traffic_percentage`: 100 product pages through the ingress gateway from the sleep pod,
 * counting those with stars, printed as the nearest of 0/25/50/75/100 within 10.
 */
export const STAR_PERCENTAGE =
  `POD=$(kubectl get pod -l app=sleep -n default -o jsonpath={.items..metadata.name})
n=0; for i in $(seq 1 100); do kubectl exec "$POD" -c sleep -n default -- curl -sS http://istio-ingressgateway.istio-system/productpage ` +
  `| grep -q "glyphicon glyphicon-star" && n=$((n+1)); done
for p in 0 25 50 75 100; do if [ $((p-10)) -lt $n ] && [ $n -lt $((p+10)) ]; then echo $p; fi; done`;

export const trafficShifting: DocTask = {
  id: 'traffic-shifting',
  page: 'traffic-shifting/',
  setup: [
    'istioctl install --set profile=default -y',
    'kubectl label namespace default istio-injection=enabled --overwrite',
    ...SLEEP_SAMPLE,
    ...BOOKINFO_SAMPLE,
  ],
  steps: [
    {
      name: 'snip_config_all_v1',
      run: 'kubectl apply -f samples/bookinfo/networking/virtual-service-all-v1.yaml',
      verify: {
        rule: 'same',
        expected: `virtualservice.networking.istio.io/productpage created
virtualservice.networking.istio.io/reviews created
virtualservice.networking.istio.io/ratings created
virtualservice.networking.istio.io/details created`,
      },
    },
    { name: 'reviews_v3_traffic_percentage', run: STAR_PERCENTAGE, verify: { rule: 'same', expected: '0' } },
    {
      name: 'snip_config_50_v3',
      run: 'kubectl apply -f samples/bookinfo/networking/virtual-service-reviews-50-v3.yaml',
      verify: { rule: 'same', expected: 'virtualservice.networking.istio.io/reviews configured' },
    },
    {
      name: 'snip_verify_config_50_v3',
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
  - route:
    - destination:
        host: reviews
        subset: v1
      weight: 50
    - destination:
        host: reviews
        subset: v3
      weight: 50`,
      },
      since: V1_NOTE,
    },
    { name: 'reviews_v3_traffic_percentage', run: STAR_PERCENTAGE, verify: { rule: 'same', expected: '50' } },
    { name: 'snip_config_100_v3', run: 'kubectl apply -f samples/bookinfo/networking/virtual-service-reviews-v3.yaml' },
    { name: 'reviews_v3_traffic_percentage', run: STAR_PERCENTAGE, verify: { rule: 'same', expected: '100' } },
  ],
};
