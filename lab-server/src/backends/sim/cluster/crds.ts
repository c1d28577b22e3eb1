/**
 * The CustomResourceDefinitions Istio's install puts in the cluster (1.30's `base` chart), built from the same
 * discovery rows the API server serves them by, so `kubectl get crd` and `api-resources` always agree.
 * Their OpenAPI schemas are left out: the simulator validates Istio objects with its own tables.
 */
import type { K8sObject } from '../../../contract.ts';
import { API_RESOURCES, GATEWAY_API_GROUP, type ApiResource } from './discovery.ts';

/** Istio's CRDs as objects. */
export function istioCrdObjects(): K8sObject[] {
  return API_RESOURCES.filter((r) => r.crd && r.group !== GATEWAY_API_GROUP).map((r) =>
    crdObject(
      r,
      { app: 'istio-pilot', chart: 'istio', heritage: 'Tiller', release: 'istio' },
      {
        'helm.sh/resource-policy': 'keep',
      },
    ),
  );
}

/** The kinds of the Gateway API's standard channel (`config/crd`); the experimental channel adds the rest. */
const STANDARD_CHANNEL = new Set([
  'GatewayClass',
  'Gateway',
  'HTTPRoute',
  'GRPCRoute',
  'ReferenceGrant',
  'BackendTLSPolicy',
  'ListenerSet',
  'TLSRoute',
]);

/** The Gateway API release the simulator carries (the one Istio 1.30 is tested with). */
export const GATEWAY_API_VERSION = 'v1.5.1';

/** The Gateway API CRDs of a release channel as objects, as `kubectl kustomize .../config/crd[/experimental]` prints them. */
export function gatewayApiCrdObjects(channel: 'standard' | 'experimental'): K8sObject[] {
  return API_RESOURCES.filter(
    (r) => r.group === GATEWAY_API_GROUP && (channel === 'experimental' || STANDARD_CHANNEL.has(r.kind)),
  ).map((r) =>
    crdObject(
      r,
      {},
      {
        'api-approved.kubernetes.io': 'https://github.com/kubernetes-sigs/gateway-api/pull/3328',
        'gateway.networking.k8s.io/bundle-version': GATEWAY_API_VERSION,
        'gateway.networking.k8s.io/channel': channel,
      },
    ),
  );
}

function crdObject(r: ApiResource, labels: Record<string, string>, annotations: Record<string, string>): K8sObject {
  const storage = r.storageVersion ?? (r.group === 'telemetry.istio.io' ? 'v1alpha1' : r.versions[0]);
  const names = {
    categories: r.categories ?? [],
    kind: r.kind,
    listKind: `${r.kind}List`,
    plural: r.plural,
    ...(r.shortNames.length ? { shortNames: r.shortNames } : {}),
    singular: r.singular,
  };
  return {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: {
      name: `${r.plural}.${r.group}`,
      ...(Object.keys(labels).length ? { labels } : {}),
      annotations,
    },
    spec: {
      group: r.group,
      names,
      scope: r.namespaced ? 'Namespaced' : 'Cluster',
      versions: [...r.versions]
        .sort()
        .map((name) => ({ name, served: true, storage: name === storage, subresources: { status: {} } })),
    },
    status: {
      acceptedNames: names,
      conditions: [
        { type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found' },
        {
          type: 'Established',
          status: 'True',
          reason: 'InitialNamesAccepted',
          message: 'the initial names have been accepted',
        },
      ],
      storedVersions: [storage],
    },
  };
}
