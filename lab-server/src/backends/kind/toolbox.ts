/**
 * A learner's toolbox pod: the shell behind their terminal, in the cluster, never on the lab server's
 * host. Image `alpine/k8s` (bash, curl, jq, kubectl 1.34); an init container adds istioctl 1.30; the
 * samples come from ConfigMap `labs-samples` (built from content/samples, the simulator's copy) at
 * ~/samples, so the lessons' `kubectl apply -f samples/...` works from the home directory; the shell
 * integration (kind/toolbox/*.sh) from ConfigMap `labs-shell`.
 */
import type { K8sObject } from '../../contract.ts';
import { ISTIO_VERSION, MANAGED_BY, TOOLBOX_IMAGE, TOOLBOX_NAMESPACE } from './pins.ts';

/** Name of the ConfigMap holding the samples, and of the one holding the shell's rc files. */
export const SAMPLES_CONFIGMAP = 'labs-samples';
export const SHELL_CONFIGMAP = 'labs-shell';
/** Container name of the learner's shell. */
export const TOOLBOX_CONTAINER = 'shell';
/** The toolbox's home directory, where terminals and scripts start. */
export const TOOLBOX_HOME = '/root';
/** What the learner's shell container asks for (a shell, kubectl and curl; the limit stops a runaway loop). */
export const TOOLBOX_RESOURCES = { requests: { cpu: '20m', memory: '64Mi' }, limits: { memory: '512Mi' } } as const;

/** A ConfigMap key for a sample's relative path (keys may not contain `/`). */
export function sampleKey(path: string): string {
  if (path.includes('__'))
    throw new Error(`sample path "${path}" contains "__", which the samples ConfigMap uses for "/"`);
  return path.split('/').join('__');
}

/** The samples as one ConfigMap: `files` maps paths under content/samples to their text. */
export function samplesConfigMap(files: Record<string, string>): K8sObject {
  const data: Record<string, string> = {};
  for (const [path, text] of Object.entries(files)) data[sampleKey(path)] = text;
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: SAMPLES_CONFIGMAP, namespace: TOOLBOX_NAMESPACE, labels: { ...MANAGED_BY } },
    data,
  };
}

/** The shell's rc files as one ConfigMap (`env.sh`, `labsrc.sh`). */
export function shellConfigMap(files: { 'env.sh': string; 'labsrc.sh': string }): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name: SHELL_CONFIGMAP, namespace: TOOLBOX_NAMESPACE, labels: { ...MANAGED_BY } },
    data: { ...files },
  };
}

/** The namespace of all toolboxes: no sidecar injection (a toolbox is the learner's laptop, outside the mesh). */
export function toolboxNamespace(): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: TOOLBOX_NAMESPACE, labels: { ...MANAGED_BY, 'istio-injection': 'disabled' } },
  };
}

/** The toolbox's ServiceAccount (bound by `rbac.ts`). */
export function toolboxServiceAccount(name: string): K8sObject {
  return {
    apiVersion: 'v1',
    kind: 'ServiceAccount',
    metadata: { name, namespace: TOOLBOX_NAMESPACE, labels: { ...MANAGED_BY } },
  };
}

// Downloads istioctl for the node's architecture; a failed download leaves a terminal without istioctl
// (and says so in the init container's log) rather than a pod that never starts.
const FETCH_ISTIOCTL = `arch=$(uname -m)
case "$arch" in x86_64) arch=amd64 ;; aarch64|arm64) arch=arm64 ;; esac
url="https://github.com/istio/istio/releases/download/${ISTIO_VERSION}/istioctl-${ISTIO_VERSION}-linux-$arch.tar.gz"
if curl -fsSL --retry 3 "$url" | tar -xz -C /opt/labs/bin istioctl; then
  echo "istioctl ${ISTIO_VERSION} ($arch) installed"
else
  echo "warning: could not download $url; istioctl is missing in this toolbox" >&2
fi`;

// kubectl's default namespace comes from the kubeconfig, not the pod's own namespace: the toolbox lives
// in labs-toolbox, the learner's objects in LABS_NAMESPACE.
const START_SHELL = `mkdir -p /root/.kube
cat > /root/.kube/config <<EOF
apiVersion: v1
kind: Config
clusters:
- name: lab
  cluster:
    server: https://kubernetes.default.svc
    certificate-authority: /var/run/secrets/kubernetes.io/serviceaccount/ca.crt
users:
- name: toolbox
  user:
    tokenFile: /var/run/secrets/kubernetes.io/serviceaccount/token
contexts:
- name: lab
  context:
    cluster: lab
    user: toolbox
    namespace: $LABS_NAMESPACE
current-context: lab
EOF
exec sleep 2147483647`;

/** What the toolbox pod needs to know. */
export interface ToolboxSpec {
  /** Pod and ServiceAccount name. */
  name: string;
  /** The namespace the learner's kubectl works in by default. */
  namespace: string;
  /** Relative paths of the samples (keys of `samplesConfigMap`). */
  samplePaths: string[];
  labId: string;
  owner: string;
  /** In a class, kubectl maps the lab files' `default` namespace to the learner's (kind/toolbox/env.sh). */
  classroom?: boolean;
}

/** The toolbox pod. */
export function toolboxPod(spec: ToolboxSpec): K8sObject {
  const tools = { name: 'tools', mountPath: '/opt/labs/bin' };
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: spec.name,
      namespace: TOOLBOX_NAMESPACE,
      labels: { ...MANAGED_BY, app: 'labs-toolbox', 'labs.istio-traffic-labs/lab': spec.labId },
      annotations: { 'sidecar.istio.io/inject': 'false', 'labs.istio-traffic-labs/owner': spec.owner },
    },
    spec: {
      serviceAccountName: spec.name,
      automountServiceAccountToken: true,
      terminationGracePeriodSeconds: 0,
      restartPolicy: 'Always',
      initContainers: [
        {
          name: 'istioctl',
          image: TOOLBOX_IMAGE,
          command: ['sh', '-c', FETCH_ISTIOCTL],
          volumeMounts: [tools],
          resources: { requests: { cpu: '10m', memory: '32Mi' }, limits: { memory: '256Mi' } },
        },
      ],
      containers: [
        {
          name: TOOLBOX_CONTAINER,
          image: TOOLBOX_IMAGE,
          command: ['sh', '-c', START_SHELL],
          workingDir: TOOLBOX_HOME,
          env: [
            { name: 'LABS_NAMESPACE', value: spec.namespace },
            { name: 'LABS_CLASSROOM', value: spec.classroom ? '1' : '0' },
            { name: 'HOME', value: TOOLBOX_HOME },
            { name: 'KUBECONFIG', value: `${TOOLBOX_HOME}/.kube/config` },
            { name: 'PATH', value: '/opt/labs/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' },
            { name: 'BASH_ENV', value: '/etc/labs/env.sh' },
            { name: 'TERM', value: 'xterm-256color' },
          ],
          volumeMounts: [
            tools,
            { name: 'samples', mountPath: `${TOOLBOX_HOME}/samples`, readOnly: true },
            { name: 'shell', mountPath: '/etc/labs', readOnly: true },
          ],
          resources: TOOLBOX_RESOURCES,
          securityContext: { allowPrivilegeEscalation: false },
        },
      ],
      volumes: [
        { name: 'tools', emptyDir: {} },
        {
          name: 'samples',
          configMap: {
            name: SAMPLES_CONFIGMAP,
            items: spec.samplePaths.map((path) => ({ key: sampleKey(path), path })),
          },
        },
        { name: 'shell', configMap: { name: SHELL_CONFIGMAP } },
      ],
    },
  };
}

/** The interactive shell a terminal runs in the toolbox (with the shell integration). */
export const TERMINAL_COMMAND = ['bash', '--rcfile', '/etc/labs/labsrc.sh', '-i'];
/**
 * The shell a script runs in: non-interactive, stdin is the script, stderr merged into stdout as a terminal shows it.
 * Its process is named `marker` (bash's `exec -a`), so that a script whose caller gave up can be found and stopped.
 */
export function scriptCommand(marker: string): string[] {
  if (!/^[a-z0-9-]+$/.test(marker))
    throw new Error(`script marker "${marker}" must be lowercase letters, digits, dashes`);
  return ['bash', '-c', `cd ${TOOLBOX_HOME} && exec -a ${marker} bash -s 2>&1`];
}

/** Stops the script named `marker` and what it started (its children first), as Ctrl-C would end a typed command. */
export function stopScriptCommand(marker: string): string[] {
  return [
    'sh',
    '-c',
    `for p in $(pgrep -f '^${marker} '); do pkill -INT -P "$p"; kill -INT ` +
      `"$p"; sleep 1; pkill -KILL -P "$p"; kill -KILL "$p"; done 2>/dev/null; true`,
  ];
}
