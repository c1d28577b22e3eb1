/**
 * The simulated API server's discovery: which kinds exist, under which group/versions, with which resource
 * names and short names. Kept as data (as `kubectl api-resources` prints it) so admission, kubectl's name
 * resolution and `api-resources` all read one table.
 */

/** One served resource. */
export interface ApiResource {
  /**
   * The simulator's key for the kind (`cluster.get(id, ...)`): the Kind itself, or `Kind.group` for a Kind another
   * group also serves (the Gateway API's `Gateway.gateway.networking.k8s.io` beside Istio's `Gateway`).
   */
  id: string;
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
  /** Defined by a CustomResourceDefinition (Istio's kinds, the Gateway API's), which `kubectl get crd` lists. */
  crd?: boolean;
  /** For a CRD: the version it stores objects in, when not the first served one. */
  storageVersion?: string;
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];
const NO_COLLECTION = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];
const CREATE_ONLY = ['create'];
const ISTIO_CATEGORIES = (group: string) => ['istio-io', `${group.split('.')[0]}-istio-io`];

/**
 * One row as `kubectl api-resources -o wide` prints it: name, short names, group/versions (preferred first),
 * namespaced, kind, verbs, categories. Singular names are the lower-cased kind, as the API server derives them.
 */
function row(
  plural: string,
  shortNames: string,
  groupVersions: string,
  namespaced: boolean,
  kind: string,
  verbs = ALL_VERBS,
  categories?: string[],
): ApiResource {
  const [first, ...more] = groupVersions.split(',');
  const slash = first!.lastIndexOf('/');
  const group = slash < 0 ? '' : first!.slice(0, slash);
  const versions = [slash < 0 ? first! : first!.slice(slash + 1), ...more];
  return {
    id: kind,
    kind,
    plural,
    singular: kind.toLowerCase(),
    shortNames: shortNames ? shortNames.split(',') : [],
    group,
    versions,
    namespaced,
    verbs,
    ...(categories ? { categories } : {}),
  };
}

/** Istio's CRDs (1.30's `base` chart): served versions, storage and preferred version first. */
const ISTIO_CRDS: readonly ApiResource[] = [
  row('trafficextensions', '', 'extensions.istio.io/v1alpha1', true, 'TrafficExtension'),
  row('wasmplugins', '', 'extensions.istio.io/v1alpha1', true, 'WasmPlugin'),
  row('destinationrules', 'dr', 'networking.istio.io/v1,v1beta1,v1alpha3', true, 'DestinationRule'),
  row('envoyfilters', '', 'networking.istio.io/v1alpha3', true, 'EnvoyFilter'),
  row('gateways', 'gw', 'networking.istio.io/v1,v1beta1,v1alpha3', true, 'Gateway'),
  row('proxyconfigs', '', 'networking.istio.io/v1beta1', true, 'ProxyConfig'),
  row('serviceentries', 'se', 'networking.istio.io/v1,v1beta1,v1alpha3', true, 'ServiceEntry'),
  row('sidecars', '', 'networking.istio.io/v1,v1beta1,v1alpha3', true, 'Sidecar'),
  row('virtualservices', 'vs', 'networking.istio.io/v1,v1beta1,v1alpha3', true, 'VirtualService'),
  row('workloadentries', 'we', 'networking.istio.io/v1,v1beta1,v1alpha3', true, 'WorkloadEntry'),
  row('workloadgroups', 'wg', 'networking.istio.io/v1,v1beta1,v1alpha3', true, 'WorkloadGroup'),
  row('authorizationpolicies', 'ap', 'security.istio.io/v1,v1beta1', true, 'AuthorizationPolicy'),
  row('peerauthentications', 'pa', 'security.istio.io/v1,v1beta1', true, 'PeerAuthentication'),
  row('requestauthentications', 'ra', 'security.istio.io/v1,v1beta1', true, 'RequestAuthentication'),
  row('telemetries', 'telemetry', 'telemetry.istio.io/v1,v1alpha1', true, 'Telemetry'),
].map((r) => ({ ...r, crd: true, categories: ISTIO_CATEGORIES(r.group) }));

/** The Gateway API group (`kubernetes-sigs/gateway-api`), whose CRDs are installed separately from Istio. */
export const GATEWAY_API_GROUP = 'gateway.networking.k8s.io';

/**
 * The Gateway API v1.5.1 CRDs Istio 1.30 supports: the standard channel (`config/crd`), then the kinds only the
 * experimental channel (`config/crd/experimental`) adds. Served versions, preferred first; `kubectl get gateway`
 * finds these before Istio's `Gateway` (kubectl prefers the group discovery lists first).
 */
const GATEWAY_API_CRDS: readonly ApiResource[] = [
  { ...row('backendtlspolicies', 'btlspolicy', `${GATEWAY_API_GROUP}/v1`, true, 'BackendTLSPolicy') },
  { ...row('gatewayclasses', 'gc', `${GATEWAY_API_GROUP}/v1,v1beta1`, false, 'GatewayClass') },
  {
    ...row('gateways', 'gtw', `${GATEWAY_API_GROUP}/v1,v1beta1`, true, 'Gateway'),
    id: `Gateway.${GATEWAY_API_GROUP}`,
  },
  { ...row('grpcroutes', '', `${GATEWAY_API_GROUP}/v1`, true, 'GRPCRoute') },
  { ...row('httproutes', '', `${GATEWAY_API_GROUP}/v1,v1beta1`, true, 'HTTPRoute') },
  { ...row('listenersets', 'lset', `${GATEWAY_API_GROUP}/v1`, true, 'ListenerSet') },
  {
    ...row('referencegrants', 'refgrant', `${GATEWAY_API_GROUP}/v1,v1beta1`, true, 'ReferenceGrant'),
    storageVersion: 'v1beta1',
  },
  { ...row('tlsroutes', '', `${GATEWAY_API_GROUP}/v1`, true, 'TLSRoute') },
  { ...row('tcproutes', '', `${GATEWAY_API_GROUP}/v1alpha2`, true, 'TCPRoute') },
].map((r) => ({ ...r, crd: true, categories: ['gateway-api'] }));

/** Every resource the simulated cluster (kind's Kubernetes 1.34 + Istio 1.30 CRDs) serves. */
export const API_RESOURCES: readonly ApiResource[] = [
  row('bindings', '', 'v1', true, 'Binding', CREATE_ONLY),
  row('componentstatuses', 'cs', 'v1', false, 'ComponentStatus', ['get', 'list']),
  row('configmaps', 'cm', 'v1', true, 'ConfigMap'),
  row('endpoints', 'ep', 'v1', true, 'Endpoints'),
  row('events', 'ev', 'v1', true, 'Event'),
  row('limitranges', 'limits', 'v1', true, 'LimitRange'),
  row('namespaces', 'ns', 'v1', false, 'Namespace', NO_COLLECTION),
  row('nodes', 'no', 'v1', false, 'Node'),
  row('persistentvolumeclaims', 'pvc', 'v1', true, 'PersistentVolumeClaim'),
  row('persistentvolumes', 'pv', 'v1', false, 'PersistentVolume'),
  row('pods', 'po', 'v1', true, 'Pod', ALL_VERBS, ['all']),
  row('podtemplates', '', 'v1', true, 'PodTemplate'),
  row('replicationcontrollers', 'rc', 'v1', true, 'ReplicationController', ALL_VERBS, ['all']),
  row('resourcequotas', 'quota', 'v1', true, 'ResourceQuota'),
  row('secrets', '', 'v1', true, 'Secret'),
  row('serviceaccounts', 'sa', 'v1', true, 'ServiceAccount'),
  row('services', 'svc', 'v1', true, 'Service', ALL_VERBS, ['all']),
  row('mutatingwebhookconfigurations', '', 'admissionregistration.k8s.io/v1', false, 'MutatingWebhookConfiguration'),
  row('validatingadmissionpolicies', '', 'admissionregistration.k8s.io/v1', false, 'ValidatingAdmissionPolicy'),
  row(
    'validatingadmissionpolicybindings',
    '',
    'admissionregistration.k8s.io/v1',
    false,
    'ValidatingAdmissionPolicyBinding',
  ),
  row(
    'validatingwebhookconfigurations',
    '',
    'admissionregistration.k8s.io/v1',
    false,
    'ValidatingWebhookConfiguration',
  ),
  row('customresourcedefinitions', 'crd,crds', 'apiextensions.k8s.io/v1', false, 'CustomResourceDefinition'),
  row('apiservices', '', 'apiregistration.k8s.io/v1', false, 'APIService'),
  row('controllerrevisions', '', 'apps/v1', true, 'ControllerRevision'),
  row('daemonsets', 'ds', 'apps/v1', true, 'DaemonSet', ALL_VERBS, ['all']),
  row('deployments', 'deploy', 'apps/v1', true, 'Deployment', ALL_VERBS, ['all']),
  row('replicasets', 'rs', 'apps/v1', true, 'ReplicaSet', ALL_VERBS, ['all']),
  row('statefulsets', 'sts', 'apps/v1', true, 'StatefulSet', ALL_VERBS, ['all']),
  row('selfsubjectreviews', '', 'authentication.k8s.io/v1', false, 'SelfSubjectReview', CREATE_ONLY),
  row('tokenreviews', '', 'authentication.k8s.io/v1', false, 'TokenReview', CREATE_ONLY),
  row('localsubjectaccessreviews', '', 'authorization.k8s.io/v1', true, 'LocalSubjectAccessReview', CREATE_ONLY),
  row('selfsubjectaccessreviews', '', 'authorization.k8s.io/v1', false, 'SelfSubjectAccessReview', CREATE_ONLY),
  row('selfsubjectrulesreviews', '', 'authorization.k8s.io/v1', false, 'SelfSubjectRulesReview', CREATE_ONLY),
  row('subjectaccessreviews', '', 'authorization.k8s.io/v1', false, 'SubjectAccessReview', CREATE_ONLY),
  row('horizontalpodautoscalers', 'hpa', 'autoscaling/v2,v1', true, 'HorizontalPodAutoscaler', ALL_VERBS, ['all']),
  row('cronjobs', 'cj', 'batch/v1', true, 'CronJob', ALL_VERBS, ['all']),
  row('jobs', '', 'batch/v1', true, 'Job', ALL_VERBS, ['all']),
  row('certificatesigningrequests', 'csr', 'certificates.k8s.io/v1', false, 'CertificateSigningRequest'),
  row('leases', '', 'coordination.k8s.io/v1', true, 'Lease'),
  row('endpointslices', '', 'discovery.k8s.io/v1', true, 'EndpointSlice'),
  row('events', 'ev', 'events.k8s.io/v1', true, 'Event'),
  row('flowschemas', '', 'flowcontrol.apiserver.k8s.io/v1', false, 'FlowSchema'),
  row('prioritylevelconfigurations', '', 'flowcontrol.apiserver.k8s.io/v1', false, 'PriorityLevelConfiguration'),
  row('ingressclasses', '', 'networking.k8s.io/v1', false, 'IngressClass'),
  row('ingresses', 'ing', 'networking.k8s.io/v1', true, 'Ingress'),
  row('ipaddresses', 'ip', 'networking.k8s.io/v1', false, 'IPAddress'),
  row('networkpolicies', 'netpol', 'networking.k8s.io/v1', true, 'NetworkPolicy'),
  row('servicecidrs', '', 'networking.k8s.io/v1', false, 'ServiceCIDR'),
  row('runtimeclasses', '', 'node.k8s.io/v1', false, 'RuntimeClass'),
  row('poddisruptionbudgets', 'pdb', 'policy/v1', true, 'PodDisruptionBudget'),
  row('clusterrolebindings', '', 'rbac.authorization.k8s.io/v1', false, 'ClusterRoleBinding'),
  row('clusterroles', '', 'rbac.authorization.k8s.io/v1', false, 'ClusterRole'),
  row('rolebindings', '', 'rbac.authorization.k8s.io/v1', true, 'RoleBinding'),
  row('roles', '', 'rbac.authorization.k8s.io/v1', true, 'Role'),
  row('deviceclasses', '', 'resource.k8s.io/v1', false, 'DeviceClass'),
  row('resourceclaims', '', 'resource.k8s.io/v1', true, 'ResourceClaim'),
  row('resourceclaimtemplates', '', 'resource.k8s.io/v1', true, 'ResourceClaimTemplate'),
  row('resourceslices', '', 'resource.k8s.io/v1', false, 'ResourceSlice'),
  row('priorityclasses', 'pc', 'scheduling.k8s.io/v1', false, 'PriorityClass'),
  row('csidrivers', '', 'storage.k8s.io/v1', false, 'CSIDriver'),
  row('csinodes', '', 'storage.k8s.io/v1', false, 'CSINode'),
  row('csistoragecapacities', '', 'storage.k8s.io/v1', true, 'CSIStorageCapacity'),
  row('storageclasses', 'sc', 'storage.k8s.io/v1', false, 'StorageClass'),
  row('volumeattachments', '', 'storage.k8s.io/v1', false, 'VolumeAttachment'),
  row('volumeattributesclasses', 'vac', 'storage.k8s.io/v1', false, 'VolumeAttributesClass'),
  ...GATEWAY_API_CRDS,
  ...ISTIO_CRDS,
];

/** `group/version` (or `version` for core) of a resource's preferred version, as objects are served. */
export function servedApiVersion(resource: ApiResource): string {
  return resource.group ? `${resource.group}/${resource.versions[0]}` : resource.versions[0]!;
}

/** The resource of a kind key (`ApiResource.id`: a Kind, or `Kind.group`), or undefined. */
export function resourceForKind(id: string): ApiResource | undefined {
  return API_RESOURCES.find((r) => r.id === id);
}

const keys = new Map<string, string>();

/** The kind key (`ApiResource.id`) of an object as written: its Kind, qualified by group where two groups share it. */
export function kindKeyOf(object: { apiVersion: string; kind: string }): string {
  const at = `${object.apiVersion}\u0000${object.kind}`;
  let key = keys.get(at);
  if (key === undefined) {
    const group = object.apiVersion.includes('/') ? object.apiVersion.split('/')[0] : '';
    key = API_RESOURCES.find((r) => r.kind === object.kind && r.group === group)?.id ?? object.kind;
    if (keys.size < 1000) keys.set(at, key);
  }
  return key;
}

/**
 * Resolves what a learner typed (`vs`, `virtualservice`, `VirtualServices`, `virtualservices.networking.istio.io`,
 * `deployment.apps`) to a resource, as kubectl's RESTMapper does (case-insensitive).
 */
export function resolveResourceName(
  typed: string,
  served: (resource: ApiResource) => boolean = () => true,
): ApiResource | undefined {
  const lower = typed.toLowerCase();
  const [name, ...groupParts] = lower.split('.');
  const group = groupParts.join('.');
  const candidates = API_RESOURCES.filter(
    (r) =>
      (group === '' || r.group === group) &&
      (r.plural === name || r.singular === name || r.kind.toLowerCase() === name || r.shortNames.includes(name!)),
  );
  // Two groups may serve one name (`gateway`): kubectl takes the first its discovery lists that the server serves.
  return candidates.find(served) ?? candidates[0];
}

/**
 * Whether the API serves `apiVersion` for `kind`. Returns the resource when it does; `undefined` when the kind
 * exists under no such version (kubectl then says `no matches for kind "X" in version "Y"`).
 */
export function resourceForApiVersion(apiVersion: string, kind: string): ApiResource | undefined {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  return API_RESOURCES.find((r) => r.kind === kind && r.group === group && r.versions.includes(version!));
}
