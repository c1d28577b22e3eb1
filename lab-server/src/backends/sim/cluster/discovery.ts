/**
 * The simulated API server's discovery: which kinds exist, under which group/versions, with which resource
 * names and short names. Kept as data (as `kubectl api-resources` prints it) so admission, kubectl's name
 * resolution and `api-resources` all read one table.
 */

/** One served resource. */
export interface ApiResource {
  kind: string;
  /** Plural resource name (`virtualservices`). */
  plural: string;
  singular: string;
  shortNames: string[];
  /** API group; `''` for the core group. */
  group: string;
  /** Versions served; the first is the preferred (storage) version objects are served as. */
  versions: string[];
  namespaced: boolean;
  /** Verbs the API allows (`kubectl api-resources -o wide`). */
  verbs: string[];
  categories?: string[];
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const ISTIO_VERSIONS = ['v1', 'v1beta1', 'v1alpha3'];

/** Every resource the simulated cluster (Kubernetes 1.34 + Istio 1.30 CRDs) serves. */
export const API_RESOURCES: readonly ApiResource[] = [
  {
    kind: 'ConfigMap',
    plural: 'configmaps',
    singular: 'configmap',
    shortNames: ['cm'],
    group: '',
    versions: ['v1'],
    namespaced: true,
    verbs: ALL_VERBS,
  },
  {
    kind: 'Endpoints',
    plural: 'endpoints',
    singular: 'endpoints',
    shortNames: ['ep'],
    group: '',
    versions: ['v1'],
    namespaced: true,
    verbs: ALL_VERBS,
  },
  {
    kind: 'Event',
    plural: 'events',
    singular: 'event',
    shortNames: ['ev'],
    group: '',
    versions: ['v1'],
    namespaced: true,
    verbs: ALL_VERBS,
  },
  {
    kind: 'Namespace',
    plural: 'namespaces',
    singular: 'namespace',
    shortNames: ['ns'],
    group: '',
    versions: ['v1'],
    namespaced: false,
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  },
  {
    kind: 'Node',
    plural: 'nodes',
    singular: 'node',
    shortNames: ['no'],
    group: '',
    versions: ['v1'],
    namespaced: false,
    verbs: ALL_VERBS,
  },
  {
    kind: 'Pod',
    plural: 'pods',
    singular: 'pod',
    shortNames: ['po'],
    group: '',
    versions: ['v1'],
    namespaced: true,
    verbs: ALL_VERBS,
    categories: ['all'],
  },
  {
    kind: 'Secret',
    plural: 'secrets',
    singular: 'secret',
    shortNames: [],
    group: '',
    versions: ['v1'],
    namespaced: true,
    verbs: ALL_VERBS,
  },
  {
    kind: 'Service',
    plural: 'services',
    singular: 'service',
    shortNames: ['svc'],
    group: '',
    versions: ['v1'],
    namespaced: true,
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
    categories: ['all'],
  },
  {
    kind: 'ServiceAccount',
    plural: 'serviceaccounts',
    singular: 'serviceaccount',
    shortNames: ['sa'],
    group: '',
    versions: ['v1'],
    namespaced: true,
    verbs: ALL_VERBS,
  },
  {
    kind: 'Deployment',
    plural: 'deployments',
    singular: 'deployment',
    shortNames: ['deploy'],
    group: 'apps',
    versions: ['v1'],
    namespaced: true,
    verbs: ALL_VERBS,
    categories: ['all'],
  },
  {
    kind: 'ReplicaSet',
    plural: 'replicasets',
    singular: 'replicaset',
    shortNames: ['rs'],
    group: 'apps',
    versions: ['v1'],
    namespaced: true,
    verbs: ALL_VERBS,
    categories: ['all'],
  },
  {
    kind: 'DestinationRule',
    plural: 'destinationrules',
    singular: 'destinationrule',
    shortNames: ['dr'],
    group: 'networking.istio.io',
    versions: ISTIO_VERSIONS,
    namespaced: true,
    verbs: ALL_VERBS,
    categories: ['istio-io', 'networking-istio-io'],
  },
  {
    kind: 'Gateway',
    plural: 'gateways',
    singular: 'gateway',
    shortNames: ['gw'],
    group: 'networking.istio.io',
    versions: ISTIO_VERSIONS,
    namespaced: true,
    verbs: ALL_VERBS,
    categories: ['istio-io', 'networking-istio-io'],
  },
  {
    kind: 'ServiceEntry',
    plural: 'serviceentries',
    singular: 'serviceentry',
    shortNames: ['se'],
    group: 'networking.istio.io',
    versions: ISTIO_VERSIONS,
    namespaced: true,
    verbs: ALL_VERBS,
    categories: ['istio-io', 'networking-istio-io'],
  },
  {
    kind: 'Sidecar',
    plural: 'sidecars',
    singular: 'sidecar',
    shortNames: [],
    group: 'networking.istio.io',
    versions: ISTIO_VERSIONS,
    namespaced: true,
    verbs: ALL_VERBS,
    categories: ['istio-io', 'networking-istio-io'],
  },
  {
    kind: 'VirtualService',
    plural: 'virtualservices',
    singular: 'virtualservice',
    shortNames: ['vs'],
    group: 'networking.istio.io',
    versions: ISTIO_VERSIONS,
    namespaced: true,
    verbs: ALL_VERBS,
    categories: ['istio-io', 'networking-istio-io'],
  },
];

/** `group/version` (or `version` for core) of a resource's preferred version, as objects are served. */
export function servedApiVersion(resource: ApiResource): string {
  return resource.group ? `${resource.group}/${resource.versions[0]}` : resource.versions[0]!;
}

/** The resource of a Kind, or undefined. */
export function resourceForKind(kind: string): ApiResource | undefined {
  return API_RESOURCES.find((r) => r.kind === kind);
}

/**
 * Resolves what a learner typed (`vs`, `virtualservice`, `VirtualServices`, `virtualservices.networking.istio.io`,
 * `deployment.apps`) to a resource, as kubectl's RESTMapper does (case-insensitive).
 */
export function resolveResourceName(typed: string): ApiResource | undefined {
  const lower = typed.toLowerCase();
  const [name, ...groupParts] = lower.split('.');
  const group = groupParts.join('.');
  return API_RESOURCES.find(
    (r) =>
      (group === '' || r.group === group) &&
      (r.plural === name || r.singular === name || r.kind.toLowerCase() === name || r.shortNames.includes(name!)),
  );
}

/**
 * Whether the API serves `apiVersion` for `kind`. Returns the resource when it does; `undefined` when the kind
 * exists under no such version (kubectl then says `no matches for kind "X" in version "Y"`).
 */
export function resourceForApiVersion(apiVersion: string, kind: string): ApiResource | undefined {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  return API_RESOURCES.find((r) => r.kind === kind && r.group === group && r.versions.includes(version!));
}
