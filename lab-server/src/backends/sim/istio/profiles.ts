/** Istio 1.30's installation profiles, as far as the labs see them: mesh config, components, injector defaults. */

/** One profile. */
export interface Profile {
  name: string;
  meshConfig: Record<string, unknown>;
  ingressGateway: boolean;
  egressGateway: boolean;
}

const BASE_MESH = {
  defaultConfig: { discoveryAddress: 'istiod.istio-system.svc:15012' },
  defaultProviders: { metrics: ['prometheus'] },
  enablePrometheusMerge: true,
  rootNamespace: 'istio-system',
  trustDomain: 'cluster.local',
};

/** The profiles `--set profile=` accepts. */
export const PROFILES: Record<string, Profile> = {
  default: { name: 'default', meshConfig: BASE_MESH, ingressGateway: true, egressGateway: false },
  demo: {
    name: 'demo',
    meshConfig: {
      ...BASE_MESH,
      accessLogFile: '/dev/stdout',
      // No tracer: 1.22 dropped the default Zipkin (`global.proxy.tracer: none`); the demo profile only lists providers.
      extensionProviders: [
        {
          name: 'otel',
          envoyOtelAls: { service: 'opentelemetry-collector.observability.svc.cluster.local', port: 4317 },
        },
        { name: 'skywalking', skywalking: { service: 'tracing.istio-system.svc.cluster.local', port: 11800 } },
        {
          name: 'otel-tracing',
          opentelemetry: { port: 4317, service: 'opentelemetry-collector.observability.svc.cluster.local' },
        },
        { name: 'jaeger', opentelemetry: { port: 4317, service: 'jaeger-collector.istio-system.svc.cluster.local' } },
      ],
    },
    ingressGateway: true,
    egressGateway: true,
  },
  minimal: { name: 'minimal', meshConfig: BASE_MESH, ingressGateway: false, egressGateway: false },
};

/** Enum values istioctl validates before installing. */
export const MESH_ENUMS: Record<string, { values: string[]; type: string }> = {
  'outboundTrafficPolicy.mode': {
    values: ['REGISTRY_ONLY', 'ALLOW_ANY'],
    type: 'istio.mesh.v1alpha1.MeshConfig_OutboundTrafficPolicy_Mode',
  },
};
