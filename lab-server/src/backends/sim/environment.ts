/**
 * One learner's chapter on the simulator: a simulated cluster with Istio's data plane, a shared file system
 * with the samples, and the shells and terminals that drive them. Implements the backend contract.
 */
import { randomInt } from 'node:crypto';
import { InMemoryFs } from 'just-bash';
import type {
  CommandRecord,
  ContainerRef,
  ExecResult,
  FrozenEnvironment,
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
import type { Lab } from '../../labs/schema.ts';
import { SimulationClock, type ClockMode } from './clock.ts';
import { createSimCluster, type ClusterSnapshot, type SnapshottableCluster } from './cluster/index.ts';
import type { SimLimits } from './limits.ts';
import { gatewayApiEntry } from './mesh/gatewayApiEntry.ts';
import { createSimNetwork, type SimNetworkWithIdle } from './mesh/index.ts';
import { SimPodExec } from './pods/podExec.ts';
import { createRandom, type SeekableRandom } from './random.ts';
import { FrozenStates } from './frozenStates.ts';
import type { StartingState, StartingStateSource } from './startingStates.ts';
import { loadSamples } from './samples.ts';
import { createCurlCommand } from './shell/commands/curl/index.ts';
import { createIstioctlCommand } from './shell/commands/istioctl/index.ts';
import { createKubectlCommand } from './shell/commands/kubectl/index.ts';
import { createPython3Command } from './shell/commands/python3/index.ts';
import { createDateCommand } from './shell/commands/date/index.ts';
import { createWatchCommand } from './shell/commands/watch/index.ts';
import { PendingInput } from './shell/completeness.ts';
import { completeWord } from './shell/completion.ts';
import { copyMemoryFs, markLaidOut } from './shell/fsTemplate.ts';
import { BUILTIN_COMMANDS, LabShell } from './shell/labShell.ts';
import { SimTerminal } from './shell/terminal.ts';
import type { PodEndpoint, SimCluster, SimCommandHost } from './types.ts';
import { pickContainer, pickPod } from '../../kube/pods.ts';
import { runHttpSeries, type SeriesRunner } from '../../traffic/series.ts';

/** The shell's home: the samples are under `~/samples`, as in the kind backend's toolbox. */
export const HOME = '/root';

/** The ingress gateway as seen from the learner's machine: kind's port mappings on 127.0.0.1. */
const INGRESS_HTTP = '127.0.0.1:8080';
const INGRESS_HTTPS = '127.0.0.1:8443';

const BANNER =
  '\x1b[2mistio-labs (simulator): Kubernetes v1.34 (kind) · Istio 1.30 · type kubectl, istioctl, curl ...\x1b[0m\r\n';

/**
 * The samples, made on first read or listing (encoding all of them for every environment made a class's
 * environments cost milliseconds each, and most learners open a handful), bounded in size.
 */
function samplesFs(maxTotalBytes: number): InMemoryFs {
  return new InMemoryFs(
    Object.fromEntries([...loadSamples()].map(([path, text]) => [`${HOME}/samples/${path}`, () => text])),
    { maxTotalBytes },
  );
}

/** What every environment's file system starts as in this thread (`#makeFs`). */
let fsTemplate: { fs: InMemoryFs; commands: ReadonlySet<string> } | undefined;

/** Idle script shells kept per environment (scripts rarely run concurrently). */
const SCRIPT_SHELLS_KEPT = 2;

/** How an environment is made. */
export interface SimEnvironmentOptions {
  lab: Lab;
  seed: number;
  clock: ClockMode;
  limits: SimLimits;
  /**
   * Where the chapter's shared starting state comes from; without it, every prepare runs the setup. The state is
   * made with `setupSeed` when given, after which each environment draws from its own `seed` (environments of
   * many seeds share one state, and one rebuilt elsewhere starts from the very same one); without `setupSeed`
   * the state is made with `seed` and an environment started from it continues its sequence, exactly as if it
   * had set up itself.
   */
  startingState?: { source: StartingStateSource; setupSeed?: number };
  /**
   * The clock's reading once prepared (ms since the epoch), when later than the starting state allows: an
   * environment rebuilt from a journal takes over the clock of the one it replaces, so what it replays happens at
   * the times it first happened (access logs, events), not all at the moment of the rebuild.
   */
  clockAt?: number;
  /** With `clockAt`: how far the chapter's setup runs the clock (a rebuild that sets up starts that much earlier). */
  setupLeadMs?: number;
}

type Host = SimCommandHost & { cluster: SimCluster };

/** Real time a rebuild's own setup may take before it would end after the moment it must start at (ms). */
const REBUILD_SETUP_MARGIN_MS = 10_000;

interface World {
  cluster: SnapshottableCluster;
  network: SimNetworkWithIdle;
}

/** A `LabEnvironment` on the simulator. */
export class SimEnvironment implements LabEnvironment {
  readonly labId: string;
  readonly #lab: Lab;
  readonly #limits: SimLimits;
  readonly #clock: SimulationClock;
  readonly #random: SeekableRandom;
  readonly #seed: number;
  readonly #startingState: SimEnvironmentOptions['startingState'];
  readonly #options: SimEnvironmentOptions;
  /** States this environment's commands left, for checks that judge them later (`frozen`). */
  readonly #states = new FrozenStates();
  /** Made on first use (`#fs`): a frozen state a check only reads never needs one, and making it was most of a fork. */
  #madeFs: InMemoryFs | undefined;
  readonly #pods: SimPodExec;
  readonly #hosts = new Set<Host>();
  readonly #terminals = new Set<TerminalChannel>();
  readonly #history: CommandRecord[] = [];
  /** Shells of finished scripts, ready for the next one. */
  readonly #scriptShells: LabShell[] = [];
  /** Made on first use: from a shared starting state when prepare finds one, else fresh. */
  #madeWorld: World | undefined;
  /**
   * Names the current world in `objectsRevision`, new with each world: a store's versions count from its starting
   * state, so the same version in a world made since (a reset) can hold other objects.
   */
  #lineage = 0;
  #prepared: Promise<void> | undefined;
  #shells = 0;
  #disposed = false;
  /** `SimEnvironmentOptions.clockAt`, until the first setup has used it. */
  #clockAt: number | undefined;

  constructor(options: SimEnvironmentOptions) {
    this.#options = options;
    this.labId = options.lab.id;
    this.#lab = options.lab;
    this.#limits = options.limits;
    this.#clock = new SimulationClock(options.clock);
    this.#seed = options.seed;
    this.#startingState = options.startingState;
    this.#clockAt = options.clockAt;
    this.#random = createRandom(options.startingState?.setupSeed ?? options.seed);
    this.#pods = new SimPodExec(() => this.#host());
  }

  get #fs(): InMemoryFs {
    this.#madeFs ??= this.#makeFs();
    return this.#madeFs;
  }

  /** The current world (a fresh one when none was made yet). */
  get #world(): World {
    if (!this.#madeWorld) this.#useWorld(this.#makeWorld());
    return this.#madeWorld!;
  }

  /** Swaps the world under every host and shell of this environment. */
  #useWorld(world: World): void {
    this.#madeWorld = world;
    this.#lineage = randomInt(1, 2 ** 47);
    for (const host of this.#hosts) {
      host.cluster = world.cluster;
      host.network = world.network;
    }
  }

  /**
   * A file system with the samples and the shells' layout, bounded in size: a copy of the thread's template
   * (fsTemplate.ts), made the slow way only when it cannot be copied.
   */
  #makeFs(): InMemoryFs {
    fsTemplate ??= this.#makeFsTemplate();
    const copy = copyMemoryFs(
      fsTemplate.fs,
      new InMemoryFs(undefined, { maxTotalBytes: this.#limits.fileSystemBytes }),
    );
    if (!copy) return samplesFs(this.#limits.fileSystemBytes);
    markLaidOut(copy, fsTemplate.commands);
    return copy;
  }

  /** The template: the samples, and what a shell of this environment writes when it is made (its stubs, /dev, /proc). */
  #makeFsTemplate(): { fs: InMemoryFs; commands: ReadonlySet<string> } {
    const fs = samplesFs(Number.MAX_SAFE_INTEGER);
    // The shell is never run, only made, for what its just-bash writes: its host reads the world only when used.
    const world = () => this.#world;
    const host: Host = {
      get cluster() {
        return world().cluster;
      },
      get network() {
        return world().network;
      },
      pods: this.#pods,
      clock: this.#clock,
      random: this.#random,
      samples: loadSamples(),
    };
    return { fs, commands: this.#shellOn(fs, host, 'template').commandNames };
  }

  #makeWorld(from?: ClusterSnapshot): World {
    const cluster = createSimCluster({
      clock: this.#clock,
      random: this.#random,
      limits: {
        maxObjects: this.#limits.maxObjects,
        maxBytes: this.#limits.maxObjectBytes,
        logChars: this.#limits.logChars,
      },
      ...(from ? { from } : {}),
    });
    const network = createSimNetwork({ cluster, clock: this.#clock, random: this.#random });
    return { cluster, network };
  }

  /** A command host on the current world (reset swaps the world under every host). */
  #host(): Host {
    return {
      cluster: this.#world.cluster,
      network: this.#world.network,
      pods: this.#pods,
      clock: this.#clock,
      random: this.#random,
      samples: loadSamples(),
    };
  }

  #shell(): LabShell {
    const host = this.#host();
    this.#hosts.add(host);
    return this.#shellOn(this.#fs, host, String(++this.#shells));
  }

  #shellOn(fs: InMemoryFs, host: Host, id: string): LabShell {
    const commands = [
      createKubectlCommand(host),
      createIstioctlCommand(host),
      createCurlCommand(host, 'outside'),
      createPython3Command('python3'),
      createPython3Command('python'),
      createDateCommand(() => this.#clock.now()),
    ];
    return new LabShell({
      fs,
      commands: [...commands, createWatchCommand(host)],
      io: host,
      clock: this.#clock,
      limits: this.#limits,
      home: HOME,
      env: { USER: 'root', LANG: 'C.UTF-8' },
      id,
    });
  }

  prepare(): Promise<void> {
    this.#prepared ??= this.#setUp().catch((error) => {
      this.#prepared = undefined;
      throw error;
    });
    return this.#prepared;
  }

  /**
   * Starts from the chapter's shared starting state when there is one (or one being made), else runs the
   * chapter's setup with time warped, so pods start without the learner waiting, and shares the result.
   */
  async #setUp(): Promise<void> {
    // Once: a reset later starts from the chapter's state like any environment's.
    const clockAt = this.#clockAt;
    this.#clockAt = undefined;
    if (clockAt !== undefined && !this.#madeWorld) return this.#setUpAt(clockAt);
    const source = this.#madeWorld ? undefined : this.#startingState?.source;
    const setupSeed = this.#startingState?.setupSeed;
    if (setupSeed !== undefined) this.#random.seek(setupSeed);
    const shared = await source?.take();
    if (shared && !this.#madeWorld) {
      this.#startFrom(shared);
      if (setupSeed !== undefined) this.#random.seek(this.#seed);
      return;
    }
    try {
      await this.#runSetup();
    } catch (error) {
      source?.withdraw();
      throw error;
    }
    source?.offer({
      cluster: this.#world.cluster.snapshot(),
      clockLeadMs: this.#clock.now() - Date.now(),
      randomPosition: this.#random.position(),
      takenAt: Date.now(),
    });
    if (setupSeed !== undefined) this.#random.seek(this.#seed);
  }

  /**
   * A rebuild's start (`clockAt`): from the chapter's snapshot when it is older than that moment, else a setup of
   * its own timed to end there (a snapshot taken later holds objects and logs from after it). Nothing is offered:
   * this environment's clock is not the wall clock's.
   */
  async #setUpAt(clockAt: number): Promise<void> {
    const ready = this.#startingState?.source.ready?.();
    const setupSeed = this.#startingState?.setupSeed;
    if (ready && ready.takenAt + ready.clockLeadMs <= clockAt) {
      this.#clock.jumpTo(clockAt);
      this.#random.seek(ready.randomPosition);
      this.#useWorld(this.#makeWorld(ready.cluster));
      if (setupSeed !== undefined) this.#random.seek(this.#seed);
      return;
    }
    if (setupSeed !== undefined) this.#random.seek(setupSeed);
    // The setup runs its clock forward by a snapshot's lead, plus the real time it takes: start that much earlier
    // (and a margin for a busy machine), so it ends before `clockAt`, then move on to it.
    const lead = Math.max(0, ready?.clockLeadMs ?? this.#options.setupLeadMs ?? 0);
    this.#clock.jumpTo(clockAt - lead - REBUILD_SETUP_MARGIN_MS);
    await this.#runSetup();
    if (setupSeed !== undefined) this.#random.seek(this.#seed);
    if (clockAt > this.#clock.now()) await this.#clock.advance(clockAt - this.#clock.now());
  }

  /** Runs the chapter's setup with time warped, until the cluster and the network have settled. */
  async #runSetup(): Promise<void> {
    await this.#clock.warp(async () => {
      await this.#world.cluster.idle();
      const result = await this.runScript(this.#lab.setup);
      if (result.exitCode !== 0)
        throw new Error(
          `the starting state of "${this.#lab.id}" could not be set up (exit ${result.exitCode}):\n${result.output}`,
        );
      await this.#world.cluster.idle();
      await this.#world.network.idle();
    });
  }

  /**
   * The environment as it stands, frozen (the cluster's objects and logs, the clock's lead, the random sequence's
   * place), for another environment to start from (`startingState`), e.g. to check this moment later; undefined
   * while the controllers have work to do, when no exact copy can be taken.
   */
  freeze(): StartingState | undefined {
    if (!this.#madeWorld) return undefined;
    let cluster: ClusterSnapshot;
    try {
      cluster = this.#madeWorld.cluster.snapshot();
    } catch {
      return undefined;
    }
    const takenAt = Date.now();
    return { cluster, clockLeadMs: this.#clock.now() - takenAt, randomPosition: this.#random.position(), takenAt };
  }

  /** Becomes the environment that made `state`, as it was then: its clock's lead, objects, logs (and sequence). */
  #startFrom(state: StartingState): void {
    this.#clock.jumpTo(Date.now() + state.clockLeadMs);
    this.#random.seek(state.randomPosition);
    this.#useWorld(this.#makeWorld(state.cluster));
  }

  /** Puts the file system back as the environment was made: learners' files gone, tampered samples restored. */
  async #restoreFs(): Promise<void> {
    const samples = new Map<string, string>(
      [...loadSamples()].map(([path, text]) => [`${HOME}/samples/${path}`, text]),
    );
    const kept = /^\/(bin|usr|dev|proc|sys|etc|\.labs)(\/|$)|^\/tmp$/;
    const paths = this.#fs.getAllPaths().sort((a, b) => b.length - a.length);
    for (const path of paths) {
      if (path === '/' || kept.test(path) || samples.has(path)) continue;
      if ([...samples.keys()].some((s) => s.startsWith(`${path}/`)) || path === HOME) continue;
      await this.#fs.rm(path, { recursive: true, force: true }).catch(() => undefined);
    }
    for (const [path, text] of samples) {
      const same = await this.#fs.readFile(path).then(
        (current) => current === text,
        () => false,
      );
      if (!same) {
        await this.#fs.rm(path, { recursive: true, force: true }).catch(() => undefined);
        await this.#fs.mkdir(path.slice(0, path.lastIndexOf('/')), { recursive: true });
        await this.#fs.writeFile(path, text);
      }
    }
  }

  async reset(): Promise<void> {
    this.#states.clear();
    await this.#restoreFs();
    this.#madeWorld = undefined;
    this.#prepared = undefined;
    // The shells made before keep working: prepare swaps the new world (fresh or from a shared state) under them.
    await this.prepare();
  }

  openTerminal(options: TerminalOptions): TerminalChannel {
    const shell = this.#shell();
    const terminal = new SimTerminal({
      shell,
      home: HOME,
      now: () => this.now(),
      historyLines: this.#limits.historyLines,
      inputLineChars: this.#limits.inputLineChars,
      typeAheadChars: this.#limits.typeAheadChars,
      banner: BANNER,
      complete: (line, cursor, cwd) =>
        completeWord(line, cursor, cwd, this.#fs, [
          ...BUILTIN_COMMANDS,
          'kubectl',
          'istioctl',
          'curl',
          'python3',
          'watch',
        ]),
    });
    terminal.resize(options.cols);
    // Registered first, so every other listener gets the record with the state its command left.
    terminal.onCommand((record) => {
      const state = this.#states.keep(this.freeze());
      if (state !== undefined) record.state = state;
      const objects = this.#objectsRevision();
      if (objects !== undefined) record.objects = objects;
      this.#history.push(record);
      if (this.#history.length > 1000) this.#history.shift();
    });
    this.#terminals.add(terminal);
    const close = terminal.close.bind(terminal);
    terminal.close = () => {
      this.#terminals.delete(terminal);
      close();
    };
    return terminal;
  }

  async runScript(script: string, options: { signal?: AbortSignal } = {}): Promise<ScriptResult> {
    // A shell costs milliseconds to make (just-bash registers its commands) and a script starts from a new
    // shell's state anyway: idle script shells are reset and reused.
    const shell = this.#scriptShells.pop()?.reset() ?? this.#shell();
    try {
      return await this.#runLines(shell, script, options);
    } finally {
      if (this.#scriptShells.length < SCRIPT_SHELLS_KEPT) this.#scriptShells.push(shell);
    }
  }

  async #runLines(shell: LabShell, script: string, options: { signal?: AbortSignal }): Promise<ScriptResult> {
    let output = '';
    let exitCode = 0;
    const pending = new PendingInput();
    const run = async (text: string) => {
      const result = await shell.run(text, {
        ...(options.signal ? { signal: options.signal } : {}),
        stream: (chunk) => (output += chunk),
        // The output is captured, as `bash -c` under `$(...)` captures it: no terminal.
        terminal: false,
      });
      output += result.output;
      exitCode = result.exitCode;
    };
    for (const line of script.replace(/\r\n/g, '\n').split('\n')) {
      if (options.signal?.aborted) break;
      if (pending.lines.length === 0 && (line.trim() === '' || line.trim().startsWith('#'))) continue;
      if (pending.add(line).kind === 'incomplete') continue;
      const text = pending.text;
      pending.clear();
      await run(text);
    }
    // An unfinished heredoc or quote at the end: bash runs what it has and complains.
    if (pending.lines.length > 0) await run(pending.text);
    return { output, exitCode };
  }

  async get(ref: ObjectRef): Promise<K8sObject | null> {
    return this.#world.cluster.get(ref.kind, ref.namespace, ref.name) ?? null;
  }

  async list(query: ObjectQuery): Promise<K8sObject[]> {
    return this.#world.cluster.list(query.kind, query.namespace, query.labelSelector);
  }

  /** The pod and container a `ContainerRef` names, or a kubectl-worded reason why none. */
  #resolve(target: ContainerRef): PodEndpoint | { error: string } {
    const cluster = this.#world.cluster;
    let pod: K8sObject | undefined;
    if (target.pod) {
      pod = cluster.get('Pod', target.namespace, target.pod);
      if (!pod) return { error: `Error from server (NotFound): pods "${target.pod}" not found` };
    } else {
      pod = pickPod(cluster.list('Pod', target.namespace, target.selector));
      if (!pod)
        return {
          error: `error: no running pod in namespace ${target.namespace} matches selector "${target.selector ?? ''}"`,
        };
    }
    const picked = pickContainer(pod, target.container);
    if ('error' in picked) return picked;
    const { container } = picked;
    return { namespace: pod.metadata.namespace ?? target.namespace, pod: pod.metadata.name, container };
  }

  async exec(
    target: ContainerRef,
    argv: string[],
    options: { stdin?: string; timeoutMs?: number } = {},
  ): Promise<ExecResult> {
    const endpoint = this.#resolve(target);
    if ('error' in endpoint) return { stdout: '', stderr: `${endpoint.error}\n`, exitCode: 1 };
    const signal = options.timeoutMs ? AbortSignal.timeout(options.timeoutMs) : undefined;
    return this.#pods.exec(endpoint, argv, {
      ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
      ...(signal ? { signal } : {}),
    });
  }

  async logs(target: ContainerRef, options: { sinceTime?: string; tail?: number } = {}): Promise<string> {
    const endpoint = this.#resolve(target);
    if ('error' in endpoint) throw new Error(endpoint.error);
    const lines = this.#world.cluster.logs.read(endpoint.namespace, endpoint.pod, endpoint.container, {
      ...(options.sinceTime ? { sinceMs: Date.parse(options.sinceTime) } : {}),
      ...(options.tail !== undefined ? { tail: options.tail } : {}),
    });
    return lines.map((l) => `${l.text}\n`).join('');
  }

  async http(origin: HttpOrigin, request: HttpRequest): Promise<HttpResult> {
    let url: URL;
    try {
      url = new URL(request.url);
    } catch {
      return {
        status: 0,
        headers: {},
        body: '',
        durationMs: 0,
        error: { curlExitCode: 3, message: `URL rejected: Malformed input to a URL function` },
      };
    }
    let from: PodEndpoint | 'outside' = 'outside';
    let host = url.host;
    if (origin.kind === 'outside' && origin.gateway) {
      // As if DNS named the Gateway's address: the URL's port is the listener's, the URL's host the Host header.
      const port = Number(url.port) || (url.protocol === 'https:' ? 443 : 80);
      const entry = gatewayApiEntry(this.#world.cluster, origin.gateway, port);
      if ('refused' in entry) {
        const message = `Failed to connect to ${url.hostname} port ${port} after 0 ms: Couldn't connect to server`;
        return { status: 0, headers: {}, body: '', durationMs: 0, error: { curlExitCode: 7, message } };
      }
      const named = url.hostname;
      url = new URL(`${url.protocol}//${entry.address}${url.pathname}${url.search}`);
      if (named === 'ingress') host = url.host;
    } else if (origin.kind === 'outside') {
      if (url.hostname === 'ingress')
        url = new URL(
          `${url.protocol}//${url.protocol === 'https:' ? INGRESS_HTTPS : INGRESS_HTTP}${url.pathname}${url.search}`,
        );
      host = url.host;
    } else {
      const endpoint = this.#resolve(origin.target);
      if ('error' in endpoint)
        return { status: 0, headers: {}, body: '', durationMs: 0, error: { curlExitCode: 7, message: endpoint.error } };
      from = endpoint;
    }
    const given = Object.entries(request.headers ?? {});
    const has = (name: string) => given.some(([k]) => k.toLowerCase() === name);
    const headers: [string, string][] = [
      ...(has('host') ? [] : [['Host', host] as [string, string]]),
      ...(has('user-agent') ? [] : [['User-Agent', 'curl/8.16.0'] as [string, string]]),
      ...(has('accept') ? [] : [['Accept', '*/*'] as [string, string]]),
      ...given,
    ];
    const response = await this.#world.network.request(from, {
      method: request.method ?? 'GET',
      url: url.href,
      headers,
      body: request.body ?? '',
      ...(request.timeoutMs !== undefined ? { timeoutMs: request.timeoutMs } : {}),
    });
    if (response.error)
      return { status: 0, headers: {}, body: '', durationMs: response.durationMs, error: response.error };
    const out: Record<string, string> = {};
    for (const [k, v] of response.headers)
      out[k.toLowerCase()] = out[k.toLowerCase()] !== undefined ? `${out[k.toLowerCase()]}, ${v}` : v;
    return { status: response.status, headers: out, body: response.body, durationMs: response.durationMs };
  }

  /**
   * A traffic check's requests, classified here (`LabEnvironment.httpSeries`): the check's own loop over `http`;
   * `pace` may hold each request back (the pool's worker paces a busy environment's traffic).
   */
  httpSeries(
    origin: HttpOrigin,
    request: HttpRequest,
    options: HttpSeriesOptions,
    signal?: AbortSignal,
    pace?: SeriesRunner['pace'],
  ): Promise<HttpSeriesResult> {
    const runner: SeriesRunner = {
      http: (o, r) => this.http(o, r),
      ...(signal ? { signal } : {}),
      ...(pace ? { pace } : {}),
    };
    return runHttpSeries(runner, origin, request, options);
  }

  /** Moves this environment's clock on by `ms` at once, firing what falls due meanwhile (a pause between steps). */
  advanceClock(ms: number): Promise<void> {
    return this.#clock.advance(ms);
  }

  /** Runs `task` with the clock running virtually: rebuilding from a journal replays its sleeps without waiting. */
  warp<T>(task: () => Promise<T>): Promise<T> {
    return this.#clock.warp(task);
  }

  history(): CommandRecord[] {
    return [...this.#history];
  }

  /** The state the command of `record` left, made into an environment of its own (see `frozenStates.ts`). */
  async frozen(record: CommandRecord): Promise<(SimEnvironment & FrozenEnvironment) | undefined> {
    const key = record.state;
    const state = key !== undefined ? this.#states.get(key) : undefined;
    if (key === undefined || !state) return undefined;
    const upTo = this.#history.indexOf(record);
    const copy = new FrozenSimEnvironment(
      { ...this.#options, startingState: { source: fixedSource(state) } },
      upTo >= 0 ? this.#history.slice(0, upTo + 1) : this.#history.filter((h) => h.at <= record.at),
      () => this.judgedUpTo(key),
    );
    await copy.prepare();
    return copy;
  }

  /** This world and its store's resource version (`LabEnvironment.objectsRevision`); undefined before the first. */
  #objectsRevision(): string | undefined {
    const world = this.#madeWorld;
    return world ? `${this.#lineage}.${world.cluster.objectsVersion}` : undefined;
  }

  async objectsRevision(): Promise<string | undefined> {
    return this.#objectsRevision();
  }

  /** The states up to `key` (`CommandRecord.state`) have been judged: they need not be kept. */
  judgedUpTo(key: number): void {
    this.#states.judged(key);
  }

  /**
   * The simulated istiod pushes configuration to the proxies as it is stored, so what is left to wait for is
   * the controllers converging, pods still starting (on the clock) and mirrored copies in flight.
   */
  async settled(signal?: AbortSignal): Promise<void> {
    const world = this.#world;
    const done = Promise.all([world.cluster.idle(), world.network.idle()]);
    if (!signal) return void (await done);
    signal.throwIfAborted();
    await new Promise<void>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      done.then(
        () => {
          signal.removeEventListener('abort', onAbort);
          resolve();
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      );
    });
  }

  now(): Date {
    return new Date(this.#clock.now());
  }

  async dispose(): Promise<void> {
    if (this.#disposed) return;
    this.#disposed = true;
    for (const terminal of [...this.#terminals]) terminal.close();
    this.#hosts.clear();
    this.#clock.dispose();
  }
}

/** A starting-state source that always has `state`. */
function fixedSource(state: StartingState): StartingStateSource {
  return { take: async () => state, offer: () => undefined, withdraw: () => undefined };
}

/** An environment made from a state another one's command left: that environment's history up to then. */
class FrozenSimEnvironment extends SimEnvironment implements FrozenEnvironment {
  readonly #history: CommandRecord[];
  readonly #judged: () => void;

  constructor(options: SimEnvironmentOptions, history: CommandRecord[], judged: () => void) {
    super(options);
    this.#history = history;
    this.#judged = judged;
  }

  override history(): CommandRecord[] {
    return [...this.#history];
  }

  async judged(): Promise<void> {
    this.#judged();
  }
}
