/**
 * One learner's chapter on a real cluster. Objects, exec and logs go through the Kubernetes API; HTTP
 * from a pod is curl exec'd in that pod; terminals and scripts run in the learner's toolbox pod. Every
 * environment has its own ingress gateway in its namespace (ingressGateway.ts), and HTTP from outside goes
 * to it through a port-forward. In a class the chapter lives in a namespace of its own, and the lab's
 * namespace (`default` in the lab files) means that namespace.
 */
import { randomUUID } from 'node:crypto';
import type {
  CommandRecord,
  ContainerRef,
  EnvironmentSpec,
  ExecResult,
  HttpOrigin,
  HttpRequest,
  HttpResult,
  HttpSeriesOptions,
  HttpSeriesResult,
  K8sObject,
  LabEnvironment,
  ObjectQuery,
  ObjectRef,
  ScriptResult,
  TerminalChannel,
  TerminalOptions,
} from '../../contract.ts';
import { curlArgv, parseCurlResult } from './curlInPod.ts';
import { gatewayApiRoute } from './gatewayApiEntry.ts';
import {
  GATEWAY_CONTAINER_PORTS,
  GATEWAY_SELECTOR,
  ingressGatewayObjects,
  isGatewayPart,
  type IngressGatewayOptions,
} from './ingressGateway.ts';
import type { KubeApi, ResolvedKind } from './kubeApi.ts';
import type { EnvironmentNames } from './names.ts';
import { PORT_FORWARD_ADDRESS, sendThroughIngress, type IngressRoute } from './outsideHttp.ts';
import { runHttpSeries } from '../../traffic/series.ts';
import { TOOLBOX_NAMESPACE } from './pins.ts';
import { classroomRbac, singleLearnerRbac } from './rbac.ts';
import { learnerNamespaceObjects } from './sharedObjects.ts';
import { KindTerminal } from './terminal.ts';
import {
  scriptCommand,
  stopScriptCommand,
  TERMINAL_COMMAND,
  TOOLBOX_CONTAINER,
  toolboxPod,
  toolboxServiceAccount,
} from './toolbox.ts';
import { pickContainer, pickPod } from '../../kube/pods.ts';

const POD: ResolvedKind = { apiVersion: 'v1', kind: 'Pod', plural: 'pods', namespaced: true };

/**
 * What reset clears in the chapter's namespace, in this order (owners before what they own, so nothing
 * is recreated behind our back). Objects every namespace has are kept.
 */
export const RESET_KINDS = [
  'VirtualService',
  'DestinationRule',
  // Istio's Gateway and the Gateway API's share a Kind: each is named with its group, or discovery may pick either.
  'Gateway.networking.istio.io',
  'ServiceEntry',
  'Sidecar',
  // The Gateway API variants' objects; a Gateway's generated `<name>-istio` Deployment and Service go with it.
  'HTTPRoute',
  'GRPCRoute',
  'TCPRoute',
  'TLSRoute',
  'ReferenceGrant',
  'Gateway.gateway.networking.k8s.io',
  'Deployment',
  'ReplicaSet',
  'Pod',
  'Service',
  'ConfigMap',
  'ServiceAccount',
] as const;
const KEEP: Record<string, string[]> = {
  Service: ['kubernetes'],
  ConfigMap: ['kube-root-ca.crt', 'istio-ca-root-cert'],
  ServiceAccount: ['default'],
};

/** How the environment is set up. */
export interface KindEnvironmentOptions {
  api: KubeApi;
  spec: EnvironmentSpec;
  names: EnvironmentNames;
  classroom: boolean;
  /** Paths of the samples in the samples ConfigMap (the toolbox mounts each). */
  samplePaths: string[];
  /** How the environment's own ingress gateway is exposed. */
  gateway: Omit<IngressGatewayOptions, 'namespace'>;
  /** How long to wait for the toolbox pod (image pulls on a fresh cluster take a while). */
  toolboxTimeoutMs?: number;
  /** Polling interval while waiting (tests shorten it). */
  pollMs?: number;
}

/** A container a request names, resolved to one pod. */
interface ResolvedTarget {
  namespace: string;
  pod: string;
  container: string;
}

/** A target that names no running pod; worded as kubectl words it. */
class TargetError extends Error {}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The kind backend's `LabEnvironment`. */
export class KindEnvironment implements LabEnvironment {
  readonly labId: string;
  #o: KindEnvironmentOptions;
  #history: CommandRecord[] = [];
  #terminals = new Set<TerminalChannel>();
  #toolbox: Promise<void> | undefined;

  constructor(options: KindEnvironmentOptions) {
    this.#o = options;
    this.labId = options.spec.lab.id;
  }

  /** The namespace a lab file's namespace stands for here. */
  namespaceFor(namespace: string | undefined): string {
    if (namespace === undefined || namespace === this.#o.spec.lab.namespace) return this.#o.names.namespace;
    return namespace;
  }

  /** The objects that give the toolbox its identity and rights, then the toolbox pod itself. */
  toolboxObjects(): K8sObject[] {
    const { names, classroom, spec } = this.#o;
    const rbac = classroom
      ? classroomRbac({ namespace: names.namespace, binding: names.binding, serviceAccount: names.toolbox })
      : singleLearnerRbac({ binding: names.binding, serviceAccount: names.toolbox });
    return [
      ...(classroom ? learnerNamespaceObjects(names.namespace, spec.owner, spec.lab.id) : []),
      toolboxServiceAccount(names.toolbox),
      ...rbac,
      toolboxPod({
        name: names.toolbox,
        namespace: names.namespace,
        samplePaths: this.#o.samplePaths,
        labId: spec.lab.id,
        owner: spec.owner,
        classroom,
      }),
    ];
  }

  /** The environment's own ingress gateway (kept by reset; re-applied by prepare and reset, so a learner who deleted it gets it back). */
  gatewayObjects(): K8sObject[] {
    return ingressGatewayObjects({ namespace: this.#o.names.namespace, ...this.#o.gateway });
  }

  async #applyGateway(): Promise<void> {
    for (const object of this.gatewayObjects()) await this.#o.api.apply(object);
  }

  #ensureToolbox(): Promise<void> {
    this.#toolbox ??= (async () => {
      for (const object of this.toolboxObjects()) await this.#o.api.apply(object);
      await this.#waitForToolbox();
    })().catch((error: unknown) => {
      this.#toolbox = undefined;
      throw error;
    });
    return this.#toolbox;
  }

  async #waitForToolbox(): Promise<void> {
    const deadline = Date.now() + (this.#o.toolboxTimeoutMs ?? 300_000);
    let last = 'not created yet';
    for (;;) {
      const pod = await this.#o.api.read(POD, TOOLBOX_NAMESPACE, this.#o.names.toolbox);
      const status = (pod?.status ?? {}) as {
        phase?: string;
        containerStatuses?: {
          name: string;
          ready?: boolean;
          state?: { waiting?: { reason?: string; message?: string } };
        }[];
      };
      const shell = status.containerStatuses?.find((c) => c.name === TOOLBOX_CONTAINER);
      if (status.phase === 'Running' && shell?.ready) return;
      const waiting = shell?.state?.waiting;
      last = waiting?.reason
        ? `${waiting.reason}${waiting.message ? `: ${waiting.message}` : ''}`
        : (status.phase ?? last);
      if (waiting?.reason === 'ErrImagePull' || waiting?.reason === 'InvalidImageName') {
        throw new Error(`toolbox pod ${TOOLBOX_NAMESPACE}/${this.#o.names.toolbox} cannot start: ${last}`);
      }
      if (Date.now() > deadline)
        throw new Error(`toolbox pod ${TOOLBOX_NAMESPACE}/${this.#o.names.toolbox} not ready in time (${last})`);
      await sleep(this.#o.pollMs ?? 1000);
    }
  }

  async prepare(): Promise<void> {
    await this.#ensureToolbox();
    // A clean slate first: leftovers (an earlier chapter's, an earlier run's) would let checks pass early.
    await this.#clear();
    await this.#applyGateway();
    await this.#runSetup();
  }

  async reset(): Promise<void> {
    await this.#ensureToolbox();
    await this.#clear();
    await this.#applyGateway();
    await this.#runSetup();
  }

  async #runSetup(): Promise<void> {
    const setup = this.#o.spec.lab.setup;
    if (!setup.trim()) return;
    const result = await this.runScript(setup);
    if (result.exitCode !== 0) {
      const tail = result.output.trim().split('\n').slice(-5).join('\n');
      throw new Error(
        `the starting state of ${this.labId} could not be set up (exit code ${result.exitCode}):\n${tail}`,
      );
    }
  }

  /** Deletes the chapter's objects from its namespace (not its own gateway) and waits until their pods are gone. */
  async #clear(): Promise<void> {
    const namespace = this.#o.names.namespace;
    for (const kindName of RESET_KINDS) {
      const kind = kindName === 'Pod' ? POD : await this.#o.api.resolveKind(kindName);
      if (!kind) continue;
      const keep = KEEP[kindName] ?? [];
      const objects = await this.#o.api.list(kind, namespace);
      await Promise.all(
        objects
          .filter((o) => !keep.includes(o.metadata.name) && !isGatewayPart(o))
          .map((o) =>
            this.#o.api.delete(kind, namespace, o.metadata.name, kindName === 'Pod' ? { gracePeriodSeconds: 0 } : {}),
          ),
      );
    }
    const deadline = Date.now() + 60_000;
    while ((await this.#o.api.list(POD, namespace)).filter((p) => !isGatewayPart(p)).length > 0) {
      if (Date.now() > deadline) throw new Error(`pods in namespace ${namespace} did not go away within 60 s`);
      await sleep(this.#o.pollMs ?? 500);
    }
  }

  openTerminal(options: TerminalOptions): TerminalChannel {
    const terminal = new KindTerminal(async (size, handlers) => {
      await this.#ensureToolbox();
      return this.#o.api.openTty(
        TOOLBOX_NAMESPACE,
        this.#o.names.toolbox,
        TOOLBOX_CONTAINER,
        TERMINAL_COMMAND,
        size,
        handlers,
      );
    }, options);
    terminal.onCommand((record) => this.#history.push(record));
    this.#terminals.add(terminal);
    return terminal;
  }

  async runScript(script: string, options: { signal?: AbortSignal } = {}): Promise<ScriptResult> {
    await this.#ensureToolbox();
    if (options.signal?.aborted) return { output: 'bash: execution aborted\n', exitCode: 130 };
    const marker = `labs-script-${randomUUID()}`;
    const { api, names } = this.#o;
    const result = await api.exec(TOOLBOX_NAMESPACE, names.toolbox, TOOLBOX_CONTAINER, scriptCommand(marker), {
      stdin: script.endsWith('\n') ? script : `${script}\n`,
      ...(options.signal ? { signal: options.signal } : {}),
    });
    if (options.signal?.aborted) {
      // Closing the connection does not end a running loop in the toolbox: stop it as Ctrl-C would.
      await api
        .exec(TOOLBOX_NAMESPACE, names.toolbox, TOOLBOX_CONTAINER, stopScriptCommand(marker), { timeoutMs: 15_000 })
        .catch(() => undefined);
      return { output: result.stdout + result.stderr, exitCode: 130 };
    }
    return { output: result.stdout + result.stderr, exitCode: result.exitCode };
  }

  async get(ref: ObjectRef): Promise<K8sObject | null> {
    const kind = await this.#kind(ref.kind);
    return this.#o.api.read(kind, kind.namespaced ? this.namespaceFor(ref.namespace) : undefined, ref.name);
  }

  async list(query: ObjectQuery): Promise<K8sObject[]> {
    const kind = await this.#kind(query.kind);
    return this.#o.api.list(
      kind,
      kind.namespaced ? this.namespaceFor(query.namespace) : undefined,
      query.labelSelector,
    );
  }

  async #kind(name: string): Promise<ResolvedKind> {
    const kind = name === 'Pod' ? POD : await this.#o.api.resolveKind(name);
    if (!kind) throw new Error(`error: the server doesn't have a resource type "${name}"`);
    return kind;
  }

  /** The pod and container a `ContainerRef` names: by name, or the first running pod matching the selector. */
  async #target(ref: ContainerRef): Promise<ResolvedTarget> {
    const namespace = this.namespaceFor(ref.namespace);
    let pod: K8sObject | null | undefined;
    if (ref.pod) {
      pod = await this.#o.api.read(POD, namespace, ref.pod);
      if (!pod) throw new TargetError(`Error from server (NotFound): pods "${ref.pod}" not found`);
    } else {
      pod = pickPod(await this.#o.api.list(POD, namespace, ref.selector));
      if (!pod)
        throw new TargetError(
          `error: no running pod in namespace ${namespace} matches selector "${ref.selector ?? ''}"`,
        );
    }
    const picked = pickContainer(pod, ref.container);
    if ('error' in picked) throw new TargetError(picked.error);
    const { container } = picked;
    return { namespace, pod: pod.metadata.name, container };
  }

  async exec(
    target: ContainerRef,
    argv: string[],
    options: { stdin?: string; timeoutMs?: number } = {},
  ): Promise<ExecResult> {
    let t: ResolvedTarget;
    try {
      t = await this.#target(target);
    } catch (error) {
      if (error instanceof TargetError) return { stdout: '', stderr: `${error.message}\n`, exitCode: 1 };
      throw error;
    }
    return this.#o.api.exec(t.namespace, t.pod, t.container, argv, options);
  }

  async logs(target: ContainerRef, options: { sinceTime?: string; tail?: number } = {}): Promise<string> {
    const t = await this.#target(target);
    return this.#o.api.logs(t.namespace, t.pod, t.container, {
      ...(options.sinceTime ? { sinceTime: options.sinceTime } : {}),
      ...(options.tail !== undefined ? { tailLines: options.tail } : {}),
    });
  }

  /**
   * The way to this environment's gateway: a port-forward through the API server to its running pod, as
   * `kubectl port-forward svc/istio-ingressgateway 8080:80` would make (so no node port or load balancer needs
   * to be reachable from the lab server).
   */
  ingressRoute(): IngressRoute {
    const namespace = this.#o.names.namespace;
    return {
      address: PORT_FORWARD_ADDRESS,
      connect: async (scheme) => {
        const pods = await this.#o.api.list(POD, namespace, GATEWAY_SELECTOR);
        const running = pods.find(
          (p) => (p.status as { phase?: string } | undefined)?.phase === 'Running' && !p.metadata.deletionTimestamp,
        );
        if (!running)
          throw Object.assign(new Error(`no running ingress gateway pod in namespace ${namespace}`), {
            code: 'ECONNREFUSED',
          });
        return this.#o.api.portForward(namespace, running.metadata.name, GATEWAY_CONTAINER_PORTS[scheme]);
      },
    };
  }

  /** A traffic check's requests: the check's own loop over `http`, here (each request is a real one anyway). */
  httpSeries(
    origin: HttpOrigin,
    request: HttpRequest,
    options: HttpSeriesOptions,
    signal?: AbortSignal,
  ): Promise<HttpSeriesResult> {
    return runHttpSeries({ http: (o, r) => this.http(o, r), ...(signal ? { signal } : {}) }, origin, request, options);
  }

  async http(origin: HttpOrigin, request: HttpRequest): Promise<HttpResult> {
    if (origin.kind === 'outside' && origin.gateway) {
      // The URL's port names the Gateway's listener (80 / 443 when absent); the route forwards to it.
      let port = '';
      try {
        port = new URL(request.url).port;
      } catch {
        // A malformed URL: sendThroughIngress answers it as curl does.
      }
      const ref = { name: origin.gateway.name, namespace: this.namespaceFor(origin.gateway.namespace) };
      const ports = port ? { http: Number(port), https: Number(port) } : { http: 80, https: 443 };
      return sendThroughIngress(request, gatewayApiRoute(this.#o.api, ref, ports));
    }
    if (origin.kind === 'outside') return sendThroughIngress(request, this.ingressRoute());
    const timeoutMs = request.timeoutMs ?? 10_000;
    const result = await this.exec(origin.target, curlArgv(request), {
      ...(request.body !== undefined ? { stdin: request.body } : {}),
      timeoutMs: timeoutMs + 10_000,
    });
    return parseCurlResult(result);
  }

  history(): CommandRecord[] {
    return [...this.#history];
  }

  now(): Date {
    return new Date();
  }

  async dispose(): Promise<void> {
    for (const t of this.#terminals) t.close();
    this.#terminals.clear();
    const { api, classroom } = this.#o;
    // The chapter's objects stay for a single learner (their cluster); a class's namespace goes with the learner.
    for (const object of this.toolboxObjects().reverse()) {
      if (object.kind === 'Namespace' && !classroom) continue;
      const kind = object.kind === 'Pod' ? POD : await api.resolveKind(object.kind);
      if (kind)
        await api
          .delete(kind, kind.namespaced ? object.metadata.namespace : undefined, object.metadata.name, {
            gracePeriodSeconds: 0,
          })
          .catch(() => undefined);
    }
  }
}
