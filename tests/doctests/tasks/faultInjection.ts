/** https://istio.io/latest/docs/tasks/traffic-management/fault-injection/ (commands and outputs: istio.io, CC BY 4.0). */
import { BOOKINFO_SAMPLE, productpageFromSleep, SLEEP_SAMPLE, V1_NOTE, type DocTask } from '../task.ts';

const ratingsRule = (fault: string) => `apiVersion: networking.istio.io/v1
kind: VirtualService
...
spec:
  hosts:
  - ratings
  http:
  - fault:
${fault}
    match:
    - headers:
        end-user:
          exact: jason
    route:
    - destination:
        host: ratings
        subset: v1
  - route:
    - destination:
        host: ratings
        subset: v1`;

export const faultInjection: DocTask = {
  id: 'fault-injection',
  page: 'fault-injection/',
  setup: [
    'istioctl install --set profile=default -y',
    'kubectl label namespace default istio-injection=enabled --overwrite',
    ...SLEEP_SAMPLE,
    ...BOOKINFO_SAMPLE,
  ],
  steps: [
    {
      name: 'snip_before_you_begin_1',
      run:
        'kubectl apply -f samples/bookinfo/networking/virtual-service-all-v1.yaml\nkubectl ' +
        'apply -f samples/bookinfo/networking/virtual-service-reviews-test-v2.yaml',
    },
    {
      name: 'snip_injecting_an_http_delay_fault_1',
      run: 'kubectl apply -f samples/bookinfo/networking/virtual-service-ratings-test-delay.yaml',
    },
    {
      name: 'snip_injecting_an_http_delay_fault_2',
      run: 'kubectl get virtualservice ratings -o yaml',
      verify: {
        rule: 'elided',
        expected: ratingsRule('      delay:\n        fixedDelay: 7s\n        percentage:\n          value: 100'),
      },
      since: V1_NOTE,
    },
    {
      name: 'get_bookinfo_productpage_jason',
      run: productpageFromSleep('jason'),
      verify: { rule: 'contains', expected: 'Sorry, product reviews are currently unavailable for this book.' },
    },
    {
      name: 'snip_injecting_an_http_abort_fault_1',
      run: 'kubectl apply -f samples/bookinfo/networking/virtual-service-ratings-test-abort.yaml',
    },
    {
      name: 'snip_injecting_an_http_abort_fault_2',
      run: 'kubectl get virtualservice ratings -o yaml',
      verify: {
        rule: 'elided',
        expected: ratingsRule('      abort:\n        httpStatus: 500\n        percentage:\n          value: 100'),
      },
      since: V1_NOTE,
    },
    {
      name: 'get_bookinfo_productpage_jason',
      run: productpageFromSleep('jason'),
      verify: { rule: 'contains', expected: 'Ratings service is currently unavailable' },
    },
    {
      name: 'get_bookinfo_productpage',
      run: productpageFromSleep(),
      verify: { rule: 'notContains', expected: 'Ratings service is currently unavailable' },
    },
  ],
};
