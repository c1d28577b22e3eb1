/**
 * Versions and names the kind backend pins, in one place: the kind config, the workflow, the preflight
 * and the docs all read these (a test checks that the repo's files agree with them).
 */

/** Istio release installed by `labs cluster up` (istioctl must be 1.30.x). */
export const ISTIO_VERSION = '1.30.0';
/** Istio minor line the preflight accepts from `istioctl version --remote=false`. */
export const ISTIO_MINOR = '1.30';
/** Kubernetes node image: Istio 1.30 supports Kubernetes 1.32 and newer. */
export const NODE_IMAGE = 'kindest/node:v1.34.0';
/** Oldest kind that knows how to run `NODE_IMAGE`. */
export const KIND_MIN_VERSION = '0.30.0';
/** Oldest kubectl client: one minor behind the node image (Kubernetes' version skew policy). */
export const KUBECTL_MIN_VERSION = '1.33.0';
/** Kubernetes Gateway API release whose CRDs `labs cluster up` installs (the simulator carries the same). */
export const GATEWAY_API_VERSION = 'v1.5.1';
/** The release's standard-channel CRDs, as istio.io installs them. */
export function gatewayApiInstallUrl(version: string): string {
  return `https://github.com/kubernetes-sigs/gateway-api/releases/download/${version}/standard-install.yaml`;
}
/** Name of the kind cluster (`--name` overrides it); kubectl's context is `kind-<name>`. */
export const DEFAULT_CLUSTER_NAME = 'labs';

/** Host port -> node port for the ingress gateway's plain HTTP (`http2`) port. */
export const INGRESS_HTTP = { hostPort: 8080, nodePort: 30080 } as const;
/** Host port -> node port for the ingress gateway's `https` port. */
export const INGRESS_HTTPS = { hostPort: 8443, nodePort: 30443 } as const;
/**
 * istio-system's own ingress gateway, moved off the mapped node ports (kind/istio-overlay.yaml): the labs do not use
 * it (every environment has its own gateway; a single learner's takes 30080/30443).
 */
export const ISTIO_SYSTEM_NODE_PORTS = { http: 30081, https: 30444 } as const;

/**
 * The learner toolbox image: Alpine with bash, curl, jq and kubectl 1.34 (alpine/k8s publishes one tag per
 * kubectl release). istioctl is added by an init container that downloads the pinned release.
 */
export const TOOLBOX_IMAGE = 'alpine/k8s:1.34.1';
/** Where istioctl release archives come from (the init container and the workflow use the same URL). */
export function istioctlUrl(version: string, arch: 'amd64' | 'arm64'): string {
  return `https://github.com/istio/istio/releases/download/${version}/istioctl-${version}-linux-${arch}.tar.gz`;
}

/** Namespace that holds the lab server's toolbox pods and their ServiceAccounts, apart from the labs' own. */
export const TOOLBOX_NAMESPACE = 'labs-toolbox';
/** Label every object the kind backend creates carries, so `status` and cleanup can find them. */
export const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'istio-traffic-labs' } as const;

/**
 * The images the sample manifests (content/samples, shared with the simulator) run, each pinned to a tag: the ones
 * Istio 1.30's own samples use (Bookinfo 1.20.3, helloworld and tcp-echo from registry.istio.io, curl 8.16.0,
 * go-httpbin 2.15.0), and for the
 * seed's mirroring chapter kong/httpbin, the Python httpbin under gunicorn built for amd64 and arm64 (the seed's
 * kennethreitz/httpbin is amd64 only). The seed's untouched originals (`seed/original/`) are not deployed.
 */
export const SAMPLE_IMAGES: readonly string[] = [
  ...['details-v1', 'details-v2', 'ratings-v1', 'reviews-v1', 'reviews-v2', 'reviews-v3', 'productpage-v1'].map(
    (s) => `registry.istio.io/release/examples-bookinfo-${s}:1.20.3`,
  ),
  'registry.istio.io/release/examples-helloworld-v1:1.0',
  'registry.istio.io/release/examples-helloworld-v2:1.0',
  'registry.istio.io/release/tcp-echo-server:1.3',
  'docker.io/curlimages/curl:8.16.0',
  'docker.io/mccutchen/go-httpbin:v2.15.0',
  'docker.io/kong/httpbin:0.2.3',
];
