/**
 * `kubectl run`: creates a Pod (label `run=NAME`) from an image, with `--env`, `--labels`, `--port`, `--expose`,
 * `--command`, `--restart`, `--dry-run` and `-o`. Attached (`-i`, `-t`, `--attach`), it waits for the pod, runs the
 * container's process (the image's entrypoint with the arguments, or `--command`) and prints what it printed, then
 * deletes the pod with `--rm`. An interactive shell needs a terminal the lab shell cannot hand over, and says so.
 */
import { OrderedOutput } from '../../orderedOutput.ts';
import type { K8sObject } from '../../../../../contract.ts';
import { imageProfile } from '../../../pods/images.ts';
import { flag, type FlagSpec, type ParsedArgs } from './args.ts';
import type { CommandContext, Output } from './context.ts';
import { render } from './output.ts';
import { serverError } from './resources.ts';

/** Flags of run. */
export const RUN_FLAGS: FlagSpec = {
  values: [
    'image',
    'env',
    'labels',
    'port',
    'restart',
    'dry-run',
    'output',
    'overrides',
    'annotations',
    'image-pull-policy',
    'pod-running-timeout',
    'field-manager',
  ],
  booleans: ['stdin', 'tty', 'attach', 'rm', 'command', 'expose', 'privileged', 'quiet', 'leave-stdin-open'],
  short: { i: 'stdin', t: 'tty', l: 'labels', o: 'output', q: 'quiet' },
};

const NAME = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

/** The process a container runs: its image's entrypoint and default arguments, as the images define them. */
export function containerProcess(image: string, command: string[] | undefined, args: string[]): string[] {
  if (command?.length) return [...command, ...args];
  const profile = imageProfile(image);
  // curlimages/curl's entrypoint runs curl when the first argument is an option (or there is none).
  if (profile.commands.includes('curl') && profile.base === 'alpine' && /curl/.test(image)) {
    if (args.length === 0 || args[0]!.startsWith('-')) return ['curl', ...args];
    return args;
  }
  if (args.length) return args;
  return profile.shells.length ? [profile.shells[0]!] : [];
}

function keyValues(list: string[] | undefined, what: string): Record<string, string> | string {
  const out: Record<string, string> = {};
  for (const item of (list ?? []).flatMap((l) => (what === 'labels' ? l.split(',') : [l]))) {
    const eq = item.indexOf('=');
    if (eq <= 0) return `error: invalid ${what === 'labels' ? 'label' : 'env'} spec: ${item}`;
    out[item.slice(0, eq)] = item.slice(eq + 1);
  }
  return out;
}

/** `kubectl run NAME --image=IMAGE [--env=K=V] [--port=N] [-i|-t|--rm] [--command] -- [COMMAND] [ARGS...]`. */
export async function run(args: ParsedArgs, ctx: CommandContext): Promise<Output> {
  const name = args.positionals[0];
  if (!name)
    return {
      stdout: '',
      stderr: "error: NAME is required for run\nSee 'kubectl run -h' for help and examples\n",
      exitCode: 1,
    };
  const image = flag(args, 'image');
  if (!image) return { stdout: '', stderr: 'error: required flag(s) "image" not set\n', exitCode: 1 };
  if (!NAME.test(name))
    return {
      stdout: '',
      stderr:
        `The Pod "${name}" is invalid: metadata.name: Invalid value: "${name}": a lowercase ` +
        `RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and ` +
        `must start and end with an alphanumeric character (e.g. 'example.com', regex used for ` +
        `validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')\n`,
      exitCode: 1,
    };
  const restart = flag(args, 'restart') ?? 'Always';
  if (!['Always', 'OnFailure', 'Never'].includes(restart))
    return { stdout: '', stderr: `error: invalid restart policy: ${restart}\n`, exitCode: 1 };
  const attach = args.booleans.has('stdin') || args.booleans.has('tty') || args.booleans.has('attach');
  if (args.booleans.has('rm') && !attach)
    return { stdout: '', stderr: 'error: --rm should only be used for attached containers\n', exitCode: 1 };
  const port = flag(args, 'port');
  if (args.booleans.has('expose') && !port)
    return { stdout: '', stderr: 'error: --port must be set when exposing a service\n', exitCode: 1 };
  const labels = keyValues(args.values.get('labels'), 'labels');
  if (typeof labels === 'string') return { stdout: '', stderr: `${labels}\n`, exitCode: 1 };
  const env = keyValues(args.values.get('env'), 'env');
  if (typeof env === 'string') return { stdout: '', stderr: `${env}\n`, exitCode: 1 };
  const useCommand = args.booleans.has('command');
  const tail = args.dashDash ? args.rest : args.positionals.slice(1);
  const podLabels = Object.keys(labels).length ? labels : { run: name };
  const pod: K8sObject = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ctx.namespace, labels: podLabels },
    spec: {
      containers: [
        {
          name,
          image,
          ...(useCommand && tail.length ? { command: tail } : tail.length ? { args: tail } : {}),
          ...(Object.keys(env).length ? { env: Object.entries(env).map(([n, value]) => ({ name: n, value })) } : {}),
          ...(port ? { ports: [{ containerPort: Number(port) }] } : {}),
          ...(flag(args, 'image-pull-policy') ? { imagePullPolicy: flag(args, 'image-pull-policy') } : {}),
          ...(attach && args.booleans.has('stdin') ? { stdin: true, stdinOnce: true } : {}),
          ...(args.booleans.has('tty') ? { tty: true } : {}),
        },
      ],
      restartPolicy: restart,
      dnsPolicy: 'ClusterFirst',
    },
  };
  const dryRunMode = flag(args, 'dry-run');
  const format = flag(args, 'output');
  if (dryRunMode === 'client' || dryRunMode === 'true')
    return {
      stdout: format ? render(format, [pod], true) : `pod/${name} created (dry run)\n`,
      stderr: '',
      exitCode: 0,
    };
  const process = containerProcess(image, useCommand ? tail : undefined, useCommand ? [] : tail);
  const interactiveShell =
    attach &&
    args.booleans.has('tty') &&
    process.length === 1 &&
    imageProfile(image).shells.includes(process[0]!.split('/').at(-1)!);
  if (interactiveShell)
    return {
      stdout: '',
      stderr:
        `error: an interactive shell cannot be attached in this lab terminal; run one command at a ` +
        `time instead: kubectl run ${name} --image=${image} -i --rm --restart=Never -- sh -c "COMMAND"\n`,
      exitCode: 1,
    };
  let stdout = '';
  try {
    if (args.booleans.has('expose')) {
      ctx.cluster.create(
        {
          apiVersion: 'v1',
          kind: 'Service',
          metadata: { name, namespace: ctx.namespace },
          spec: { selector: podLabels, ports: [{ port: Number(port), targetPort: Number(port), protocol: 'TCP' }] },
        },
        { dryRun: dryRunMode === 'server' },
      );
      stdout += `service/${name} created${dryRunMode === 'server' ? ' (server dry run)' : ''}\n`;
    }
    const created = ctx.cluster.create(pod, { dryRun: dryRunMode === 'server' });
    if (format && !attach) return { stdout: render(format, [created], true), stderr: '', exitCode: 0 };
    if (!attach)
      return {
        stdout: `${stdout}pod/${name} created${dryRunMode === 'server' ? ' (server dry run)' : ''}\n`,
        stderr: '',
        exitCode: 0,
      };
  } catch (error) {
    return { stdout, stderr: `${serverError(error)}\n`, exitCode: 1 };
  }
  return attachAndRun(name, process, args, ctx, stdout);
}

async function attachAndRun(
  name: string,
  process: string[],
  args: ParsedArgs,
  ctx: CommandContext,
  stdout: string,
): Promise<Output> {
  // kubectl waits (up to --pod-running-timeout, 1m) for the pod to run before it attaches.
  const deadline = ctx.host.clock.now() + 60_000;
  let pod = ctx.cluster.get('Pod', ctx.namespace, name);
  while ((pod?.status as { phase?: string } | undefined)?.phase !== 'Running' && ctx.host.clock.now() < deadline) {
    try {
      await ctx.host.clock.sleep(1000, ctx.signal);
    } catch {
      break;
    }
    pod = ctx.cluster.get('Pod', ctx.namespace, name);
  }
  if ((pod?.status as { phase?: string } | undefined)?.phase !== 'Running')
    return { stdout, stderr: 'error: timed out waiting for the condition\n', exitCode: 1 };
  const stdin = args.booleans.has('stdin') ? ctx.stdinText() : undefined;
  // A TTY (-t) puts the container's stderr on its terminal; kubectl's two streams in one place keep their order.
  const tty = args.booleans.has('tty') && stdin !== undefined;
  const result = process.length
    ? await ctx.host.pods.exec({ namespace: ctx.namespace, pod: name, container: name }, process, {
        ...(stdin !== undefined ? { stdin } : {}),
        ...(ctx.signal ? { signal: ctx.signal } : {}),
        ...(ctx.host.stream ? { stream: ctx.host.stream } : {}),
        streams: { merged: tty || ctx.streams.merged, terminal: tty },
      })
    : { stdout: '', stderr: '', exitCode: 0 };
  const output = new OrderedOutput().out(stdout).out(result.stdout).err(result.stderr);
  if (result.exitCode !== 0) output.err(`pod ${ctx.namespace}/${name} terminated (Error)\n`);
  if (args.booleans.has('rm')) {
    try {
      ctx.cluster.delete('Pod', ctx.namespace, name);
      output.out(`pod "${name}" deleted from ${ctx.namespace} namespace\n`);
    } catch (error) {
      output.err(`${serverError(error)}\n`);
    }
  }
  return output.result(result.exitCode, ctx.streams.merged);
}
