/**
 * What is installed in each container image the labs run, as data: which commands `kubectl exec` finds, where
 * they live (for `which`), and which distribution they come from (BusyBox on Alpine words errors differently
 * from Ubuntu's tools). The curl images are Alpine with BusyBox, curl and jq; Istio's proxy image (`istio/base`,
 * Ubuntu noble) has curl, OpenBSD netcat, tcpdump, sudo, iptables and iproute2; go-httpbin is distroless and has
 * no shell at all.
 */

/** The distribution an image is built on. */
export type ImageBase = 'alpine' | 'ubuntu' | 'debian' | 'distroless';

/** An account of the image's /etc/passwd (its primary group in `groups`). */
export interface ImageAccount {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

/** What an image has on its PATH, and who and where its processes start. */
export interface ImageProfile {
  base: ImageBase;
  /** Shell for `sh -c` / `bash -c`, or none (distroless). */
  shells: string[];
  /** Commands besides the shell. `curl` and `nc` here go through the pod's network. */
  commands: string[];
  /** The image's USER (a uid; root when unset). */
  user?: number;
  /** The image's WORKDIR (`/` when unset). */
  workdir?: string;
  /** Accounts besides root in the image's /etc/passwd, and groups besides root in its /etc/group. */
  accounts?: ImageAccount[];
  groups?: { name: string; gid: number }[];
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
  'which',
  'tar',
  'find',
];

/** Image name patterns (without tag) to what they hold; first match wins. */
export const IMAGE_PROFILES: readonly { match: RegExp; profile: ImageProfile }[] = [
  {
    // curlimages/curl runs as curl_user (adduser -S on Alpine: uid 100, group curl_group 101) in its home.
    match: /curlimages\/curl|\/curl$|\/sleep$/,
    profile: {
      base: 'alpine',
      shells: ['sh'],
      commands: [...BASIC, 'curl', 'jq', 'nc', 'nslookup', 'time'],
      user: 100,
      workdir: '/home/curl_user',
      accounts: [{ name: 'curl_user', uid: 100, gid: 101, home: '/home/curl_user' }],
      groups: [{ name: 'curl_group', gid: 101 }],
    },
  },
  {
    // Alpine: BusyBox's applets, `time` among them (ash has no `time` keyword).
    match: /governmentpaas\/curl-ssl|nicolaka\/netshoot/,
    profile: { base: 'alpine', shells: ['sh'], commands: [...BASIC, 'curl', 'jq', 'nc', 'nslookup', 'time'] },
  },
  {
    // istio/base: `useradd -m --uid 1337 istio-proxy`; the injector runs the sidecar as 1337:1337.
    match: /istio\/proxyv2|istio\/pilot|\/release\/proxyv2|\/release\/pilot/,
    profile: {
      base: 'ubuntu',
      shells: ['sh', 'bash'],
      commands: [...BASIC, 'curl', 'nc', 'sudo', 'tcpdump', 'pilot-agent', 'envoy'],
      accounts: [{ name: 'istio-proxy', uid: 1337, gid: 1337, home: '/home/istio-proxy' }],
      groups: [{ name: 'istio-proxy', gid: 1337 }],
    },
  },
  // tcp-echo-server is a static binary on scratch: nothing else, not even a shell.
  { match: /tcp-echo-server/, profile: { base: 'distroless', shells: [], commands: [], workdir: '/bin' } },
  {
    // helloworld: python slim with curl installed, as root in /opt/microservices.
    match: /examples-helloworld/,
    profile: {
      base: 'debian',
      shells: ['sh', 'bash'],
      commands: [...BASIC, 'curl', 'python', 'python3'],
      workdir: '/opt/microservices',
    },
  },
  { match: /go-httpbin/, profile: { base: 'distroless', shells: [], commands: [] } },
  {
    match: /kennethreitz\/httpbin|kong\/httpbin/,
    profile: { base: 'ubuntu', shells: ['sh', 'bash'], commands: [...BASIC, 'python3', 'python'] },
  },
  {
    match: /examples-bookinfo-productpage/,
    profile: {
      base: 'debian',
      shells: ['sh', 'bash'],
      commands: [...BASIC, 'python', 'python3'],
      user: 1000,
      workdir: '/opt/microservices',
    },
  },
  {
    match: /examples-bookinfo-ratings/,
    profile: {
      base: 'debian',
      shells: ['sh', 'bash'],
      // Its Dockerfile installs curl, for the check Istio's Bookinfo page runs from it
      // (`kubectl exec … -c ratings -- curl -sS productpage:9080/productpage`).
      commands: [...BASIC, 'node', 'curl'],
      user: 1000,
      workdir: '/opt/microservices',
    },
  },
  {
    match: /examples-bookinfo-details/,
    profile: {
      base: 'debian',
      shells: ['sh', 'bash'],
      commands: [...BASIC, 'ruby'],
      user: 1000,
      workdir: '/opt/microservices',
    },
  },
  {
    // Open Liberty's image runs as 1001, which its /etc/passwd does not name.
    match: /examples-bookinfo-reviews/,
    profile: { base: 'debian', shells: ['sh', 'bash'], commands: [...BASIC, 'java'], user: 1001 },
  },
];

const DEFAULT_PROFILE: ImageProfile = { base: 'alpine', shells: ['sh'], commands: BASIC };

/** The profile of an image reference (`docker.io/curlimages/curl:8.16.0`). */
export function imageProfile(image: string): ImageProfile {
  const name = image.replace(/@sha256:.*$/, '').replace(/:[^/:]+$/, '');
  return IMAGE_PROFILES.find((p) => p.match.test(name))?.profile ?? DEFAULT_PROFILE;
}

/** BusyBox applets Alpine installs in /bin (the rest are in /usr/bin). */
const ALPINE_BIN = new Set(
  'sh ash cat cp date echo false grep hostname ls mkdir mv printenv pwd rm sed sleep touch true base64'.split(' '),
);

/** Programs outside /usr/bin in the images' own layouts. */
const SPECIAL_PATHS: Record<string, string> = {
  'pilot-agent': '/usr/local/bin/pilot-agent',
  envoy: '/usr/local/bin/envoy',
  iptables: '/usr/sbin/iptables',
  python: '/usr/local/bin/python',
  python3: '/usr/local/bin/python3',
  node: '/usr/local/bin/node',
  ruby: '/usr/local/bin/ruby',
  java: '/opt/java/openjdk/bin/java',
};

/** Where a command of the image lives, or undefined when the image does not have it. */
export function commandPath(profile: ImageProfile, name: string): string | undefined {
  if (!profile.shells.includes(name) && !profile.commands.includes(name)) return undefined;
  if (profile.base === 'alpine') {
    if (name === 'curl' || name === 'jq') return `/usr/bin/${name}`;
    return ALPINE_BIN.has(name) ? `/bin/${name}` : `/usr/bin/${name}`;
  }
  return SPECIAL_PATHS[name] ?? `/usr/bin/${name}`;
}
