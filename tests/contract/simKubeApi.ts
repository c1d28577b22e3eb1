/**
 * A Kubernetes API server with no cluster behind it, for running the kind backend's own code in `npm test`: the
 * simulator's cluster (objects, admission, controllers, Istio's injection), its mesh (Gateways, VirtualServices,
 * sidecars, the sample apps) and its shell, behind the kind backend's `KubeApi` seam. The kind backend applies its
 * objects, starts toolboxes, runs scripts and terminals in them, execs, reads logs and port-forwards exactly as it
 * does on a real cluster; only the answers come from the simulator.
 *
 * What stands in for what:
 * - a toolbox pod (namespace labs-toolbox) is a simulator lab shell with the toolbox's environment (LABS_NAMESPACE,
 *   LABS_CLASSROOM), its kubeconfig namespace, the samples at ~/samples, and kind/toolbox/env.sh sourced as bash's
 *   BASH_ENV would; its TTY is the simulator's terminal, with labsrc.sh's command markers added;
 * - a port-forward to a pod's port reaches the pod through the node port of the Service that targets that port (the
 *   simulator models no way in from outside but node ports);
 * - kinds the simulator does not serve (RBAC, quotas, limit ranges) are stored, not enforced; access reviews allow.
 */
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { type Duplex, duplexPair } from 'node:stream';
import { InMemoryFs } from 'just-bash';
import type { ExecResult, K8sObject } from '../../lab-server/src/contract.ts';
import type { KubeApi, ResolvedKind, TtyHandlers, TtySession } from '../../lab-server/src/backends/kind/kubeApi.ts';
import { PortForwardError } from '../../lab-server/src/backends/kind/portForwardStream.ts';
import { repoPath } from '../../lab-server/src/backends/kind/repoPaths.ts';
import { ISTIO_SYSTEM_NODE_PORTS, TOOLBOX_NAMESPACE } from '../../lab-server/src/backends/kind/pins.ts';
import { SimulationClock } from '../../lab-server/src/backends/sim/clock.ts';
import { kindKeyOf, resourceForKind, servedApiVersion } from '../../lab-server/src/backends/sim/cluster/discovery.ts';
import { nodeAddresses } from '../../lab-server/src/backends/sim/mesh/deliverOutside.ts';
import { createSimCluster } from '../../lab-server/src/backends/sim/cluster/index.ts';
import { DEFAULT_LIMITS } from '../../lab-server/src/backends/sim/limits.ts';
import { createSimNetwork, type SimNetworkWithIdle } from '../../lab-server/src/backends/sim/mesh/index.ts';
import { SimPodExec } from '../../lab-server/src/backends/sim/pods/podExec.ts';
import { createRandom } from '../../lab-server/src/backends/sim/random.ts';
import { loadSamples } from '../../lab-server/src/backends/sim/samples.ts';
import { createCurlCommand } from '../../lab-server/src/backends/sim/shell/commands/curl/index.ts';
import { createIstioctlCommand } from '../../lab-server/src/backends/sim/shell/commands/istioctl/index.ts';
import { createKubectlCommand } from '../../lab-server/src/backends/sim/shell/commands/kubectl/index.ts';
import { createPython3Command } from '../../lab-server/src/backends/sim/shell/commands/python3/index.ts';
import { completeness } from '../../lab-server/src/backends/sim/shell/completeness.ts';
import { LabShell } from '../../lab-server/src/backends/sim/shell/labShell.ts';
import { SimTerminal } from '../../lab-server/src/backends/sim/shell/terminal.ts';
import type { SimCluster, SimCommandHost } from '../../lab-server/src/backends/sim/types.ts';

/** Kinds the kind backend uses that the simulator does not serve: kept in a side store. */
const UNSERVED: Record<string, ResolvedKind> = Object.fromEntries(
  (
    [
      ['v1', 'ResourceQuota', 'resourcequotas', true],
      ['v1', 'LimitRange', 'limitranges', true],
      ['rbac.authorization.k8s.io/v1', 'Role', 'roles', true],
      ['rbac.authorization.k8s.io/v1', 'RoleBinding', 'rolebindings', true],
      ['rbac.authorization.k8s.io/v1', 'ClusterRole', 'clusterroles', false],
      ['rbac.authorization.k8s.io/v1', 'ClusterRoleBinding', 'clusterrolebindings', false],
      ['authorization.k8s.io/v1', 'SelfSubjectAccessReview', 'selfsubjectaccessreviews', false],
    ] as const
  ).map(([apiVersion, kind, plural, namespaced]) => [kind, { apiVersion, kind, plural, namespaced }]),
);

type Host = SimCommandHost & { cluster: SimCluster };

/**
 * The toolbox's bash: kind/toolbox/env.sh before every line, as BASH_ENV and the rc file give it on the real toolbox
 * (the simulator's shell carries over only the functions a line defines itself, not those of a sourced file).
 */
class ToolboxShell extends LabShell {
  override run(
    line: string,
    options: { signal?: AbortSignal; stream?: (text: string) => void } = {},
  ): ReturnType<LabShell['run']> {
    return super.run(`. /etc/labs/env.sh\n${line}`, options);
  }
}

interface ToolboxEnv {
  namespace: string;
  classroom: boolean;
}

function isApiError(error: unknown): error is { code: number; reason: string; message: string } {
  return typeof error === 'object' && error !== null && 'code' in error && 'message' in error;
}

/** The sim-backed `KubeApi`. */
export class SimKubeApi implements KubeApi {
  readonly clock = new SimulationClock('virtual');
  readonly random = createRandom(11);
  readonly cluster: SimCluster;
  readonly network: SimNetworkWithIdle;
  readonly #pods: SimPodExec;
  readonly #side = new Map<string, K8sObject>();
  readonly #samples = loadSamples();
  readonly #shellFiles = {
    'env.sh': readFileSync(repoPath('kind/toolbox/env.sh'), 'utf8'),
    'labsrc.sh': readFileSync(repoPath('kind/toolbox/labsrc.sh'), 'utf8'),
  };
  #shells = 0;

  /** `scopeGateways`: istiod with PILOT_SCOPE_GATEWAY_TO_NAMESPACE=true, as `labs cluster up` installs it. */
  constructor(options: { scopeGateways?: boolean } = {}) {
    this.cluster = createSimCluster({ clock: this.clock, random: this.random, limits: { maxObjects: 20_000 } });
    this.network = createSimNetwork({ cluster: this.cluster, clock: this.clock, random: this.random });
    this.#pods = new SimPodExec(() => this.#host());
    if (options.scopeGateways ?? true)
      this.cluster.update('Deployment', 'istio-system', 'istiod', (d) => {
        const spec = d.spec as { template: { spec: { containers: { env?: { name: string; value: string }[] }[] } } };
        const container = spec.template.spec.containers[0]!;
        container.env = [...(container.env ?? []), { name: 'PILOT_SCOPE_GATEWAY_TO_NAMESPACE', value: 'true' }];
      });
    // `labs cluster up` labels default for injection, and moves istio-system's gateway off the node ports kind maps
    // to the host (kind/istio-overlay.yaml), which a single learner's own gateway takes.
    this.cluster.update('Namespace', undefined, 'default', (ns) => {
      ns.metadata.labels = { ...ns.metadata.labels, 'istio-injection': 'enabled' };
    });
    this.cluster.update('Service', 'istio-system', 'istio-ingressgateway', (svc) => {
      for (const port of (svc.spec as { ports: { name: string; nodePort?: number }[] }).ports) {
        if (port.name === 'http2') port.nodePort = ISTIO_SYSTEM_NODE_PORTS.http;
        if (port.name === 'https') port.nodePort = ISTIO_SYSTEM_NODE_PORTS.https;
      }
    });
  }

  #host(): Host {
    return {
      cluster: this.cluster,
      network: this.network,
      pods: this.#pods,
      clock: this.clock,
      random: this.random,
      samples: this.#samples,
    };
  }

  /** Lets controllers and the mesh settle (pods start, endpoints fill), as time passing on a cluster would. */
  async settle(): Promise<void> {
    await this.cluster.idle();
    await this.network.idle();
  }

  async resolveKind(kind: string): Promise<ResolvedKind | undefined> {
    const served = resourceForKind(kind);
    if (served)
      return {
        apiVersion: servedApiVersion(served),
        kind: served.kind,
        plural: served.plural,
        namespaced: served.namespaced,
      };
    return UNSERVED[kind];
  }

  #sideKey(kind: string, namespace: string | undefined, name: string): string {
    return `${kind}/${namespace ?? ''}/${name}`;
  }

  async read(kind: ResolvedKind, namespace: string | undefined, name: string): Promise<K8sObject | null> {
    await this.settle();
    if (UNSERVED[kind.kind]) return structuredClone(this.#side.get(this.#sideKey(kind.kind, namespace, name)) ?? null);
    // The simulator keys a Kind two groups serve by group (`Gateway.gateway.networking.k8s.io`).
    return structuredClone(this.cluster.get(kindKeyOf(kind), namespace, name) ?? null);
  }

  async list(kind: ResolvedKind, namespace: string | undefined, labelSelector?: string): Promise<K8sObject[]> {
    await this.settle();
    if (UNSERVED[kind.kind])
      return [...this.#side.values()]
        .filter((o) => o.kind === kind.kind && (namespace === undefined || o.metadata.namespace === namespace))
        .map((o) => structuredClone(o));
    return this.cluster.list(kindKeyOf(kind), namespace, labelSelector).map((o) => structuredClone(o));
  }

  async apply(object: K8sObject): Promise<K8sObject> {
    if (UNSERVED[object.kind]) {
      this.#side.set(
        this.#sideKey(object.kind, object.metadata.namespace, object.metadata.name),
        structuredClone(object),
      );
      return object;
    }
    try {
      return this.cluster.apply(structuredClone(object), { fieldManager: 'istio-traffic-labs' }).object;
    } catch (error) {
      if (isApiError(error)) throw new Error(error.message);
      throw error;
    }
  }

  async create(object: K8sObject, options: { dryRun?: boolean } = {}): Promise<K8sObject> {
    if (object.kind === 'SelfSubjectAccessReview')
      return { ...object, status: { allowed: true, reason: 'the simulated API server allows everything' } };
    if (UNSERVED[object.kind]) {
      if (!options.dryRun) await this.apply(object);
      return object;
    }
    try {
      return this.cluster.create(structuredClone(object), options.dryRun ? { dryRun: true } : {});
    } catch (error) {
      if (isApiError(error)) throw new Error(error.message);
      throw error;
    }
  }

  async delete(kind: ResolvedKind, namespace: string | undefined, name: string): Promise<void> {
    if (UNSERVED[kind.kind]) {
      this.#side.delete(this.#sideKey(kind.kind, namespace, name));
      return;
    }
    try {
      this.cluster.delete(kind.kind, namespace, name);
      if (kind.kind === 'Namespace')
        for (const key of [...this.#side.keys()])
          if (this.#side.get(key)?.metadata.namespace === name) this.#side.delete(key);
    } catch (error) {
      if (isApiError(error) && error.code === 404) return;
      throw error;
    }
  }

  /** The toolbox's environment as its pod spec sets it. */
  #toolboxEnv(pod: string): ToolboxEnv {
    const object = this.cluster.get('Pod', TOOLBOX_NAMESPACE, pod);
    if (!object) throw new Error(`pods "${pod}" not found`);
    const env: Record<string, string> = Object.fromEntries(
      ((object.spec as { containers: { env?: { name: string; value?: string }[] }[] }).containers[0]!.env ?? []).map(
        (e) => [e.name, e.value ?? ''],
      ),
    );
    return { namespace: env.LABS_NAMESPACE ?? 'default', classroom: env.LABS_CLASSROOM === '1' };
  }

  /** A shell as the toolbox's bash would be: its environment, env.sh, kubectl defaulting to its kubeconfig namespace. */
  #toolboxShell(env: ToolboxEnv): LabShell {
    const host = this.#host();
    const fs = new InMemoryFs({
      ...Object.fromEntries([...this.#samples].map(([path, text]) => [`/root/samples/${path}`, text])),
      '/etc/labs/env.sh': this.#shellFiles['env.sh'],
      '/etc/labs/labsrc.sh': this.#shellFiles['labsrc.sh'],
    });
    return new ToolboxShell({
      fs,
      commands: [
        createKubectlCommand(host, { defaultNamespace: env.namespace }),
        createIstioctlCommand(host),
        createCurlCommand(host, 'outside'),
        createPython3Command('python3'),
        createPython3Command('python'),
      ],
      io: host,
      clock: this.clock,
      limits: DEFAULT_LIMITS,
      home: '/root',
      env: { LABS_NAMESPACE: env.namespace, LABS_CLASSROOM: env.classroom ? '1' : '0', USER: 'root' },
      id: String(++this.#shells),
    });
  }

  async exec(
    namespace: string,
    pod: string,
    container: string,
    argv: string[],
    options: { stdin?: string; timeoutMs?: number; signal?: AbortSignal } = {},
  ): Promise<ExecResult> {
    await this.settle();
    const signals = [
      ...(options.signal ? [options.signal] : []),
      ...(options.timeoutMs ? [AbortSignal.timeout(options.timeoutMs)] : []),
    ];
    const signal = signals.length > 0 ? AbortSignal.any(signals) : undefined;
    if (namespace !== TOOLBOX_NAMESPACE) {
      return this.#pods.exec({ namespace, pod, container }, argv, {
        ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
        ...(signal ? { signal } : {}),
      });
    }
    const shell = this.#toolboxShell(this.#toolboxEnv(pod));
    // A script comes on stdin (`bash -s`); anything else is a command line (the stop command: no processes here).
    if (options.stdin === undefined) return { stdout: '', stderr: '', exitCode: 0 };
    // bash -s: every line runs, the status is the last one's; stderr is merged (2>&1). A closed connection stops it.
    let output = '';
    let exitCode = 0;
    let pending: string[] = [];
    const run = async (text: string) => {
      const result = await shell.run(text, {
        stream: (chunk) => (output += chunk),
        ...(signal ? { signal } : {}),
      });
      output += result.output;
      exitCode = result.exitCode;
    };
    for (const line of options.stdin.split('\n')) {
      if (signal?.aborted) break;
      if (pending.length === 0 && (line.trim() === '' || line.trim().startsWith('#'))) continue;
      pending.push(line);
      const text = pending.join('\n');
      if (completeness(text).kind === 'incomplete') continue;
      pending = [];
      await run(text);
    }
    if (pending.length > 0 && !signal?.aborted) await run(pending.join('\n'));
    return { stdout: output, stderr: '', exitCode: signal?.aborted ? 130 : exitCode };
  }

  async openTty(
    namespace: string,
    pod: string,
    _container: string,
    _argv: string[],
    size: { cols: number; rows: number },
    handlers: TtyHandlers,
  ): Promise<TtySession> {
    if (namespace !== TOOLBOX_NAMESPACE) throw new Error('the simulated API server opens TTYs in toolboxes only');
    const shell = this.#toolboxShell(this.#toolboxEnv(pod));
    const terminal = new SimTerminal({
      shell,
      home: '/root',
      now: () => new Date(this.clock.now()),
      historyLines: DEFAULT_LIMITS.historyLines,
      inputLineChars: DEFAULT_LIMITS.inputLineChars,
    });
    terminal.resize(size.cols);
    terminal.onOutput((data) => handlers.onData(data));
    // What labsrc.sh's PROMPT_COMMAND prints after each command.
    terminal.onCommand((record) =>
      handlers.onData(`\x1b]633;E;${Buffer.from(record.line).toString('base64')}\x07\x1b]133;D;${record.exitCode}\x07`),
    );
    return {
      write: (data) => terminal.write(data),
      resize: (cols) => terminal.resize(cols),
      close: () => {
        terminal.close();
        handlers.onClose('the shell ended');
      },
    };
  }

  async logs(
    namespace: string,
    pod: string,
    container: string,
    options: { sinceTime?: string; tailLines?: number } = {},
  ): Promise<string> {
    await this.settle();
    return this.cluster.logs
      .read(namespace, pod, container, {
        ...(options.sinceTime ? { sinceMs: Date.parse(options.sinceTime) } : {}),
        ...(options.tailLines !== undefined ? { tail: options.tailLines } : {}),
      })
      .map((l) => `${l.text}\n`)
      .join('');
  }

  async portForward(namespace: string, pod: string, port: number): Promise<Duplex> {
    await this.settle();
    const target = this.cluster.get('Pod', namespace, pod);
    if (!target) throw new PortForwardError(`pods "${pod}" not found`);
    const nodePort = this.#nodePortFor(target, port);
    const [client, server] = duplexPair();
    const http = createServer((req, res) => void this.#forward(req, res, server, nodePort, pod, port));
    http.emit('connection', server);
    return client;
  }

  /** The node port of a Service in the pod's namespace that selects it and targets `port`. */
  #nodePortFor(pod: K8sObject, port: number): number | undefined {
    const labels = pod.metadata.labels ?? {};
    for (const svc of this.cluster.list('Service', pod.metadata.namespace)) {
      const spec = svc.spec as {
        selector?: Record<string, string>;
        ports?: { port: number; targetPort?: number | string; nodePort?: number }[];
      };
      if (!spec.selector || !Object.entries(spec.selector).every(([k, v]) => labels[k] === v)) continue;
      const match = spec.ports?.find((p) => (p.targetPort ?? p.port) === port && p.nodePort);
      if (match) return match.nodePort;
    }
    return undefined;
  }

  async #forward(
    req: IncomingMessage,
    res: ServerResponse,
    socket: Duplex,
    nodePort: number | undefined,
    pod: string,
    port: number,
  ): Promise<void> {
    const refused = (): void =>
      void socket.destroy(
        new PortForwardError(
          `error forwarding port ${port} to pod ${pod}: dial tcp4 127.0.0.1:${port}: connect: connection refused`,
        ),
      );
    if (nodePort === undefined) return refused();
    let body = '';
    for await (const chunk of req) body += String(chunk);
    const headers: [string, string][] = [];
    for (let i = 0; i < req.rawHeaders.length; i += 2) headers.push([req.rawHeaders[i]!, req.rawHeaders[i + 1]!]);
    const node = nodeAddresses(this.cluster)[0];
    const response = await this.network.request('outside', {
      method: req.method ?? 'GET',
      url: `http://${node}:${nodePort}${req.url ?? '/'}`,
      headers,
      body,
    });
    if (response.error) {
      if (response.error.curlExitCode === 7) return refused();
      return void socket.destroy(new Error(response.error.message));
    }
    res.statusCode = response.status;
    for (const [name, value] of response.headers)
      if (name.toLowerCase() !== 'content-length') res.appendHeader(name, value);
    res.end(response.body);
  }
}
