/**
 * Shapes the editor knows in more detail than the simulator's structural schemas (which keep some deep Istio
 * fields as "anything"): the fields of Istio 1.30's CRDs for traffic policies and gateway TLS, so completion
 * offers them and a misspelt one is marked. Only parts the lessons may touch; each object lists every field
 * its CRD has, so nothing valid is marked.
 */
type Json = Record<string, unknown>;

const str: Json = { type: 'string' };
const int: Json = { type: 'integer' };
const bool: Json = { type: 'boolean' };
const strings: Json = { type: 'array', items: str };
const duration: Json = { type: 'string', pattern: '^([0-9]+(\\.[0-9]+)?(h|m|s|ms|us|µs|ns))+$' };
const obj = (properties: Record<string, Json>, extra: Json = {}): Json => ({
  type: 'object',
  properties,
  additionalProperties: false,
  ...extra,
});

const clientTls = obj({
  mode: { type: 'string', enum: ['DISABLE', 'SIMPLE', 'MUTUAL', 'ISTIO_MUTUAL'] },
  clientCertificate: str,
  privateKey: str,
  caCertificates: str,
  credentialName: str,
  subjectAltNames: strings,
  sni: str,
  insecureSkipVerify: bool,
  caCrl: str,
});

const loadBalancer = obj({
  simple: {
    type: 'string',
    enum: ['UNSPECIFIED', 'RANDOM', 'PASSTHROUGH', 'ROUND_ROBIN', 'LEAST_REQUEST', 'LEAST_CONN'],
  },
  consistentHash: obj({
    httpHeaderName: str,
    httpCookie: obj({ name: str, path: str, ttl: duration, attributes: { type: 'array' } }),
    useSourceIp: bool,
    httpQueryParameterName: str,
    ringHash: obj({ minimumRingSize: int }),
    maglev: obj({ tableSize: int }),
    minimumRingSize: int,
  }),
  localityLbSetting: { type: 'object' },
  warmupDurationSecs: duration,
  warmup: { type: 'object' },
});

const connectionPool = obj({
  tcp: obj({
    maxConnections: int,
    connectTimeout: duration,
    tcpKeepalive: obj({ probes: int, time: duration, interval: duration }),
    maxConnectionDuration: duration,
    idleTimeout: duration,
  }),
  http: obj({
    http1MaxPendingRequests: int,
    http2MaxRequests: int,
    maxRequestsPerConnection: int,
    maxRetries: int,
    idleTimeout: duration,
    h2UpgradePolicy: { type: 'string', enum: ['DEFAULT', 'DO_NOT_UPGRADE', 'UPGRADE'] },
    useClientProtocol: bool,
    maxConcurrentStreams: int,
  }),
});

const outlierDetection = obj({
  splitExternalLocalOriginErrors: bool,
  consecutiveLocalOriginFailures: int,
  consecutiveGatewayErrors: int,
  consecutive5xxErrors: int,
  interval: duration,
  baseEjectionTime: duration,
  maxEjectionPercent: int,
  minHealthPercent: int,
  consecutiveErrors: int,
});

const trafficPolicyFields = {
  loadBalancer,
  connectionPool,
  outlierDetection,
  tls: clientTls,
  tunnel: { type: 'object' },
  proxyProtocol: { type: 'object' },
  retryBudget: { type: 'object' },
};

/** Replacements for "anything" nodes, by field name (`trafficPolicy.tls`) or kind and path (`Gateway.spec.servers.tls`). */
export const REFINEMENTS: Record<string, Json> = {
  'trafficPolicy.loadBalancer': loadBalancer,
  'trafficPolicy.connectionPool': connectionPool,
  'trafficPolicy.outlierDetection': outlierDetection,
  'trafficPolicy.tls': clientTls,
  'trafficPolicy.portLevelSettings': {
    type: 'array',
    items: obj({ port: obj({ number: { type: 'integer', minimum: 1, maximum: 65535 } }), ...trafficPolicyFields }),
  },
  'Gateway.spec.servers.tls': obj({
    httpsRedirect: bool,
    mode: {
      type: 'string',
      enum: ['PASSTHROUGH', 'SIMPLE', 'MUTUAL', 'AUTO_PASSTHROUGH', 'ISTIO_MUTUAL', 'OPTIONAL_MUTUAL'],
    },
    serverCertificate: str,
    privateKey: str,
    caCertificates: str,
    caCrl: str,
    credentialName: str,
    credentialNames: strings,
    tlsCertificates: { type: 'array' },
    subjectAltNames: strings,
    verifyCertificateSpki: strings,
    verifyCertificateHash: strings,
    minProtocolVersion: { type: 'string', enum: ['TLS_AUTO', 'TLSV1_0', 'TLSV1_1', 'TLSV1_2', 'TLSV1_3'] },
    maxProtocolVersion: { type: 'string', enum: ['TLS_AUTO', 'TLSV1_0', 'TLSV1_1', 'TLSV1_2', 'TLSV1_3'] },
    cipherSuites: strings,
  }),
  'Deployment.spec.strategy': obj({
    type: { type: 'string', enum: ['RollingUpdate', 'Recreate'] },
    rollingUpdate: obj({ maxSurge: { type: ['integer', 'string'] }, maxUnavailable: { type: ['integer', 'string'] } }),
  }),
};

/** The object metadata as the API server decodes it (strictly: a misspelt `lables` is refused). */
export const OBJECT_META_FIELDS: Record<string, Json> = {
  name: str,
  generateName: str,
  namespace: str,
  selfLink: str,
  uid: str,
  resourceVersion: str,
  generation: int,
  creationTimestamp: { type: ['string', 'null'] },
  deletionTimestamp: str,
  deletionGracePeriodSeconds: int,
  labels: { type: 'object', additionalProperties: { type: 'string' } },
  annotations: { type: 'object', additionalProperties: { type: 'string' } },
  ownerReferences: { type: 'array' },
  finalizers: strings,
  managedFields: { type: 'array' },
};
