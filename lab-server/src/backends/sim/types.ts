/**
 * The seams inside the simulator. Three parts meet here:
 * - `cluster/` (the Kubernetes API: store, admission, controllers, logs) implements `SimClusterApi` and kubectl;
 * - `mesh/` and `apps/` (Istio's data plane, the sample apps, the simulated internet) implement `SimNetwork`,
 *   curl and istioctl;
 * - `shell/` (the lab shell, pod shells, the `SimBackend`) wires them together.
 * Each part depends only on these interfaces, never on another part's internals.
 */
import type { K8sObject } from '../../contract.ts';

/** Time as the simulator sees it: real for learners, virtual in tests. */
export interface SimClock {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Resolves after `ms` of this clock's time; rejects with an AbortError if the signal fires first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Calls `fire` once `ms` pass (in order with sleeps); the returned function cancels it. */
  after(ms: number, fire: () => void): () => void;
}

/** A seedable random source (one per environment, so tests are reproducible). */
export interface RandomSource {
  /** Uniform in [0, 1). */
  next(): number;
}

/** A failure of the simulated API server, worded as Kubernetes words it. */
export interface ApiErrorShape {
  /** HTTP status: 400, 403, 404, 409, 422, 500. */
  code: number;
  /** Kubernetes reason: `NotFound`, `AlreadyExists`, `Invalid`, `BadRequest`, `Forbidden`, `Conflict`. */
  reason: string;
  /** The message after `Error from server (Reason): `. */
  message: string;
}

/** What a write did, for kubectl's `created` / `configured` / `unchanged` lines. */
export type WriteOutcome = 'created' | 'configured' | 'unchanged' | 'replaced' | 'deleted' | 'labeled' | 'patched';

/** An object change, for watchers (controllers, the mesh's config cache, `kubectl get -w`). */
export interface ObjectEvent {
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  object: K8sObject;
}

/** One log line of a container. */
export interface LogLine {
  /** Milliseconds since the epoch, on the environment's clock. */
  at: number;
  text: string;
}

/** Container logs: written by apps and proxies, read by `kubectl logs` and checks. */
export interface LogStore {
  append(namespace: string, pod: string, container: string, text: string): void;
  read(namespace: string, pod: string, container: string, options?: { sinceMs?: number; tail?: number }): LogLine[];
  /** Calls `listener` for each new line until the returned function is called. */
  follow(namespace: string, pod: string, container: string, listener: (line: LogLine) => void): () => void;
}

/** The simulated Kubernetes API, as the other parts of the simulator use it. */
export interface SimClusterApi {
  /** `kind` is a Kind (`Pod`, `VirtualService`); objects come back as the API serves them (Istio kinds as v1). */
  get(kind: string, namespace: string | undefined, name: string): K8sObject | undefined;
  list(kind: string, namespace?: string, labelSelector?: string): K8sObject[];
  /** Creates or updates as `kubectl apply` does; throws an `ApiErrorShape` when admission refuses. */
  apply(object: K8sObject, options?: { fieldManager?: string }): { outcome: WriteOutcome; object: K8sObject };
  /** Throws an `ApiErrorShape` (NotFound) when absent. */
  delete(kind: string, namespace: string | undefined, name: string): void;
  watch(listener: (event: ObjectEvent) => void): () => void;
  readonly logs: LogStore;
}

/** A pod container as a network endpoint. */
export interface PodEndpoint {
  namespace: string;
  pod: string;
  container: string;
}

/** An HTTP(S) request as curl makes it. */
export interface SimHttpRequest {
  method: string;
  /** Absolute URL (`http://reviews:9080/reviews/0`, `https://www.google.com/`). */
  url: string;
  /** Header names as given; curl's defaults (Host, User-Agent, Accept) included by the caller. */
  headers: [string, string][];
  body: string;
  /** curl's --max-time, in ms. */
  timeoutMs?: number;
  /** curl's --connect-timeout, in ms (added by the mesh: without it a black-holed address waits for the kernel's limit). */
  connectTimeoutMs?: number;
  /** HTTP version curl negotiates for https (`2` for HTTP/2 via ALPN) or `1.1`. */
  httpVersion?: '1.1' | '2';
  /** curl --resolve: addresses to use for a host and port instead of asking DNS. */
  resolve?: { host: string; port: number; addresses: string[] }[];
  /** curl -x: the HTTP proxy the request goes through (plain HTTP is forwarded, HTTPS tunnelled with CONNECT). */
  proxy?: { host: string; port: number };
  /**
   * Which certificates curl trusts for https: the system CA bundle (the simulated internet's sites verify), or only
   * a --cacert file (they do not); `insecure` (-k) skips verification.
   */
  tls?: { trust: 'system' | 'custom'; insecure: boolean };
}

/** What the client saw. `error` set means no HTTP response (curl exits non-zero with that code). */
export interface SimHttpResponse {
  status: number;
  statusText: string;
  httpVersion: '1.1' | '2';
  headers: [string, string][];
  body: string;
  /** Simulated elapsed time, in ms. */
  durationMs: number;
  /** Lines curl -v prints about the connection (`*   Trying 10.96.0.12:9080...`). */
  connectLog: string[];
  error?: { curlExitCode: number; message: string };
}

/** A TCP connection as `nc` makes one: dial, send everything, close the sending side, read until the server closes. */
export interface SimTcpRequest {
  host: string;
  port: number;
  /** The bytes the client sends (all of its stdin). */
  data: string;
  /** How long to wait for the connection (`nc -w`), in ms; without it, as long as the kernel tries. */
  connectTimeoutMs?: number;
}

/** How a TCP connection went. */
export interface SimTcpResult {
  /** What the server wrote back before the connection closed. */
  reply: string;
  /** The address dialled (once the name resolved). */
  ip?: string;
  /** Set when no connection was made or it was reset. */
  error?: 'dns' | 'refused' | 'unreachable' | 'reset' | 'timeout';
  /** Simulated time the connection took, in ms. */
  durationMs: number;
}

/** Istio's data plane: every request is computed from the objects in the cluster at that moment. */
export interface SimNetwork {
  /** From a pod (through its sidecar if it has one) or from outside the cluster (the learner's machine). */
  request(from: PodEndpoint | 'outside', request: SimHttpRequest, signal?: AbortSignal): Promise<SimHttpResponse>;
  /** A raw TCP connection, from a pod (through its sidecar when it captures the address) or from outside. */
  connect(from: PodEndpoint | 'outside', request: SimTcpRequest, signal?: AbortSignal): Promise<SimTcpResult>;
  /** Calls `listener` with each segment with data to or from `ip` (what `tcpdump` on a pod's eth0 sees), until stopped. */
  capture(ip: string, listener: (segment: CapturedSegment) => void): () => void;
}

/** One segment with data, as a capture on a pod's interface sees it. */
export interface CapturedSegment {
  atMs: number;
  src: { ip: string; port: number };
  dst: { ip: string; port: number };
  /** The bytes as latin1 text (TLS records for encrypted segments). */
  payload: string;
  encrypted: boolean;
}

/** Runs a command inside a pod's container, as `kubectl exec` does. */
export interface PodExec {
  exec(
    target: PodEndpoint,
    argv: string[],
    options: {
      stdin?: string;
      signal?: AbortSignal;
      stream?: (text: string) => void;
      /** Where the process's stdout and stderr go (one place or apart; a TTY): kept apart when absent. */
      streams?: { merged: boolean; terminal: boolean };
    },
  ): Promise<{ stdout: string; stderr: string; exitCode: number }>;
}

/** Everything a simulated command (kubectl, istioctl, curl) may use. */
export interface SimCommandHost {
  cluster: SimClusterApi;
  network: SimNetwork;
  pods: PodExec;
  clock: SimClock;
  random: RandomSource;
  /** Writes straight to the attached terminal while the command runs (`kubectl logs -f`, `watch`); absent when not interactive. */
  stream?: (text: string) => void;
  /** Shared read-only sample files (`samples/...`), relative paths to contents. */
  samples: ReadonlyMap<string, string>;
}

/** Options of a write, as kubectl passes them. */
export interface WriteOptions {
  fieldManager?: string;
  /** `--dry-run=server`: admission runs, nothing is stored, no event fires. */
  dryRun?: boolean;
}

/**
 * The full simulated API server, as kubectl uses it (the other parts need only `SimClusterApi`).
 * Every write goes through schema validation and Istio's validating webhook; failures throw `ApiErrorShape`.
 */
export interface SimCluster extends SimClusterApi {
  apply(object: K8sObject, options?: WriteOptions): { outcome: WriteOutcome; object: K8sObject };
  /** `kubectl create`: AlreadyExists (409) when present. */
  create(object: K8sObject, options?: WriteOptions): K8sObject;
  /** `kubectl replace`: NotFound (404) when absent; replaces the whole object (keeps uid, creationTimestamp). */
  replace(object: K8sObject, options?: WriteOptions): K8sObject;
  /** Read-modify-write for `label`, `annotate`, `scale`, `patch`: `mutate` edits a copy; admission runs on the result. */
  update(
    kind: string,
    namespace: string | undefined,
    name: string,
    mutate: (object: K8sObject) => void,
    options?: WriteOptions,
  ): { outcome: WriteOutcome; object: K8sObject };
  /**
   * The `pods/ephemeralcontainers` subresource (`kubectl debug`): adds an ephemeral container to a running pod, which
   * the kubelet starts at once. NotFound when the pod is absent; a name already in use is Invalid.
   */
  addEphemeralContainer(namespace: string, pod: string, container: Record<string, unknown>): K8sObject;
  /** What `kubectl version` prints as the server's version, e.g. `v1.34.0`. */
  readonly serverVersion: string;
  /** Settles controllers (ReplicaSets, pods starting) up to the clock's now; tests and `prepare()` await it. */
  idle(): Promise<void>;
}
