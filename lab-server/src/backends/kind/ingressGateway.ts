/**
 * Every environment's own ingress gateway, in the environment's namespace: a Deployment that Istio's injector turns
 * into a gateway (`inject.istio.io/templates: gateway`, Istio's "gateway injection"), its Service and the Role that
 * lets it read TLS credentials. istiod runs with PILOT_SCOPE_GATEWAY_TO_NAMESPACE=true (`labs cluster up` sets it),
 * so the Gateways a learner applies in their namespace bind to this gateway only, and two learners' identical
 * `bookinfo-gateway`s never meet. It carries the names and labels of istio-system's gateway (`istio-ingressgateway`,
 * `istio: ingressgateway`), so the lessons' Gateways (`selector: istio: ingressgateway`) select it unchanged.
 */
import type { K8sObject } from '../../contract.ts';
import { MANAGED_BY } from './pins.ts';

/** Name of the gateway's Deployment, Service and ServiceAccount (as in istio-system). */
export const GATEWAY_NAME = 'istio-ingressgateway';
/** Label selector of the gateway's pods, as the lessons write it. */
export const GATEWAY_SELECTOR = 'istio=ingressgateway';
/** Label on the gateway's objects and pods: reset keeps them, `labs class cleanup` finds them. */
export const GATEWAY_PART = { 'labs.istio-traffic-labs/part': 'ingress-gateway' } as const;
/** The gateway's container ports behind the Service's 80 (`http2`) and 443 (`https`), as in istio-system. */
export const GATEWAY_CONTAINER_PORTS = { http: 8080, https: 8443 } as const;
/** What one gateway pod asks the scheduler for (its share of a learner's quota). */
export const GATEWAY_RESOURCES = {
  requests: { cpu: '50m', memory: '64Mi' },
  limits: { cpu: '1', memory: '256Mi' },
} as const;

/** How an environment's gateway is exposed. */
export interface IngressGatewayOptions {
  namespace: string;
  /**
   * `LoadBalancer` for one learner on kind (EXTERNAL-IP stays `<pending>`, as the lessons show); `NodePort` in a class
   * and on other clusters, where a load balancer per learner would cost money and nobody outside needs one.
   */
  serviceType: 'NodePort' | 'LoadBalancer';
  /** Fixed node ports (kind's host port mappings point at them); absent, the API server picks free ones. */
  nodePorts?: { http: number; https: number };
}

function meta(name: string, namespace: string): K8sObject['metadata'] {
  return { name, namespace, labels: { ...MANAGED_BY, ...GATEWAY_PART, app: GATEWAY_NAME, istio: 'ingressgateway' } };
}

/** The gateway's objects, in the order they are applied. */
export function ingressGatewayObjects(options: IngressGatewayOptions): K8sObject[] {
  const { namespace, serviceType, nodePorts } = options;
  const podLabels = {
    ...GATEWAY_PART,
    app: GATEWAY_NAME,
    istio: 'ingressgateway',
    // Injection even where the namespace has no istio-injection label (the webhook's object selector).
    'sidecar.istio.io/inject': 'true',
  };
  return [
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta(GATEWAY_NAME, namespace) },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta(GATEWAY_NAME, namespace),
      spec: {
        replicas: 1,
        selector: { matchLabels: { istio: 'ingressgateway' } },
        template: {
          metadata: {
            // The injector fills this container from its `gateway` template (image, args `proxy router`, probes).
            annotations: { 'inject.istio.io/templates': 'gateway' },
            labels: podLabels,
          },
          spec: {
            serviceAccountName: GATEWAY_NAME,
            containers: [{ name: 'istio-proxy', image: 'auto', resources: GATEWAY_RESOURCES }],
          },
        },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta(GATEWAY_NAME, namespace),
      spec: {
        type: serviceType,
        selector: { istio: 'ingressgateway' },
        ports: [
          {
            name: 'http2',
            port: 80,
            targetPort: GATEWAY_CONTAINER_PORTS.http,
            protocol: 'TCP',
            ...(nodePorts ? { nodePort: nodePorts.http } : {}),
          },
          {
            name: 'https',
            port: 443,
            targetPort: GATEWAY_CONTAINER_PORTS.https,
            protocol: 'TCP',
            ...(nodePorts ? { nodePort: nodePorts.https } : {}),
          },
        ],
      },
    },
    // Istio's gateway installation guide gives the gateway this Role, for `credentialName` TLS secrets.
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: meta(`${GATEWAY_NAME}-sds`, namespace),
      rules: [{ apiGroups: [''], resources: ['secrets'], verbs: ['get', 'watch', 'list'] }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: meta(`${GATEWAY_NAME}-sds`, namespace),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: `${GATEWAY_NAME}-sds` },
      subjects: [{ kind: 'ServiceAccount', name: GATEWAY_NAME, namespace }],
    },
  ];
}

/** Whether an object (or a pod of the gateway) belongs to an environment's own gateway. */
export function isGatewayPart(object: K8sObject): boolean {
  return object.metadata.labels?.['labs.istio-traffic-labs/part'] === GATEWAY_PART['labs.istio-traffic-labs/part'];
}
