/** What a simulated application is: a server (or not) behind a container image, and what it may use. */
import type { K8sObject } from '../../../contract.ts';
import type { RandomSource, SimClock, SimHttpResponse } from '../types.ts';
import type { ContainerSpec } from '../mesh/objects.ts';

/** A request as the application's HTTP server sees it. */
export interface AppRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  /** Raw query string without `?`. */
  query: string;
  /** Header entries as received (names in the case the last hop sent them). */
  headers: [string, string][];
  body: string;
  /** `HTTP/1.1` or `HTTP/2`. */
  protocol: string;
  /** The TCP peer (127.0.0.6 behind a sidecar). */
  peerIp: string;
  /** True when the request came in over TLS (sites of the simulated internet). */
  tls: boolean;
}

/** The application's answer. */
export interface AppResponse {
  status: number;
  headers: [string, string][];
  body: string;
}

/** An outgoing call an app makes from its own pod (through its sidecar when it has one). */
export interface AppCall {
  method?: string;
  url: string;
  headers?: [string, string][];
  timeoutMs?: number;
}

/** What the running app may use. */
export interface AppContext {
  clock: SimClock;
  random: RandomSource;
  /** The app's pod (undefined for sites of the simulated internet). */
  pod?: K8sObject;
  container: ContainerSpec;
  /** Appends a line to this container's log. */
  log(text: string): void;
  /** Makes an HTTP call from this pod, as its own client library would. */
  call(request: AppCall, signal?: AbortSignal): Promise<SimHttpResponse>;
  signal?: AbortSignal;
}

/** A simulated application, chosen by container image. */
export interface SimApp {
  /** TCP ports the container listens on (none for clients like curl). */
  listenPorts(container: ContainerSpec): number[];
  /** Whether the listener speaks TLS (only the internet's sites do here). */
  tls?: boolean;
  handle(request: AppRequest, context: AppContext): Promise<AppResponse>;
  /**
   * A raw TCP server (tcp-echo): what it writes back for the bytes a client sent before closing its side.
   * Apps without it speak HTTP only.
   */
  stream?(data: string, port: number, context: AppContext): Promise<string>;
  /** What the container writes to its log when it starts (a server's start-up lines), at clock time `at`. */
  startupLog?(container: ContainerSpec, at: number): string[];
}
