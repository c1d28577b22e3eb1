/** `istioctl version`: client, control plane and data plane versions, with the number of proxies. */
import type { SimClusterApi } from '../../../types.ts';
import { ISTIO_VERSION } from '../../../istio/version.ts';
import { hasProxy, isPodReady } from '../../../mesh/objects.ts';

/** The text of `istioctl version` (or only the client's with `--remote=false`). */
export function versionText(
  cluster: SimClusterApi,
  remote: boolean,
  istioNamespace = 'istio-system',
): { stdout: string; stderr: string } {
  if (!remote) return { stdout: `client version: ${ISTIO_VERSION}\n`, stderr: '' };
  const istiod = cluster
    .list('Pod', istioNamespace)
    .filter((p) => p.metadata.labels?.app === 'istiod' && isPodReady(p));
  const deployment = cluster.get('Deployment', istioNamespace, 'istiod');
  if (istiod.length === 0 && !deployment) {
    return {
      stdout: `client version: ${ISTIO_VERSION}\n`,
      stderr: `Istio is not present in the cluster: no running Istio pods in namespace "${istioNamespace}"\n`,
    };
  }
  const proxies = cluster.list('Pod').filter((p) => hasProxy(p) && isPodReady(p)).length;
  return {
    stdout:
      `client version: ${ISTIO_VERSION}\ncontrol plane version: ${ISTIO_VERSION}\ndata ` +
      `plane version: ${ISTIO_VERSION} (${proxies} ${proxies === 1 ? 'proxy' : 'proxies'})\n`,
    stderr: '',
  };
}
