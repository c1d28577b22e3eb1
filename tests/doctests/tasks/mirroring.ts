/** https://istio.io/latest/docs/tasks/traffic-management/mirroring/ (commands and outputs: istio.io, CC BY 4.0). */
import { waitForDeployment, type DocTask } from '../task.ts';

const httpbin = (version: string) => `cat <<EOF | istioctl kube-inject -f - | kubectl create -f -
apiVersion: apps/v1
kind: Deployment
metadata:
  name: httpbin-${version}
spec:
  replicas: 1
  selector:
    matchLabels:
      app: httpbin
      version: ${version}
  template:
    metadata:
      labels:
        app: httpbin
        version: ${version}
    spec:
      containers:
      - image: docker.io/kennethreitz/httpbin
        imagePullPolicy: IfNotPresent
        name: httpbin
        command: ["gunicorn", "--access-logfile", "-", "-b", "0.0.0.0:80", "httpbin:app"]
        ports:
        - containerPort: 80
EOF`;

const sleep = `cat <<EOF | istioctl kube-inject -f - | kubectl create -f -
apiVersion: apps/v1
kind: Deployment
metadata:
  name: sleep
spec:
  replicas: 1
  selector:
    matchLabels:
      app: sleep
  template:
    metadata:
      labels:
        app: sleep
    spec:
      containers:
      - name: sleep
        image: curlimages/curl
        command: ["/bin/sleep","3650d"]
        imagePullPolicy: IfNotPresent
EOF`;

const route = (mirror: string) => `kubectl apply -f - <<EOF
apiVersion: networking.istio.io/v1alpha3
kind: VirtualService
metadata:
  name: httpbin
spec:
  hosts:
    - httpbin
  http:
  - route:
    - destination:
        host: httpbin
        subset: v1
      weight: 100${mirror}
EOF`;

const curlHeaders = 'kubectl exec "${SLEEP_POD}" -c sleep -- curl -sS http://httpbin:8000/headers';
const v1Logs = 'kubectl logs "$V1_POD" -c httpbin';
const v2Logs = 'kubectl logs "$V2_POD" -c httpbin';

export const mirroring: DocTask = {
  id: 'mirroring',
  page: 'mirroring/',
  setup: ['istioctl install --set profile=default -y', 'kubectl label namespace default istio-injection- --overwrite'],
  steps: [
    {
      name: 'snip_before_you_begin_3',
      run: `kubectl create -f - <<EOF
apiVersion: v1
kind: Service
metadata:
  name: httpbin
  labels:
    app: httpbin
spec:
  ports:
  - name: http
    port: 8000
    targetPort: 80
  selector:
    app: httpbin
EOF`,
    },
    {
      name: 'snip_creating_a_default_routing_policy_1',
      run: route('').replace(
        /\nEOF$/,
        `
---
apiVersion: networking.istio.io/v1alpha3
kind: DestinationRule
metadata:
  name: httpbin
spec:
  host: httpbin
  subsets:
  - name: v1
    labels:
      version: v1
  - name: v2
    labels:
      version: v2
EOF`,
      ),
    },
    { name: 'snip_before_you_begin_1', run: `${httpbin('v1')}\n${waitForDeployment('default', 'httpbin-v1')}` },
    { name: 'snip_before_you_begin_2', run: `${httpbin('v2')}\n${waitForDeployment('default', 'httpbin-v2')}` },
    { name: 'snip_before_you_begin_4', run: `${sleep}\n${waitForDeployment('default', 'sleep')}` },
    { name: 'sleep 30s (test.sh waits for the route config)', run: 'sleep 30' },
    {
      name: 'snip_creating_a_default_routing_policy_3',
      run: `export SLEEP_POD=$(kubectl get pod -l app=sleep -o jsonpath={.items..metadata.name})\n${curlHeaders}`,
      verify: { rule: 'contains', expected: 'headers' },
    },
    {
      name: 'snip_creating_a_default_routing_policy_4',
      run: `export V1_POD=$(kubectl get pod -l app=httpbin,version=v1 -o jsonpath={.items..metadata.name})\n${v1Logs}`,
      verify: { rule: 'contains', expected: 'GET /headers HTTP/1.1' },
    },
    {
      name: 'snip_creating_a_default_routing_policy_5',
      run: `export V2_POD=$(kubectl get pod -l app=httpbin,version=v2 -o jsonpath={.items..metadata.name})\n${v2Logs}`,
      verify: { rule: 'notContains', expected: 'GET /headers HTTP/1.1' },
    },
    {
      name: 'snip_mirroring_traffic_to_v2_1',
      run: route('\n    mirror:\n      host: httpbin\n      subset: v2\n    mirrorPercentage:\n      value: 100.0'),
    },
    { name: 'snip_mirroring_traffic_to_v2_3', run: curlHeaders, verify: { rule: 'contains', expected: 'headers' } },
    {
      name: 'snip_mirroring_traffic_to_v2_5',
      run: v2Logs,
      verify: { rule: 'contains', expected: 'GET /headers HTTP/1.1' },
    },
  ],
};
