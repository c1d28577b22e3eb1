/** https://istio.io/latest/docs/tasks/traffic-management/request-timeouts/ (commands and outputs: istio.io, CC BY 4.0). */
import { BOOKINFO_SAMPLE, productpageFromSleep, SLEEP_SAMPLE, type DocTask } from '../task.ts';

export const requestTimeouts: DocTask = {
  id: 'request-timeouts',
  page: 'request-timeouts/',
  setup: [
    'istioctl install --set profile=default -y',
    'kubectl label namespace default istio-injection=enabled --overwrite',
    ...SLEEP_SAMPLE,
    ...BOOKINFO_SAMPLE,
  ],
  steps: [
    {
      name: 'snip_before_you_begin_1',
      run: 'kubectl apply -f samples/bookinfo/networking/virtual-service-all-v1.yaml',
    },
    {
      name: 'snip_request_timeouts_1',
      run: `kubectl apply -f - <<EOF
apiVersion: networking.istio.io/v1alpha3
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts:
    - reviews
  http:
  - route:
    - destination:
        host: reviews
        subset: v2
EOF`,
    },
    {
      name: 'snip_request_timeouts_2',
      run: `kubectl apply -f - <<EOF
apiVersion: networking.istio.io/v1alpha3
kind: VirtualService
metadata:
  name: ratings
spec:
  hosts:
  - ratings
  http:
  - fault:
      delay:
        percentage:
          value: 100
        fixedDelay: 2s
    route:
    - destination:
        host: ratings
        subset: v1
EOF`,
    },
    {
      name: 'get_productpage',
      run: productpageFromSleep(),
      verify: { rule: 'contains', expected: 'glyphicon glyphicon-star' },
    },
    {
      name: 'snip_request_timeouts_3',
      run: `kubectl apply -f - <<EOF
apiVersion: networking.istio.io/v1alpha3
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts:
  - reviews
  http:
  - route:
    - destination:
        host: reviews
        subset: v2
    timeout: 0.5s
EOF`,
    },
    {
      name: 'get_productpage',
      run: productpageFromSleep(),
      verify: { rule: 'contains', expected: 'Sorry, product reviews are currently unavailable for this book.' },
    },
  ],
};
