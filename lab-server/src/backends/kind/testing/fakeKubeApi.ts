/**
 * An in-memory `KubeApi` that records every call, for testing how the kind backend maps the contract to
 * Kubernetes API calls. Pods it is given are "Running"; a toolbox pod becomes ready as soon as applied.
 * Exec answers come from a handler the test supplies.
 */
import type { Duplex } from 'node:stream';
import type { ExecResult, K8sObject } from '../../../contract.ts';
import type { KubeApi, ResolvedKind, TtyHandlers, TtySession } from '../kubeApi.ts';
import { PortForwardError } from '../portForwardStream.ts';

const KINDS: Record<string, ResolvedKind> = Object.fromEntries(
  (
    [
      ['v1', 'Pod', 'pods', true],
      ['v1', 'Service', 'services', true],
      ['v1', 'ConfigMap', 'configmaps', true],
      ['v1', 'ServiceAccount', 'serviceaccounts', true],
      ['v1', 'Namespace', 'namespaces', false],
      ['v1', 'Node', 'nodes', false],
      ['v1', 'ResourceQuota', 'resourcequotas', true],
      ['v1', 'LimitRange', 'limitranges', true],
      ['rbac.authorization.k8s.io/v1', 'ClusterRole', 'clusterroles', false],
      ['authorization.k8s.io/v1', 'SelfSubjectAccessReview', 'selfsubjectaccessreviews', false],
      ['apps/v1', 'Deployment', 'deployments', true],
      ['apps/v1', 'ReplicaSet', 'replicasets', true],
      ['networking.istio.io/v1', 'VirtualService', 'virtualservices', true],
      ['networking.istio.io/v1', 'DestinationRule', 'destinationrules', true],
      ['networking.istio.io/v1', 'Gateway', 'gateways', true],
      ['networking.istio.io/v1', 'ServiceEntry', 'serviceentries', true],
      ['networking.istio.io/v1', 'Sidecar', 'sidecars', true],
      ['rbac.authorization.k8s.io/v1', 'Role', 'roles', true],
      ['rbac.authorization.k8s.io/v1', 'RoleBinding', 'rolebindings', true],
      ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'clusterrolebindings', false],
      ['gateway.networking.k8s.io/v1', 'HTTPRoute', 'httproutes', true],
    ] as const
  ).map(([apiVersion, kind, plural, namespaced]) => [kind, { apiVersion, kind, plural, namespaced }]),
);
KINDS['Gateway.networking.istio.io'] = KINDS.Gateway!;
// The contract's `Kind.group` names the Gateway API's Gateway beside Istio's (the fake keeps objects by Kind only).
KINDS['Gateway.gateway.networking.k8s.io'] = {
  apiVersion: 'gateway.networking.k8s.io/v1',
  kind: 'Gateway',
  plural: 'gateways',
  namespaced: true,
};

/** One recorded call: the method and its arguments, as plain data. */
export interface RecordedCall {
  method: string;
  args: unknown[];
}

/** What a fake TTY received. */
export interface FakeTty {
  argv: string[];
  written: string[];
  sizes: { cols: number; rows: number }[];
  handlers: TtyHandlers;
  closed: boolean;
}

/** The fake API. */
export class FakeKubeApi implements KubeApi {
  readonly calls: RecordedCall[] = [];
  readonly objects = new Map<string, K8sObject>();
  readonly ttys: FakeTty[] = [];
  /** Answers exec calls (default: exit 0, no output). */
  execHandler: (call: {
    namespace: string;
    pod: string;
    container: string;
    argv: string[];
    stdin?: string;
    signal?: AbortSignal;
  }) => ExecResult | Promise<ExecResult> = () => ({ stdout: '', stderr: '', exitCode: 0 });
  logText = '';
  /** Answers `create` (default: stores the object unless dry-run, and returns it). */
  createHandler: ((object: K8sObject, options: { dryRun?: boolean }) => K8sObject) | undefined;
  /** Answers port-forwards (default: nothing listens, ECONNREFUSED as kubelet words it). */
  portForwardHandler: (namespace: string, pod: string, port: number) => Duplex | Promise<Duplex> = (_ns, pod, port) => {
    throw new PortForwardError(
      `error forwarding port ${port} to pod ${pod}: failed to connect to localhost:${port}: connection refused`,
    );
  };

  static key(kind: string, namespace: string | undefined, name: string): string {
    return `${kind}/${namespace ?? ''}/${name}`;
  }

  /** Puts an object in the store as the cluster would have it (pods Running). */
  add(object: K8sObject): void {
    const o = structuredClone(object);
    if (o.kind === 'Pod')
      o.status = {
        phase: 'Running',
        containerStatuses: ((o.spec as { containers?: { name: string }[] })?.containers ?? []).map((c) => ({
          name: c.name,
          ready: true,
        })),
        ...((o.status as object) ?? {}),
      };
    this.objects.set(FakeKubeApi.key(o.kind, o.metadata.namespace, o.metadata.name), o);
  }

  /** Calls of one method. */
  callsOf(method: string): unknown[][] {
    return this.calls.filter((c) => c.method === method).map((c) => c.args);
  }

  async resolveKind(kind: string): Promise<ResolvedKind | undefined> {
    this.calls.push({ method: 'resolveKind', args: [kind] });
    return KINDS[kind];
  }

  async read(kind: ResolvedKind, namespace: string | undefined, name: string): Promise<K8sObject | null> {
    this.calls.push({ method: 'read', args: [kind.kind, namespace, name] });
    return structuredClone(this.objects.get(FakeKubeApi.key(kind.kind, namespace, name)) ?? null);
  }

  async list(kind: ResolvedKind, namespace: string | undefined, labelSelector?: string): Promise<K8sObject[]> {
    this.calls.push({ method: 'list', args: [kind.kind, namespace, labelSelector] });
    const wanted = (labelSelector ?? '')
      .split(',')
      .filter(Boolean)
      .map((s) => s.split('='));
    return [...this.objects.values()]
      .filter((o) => o.kind === kind.kind && (namespace === undefined || o.metadata.namespace === namespace))
      .filter((o) => wanted.every(([k, v]) => o.metadata.labels?.[k!] === v))
      .map((o) => structuredClone(o));
  }

  async apply(object: K8sObject): Promise<K8sObject> {
    this.calls.push({ method: 'apply', args: [object.kind, object.metadata.namespace, object.metadata.name] });
    this.add(object);
    return object;
  }

  async create(object: K8sObject, options: { dryRun?: boolean } = {}): Promise<K8sObject> {
    this.calls.push({
      method: 'create',
      args: [object.kind, object.metadata.namespace, object.metadata.name, Boolean(options.dryRun)],
    });
    if (this.createHandler) return this.createHandler(structuredClone(object), options);
    if (!options.dryRun) this.add(object);
    return structuredClone(object);
  }

  async portForward(namespace: string, pod: string, port: number): Promise<Duplex> {
    this.calls.push({ method: 'portForward', args: [namespace, pod, port] });
    return this.portForwardHandler(namespace, pod, port);
  }

  async delete(
    kind: ResolvedKind,
    namespace: string | undefined,
    name: string,
    options: { gracePeriodSeconds?: number } = {},
  ): Promise<void> {
    this.calls.push({ method: 'delete', args: [kind.kind, namespace, name, options.gracePeriodSeconds] });
    this.objects.delete(FakeKubeApi.key(kind.kind, namespace, name));
  }

  async exec(
    namespace: string,
    pod: string,
    container: string,
    argv: string[],
    options: { stdin?: string; timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<ExecResult> {
    this.calls.push({ method: 'exec', args: [namespace, pod, container, argv, options.stdin] });
    return this.execHandler({
      namespace,
      pod,
      container,
      argv,
      ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
  }

  async openTty(
    namespace: string,
    pod: string,
    container: string,
    argv: string[],
    size: { cols: number; rows: number },
    handlers: TtyHandlers,
  ): Promise<TtySession> {
    this.calls.push({ method: 'openTty', args: [namespace, pod, container, argv, size] });
    const tty: FakeTty = { argv, written: [], sizes: [size], handlers, closed: false };
    this.ttys.push(tty);
    return {
      write: (data) => {
        tty.written.push(data);
      },
      resize: (cols, rows) => {
        tty.sizes.push({ cols, rows });
      },
      close: () => {
        tty.closed = true;
      },
    };
  }

  async logs(
    namespace: string,
    pod: string,
    container: string,
    options: { sinceTime?: string; tailLines?: number } = {},
  ): Promise<string> {
    this.calls.push({ method: 'logs', args: [namespace, pod, container, options] });
    return this.logText;
  }
}
