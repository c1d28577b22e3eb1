/**
 * The backend contract: everything the lab server, the checks and the CLI may ask of a lab backend.
 * `sim` (the embedded simulator), `kind` (a kind cluster made by `labs cluster up`) and `kube` (any cluster
 * from a kubeconfig context) implement it; nothing outside `backends/` may ask which one it talks to.
 */
import type { Lab } from './labs/schema.ts';
import type { ClassRule } from './traffic/classify.ts';
import type { SplitJudgeSpec } from './traffic/splitJudge.ts';

/** Name of a backend implementation, as chosen by `labs serve --backend`. */
export type BackendName = 'sim' | 'kind' | 'kube';

/** A Kubernetes object as the API serves it (plain JSON). */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: K8sMetadata;
  [field: string]: unknown;
}

/** The metadata fields the labs read; the API may add more. */
export interface K8sMetadata {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  generation?: number;
  creationTimestamp?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }[];
  [field: string]: unknown;
}

/**
 * Names one object. `kind` is the Kind (`VirtualService`), not a resource name or short name; `Kind.group` names a
 * Kind that two API groups serve (`Gateway.gateway.networking.k8s.io` beside Istio's `Gateway`).
 */
export interface ObjectRef {
  kind: string;
  name: string;
  namespace?: string;
}

/** Selects objects of one kind. */
export interface ObjectQuery {
  kind: string;
  namespace?: string;
  /** Kubernetes label selector syntax: `app=reviews,version in (v1,v2)`. */
  labelSelector?: string;
}

/** Names a container in a pod, either by pod name or by the first running pod matching a selector. */
export interface ContainerRef {
  namespace: string;
  pod?: string;
  selector?: string;
  container?: string;
}

/** Result of a command run in a container or in the lab shell. */
export interface ExecResult {
  stdout: string;
  stderr: string;
  exitCode: number;
}

/**
 * A Kubernetes Gateway API Gateway (class `istio`) that requests from outside enter through: Istio deploys it as the
 * Service `<name>-istio` in the Gateway's namespace. A lab file's namespace (`default`) means the chapter's namespace.
 */
export interface GatewayRef {
  name: string;
  namespace: string;
}

/**
 * Where an HTTP request starts: inside a pod (through its sidecar) or outside the cluster, through istio-system's
 * `istio-ingressgateway` or, with `gateway`, through that Gateway API Gateway's Service. A Gateway that is missing,
 * not Programmed, or has no listener on the request's port refuses the connection, as a real client would see it.
 */
export type HttpOrigin = { kind: 'pod'; target: ContainerRef } | { kind: 'outside'; gateway?: GatewayRef };

/** An HTTP request as a check or the Preview pane makes it. */
export interface HttpRequest {
  method?: string;
  /**
   * Full URL. For `outside`, the host part may be `ingress` to mean "the ingress gateway's address"; through a
   * Gateway API gateway the URL's port (default 80 / 443) names the Gateway's listener port.
   */
  url: string;
  headers?: Record<string, string>;
  body?: string;
  timeoutMs?: number;
}

/** What came back. A transport failure has `status: 0` and `error` in curl's terms. */
export interface HttpResult {
  status: number;
  headers: Record<string, string>;
  body: string;
  durationMs: number;
  error?: { curlExitCode: number; message: string };
}

/** How `LabEnvironment.httpSeries` sends and classifies a traffic check's requests, and when it stops. */
export interface HttpSeriesOptions {
  /** The check's classes: each answer is sorted where it is made (`traffic/classify.ts`). */
  rules: readonly ClassRule[];
  /** Requests in flight at once. */
  concurrency: number;
  /** The check's sequential judge, as data: requests go on while it wants another answer (`traffic/splitJudge.ts`). */
  judge: SplitJudgeSpec;
  /**
   * A background check's series (an automatic check, which only records progress): where environments share a
   * thread, it gives way to the learners' own Checks (see `backends/pool/worker.ts`). Absent: a learner's own.
   */
  background?: boolean;
}

/** What a traffic check's requests came back with: as small as its judge and evidence need. */
export interface HttpSeriesResult {
  /** Each answer's status and class, in the order they were judged. */
  answers: { status: number; class: string }[];
  /** The first whole response of each status, in the order they came back. */
  first: HttpResult[];
}

/** A terminal attached to a learner's lab shell; bytes in, bytes out, like a PTY. */
export interface TerminalChannel {
  /** Keystrokes or pasted text, as xterm.js sends them (`\r` for Enter, `\x03` for Ctrl-C). */
  write(data: string): void;
  resize(cols: number, rows: number): void;
  /** Subscribes to output; returns the unsubscribe function. */
  onOutput(listener: (data: string) => void): () => void;
  /** Subscribes to completed command lines (for checks that look at what the learner ran). */
  onCommand(listener: (record: CommandRecord) => void): () => void;
  close(): void;
}

/** One command line the learner ran in a terminal. */
export interface CommandRecord {
  line: string;
  exitCode: number;
  /**
   * ISO time on the environment's clock: when the command was entered (simulator) or came back (kind). Either
   * way it is earlier than anything done after the command ended, such as a step marked done by a Check.
   */
  at: string;
  /**
   * The environment's state as this command left it, kept a while for `LabEnvironment.frozen` (a backend that can
   * freeze states, the simulator); a command that changed nothing names its predecessor's state.
   */
  state?: number;
  /** The cluster's objects as this command left them (`LabEnvironment.objectsRevision`), where the backend names them. */
  objects?: string;
}

/** Options for opening a terminal. */
export interface TerminalOptions {
  cols: number;
  rows: number;
}

/** Result of running a script as if typed line by line into a fresh terminal. */
export interface ScriptResult {
  /** What the terminal would show (prompts and echoed input excluded). */
  output: string;
  /** Exit status of the last command. */
  exitCode: number;
}

/** One chapter's lab environment for one learner. */
export interface LabEnvironment {
  readonly labId: string;
  /** Brings the environment to the chapter's starting state (idempotent). */
  prepare(): Promise<void>;
  /** Deletes what the learner made and restores the starting state. */
  reset(): Promise<void>;
  openTerminal(options: TerminalOptions): TerminalChannel;
  /**
   * Runs a script exactly as if typed into a new terminal of this environment, line by line. `signal` stops it
   * (as Ctrl-C would); `observe` says the script only looks (a check's), so it need not be kept in the
   * environment's journal for a rebuild.
   */
  runScript(script: string, options?: { signal?: AbortSignal; observe?: boolean }): Promise<ScriptResult>;
  get(ref: ObjectRef): Promise<K8sObject | null>;
  list(query: ObjectQuery): Promise<K8sObject[]>;
  exec(target: ContainerRef, argv: string[], options?: { stdin?: string; timeoutMs?: number }): Promise<ExecResult>;
  /** A container's log since a time (RFC 3339), as `kubectl logs --since-time` would print it. */
  logs(target: ContainerRef, options?: { sinceTime?: string; tail?: number }): Promise<string>;
  http(origin: HttpOrigin, request: HttpRequest): Promise<HttpResult>;
  /**
   * A traffic check's requests, sent while its judge wants more and classified where they are answered: the same
   * requests and answers as the check's own loop over `http` (`traffic/series.ts`), in one call across a thread.
   * Absent: the check runs that loop itself. `signal` stops it: no request starts after it, and the call rejects.
   */
  httpSeries?(
    origin: HttpOrigin,
    request: HttpRequest,
    options: HttpSeriesOptions,
    signal?: AbortSignal,
  ): Promise<HttpSeriesResult>;
  /** Commands run in this environment's terminals, oldest first. */
  history(): CommandRecord[];
  /**
   * Resolves once every change made so far has taken effect (controllers converged, pods started, configuration
   * in the proxies), on an environment that can know it (the simulator): a check then looks once, without
   * retrying. Absent on a real cluster, where configuration reaches the proxies seconds later and checks retry.
   */
  settled?(signal?: AbortSignal): Promise<void>;
  /** The environment's clock (virtual on the simulator in tests). */
  now(): Date;
  /**
   * The environment as the command of `record` left it (`CommandRecord.state`), for checks to judge later while
   * the learner goes on: its objects, logs and history as they were then; requests sent to it leave no trace in
   * the live environment. Undefined when that state is no longer kept. Absent where states cannot be frozen (a real
   * cluster). Dispose it after use.
   */
  frozen?(record: CommandRecord): Promise<FrozenEnvironment | undefined>;
  /**
   * A name for the cluster's objects as they are now: two equal names, read from this environment, mean that no
   * object was created, changed or deleted in between (logs and the command history may have grown). Lets a Check
   * stand on what an automatic check measured on the same objects. Absent where a backend cannot tell (a real
   * cluster: its controllers change objects on their own); undefined while the environment has no cluster yet.
   */
  objectsRevision?(): Promise<string | undefined>;
  /**
   * The learner now waits for the background work on this environment (their Check waits for the automatic check
   * running): a backend that runs it after the learners' own work (the pool) runs it as theirs from now on.
   */
  hurry?(): void;
  dispose(): Promise<void>;
}

/** A frozen state of an environment (`LabEnvironment.frozen`). */
export interface FrozenEnvironment extends LabEnvironment {
  /** This state and every earlier one have been judged: the backend may forget them (not needed again). */
  judged(): Promise<void>;
}

/** What a backend needs to make an environment. */
export interface EnvironmentSpec {
  lab: Lab;
  /** The owner's id (session or learner), used for naming and isolation. */
  owner: string;
  /** Seed for the simulator's random source; ignored by real clusters. */
  seed?: number;
}

/** How many learners a backend can hold at once: a real cluster has room for so many learners' chapters. */
export interface BackendCapacity {
  maxLearners: number;
  /** What limits it, in a line (`cpu: 7.5 of 8 cores free, 210m per learner`), for logs and the "class is full" answer. */
  detail: string;
}

/** A lab backend: a factory of environments. */
export interface LabBackend {
  readonly name: BackendName;
  createEnvironment(spec: EnvironmentSpec): Promise<LabEnvironment>;
  /** Room for learners; absent when the backend has no limit worth counting (the simulator's is its host's memory). */
  capacity?(): Promise<BackendCapacity>;
  close(): Promise<void>;
}
