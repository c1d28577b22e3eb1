/**
 * `kubectl cp`: files and directories between the lab shell and a container, through the container's own `tar`
 * (as kubectl does: an image without tar, like distroless go-httpbin, cannot be copied to or from).
 */
import { flag, type FlagSpec, type ParsedArgs } from './args.ts';
import type { CommandContext, Output } from './context.ts';
import { chooseContainer } from './pods.ts';

/** Flags of cp. */
export const CP_FLAGS: FlagSpec = {
  values: ['container', 'retries'],
  booleans: ['no-preserve'],
  short: { c: 'container' },
};

interface Remote {
  namespace: string;
  pod: string;
  path: string;
}

function remoteSpec(spec: string, namespace: string): Remote | undefined {
  const colon = spec.indexOf(':');
  // A Windows drive letter or a bare path has no pod part.
  if (colon <= 0) return undefined;
  const podPart = spec.slice(0, colon);
  const path = spec.slice(colon + 1);
  const slash = podPart.indexOf('/');
  return slash < 0
    ? { namespace, pod: podPart, path }
    : { namespace: podPart.slice(0, slash), pod: podPart.slice(slash + 1), path };
}

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
const basename = (p: string) => p.replace(/\/+$/, '').split('/').at(-1) ?? p;
const dirname = (p: string) => p.replace(/\/+$/, '').split('/').slice(0, -1).join('/') || '/';

/** `kubectl cp <file-spec-src> <file-spec-dest> [-c CONTAINER]`. */
export async function cp(args: ParsedArgs, ctx: CommandContext): Promise<Output> {
  const [src, dest, ...extra] = args.positionals;
  if (!src || !dest || extra.length)
    return {
      stdout: '',
      stderr: "error: source and destination are required\nSee 'kubectl cp -h' for help and examples\n",
      exitCode: 1,
    };
  const from = remoteSpec(src, ctx.namespace);
  const to = remoteSpec(dest, ctx.namespace);
  if (from && to)
    return { stdout: '', stderr: 'error: one of src or dest must be a local file specification\n', exitCode: 1 };
  if (!from && !to)
    return { stdout: '', stderr: 'error: one of src or dest must be a remote file specification\n', exitCode: 1 };
  const remote = (from ?? to)!;
  if (!remote.path) return { stdout: '', stderr: 'error: remote path cannot be empty\n', exitCode: 1 };
  const pod = ctx.cluster.get('Pod', remote.namespace, remote.pod);
  if (!pod)
    return { stdout: '', stderr: `Error from server (NotFound): pods "${remote.pod}" not found\n`, exitCode: 1 };
  const choice = chooseContainer(pod, flag(args, 'container'), 'exec');
  if ('error' in choice) return { stdout: '', stderr: `${choice.error}\n`, exitCode: 1 };
  const target = { namespace: remote.namespace, pod: remote.pod, container: choice.container };
  const run = (argv: string[], stdin?: string) =>
    ctx.host.pods.exec(target, argv, {
      ...(stdin !== undefined ? { stdin } : {}),
      ...(ctx.signal ? { signal: ctx.signal } : {}),
    });
  // kubectl streams a tar archive through the container's tar: no tar, no copy.
  const tar = await run(['tar', '--help']);
  if (tar.exitCode === 126)
    return { stdout: '', stderr: `${choice.notice}${tar.stderr}command terminated with exit code 126\n`, exitCode: 1 };
  const remotePath = remote.path.startsWith('/') ? remote.path : `/${remote.path}`;
  if (to) return copyTo(ctx, src, remotePath, run, choice.notice);
  return copyFrom(ctx, remotePath, dest, run, choice.notice, remote.path.startsWith('/'));
}

type Run = (argv: string[], stdin?: string) => Promise<{ stdout: string; stderr: string; exitCode: number }>;

async function localFiles(ctx: CommandContext, path: string): Promise<string[]> {
  const stat = await ctx.fs.stat(path);
  if (!stat.isDirectory) return [path];
  const out: string[] = [];
  for (const entry of (await ctx.fs.readdir(path)).sort()) out.push(...(await localFiles(ctx, `${path}/${entry}`)));
  return out;
}

async function copyTo(ctx: CommandContext, src: string, dest: string, run: Run, notice: string): Promise<Output> {
  const local = ctx.fs.resolvePath(ctx.cwd, src);
  if (!(await ctx.fs.exists(local)))
    return { stdout: '', stderr: `${notice}error: ${src} doesn't exist in local filesystem\n`, exitCode: 1 };
  const isDir = (await ctx.fs.stat(local)).isDirectory;
  const intoDir = dest.endsWith('/') || (await run(['sh', '-c', `test -d ${quote(dest)}`])).exitCode === 0;
  const base = intoDir ? `${dest.replace(/\/+$/, '')}/${basename(local)}` : dest;
  for (const file of await localFiles(ctx, local)) {
    const path = isDir ? `${base}/${file.slice(local.length + 1)}` : base;
    const written = await run(
      ['sh', '-c', `mkdir -p ${quote(dirname(path))} && cat > ${quote(path)}`],
      await ctx.fs.readFile(file),
    );
    if (written.exitCode !== 0)
      return {
        stdout: '',
        stderr: `${notice}${written.stderr}command terminated with exit code ${written.exitCode}\n`,
        exitCode: 1,
      };
  }
  return { stdout: '', stderr: notice, exitCode: 0 };
}

async function copyFrom(
  ctx: CommandContext,
  src: string,
  dest: string,
  run: Run,
  notice: string,
  absolute: boolean,
): Promise<Output> {
  // tar strips the leading slash of absolute member names, and says so.
  const warning = absolute ? "tar: removing leading '/' from member names\n" : '';
  const listing = await run([
    'sh',
    '-c',
    `if [ -d ${quote(src)} ]; then find ${quote(src)} -type f; elif [ -e ${quote(src)} ]; then echo ${quote(src)}; else exit 1; fi`,
  ]);
  if (listing.exitCode !== 0)
    return {
      stdout: '',
      stderr: `${notice}${warning}tar: ${src.replace(/^\//, '')}: No such file or directory\ncommand terminated with exit code 1\n`,
      exitCode: 1,
    };
  const files = listing.stdout.split('\n').filter(Boolean);
  const local = ctx.fs.resolvePath(ctx.cwd, dest);
  const single = files.length === 1 && files[0] === src;
  for (const file of files) {
    const content = await run(['cat', file]);
    const path = single ? local : `${local}/${file.slice(src.replace(/\/+$/, '').length + 1)}`;
    await ctx.fs.mkdir(dirname(path), { recursive: true });
    await ctx.fs.writeFile(path, content.stdout);
  }
  return { stdout: '', stderr: `${notice}${warning}`, exitCode: 0 };
}
