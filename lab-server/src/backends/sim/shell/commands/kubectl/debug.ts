/**
 * `kubectl debug POD --image=IMAGE [--target=CONTAINER] [-c NAME] [-i] [-t] -- COMMAND`: adds an ephemeral container
 * to a running pod (through the `ephemeralcontainers` subresource) and runs its process there. Attached (`-i`),
 * its output comes back to the terminal; detached, the container stays for `kubectl exec POD -c NAME -- ...`.
 * Debugging a node, or a copy of a pod, needs machinery the simulated cluster does not have, and says so.
 */
import { OrderedOutput } from '../../orderedOutput.ts';
import { flag, type FlagSpec, type ParsedArgs } from './args.ts';
import type { CommandContext, Output } from './context.ts';
import { resolvePods } from './pods.ts';
import { containerProcess } from './run.ts';
import { imageProfile } from '../../../pods/images.ts';
import { serverError } from './resources.ts';

/** Flags of debug. */
export const DEBUG_FLAGS: FlagSpec = {
  values: [
    'image',
    'container',
    'target',
    'profile',
    'copy-to',
    'set-image',
    'env',
    'image-pull-policy',
    'custom',
    'arguments-only',
  ],
  booleans: [
    'stdin',
    'tty',
    'attach',
    'quiet',
    'replace',
    'same-node',
    'share-processes',
    'keep-labels',
    'keep-annotations',
    'keep-liveness',
    'keep-readiness',
    'keep-startup',
    'keep-init-containers',
  ],
  short: { i: 'stdin', t: 'tty', c: 'container', q: 'quiet', e: 'env' },
};

const PROFILES = ['legacy', 'general', 'baseline', 'netadmin', 'restricted', 'sysadmin'];

function suffix(random: () => number): string {
  const letters = 'bcdfghjklmnpqrstvwxz2456789';
  let out = '';
  for (let i = 0; i < 5; i++) out += letters[Math.floor(random() * letters.length)];
  return out;
}

/** `kubectl debug`. */
export async function debug(args: ParsedArgs, ctx: CommandContext): Promise<Output> {
  const ref = args.positionals[0];
  if (!ref)
    return {
      stdout: '',
      stderr: "error: one of -f or TYPE/NAME must be specified\nSee 'kubectl debug -h' for help and examples\n",
      exitCode: 1,
    };
  const profile = flag(args, 'profile') ?? 'legacy';
  if (!PROFILES.includes(profile)) return { stdout: '', stderr: `error: unknown profile: ${profile}\n`, exitCode: 1 };
  if (/^(node|nodes|no)\//.test(ref))
    return {
      stdout: '',
      stderr:
        `error: debugging a node needs a privileged pod on the node's host namespaces, which this simulated kind ` +
        `cluster cannot run; debug a pod instead (kubectl debug POD -it --image=busybox --target=CONTAINER)\n`,
      exitCode: 1,
    };
  if (flag(args, 'copy-to') !== undefined)
    return {
      stdout: '',
      stderr:
        'error: --copy-to is not available in this simulated cluster; add an ' +
        'ephemeral container to the pod itself (kubectl debug POD --image=IMAGE)\n',
      exitCode: 1,
    };
  const image = flag(args, 'image');
  if (!image)
    return {
      stdout: '',
      stderr: 'error: --image is required for ephemeral containers\n',
      exitCode: 1,
    };
  const found = resolvePods(ref, ctx);
  if (typeof found === 'string') return { stdout: '', stderr: `${found}\n`, exitCode: 1 };
  const pod = found.pod;
  const name = flag(args, 'container') ?? `debugger-${suffix(() => ctx.host.random.next())}`;
  const targetName = flag(args, 'target');
  const containers = ((pod.spec as { containers?: { name: string }[] } | undefined)?.containers ?? []).map(
    (c) => c.name,
  );
  if (targetName && !containers.includes(targetName))
    return {
      stdout: '',
      stderr: `error: ephemeral container "${name}" target container "${targetName}" not found in pod\n`,
      exitCode: 1,
    };
  const attach = args.booleans.has('stdin') || args.booleans.has('attach') || args.booleans.has('tty');
  const command = args.dashDash ? args.rest : [];
  const process = containerProcess(image, undefined, command);
  if (
    attach &&
    args.booleans.has('tty') &&
    process.length === 1 &&
    imageProfile(image).shells.includes(process[0]!.split('/').at(-1)!)
  )
    return {
      stdout: '',
      stderr:
        `error: an interactive shell cannot be attached in this lab terminal; run one command at a time instead: ` +
        `kubectl debug ${ref} -i --image=${image}${targetName ? ` --target=${targetName}` : ''} -- sh -c "COMMAND"\n`,
      exitCode: 1,
    };
  const namespace = pod.metadata.namespace ?? ctx.namespace;
  try {
    ctx.cluster.addEphemeralContainer(namespace, pod.metadata.name, {
      name,
      image,
      imagePullPolicy: flag(args, 'image-pull-policy') ?? 'IfNotPresent',
      ...(command.length ? { args: command } : {}),
      resources: {},
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
      ...(args.booleans.has('stdin') ? { stdin: true } : {}),
      ...(args.booleans.has('tty') ? { tty: true } : {}),
      ...(targetName ? { targetContainerName: targetName } : {}),
    });
  } catch (error) {
    return { stdout: '', stderr: `${serverError(error)}\n`, exitCode: 1 };
  }
  const notice =
    flag(args, 'container') || args.booleans.has('quiet') ? '' : `Defaulting debug container name to ${name}.\n`;
  const target = { namespace, pod: pod.metadata.name, container: name };
  // Detached, the container keeps running on its own (the simulator runs containers' main processes only for the
  // sample apps); `kubectl exec -c NAME` reaches it.
  if (!attach) return { stdout: '', stderr: notice, exitCode: 0 };
  // kubectl prints the notice before it attaches; in a terminal it shows before the container's output.
  const stream = ctx.host.stream;
  if (stream && notice) stream(notice);
  // A TTY (-t with -i) puts the container's stderr on its terminal, so on kubectl's stdout.
  const tty = args.booleans.has('tty') && args.booleans.has('stdin');
  const result = await ctx.host.pods.exec(target, process, {
    ...(args.booleans.has('stdin') ? { stdin: ctx.stdinText() } : {}),
    ...(ctx.signal ? { signal: ctx.signal } : {}),
    ...(ctx.host.stream ? { stream: ctx.host.stream } : {}),
    streams: { merged: tty || ctx.streams.merged, terminal: tty },
  });
  return new OrderedOutput()
    .err(stream ? '' : notice)
    .out(result.stdout)
    .err(result.stderr)
    .result(result.exitCode, ctx.streams.merged);
}
