/**
 * The Gateway API release files the lab has no network to fetch, answered from the simulator's own copy of the CRDs:
 * `kubectl kustomize "github.com/kubernetes-sigs/gateway-api/config/crd[/experimental]?ref=v1.5.1"` (istio.io's
 * older install line) and `kubectl apply -f https://github.com/kubernetes-sigs/gateway-api/releases/download/v1.5.1/
 * standard-install.yaml` (its newer one). Only the release the simulator carries is served; another is refused
 * in words that say so, never silently answered with different CRDs.
 */
import type { K8sObject } from '../../../../../contract.ts';
import { GATEWAY_API_VERSION, gatewayApiCrdObjects } from '../../../cluster/crds.ts';
import { toYaml } from './output.ts';

const KUSTOMIZE_TARGET =
  /^(?:https:\/\/)?github\.com\/kubernetes-sigs\/gateway-api(?:\.git)?\/(?:\/)?config\/crd(\/experimental)?\/?(?:\?(.*))?$/;
const RELEASE_URL = new RegExp(
  String.raw`^https:\/\/github\.com\/kubernetes-sigs\/gateway-api\/releases\/` +
    String.raw`(?:download\/(v[^/]+)|latest\/download)\/(standard|experimental)-install\.yaml$`,
);

/** What a Gateway API location names: its channel and release, or undefined for anything else. */
export interface GatewayApiRelease {
  channel: 'standard' | 'experimental';
  version: string;
}

/** The release a `kubectl kustomize` target names (`ref` defaults to the main branch, which the lab lacks). */
export function kustomizeTarget(target: string): GatewayApiRelease | undefined {
  const m = KUSTOMIZE_TARGET.exec(target);
  if (!m) return undefined;
  const ref = new URLSearchParams(m[2] ?? '').get('ref') ?? 'main';
  return { channel: m[1] ? 'experimental' : 'standard', version: ref };
}

/** The release an install URL names (`latest` is the release the lab carries). */
export function releaseUrl(url: string): GatewayApiRelease | undefined {
  const m = RELEASE_URL.exec(url);
  if (!m) return undefined;
  return { channel: m[2] as GatewayApiRelease['channel'], version: m[1] ?? GATEWAY_API_VERSION };
}

/** Why the lab cannot serve a release, or undefined when it can. */
export function unavailable(release: GatewayApiRelease): string | undefined {
  if (release.version === GATEWAY_API_VERSION) return undefined;
  return (
    `the lab has no network and carries the Gateway API CRDs of ${GATEWAY_API_VERSION} only ` +
    `(asked for ${release.version}); use ref=${GATEWAY_API_VERSION}`
  );
}

/** The CRDs of a release as one YAML stream, as kustomize and the release's install file print them. */
export function releaseYaml(release: GatewayApiRelease): string {
  const crds: K8sObject[] = gatewayApiCrdObjects(release.channel).map(({ status: _status, ...crd }) => crd);
  return crds.map((crd) => toYaml(crd)).join('---\n');
}
