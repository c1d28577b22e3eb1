/**
 * https://istio.io/latest/docs/tasks/traffic-management/mirroring/, the "Gateway API" tab: the Istio tab's steps
 * with its two `gtw` snips in place of the VirtualService ones, as `gtwapi_test.sh` runs the page (commands and
 * outputs: istio.io, CC BY 4.0).
 */
import { GATEWAY_API_CRDS, GATEWAY_V1_NOTE, type DocStep, type DocTask } from '../task.ts';
import { mirroring } from './mirroring.ts';

const route = (filters: string) => `kubectl apply -f - <<EOF
apiVersion: gateway.networking.k8s.io/v1beta1
kind: HTTPRoute
metadata:
  name: httpbin
spec:
  parentRefs:
  - group: ""
    kind: Service
    name: httpbin
    port: 8000
  rules:
  -${filters} backendRefs:
    - name: httpbin-v1
      port: 80
EOF`;

const versionServices = ['v1', 'v2']
  .map(
    (v) => `apiVersion: v1
kind: Service
metadata:
  name: httpbin-${v}
spec:
  ports:
  - port: 80
    name: http
  selector:
    app: httpbin
    version: ${v}
---`,
  )
  .join('\n');

const GATEWAY_STEPS: Record<string, DocStep> = {
  snip_creating_a_default_routing_policy_1: {
    name: 'snip_creating_a_default_routing_policy_2',
    run: route('').replace('kubectl apply -f - <<EOF\n', `kubectl apply -f - <<EOF\n${versionServices}\n`),
    since: GATEWAY_V1_NOTE,
  },
  snip_mirroring_traffic_to_v2_1: {
    name: 'snip_mirroring_traffic_to_v2_2',
    run: route(` filters:
    - type: RequestMirror
      requestMirror:
        backendRef:
          name: httpbin-v2
          port: 80
   `),
    since: GATEWAY_V1_NOTE,
  },
};

export const mirroringGatewayApi: DocTask = {
  id: 'mirroring (Gateway API)',
  page: 'mirroring/',
  setup: [GATEWAY_API_CRDS, ...mirroring.setup],
  steps: mirroring.steps.map((step) => GATEWAY_STEPS[step.name] ?? step),
};
