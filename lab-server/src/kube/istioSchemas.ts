/**
 * The structural schemas of Istio 1.30's networking CRDs (`networking.istio.io/v1`), as far as the API server
 * checks them before Istio's webhook sees the object: field names (strict decoding), types and required fields.
 */
import { type Infer, type Input, s, type Schema } from './structural.ts';

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
  corsPolicy: s.obj({
    allowOrigin: s.arr(s.str),
    allowOrigins: s.arr(stringMatch),
    allowMethods: s.arr(s.str),
    allowHeaders: s.arr(s.str),
    exposeHeaders: s.arr(s.str),
    maxAge: duration,
    allowCredentials: s.bool,
    unmatchedPreflights: s.enumOf('UNSPECIFIED', 'FORWARD', 'IGNORE'),
  }),
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

const connectionPool = s.obj({
  tcp: s.obj({
    maxConnections: s.int,
    connectTimeout: duration,
    tcpKeepalive: s.obj({ probes: s.int, time: duration, interval: duration }),
    maxConnectionDuration: duration,
    idleTimeout: duration,
  }),
  http: s.obj({
    http1MaxPendingRequests: s.int,
    http2MaxRequests: s.int,
    maxRequestsPerConnection: s.int,
    maxRetries: s.int,
    idleTimeout: duration,
    h2UpgradePolicy: s.enumOf('DEFAULT', 'DO_NOT_UPGRADE', 'UPGRADE'),
    useClientProtocol: s.bool,
    maxConcurrentStreams: s.int,
  }),
});

const outlierDetection = s.obj({
  splitExternalLocalOriginErrors: s.bool,
  consecutiveLocalOriginFailures: s.int,
  consecutiveGatewayErrors: s.int,
  consecutive5xxErrors: s.int,
  consecutiveErrors: s.int,
  interval: duration,
  baseEjectionTime: duration,
  maxEjectionPercent: s.int,
  minHealthPercent: s.int,
});

const loadBalancer = s.obj({
  simple: s.enumOf('UNSPECIFIED', 'LEAST_CONN', 'RANDOM', 'PASSTHROUGH', 'ROUND_ROBIN', 'LEAST_REQUEST'),
  consistentHash: s.obj({
    httpHeaderName: s.str,
    httpCookie: s.obj({ name: s.str, path: s.str, ttl: duration, attributes: s.any }),
    useSourceIp: s.bool,
    httpQueryParameterName: s.str,
    ringHash: s.any,
    maglev: s.any,
    minimumRingSize: s.int,
  }),
  localityLbSetting: s.any,
  warmupDurationSecs: duration,
  warmup: s.any,
});

const clientTls = s.obj({
  mode: s.enumOf('DISABLE', 'SIMPLE', 'MUTUAL', 'ISTIO_MUTUAL'),
  clientCertificate: s.str,
  privateKey: s.str,
  caCertificates: s.str,
  credentialName: s.str,
  subjectAltNames: s.arr(s.str),
  sni: s.str,
  insecureSkipVerify: s.bool,
  caCrl: s.str,
});

const trafficPolicy = s.obj({
  loadBalancer,
  connectionPool,
  outlierDetection,
  tls: clientTls,
  portLevelSettings: s.arr(
    s.obj({ port: portSelector, loadBalancer, connectionPool, outlierDetection, tls: clientTls }),
  ),
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

const serverTls = s.obj({
  httpsRedirect: s.bool,
  mode: s.enumOf('PASSTHROUGH', 'SIMPLE', 'MUTUAL', 'AUTO_PASSTHROUGH', 'ISTIO_MUTUAL', 'OPTIONAL_MUTUAL'),
  serverCertificate: s.str,
  privateKey: s.str,
  caCertificates: s.str,
  caCrl: s.str,
  credentialName: s.str,
  credentialNames: s.arr(s.str),
  tlsCertificates: s.arr(s.obj({ serverCertificate: s.str, privateKey: s.str, caCertificates: s.str })),
  subjectAltNames: s.arr(s.str),
  verifyCertificateSpki: s.arr(s.str),
  verifyCertificateHash: s.arr(s.str),
  minProtocolVersion: s.enumOf('TLS_AUTO', 'TLSV1_0', 'TLSV1_1', 'TLSV1_2', 'TLSV1_3'),
  maxProtocolVersion: s.enumOf('TLS_AUTO', 'TLSV1_0', 'TLSV1_1', 'TLSV1_2', 'TLSV1_3'),
  cipherSuites: s.arr(s.str),
});

const gateway = s.obj({
  selector: s.map(s.str),
  servers: s.arr(
    s.obj({ port: serverPort, bind: s.str, hosts: s.arr(s.str), tls: serverTls, defaultEndpoint: s.str, name: s.str }, [
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
  ingress: s.arr(
    s.obj({
      port: s.obj({ number: s.port, protocol: s.str, name: s.str, targetPort: s.port }),
      bind: s.str,
      captureMode: s.enumOf('DEFAULT', 'IPTABLES', 'NONE'),
      defaultEndpoint: s.str,
      tls: s.any,
      connectionPool: s.any,
    }),
  ),
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

/** `spec` schemas of the Istio kinds, each with its own type. */
export const ISTIO_SPECS = {
  VirtualService: virtualService,
  DestinationRule: destinationRule,
  Gateway: gateway,
  ServiceEntry: serviceEntry,
  Sidecar: sidecar,
};

/** `spec` schemas of the Istio kinds, by kind name. */
export const ISTIO_SPEC_SCHEMAS: Record<string, Schema> = ISTIO_SPECS;

/** A VirtualService's `spec`. */
export type VirtualServiceSpec = Infer<typeof virtualService>;
/** One `http` route of a VirtualService. */
export type HttpRoute = Infer<typeof httpRoute>;
/** One `match` entry of an `http` route. */
export type HttpMatch = Infer<typeof httpMatch>;
/** One `match` entry of a `tcp` or `tls` route. */
export type L4Match = Infer<typeof l4Match>;
/** A route's or a mirror's destination. */
export type Destination = Infer<typeof destination>;
/** A string match (`exact`, `prefix`, `regex`). */
export type StringMatch = Infer<typeof stringMatch>;
/** Header operations (`set`, `add`, `remove`). */
export type HeaderOperations = Infer<typeof headerOps>;
/** A DestinationRule's `spec`. */
export type DestinationRuleSpec = Infer<typeof destinationRule>;
/** A Gateway's `spec`. */
export type GatewaySpec = Infer<typeof gateway>;
/** A ServiceEntry's `spec`. */
export type ServiceEntrySpec = Infer<typeof serviceEntry>;
/** A Sidecar's `spec`. */
export type SidecarSpec = Infer<typeof sidecar>;

/** What Istio's webhook sees of a VirtualService's `spec` (nulls where the YAML left a value out). */
export type VirtualServiceInput = Input<typeof virtualService>;
/** What Istio's webhook sees of a DestinationRule's `spec`. */
export type DestinationRuleInput = Input<typeof destinationRule>;
/** What Istio's webhook sees of a Gateway's `spec`. */
export type GatewayInput = Input<typeof gateway>;
/** What Istio's webhook sees of a ServiceEntry's `spec`. */
export type ServiceEntryInput = Input<typeof serviceEntry>;
/** What Istio's webhook sees of a Sidecar's `spec`. */
export type SidecarInput = Input<typeof sidecar>;
