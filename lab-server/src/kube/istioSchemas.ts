/**
 * The structural schemas of Istio 1.30's networking CRDs (`networking.istio.io/v1`), as far as the API server
 * checks them before Istio's webhook sees the object: field names (strict decoding), types and required fields.
 */
import { s, type Schema } from './structural.ts';

const stringMatch = s.obj({ exact: s.str, prefix: s.str, regex: s.str });
const portSelector = s.obj({ number: s.port });
const destination = s.obj({ host: s.str, subset: s.str, port: portSelector }, ['host']);
const percent = s.obj({ value: s.num });
const headerOps = s.obj({ set: s.map(s.str), add: s.map(s.str), remove: s.arr(s.str) });
const headers = s.obj({ request: headerOps, response: headerOps });
const duration = s.str;

const httpMatch = s.obj({
  name: s.str,
  uri: stringMatch,
  scheme: stringMatch,
  method: stringMatch,
  authority: stringMatch,
  headers: s.map(stringMatch),
  port: s.port,
  sourceLabels: s.map(s.str),
  gateways: s.arr(s.str),
  queryParams: s.map(stringMatch),
  ignoreUriCase: s.bool,
  withoutHeaders: s.map(stringMatch),
  sourceNamespace: s.str,
  statPrefix: s.str,
});

const httpRoute = s.obj({
  name: s.str,
  match: s.arr(httpMatch),
  route: s.arr(s.obj({ destination, weight: s.int, headers }, ['destination'])),
  redirect: s.obj({
    uri: s.str,
    authority: s.str,
    port: s.port,
    derivePort: s.enumOf('FROM_PROTOCOL_DEFAULT', 'FROM_REQUEST_PORT'),
    scheme: s.str,
    redirectCode: s.int,
  }),
  directResponse: s.obj({ status: s.int, body: s.obj({ string: s.str, bytes: s.str }) }, ['status']),
  delegate: s.obj({ name: s.str, namespace: s.str }),
  rewrite: s.obj({ uri: s.str, authority: s.str, uriRegexRewrite: s.obj({ match: s.str, rewrite: s.str }) }),
  timeout: duration,
  retries: s.obj({
    attempts: s.int,
    perTryTimeout: duration,
    retryOn: s.str,
    retryRemoteLocalities: s.bool,
    backoff: duration,
  }),
  fault: s.obj({
    delay: s.obj({ fixedDelay: duration, exponentialDelay: duration, percentage: percent, percent: s.int }),
    abort: s.obj({ httpStatus: s.int, grpcStatus: s.str, http2Error: s.str, percentage: percent }),
  }),
  mirror: destination,
  mirrorPercentage: percent,
  mirrorPercent: s.int,
  mirrors: s.arr(s.obj({ destination, percentage: percent }, ['destination'])),
  corsPolicy: s.any,
  headers,
});

const l4Match = s.obj({
  destinationSubnets: s.arr(s.str),
  port: s.port,
  sourceLabels: s.map(s.str),
  gateways: s.arr(s.str),
  sourceNamespace: s.str,
  sniHosts: s.arr(s.str),
});
const routeDestination = s.arr(s.obj({ destination, weight: s.int }, ['destination']));

const virtualService = s.obj({
  hosts: s.arr(s.str),
  gateways: s.arr(s.str),
  http: s.arr(httpRoute),
  tls: s.arr(s.obj({ match: s.arr(l4Match), route: routeDestination })),
  tcp: s.arr(s.obj({ match: s.arr(l4Match), route: routeDestination })),
  exportTo: s.arr(s.str),
});

const trafficPolicy: Schema = s.obj({
  loadBalancer: s.any,
  connectionPool: s.any,
  outlierDetection: s.any,
  tls: s.any,
  portLevelSettings: s.any,
  tunnel: s.any,
  proxyProtocol: s.any,
  retryBudget: s.any,
});

const destinationRule = s.obj(
  {
    host: s.str,
    trafficPolicy,
    subsets: s.arr(s.obj({ name: s.str, labels: s.map(s.str), trafficPolicy }, ['name'])),
    exportTo: s.arr(s.str),
    workloadSelector: s.obj({ matchLabels: s.map(s.str) }),
  },
  ['host'],
);

const serverPort = s.obj({ number: s.port, protocol: s.str, name: s.str, targetPort: s.port }, [
  'number',
  'protocol',
  'name',
]);

const gateway = s.obj({
  selector: s.map(s.str),
  servers: s.arr(
    s.obj({ port: serverPort, bind: s.str, hosts: s.arr(s.str), tls: s.any, defaultEndpoint: s.str, name: s.str }, [
      'port',
      'hosts',
    ]),
  ),
});

const serviceEntry = s.obj(
  {
    hosts: s.arr(s.str),
    addresses: s.arr(s.str),
    ports: s.arr(s.obj({ number: s.port, protocol: s.str, name: s.str, targetPort: s.port }, ['number', 'name'])),
    location: s.enumOf('MESH_EXTERNAL', 'MESH_INTERNAL'),
    resolution: s.enumOf('NONE', 'STATIC', 'DNS', 'DNS_ROUND_ROBIN', 'DYNAMIC_DNS'),
    endpoints: s.arr(
      s.obj({
        address: s.str,
        ports: s.map(s.port),
        labels: s.map(s.str),
        network: s.str,
        locality: s.str,
        weight: s.int,
        serviceAccount: s.str,
      }),
    ),
    workloadSelector: s.obj({ labels: s.map(s.str) }),
    exportTo: s.arr(s.str),
    subjectAltNames: s.arr(s.str),
  },
  ['hosts'],
);

const sidecar = s.obj({
  workloadSelector: s.obj({ labels: s.map(s.str) }),
  ingress: s.arr(s.any),
  egress: s.arr(
    s.obj(
      {
        port: s.obj({ number: s.port, protocol: s.str, name: s.str, targetPort: s.port }),
        bind: s.str,
        captureMode: s.enumOf('DEFAULT', 'IPTABLES', 'NONE'),
        hosts: s.arr(s.str),
      },
      ['hosts'],
    ),
  ),
  outboundTrafficPolicy: s.obj({ mode: s.enumOf('REGISTRY_ONLY', 'ALLOW_ANY'), egressProxy: destination }),
  inboundConnectionPool: s.any,
});

/** `spec` schemas of the Istio kinds. */
export const ISTIO_SPEC_SCHEMAS: Record<string, Schema> = {
  VirtualService: virtualService,
  DestinationRule: destinationRule,
  Gateway: gateway,
  ServiceEntry: serviceEntry,
  Sidecar: sidecar,
};
