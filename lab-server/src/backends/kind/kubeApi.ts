/**
 * The seam between the kind backend and the Kubernetes API: everything the environment asks of the
 * cluster, in the environment's terms. `clientKubeApi.ts` implements it with @kubernetes/client-node;
 * tests use a fake that records the calls.
 */
import type { Duplex } from 'node:stream';
import type { ExecResult, K8sObject } from '../../contract.ts';

/** A Kind as discovery resolved it. */
export interface ResolvedKind {
  apiVersion: string;
  kind: string;
  /** Resource name (`virtualservices`). */
  plural: string;
  namespaced: boolean;
}

/** An interactive exec with a TTY (a learner's terminal). */
export interface TtySession {
  write(data: string): void;
  resize(cols: number, rows: number): void;
  close(): void;
}

/** Callbacks of a TTY session. */
export interface TtyHandlers {
  onData(data: string): void;
  /** The shell ended (exit, or the connection dropped); `reason` says which. */
  onClose(reason: string): void;
}

/** What the kind backend needs from the cluster. */
export interface KubeApi {
  /** The Kind's group/version and resource, or undefined when the cluster serves no such Kind. */
  resolveKind(kind: string): Promise<ResolvedKind | undefined>;
  /** The object, or null when it does not exist. */
  read(kind: ResolvedKind, namespace: string | undefined, name: string): Promise<K8sObject | null>;
  list(kind: ResolvedKind, namespace: string | undefined, labelSelector?: string): Promise<K8sObject[]>;
  /** Creates or updates (server-side apply, field manager `istio-traffic-labs`). */
  apply(object: K8sObject): Promise<K8sObject>;
  /**
   * Creates (POST), for objects that can only be created: access reviews, and preflight probes with `dryRun`
   * (the server admits or refuses the object and stores nothing). Resolves with what the server answered.
   */
  create(object: K8sObject, options?: { dryRun?: boolean }): Promise<K8sObject>;
  /** Deletes; absent objects are not an error. */
  delete(
    kind: ResolvedKind,
    namespace: string | undefined,
    name: string,
    options?: { gracePeriodSeconds?: number },
  ): Promise<void>;
  /**
   * Runs a command in a container without a TTY and collects its output and exit code. When `signal` fires, the
   * connection is closed and what came so far is returned with exit code 130 (the command itself may go on: the
   * caller stops it).
   */
  exec(
    namespace: string,
    pod: string,
    container: string,
    argv: string[],
    options?: { stdin?: string; timeoutMs?: number; signal?: AbortSignal },
  ): Promise<ExecResult>;
  /** Starts a command with a TTY; output and the end arrive through `handlers`. */
  openTty(
    namespace: string,
    pod: string,
    container: string,
    argv: string[],
    size: { cols: number; rows: number },
    handlers: TtyHandlers,
  ): Promise<TtySession>;
  /**
   * One connection to a pod's port through the API server, as `kubectl port-forward` makes them: a byte stream
   * that ends when either side closes, and fails (`code` ECONNREFUSED) when nothing listens on the port.
   */
  portForward(namespace: string, pod: string, port: number): Promise<Duplex>;
  /** A container's log, as `kubectl logs` prints it. */
  logs(
    namespace: string,
    pod: string,
    container: string,
    options?: { sinceTime?: string; tailLines?: number },
  ): Promise<string>;
}

/** An API failure with the status the server sent (404, 403, ...) and its message. */
export class KubeApiError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.name = 'KubeApiError';
    this.status = status;
  }
}
