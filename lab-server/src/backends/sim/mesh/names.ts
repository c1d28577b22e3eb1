/** Kubernetes and Istio host-name forms: short names, `name.ns`, FQDNs, and wildcard hosts. */

/** The cluster's DNS domain. */
export const CLUSTER_DOMAIN = 'cluster.local';

/** The FQDN of a Service. */
export function serviceFqdn(name: string, namespace: string): string {
  return `${name}.${namespace}.svc.${CLUSTER_DOMAIN}`;
}

/**
 * Istio's short-name rule for hosts in VirtualServices and DestinationRules: a name without dots is
 * a Service in the config's own namespace; anything with a dot is taken as written.
 */
export function resolveConfigHost(host: string, configNamespace: string): string {
  const h = host.toLowerCase();
  if (h === '*' || h.includes('.')) return h;
  return serviceFqdn(h, configNamespace);
}

/** The names by which a pod in `clientNamespace` may address a Service (what its sidecar's virtual host lists). */
export function serviceHostForms(name: string, namespace: string, clientNamespace: string): string[] {
  const forms = [serviceFqdn(name, namespace), `${name}.${namespace}.svc`, `${name}.${namespace}`];
  if (clientNamespace === namespace) forms.push(name);
  return forms;
}

/** Whether a host pattern (`*`, `*.example.com`, exact) matches a concrete host. */
export function hostMatches(pattern: string, host: string): boolean {
  const p = pattern.toLowerCase();
  const h = host.toLowerCase();
  if (p === '*') return true;
  if (p.startsWith('*.')) return h.endsWith(p.slice(1));
  if (p.startsWith('*')) return h.endsWith(p.slice(1));
  return p === h;
}

/** Whether two host patterns overlap (one matches the other), as Istio intersects VirtualService and Gateway hosts. */
export function hostsIntersect(a: string, b: string): boolean {
  return hostMatches(a, b) || hostMatches(b, a);
}

/** The more specific of two overlapping host patterns. */
export function narrowerHost(a: string, b: string): string {
  if (a === '*') return b;
  if (b === '*') return a;
  if (a.startsWith('*') && !b.startsWith('*')) return b;
  if (b.startsWith('*') && !a.startsWith('*')) return a;
  return a.length >= b.length ? a : b;
}

/**
 * Image reference without registry `docker.io/`, tag and digest: `istio/examples-bookinfo-reviews-v3`. Istio's own
 * registry (`registry.istio.io/release/`, where 1.30's samples pull from) mirrors Docker Hub's `istio/` images.
 */
export function imageRepository(image: string): string {
  let known = repositories.get(image);
  if (known === undefined) {
    if (repositories.size >= 1000) repositories.clear();
    known = parseRepository(image);
    repositories.set(image, known);
  }
  return known;
}

/** Repositories of the images seen (every request asks which app a container runs). */
const repositories = new Map<string, string>();

function parseRepository(image: string): string {
  let ref = image.trim();
  const at = ref.indexOf('@');
  if (at >= 0) ref = ref.slice(0, at);
  const lastSlash = ref.lastIndexOf('/');
  const colon = ref.lastIndexOf(':');
  if (colon > lastSlash) ref = ref.slice(0, colon);
  ref = ref.replace(/^(docker\.io|index\.docker\.io|registry\.hub\.docker\.com)\//, '');
  if (ref.startsWith('library/')) ref = ref.slice('library/'.length);
  if (ref.startsWith('registry.istio.io/release/')) ref = `istio/${ref.slice('registry.istio.io/release/'.length)}`;
  return ref;
}
