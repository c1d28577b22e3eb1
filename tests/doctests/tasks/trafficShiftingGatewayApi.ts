/**
 * https://istio.io/latest/docs/tasks/traffic-management/traffic-shifting/, the "Gateway API" tab: test.sh with
 * `GATEWAY_API=true`, as `gtwapi_test.sh` runs it (commands and outputs: istio.io, CC BY 4.0).
 */
import { BOOKINFO_SAMPLE, BOOKINFO_VERSIONS, GATEWAY_API_CRDS, SLEEP_SAMPLE, type DocTask } from '../task.ts';
import { STAR_PERCENTAGE } from './trafficShifting.ts';

export const trafficShiftingGatewayApi: DocTask = {
  id: 'traffic-shifting (Gateway API)',
  page: 'traffic-shifting/',
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
      name: 'snip_gtw_config_all_v1',
      run: 'kubectl apply -f samples/bookinfo/gateway-api/route-reviews-v1.yaml',
      verify: { rule: 'same', expected: 'httproute.gateway.networking.k8s.io/reviews created' },
    },
    { name: 'reviews_v3_traffic_percentage', run: STAR_PERCENTAGE, verify: { rule: 'same', expected: '0' } },
    {
      name: 'snip_gtw_config_50_v3',
      run: 'kubectl apply -f samples/bookinfo/gateway-api/route-reviews-50-v3.yaml',
      verify: { rule: 'same', expected: 'httproute.gateway.networking.k8s.io/reviews configured' },
    },
    {
      name: 'snip_gtw_verify_config_50_v3',
      run: 'kubectl get httproute reviews -o yaml',
      verify: { rule: 'lines', expected: '\n+ message: Route was valid\n+ reason: Accepted\n' },
    },
    { name: 'reviews_v3_traffic_percentage', run: STAR_PERCENTAGE, verify: { rule: 'same', expected: '50' } },
    { name: 'snip_gtw_config_100_v3', run: 'kubectl apply -f samples/bookinfo/gateway-api/route-reviews-v3.yaml' },
    { name: 'reviews_v3_traffic_percentage', run: STAR_PERCENTAGE, verify: { rule: 'same', expected: '100' } },
  ],
};
