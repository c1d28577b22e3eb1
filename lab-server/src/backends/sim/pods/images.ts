/**
 * What is installed in each container image the labs run, as data: which commands `kubectl exec` finds.
 * (The real images differ: the curl image has curl and a busybox shell, Istio's proxy has curl and bash,
 * go-httpbin is distroless and has no shell at all.)
 */

/** What an image has on its PATH. */
export interface ImageProfile {
  /** Shell for `sh -c` / `bash -c`, or none (distroless). */
  shells: string[];
  /** Commands besides the shell. `curl` here means a curl that goes through the pod's network. */
  commands: string[];
}

const BASIC = [
  'cat',
  'echo',
  'env',
  'printenv',
  'ls',
  'pwd',
  'hostname',
  'sleep',
  'head',
  'tail',
  'grep',
  'sed',
  'awk',
  'wc',
  'sort',
  'uniq',
  'cut',
  'tr',
  'date',
  'true',
  'false',
  'mkdir',
  'touch',
  'rm',
  'cp',
  'mv',
  'printf',
  'id',
  'whoami',
  'xargs',
  'tee',
  'seq',
  'expr',
  'base64',
];

/** Image name patterns (without tag) to what they hold; first match wins. */
export const IMAGE_PROFILES: readonly { match: RegExp; profile: ImageProfile }[] = [
  {
    match: /curlimages\/curl|\/curl$|\/sleep$|governmentpaas\/curl-ssl|nicolaka\/netshoot/,
    profile: { shells: ['sh'], commands: [...BASIC, 'curl', 'jq', 'nslookup'] },
  },
  {
    match: /istio\/proxyv2|istio\/pilot|\/release\/proxyv2|\/release\/pilot/,
    profile: { shells: ['sh', 'bash'], commands: [...BASIC, 'curl', 'pilot-agent'] },
  },
  { match: /go-httpbin/, profile: { shells: [], commands: [] } },
  {
    match: /kennethreitz\/httpbin|kong\/httpbin/,
    profile: { shells: ['sh', 'bash'], commands: [...BASIC, 'python3', 'python'] },
  },
  {
    match: /examples-bookinfo-productpage/,
    profile: { shells: ['sh', 'bash'], commands: [...BASIC, 'python', 'python3'] },
  },
  { match: /examples-bookinfo-ratings/, profile: { shells: ['sh', 'bash'], commands: [...BASIC, 'node'] } },
  { match: /examples-bookinfo-details/, profile: { shells: ['sh', 'bash'], commands: [...BASIC, 'ruby'] } },
  { match: /examples-bookinfo-reviews/, profile: { shells: ['sh', 'bash'], commands: [...BASIC, 'java'] } },
];

const DEFAULT_PROFILE: ImageProfile = { shells: ['sh'], commands: BASIC };

/** The profile of an image reference (`docker.io/curlimages/curl:8.16.0`). */
export function imageProfile(image: string): ImageProfile {
  const name = image.replace(/@sha256:.*$/, '').replace(/:[^/:]+$/, '');
  return IMAGE_PROFILES.find((p) => p.match.test(name))?.profile ?? DEFAULT_PROFILE;
}
