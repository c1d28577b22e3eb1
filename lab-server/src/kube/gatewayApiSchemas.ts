/**
 * The structural schemas of the Kubernetes Gateway API v1.5.1 kinds Istio 1.30 implements
 * (`gateway.networking.k8s.io`), as far as the API server checks them: field names (strict decoding), types,
 * enums, required fields, and the defaults the CRDs declare (the API server writes them into stored objects, so
 * `kubectl get httproute -o yaml` shows `weight: 1`, `kind: Service`, `path: {type: PathPrefix, value: /}`).
 * The CRDs' CEL rules are in the simulator's admission (`admission/gatewayApi.ts`).
 */
import { type Infer, type Input, s, type Schema } from './structural.ts';

/** Defaults of a reference to a Gateway (the API's own group and kind). */
const parentRef = s.obj(
  {
    group: s.withDefault(s.str, 'gateway.networking.k8s.io'),
    kind: s.withDefault(s.str, 'Gateway'),
    namespace: s.str,
    name: s.str,
    sectionName: s.str,
    port: s.range(1, 65535),
  },
  ['name'],
);

/** A reference to a Service (the core group, kind Service), with a port. */
const backendObjectRef = s.obj(
  {
    group: s.withDefault(s.str, ''),
    kind: s.withDefault(s.str, 'Service'),
    name: s.str,
    namespace: s.str,
    port: s.range(1, 65535),
  },
  ['name'],
);

const header = s.obj({ name: s.str, value: s.str }, ['name', 'value']);
const headerModifier = s.obj({ set: s.arr(header), add: s.arr(header), remove: s.arr(s.str) });
const pathModifier = s.obj(
  {
    type: s.enumOf('ReplaceFullPath', 'ReplacePrefixMatch'),
    replaceFullPath: s.str,
    replacePrefixMatch: s.str,
  },
  ['type'],
);
const requestMirror = s.obj(
  {
    backendRef: backendObjectRef,
    percent: s.range(0, 100),
    fraction: s.obj({ numerator: s.range(0), denominator: s.withDefault(s.range(1), 100) }, ['numerator']),
  },
  ['backendRef'],
);
const requestRedirect = s.obj({
  scheme: s.enumOf('http', 'https'),
  hostname: s.str,
  path: pathModifier,
  port: s.range(1, 65535),
  statusCode: s.withDefault(s.intEnum(301, 302, 303, 307, 308), 302),
});
const urlRewrite = s.obj({ hostname: s.str, path: pathModifier });
const cors = s.obj({
  allowOrigins: s.arr(s.str),
  allowCredentials: s.bool,
  allowMethods: s.arr(s.enumOf('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH', '*')),
  allowHeaders: s.arr(s.str),
  exposeHeaders: s.arr(s.str),
  maxAge: s.withDefault(s.range(1), 5),
});
const extensionRef = s.obj({ group: s.str, kind: s.str, name: s.str }, ['group', 'kind', 'name']);

const HTTP_FILTER_TYPES = [
  'RequestHeaderModifier',
  'ResponseHeaderModifier',
  'RequestMirror',
  'RequestRedirect',
  'URLRewrite',
  'ExtensionRef',
  'CORS',
] as const;

const httpFilter = s.obj(
  {
    type: s.enumOf(...HTTP_FILTER_TYPES),
    requestHeaderModifier: headerModifier,
    responseHeaderModifier: headerModifier,
    requestMirror,
    requestRedirect,
    urlRewrite,
    cors,
    extensionRef,
  },
  ['type'],
);

const stringMatchType = s.withDefault(s.enumOf('Exact', 'RegularExpression'), 'Exact');
const httpMatch = s.obj({
  path: s.withDefault(
    s.obj({
      type: s.withDefault(s.enumOf('Exact', 'PathPrefix', 'RegularExpression'), 'PathPrefix'),
      value: s.withDefault(s.str, '/'),
    }),
    { type: 'PathPrefix', value: '/' },
  ),
  headers: s.arr(s.obj({ type: stringMatchType, name: s.str, value: s.str }, ['name', 'value'])),
  queryParams: s.arr(s.obj({ type: stringMatchType, name: s.str, value: s.str }, ['name', 'value'])),
  method: s.enumOf('GET', 'HEAD', 'POST', 'PUT', 'DELETE', 'CONNECT', 'OPTIONS', 'TRACE', 'PATCH'),
});

const httpBackendRef = s.obj(
  {
    ...backendObjectRef.properties,
    weight: s.withDefault(s.range(0, 1000000), 1),
    filters: s.arr(httpFilter),
  },
  ['name'],
);

const httpRule = s.obj({
  name: s.str,
  matches: s.withDefault(s.arr(httpMatch), [{ path: { type: 'PathPrefix', value: '/' } }]),
  filters: s.arr(httpFilter),
  backendRefs: s.arr(httpBackendRef),
  timeouts: s.obj({ request: s.str, backendRequest: s.str }),
});

const httpRoute = s.obj({
  parentRefs: s.arr(parentRef),
  hostnames: s.arr(s.str),
  rules: s.withDefault(s.arr(httpRule), [{ matches: [{ path: { type: 'PathPrefix', value: '/' } }] }]),
});

const grpcFilter = s.obj(
  {
    type: s.enumOf('RequestHeaderModifier', 'ResponseHeaderModifier', 'RequestMirror', 'ExtensionRef'),
    requestHeaderModifier: headerModifier,
    responseHeaderModifier: headerModifier,
    requestMirror,
    extensionRef,
  },
  ['type'],
);

const grpcRoute = s.obj({
  parentRefs: s.arr(parentRef),
  hostnames: s.arr(s.str),
  rules: s.arr(
    s.obj({
      name: s.str,
      matches: s.arr(
        s.obj({
          method: s.obj({ type: stringMatchType, service: s.str, method: s.str }),
          headers: s.arr(s.obj({ type: stringMatchType, name: s.str, value: s.str }, ['name', 'value'])),
        }),
      ),
      filters: s.arr(grpcFilter),
      backendRefs: s.arr(
        s.obj(
          { ...backendObjectRef.properties, weight: s.withDefault(s.range(0, 1000000), 1), filters: s.arr(grpcFilter) },
          ['name'],
        ),
      ),
    }),
  ),
});

const l4Rule = s.obj(
  {
    name: s.str,
    backendRefs: s.arr(
      s.obj({ ...backendObjectRef.properties, weight: s.withDefault(s.range(0, 1000000), 1) }, ['name']),
    ),
  },
  ['backendRefs'],
);

const tcpRoute = s.obj(
  { parentRefs: s.arr(parentRef), rules: s.arr(l4Rule), useDefaultGateways: s.enumOf('All', 'None') },
  ['rules'],
);
const tlsRoute = s.obj({ parentRefs: s.arr(parentRef), hostnames: s.arr(s.str), rules: s.arr(l4Rule) }, [
  'hostnames',
  'rules',
]);

const labelSelector = s.obj({
  matchLabels: s.map(s.str),
  matchExpressions: s.arr(s.obj({ key: s.str, operator: s.str, values: s.arr(s.str) }, ['key', 'operator'])),
});

const secretRef = s.obj(
  { group: s.withDefault(s.str, ''), kind: s.withDefault(s.str, 'Secret'), name: s.str, namespace: s.str },
  ['name'],
);

const listener = s.obj(
  {
    name: s.str,
    hostname: s.str,
    port: s.range(1, 65535),
    protocol: s.str,
    tls: s.obj({
      mode: s.withDefault(s.enumOf('Terminate', 'Passthrough'), 'Terminate'),
      certificateRefs: s.arr(secretRef),
      options: s.map(s.str),
    }),
    allowedRoutes: s.withDefault(
      s.obj({
        namespaces: s.withDefault(
          s.obj({ from: s.withDefault(s.enumOf('All', 'Selector', 'Same'), 'Same'), selector: labelSelector }),
          { from: 'Same' },
        ),
        kinds: s.arr(s.obj({ group: s.withDefault(s.str, 'gateway.networking.k8s.io'), kind: s.str }, ['kind'])),
      }),
      { namespaces: { from: 'Same' } },
    ),
  },
  ['name', 'port', 'protocol'],
);

const gateway = s.obj(
  {
    gatewayClassName: s.str,
    listeners: s.arr(listener),
    addresses: s.arr(s.obj({ type: s.withDefault(s.str, 'IPAddress'), value: s.str })),
    infrastructure: s.obj({
      labels: s.map(s.str),
      annotations: s.map(s.str),
      parametersRef: s.obj({ group: s.str, kind: s.str, name: s.str }, ['group', 'kind', 'name']),
    }),
    allowedListeners: s.obj({
      namespaces: s.withDefault(
        s.obj({ from: s.withDefault(s.enumOf('All', 'Selector', 'Same', 'None'), 'None'), selector: labelSelector }),
        { from: 'None' },
      ),
    }),
    tls: s.any,
  },
  ['gatewayClassName', 'listeners'],
);

const gatewayClass = s.obj(
  {
    controllerName: s.str,
    description: s.str,
    parametersRef: s.obj({ group: s.str, kind: s.str, name: s.str, namespace: s.str }, ['group', 'kind', 'name']),
  },
  ['controllerName'],
);

const referenceGrant = s.obj(
  {
    from: s.arr(s.obj({ group: s.str, kind: s.str, namespace: s.str }, ['group', 'kind', 'namespace'])),
    to: s.arr(s.obj({ group: s.str, kind: s.str, name: s.str }, ['group', 'kind'])),
  },
  ['from', 'to'],
);

/** `spec` schemas of the Gateway API kinds, by the simulator's kind key (see `ApiResource.id`). */
export const GATEWAY_API_SPECS = {
  GatewayClass: gatewayClass,
  'Gateway.gateway.networking.k8s.io': gateway,
  HTTPRoute: httpRoute,
  GRPCRoute: grpcRoute,
  ReferenceGrant: referenceGrant,
  TCPRoute: tcpRoute,
  TLSRoute: tlsRoute,
  BackendTLSPolicy: s.any,
  ListenerSet: s.any,
};

/** The same schemas, by kind key, for code that looks kinds up by name. */
export const GATEWAY_API_SPEC_SCHEMAS: Record<string, Schema> = GATEWAY_API_SPECS;

/** An HTTPRoute's `spec`, after the API server's defaults. */
export type HTTPRouteSpec = Infer<typeof httpRoute>;
/** One rule of an HTTPRoute. */
export type HTTPRouteRule = Infer<typeof httpRule>;
/** One match of an HTTPRoute rule. */
export type HTTPRouteMatch = Infer<typeof httpMatch>;
/** One filter of an HTTPRoute rule or backendRef. */
export type HTTPRouteFilter = Infer<typeof httpFilter>;
/** A weighted backend of an HTTPRoute rule. */
export type HTTPBackendRef = Infer<typeof httpBackendRef>;
/** A header modifier filter's body. */
export type HeaderModifier = Infer<typeof headerModifier>;
/** A route's reference to its parent (a Gateway, or a Service for mesh routes). */
export type ParentReference = Infer<typeof parentRef>;
/** A reference to a backend object (a Service). */
export type BackendObjectReference = Infer<typeof backendObjectRef>;
/** A Gateway's `spec`. */
export type KubeGatewaySpec = Infer<typeof gateway>;
/** One listener of a Gateway. */
export type Listener = Infer<typeof listener>;
/** A GatewayClass's `spec`. */
export type GatewayClassSpec = Infer<typeof gatewayClass>;
/** A ReferenceGrant's `spec`. */
export type ReferenceGrantSpec = Infer<typeof referenceGrant>;
/** A GRPCRoute's `spec`. */
export type GRPCRouteSpec = Infer<typeof grpcRoute>;

/** What admission sees of an HTTPRoute's `spec` (nulls where the YAML left a value out). */
export type HTTPRouteInput = Input<typeof httpRoute>;
/** What admission sees of a Gateway's `spec`. */
export type KubeGatewayInput = Input<typeof gateway>;
/** What admission sees of a GRPCRoute's `spec`. */
export type GRPCRouteInput = Input<typeof grpcRoute>;
