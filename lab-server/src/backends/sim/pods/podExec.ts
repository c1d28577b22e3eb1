/**
 * `kubectl exec` on the simulator: a command runs in a container's own small sandbox (its file system kept
 * for the pod's life, its environment, what its image has installed), with `curl` going out through the
 * pod's network (and so its sidecar).
 */
import { Bash, InMemoryFs, defineCommand, type Command } from 'just-bash';
import type { K8sObject } from '../../../contract.ts';
import { createCurlCommand } from '../shell/commands/curl/index.ts';
import { createDateCommand } from '../shell/commands/date/index.ts';
import { createBusyboxTimeCommand } from '../shell/commands/time/busybox.ts';
import { STREAM_AWARE_COMMANDS } from '../shell/orderedOutput.ts';
import { splitCommandNames } from '../shell/splitCommandName.ts';
import { orderStreams, streamOrderPlugin } from '../shell/streamOrder.ts';
import { createTimeKeywordCommands, rewriteTimeKeyword } from '../shell/timeKeyword.ts';
import type { PodEndpoint, PodExec, SimCommandHost } from '../types.ts';
import { createNcCommand } from './commands/nc.ts';
import { createNslookupCommand } from './commands/nslookup.ts';
import { createSudoCommand } from './commands/sudo.ts';
import { createTcpdumpCommand } from './commands/tcpdump.ts';
import { securityContextOf } from './commands/privileges.ts';
import { createWhichCommand } from './commands/which.ts';
import { createIdentityCommands, identityOf, type Identity } from './identity.ts';
import { imageProfile, type ImageProfile } from './images.ts';

/**
 * What a pod's resolver answers for an address (the PTR records CoreDNS serves): the pod's own name for its own
 * address, `a-b-c-d.<service>.<namespace>.svc.cluster.local` for a pod behind a Service, else the address.
 */
function reverseName(cluster: SimCommandHost['cluster'], ip: string, self: string): string {
  const pod = cluster.list('Pod').find((p) => (p.status as { podIP?: string } | undefined)?.podIP === ip);
  if (!pod) return ip;
  if (pod.metadata.name === self) return self;
  const labels = pod.metadata.labels ?? {};
  const svc = cluster.list('Service', pod.metadata.namespace).find((s) => {
    const selector = (s.spec as { selector?: Record<string, string> } | undefined)?.selector;
    return selector && Object.keys(selector).length > 0 && Object.entries(selector).every(([k, v]) => labels[k] === v);
  });
  return svc ? `${ip.replace(/\./g, '-')}.${svc.metadata.name}.${pod.metadata.namespace}.svc.cluster.local` : ip;
}

/** Commands of the images that the simulator provides itself (the rest are just-bash's own). */
const SIMULATED = [
  'curl',
  'hostname',
  'time',
  'date',
  'nc',
  'nslookup',
  'which',
  'sudo',
  'tcpdump',
  'id',
  'whoami',
  'pilot-agent',
  'envoy',
  'python',
  'python3',
  'node',
  'ruby',
  'java',
  'jq',
];

interface ContainerSpec {
  name: string;
  image?: string;
  env?: { name: string; value?: string }[];
  restartPolicy?: string;
}

function ociNotFound(binary: string): string {
  return (
    `OCI runtime exec failed: exec failed: unable to start container ` +
    `process: exec: "${binary}": executable file not found in $PATH: unknown\n`
  );
}

function quoteArg(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** A `PodExec` over the simulated cluster; `host` supplies the cluster, network and clock. */
export class SimPodExec implements PodExec {
  readonly #host: () => SimCommandHost;
  readonly #fileSystems = new Map<string, InMemoryFs>();

  constructor(host: () => SimCommandHost) {
    this.#host = host;
  }

  async exec(
    target: PodEndpoint,
    argv: string[],
    options: {
      stdin?: string;
      signal?: AbortSignal;
      stream?: (text: string) => void;
      streams?: { merged: boolean; terminal: boolean };
    },
  ): Promise<{ stdout: string; stderr: string; exitCode: number }> {
    const host = this.#host();
    const pod = host.cluster.get('Pod', target.namespace, target.pod);
    if (!pod)
      return { stdout: '', stderr: `Error from server (NotFound): pods "${target.pod}" not found\n`, exitCode: 1 };
    const spec = (pod.spec ?? {}) as {
      containers?: ContainerSpec[];
      initContainers?: ContainerSpec[];
      ephemeralContainers?: ContainerSpec[];
    };
    // A native sidecar (an init container that keeps running) or a debug container runs like any other.
    const container = [
      ...(spec.containers ?? []),
      ...(spec.initContainers ?? []),
      ...(spec.ephemeralContainers ?? []),
    ].find((c) => c.name === target.container);
    if (!container)
      return {
        stdout: '',
        stderr: `error: unable to upgrade connection: container ${target.container} not found in pod ${target.pod}\n`,
        exitCode: 1,
      };
    const status = (pod.status ?? {}) as {
      phase?: string;
      containerStatuses?: { name: string; state?: { running?: unknown } }[];
      initContainerStatuses?: { name: string; state?: { running?: unknown } }[];
      ephemeralContainerStatuses?: { name: string; state?: { running?: unknown } }[];
    };
    const running =
      status.phase === 'Running' &&
      ([
        ...(status.containerStatuses ?? []),
        ...(status.initContainerStatuses ?? []),
        ...(status.ephemeralContainerStatuses ?? []),
      ].find((c) => c.name === target.container)?.state?.running ??
        status.phase === 'Running');
    if (!running)
      return {
        stdout: '',
        stderr: `error: unable to upgrade connection: container not found ("${target.container}")\n`,
        exitCode: 1,
      };
    if (argv.length === 0)
      return { stdout: '', stderr: 'error: you must specify at least one command for the container\n', exitCode: 1 };

    const profile = imageProfile(container.image ?? '');
    const [binary, ...rest] = argv;
    const base = binary!.split('/').at(-1)!;
    let script: string;
    if (profile.shells.includes(base) && rest[0] === '-c') script = rest[1] ?? '';
    else if (profile.shells.includes(base) && rest.length === 0) script = options.stdin ?? '';
    else if (profile.shells.includes(base) || profile.commands.includes(base)) script = argv.map(quoteArg).join(' ');
    else return { stdout: '', stderr: ociNotFound(binary!), exitCode: 126 };

    // BusyBox images have the `time` applet and no keyword; bash images time pipelines on the environment's clock.
    const busybox = profile.commands.includes('time');
    const keyword = createTimeKeywordCommands(host.clock);
    const identity = identityOf(profile, securityContextOf(pod, container.name));
    const workdir = profile.workdir ?? '/';
    const bash = new Bash({
      fs: this.#fs(pod, container.name, [workdir, identity.home]),
      cwd: workdir,
      env: this.#env(pod, container, identity),
      commands: profile.commands.filter((c) => !SIMULATED.includes(c)) as never,
      customCommands: [
        ...this.#commands(profile, identity, target, options.stream),
        ...(busybox ? [] : keyword.commands),
      ],
      sleep: (ms) => host.clock.sleep(ms, options.signal).catch(() => undefined),
      processInfo: { pid: 1, ppid: 0, uid: identity.uid, gid: identity.gid },
    });
    // Scripts run inside the script (`sh -c`, `xargs`) are rewritten as processes of their own.
    const streamOrder = streamOrderPlugin(STREAM_AWARE_COMMANDS);
    bash.registerTransformPlugin(streamOrder);
    streamOrder.skipNext();
    // The process's two streams as kubectl set them up: in one place (a TTY, kubectl's `2>&1`), every command
    // writes in order and the whole script's output comes back on stdout.
    const streams = options.streams ?? { merged: false, terminal: false };
    const rewritten = orderStreams(rewriteTimeKeyword(splitCommandNames(script), busybox ? 'busybox' : 'bash'), {
      ...streams,
      writers: STREAM_AWARE_COMMANDS,
    });
    const result = await bash.exec(streams.merged ? `{\n${rewritten}\n} 2>&1` : rewritten, {
      rawScript: true,
      ...(options.stdin !== undefined ? { stdin: options.stdin } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    });
    // Inside a container, unknown commands are sh's "not found", not bash's.
    const sh = (text: string) => text.replace(/^bash: (.+): command not found$/gm, 'sh: $1: not found');
    return {
      stdout: streams.merged ? sh(result.stdout) : result.stdout,
      stderr: sh(result.stderr),
      exitCode: result.exitCode,
    };
  }

  /** Forgets the file systems of pods that no longer exist. */
  prune(liveUids: Set<string>): void {
    for (const key of this.#fileSystems.keys()) if (!liveUids.has(key.split('/')[0]!)) this.#fileSystems.delete(key);
  }

  /** A container's own file system (each container has its image's root), kept for the pod's life. */
  #fs(pod: K8sObject, container: string, directories: string[]): InMemoryFs {
    const key = `${pod.metadata.uid ?? `${pod.metadata.namespace}.${pod.metadata.name}`}/${container}`;
    let fs = this.#fileSystems.get(key);
    if (!fs) {
      fs = new InMemoryFs({
        '/etc/hostname': `${pod.metadata.name}\n`,
        '/etc/resolv.conf':
          `search ${pod.metadata.namespace}.svc.cluster.local svc.cluster.local ` +
          `cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n`,
        '/etc/hosts':
          `127.0.0.1\tlocalhost\n${String((pod.status as { podIP?: string } | undefined)?.podIP ?? '')}` +
          `\t${pod.metadata.name}\n`,
      });
      for (const dir of ['/tmp', ...directories]) fs.mkdirSync(dir, { recursive: true });
      this.#fileSystems.set(key, fs);
    }
    return fs;
  }

  #env(pod: K8sObject, container: ContainerSpec, identity: Identity): Record<string, string> {
    const env: Record<string, string> = {
      PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
      HOSTNAME: pod.metadata.name,
      HOME: identity.home,
      KUBERNETES_SERVICE_HOST: '10.96.0.1',
      KUBERNETES_SERVICE_PORT: '443',
    };
    for (const e of container.env ?? []) if (e.value !== undefined) env[e.name] = e.value;
    return env;
  }

  #commands(
    profile: ImageProfile,
    identity: Identity,
    target: PodEndpoint,
    stream: ((text: string) => void) | undefined,
  ): Command[] {
    const available = profile.commands;
    const host = this.#host();
    const pod = () => this.#host().cluster.get('Pod', target.namespace, target.pod);
    const commands: Command[] = [createWhichCommand(profile)];
    if (available.includes('curl')) commands.push(createCurlCommand(host, target));
    if (available.includes('time')) commands.push(createBusyboxTimeCommand(host.clock));
    // The container's clock is the environment's: ages, logs and `date` agree after a `sleep`.
    if (available.includes('date')) commands.push(createDateCommand(() => host.clock.now()));
    if (available.includes('nc'))
      commands.push(createNcCommand(host, target, profile.base === 'alpine' ? 'busybox' : 'openbsd'));
    if (available.includes('nslookup')) commands.push(createNslookupCommand(host, target));
    if (available.includes('sudo')) commands.push(createSudoCommand(pod, target.container, identity));
    if (available.includes('tcpdump'))
      commands.push(
        createTcpdumpCommand({
          pod,
          container: target.container,
          root: identity.uid === 0,
          clock: host.clock,
          network: host.network,
          nameOf: (ip) => reverseName(this.#host().cluster, ip, target.pod),
          ...(stream ? { stream } : {}),
        }),
      );
    commands.push(...createIdentityCommands(profile, identity).filter((c) => available.includes(c.name)));
    // A container's host name is its pod's name (just-bash's own `hostname` answers `localhost`).
    if (available.includes('hostname'))
      commands.push(
        defineCommand('hostname', async (_args, ctx) => ({
          stdout: await ctx.fs.readFile('/etc/hostname').catch(() => `${target.pod}\n`),
          stderr: '',
          exitCode: 0,
        })),
      );
    return commands;
  }
}
