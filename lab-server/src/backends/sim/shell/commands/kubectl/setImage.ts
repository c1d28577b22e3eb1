/**
 * `kubectl set image (TYPE NAME | TYPE/NAME)... CONTAINER=IMAGE...`: changes containers' images in pod templates
 * (or a pod), as kubectl's set image does: `*` names every container, init containers count, an unknown name is
 * kubectl's error, an object whose images already match is left alone and not printed.
 * `set env` and `set resources` are in their own files; the other `kubectl set` subcommands are not simulated and
 * say so.
 */
import { KubectlUsageError, type FlagSpec, type ParsedArgs } from './args.ts';
import type { CommandContext, Output } from './context.ts';
import { podSpecOf, selectObjects, templated } from './podTemplates.ts';
import { serverError, typePrefix } from './resources.ts';
import { setEnv } from './setEnv.ts';
import { setResources } from './setResources.ts';

/** Flags of `kubectl set`: the union of its subcommands' (each refuses the others' as unknown). */
export const SET_FLAGS: FlagSpec = {
  values: [
    'env',
    'containers',
    'from',
    'prefix',
    'keys',
    'limits',
    'requests',
    'selector',
    'dry-run',
    'output',
    'filename',
    'field-manager',
  ],
  booleans: ['list', 'resolve', 'local', 'all', 'overwrite', 'record'],
  short: { e: 'env', c: 'containers', l: 'selector', o: 'output', f: 'filename' },
};

const COMMON = ['selector', 'dry-run', 'output', 'filename', 'field-manager', 'all', 'local', 'record'];
/** The flags each simulated `set` subcommand takes. */
const OWN_FLAGS: Record<string, string[]> = {
  image: COMMON,
  env: [...COMMON, 'env', 'containers', 'from', 'prefix', 'keys', 'list', 'resolve', 'overwrite'],
  resources: [...COMMON, 'containers', 'limits', 'requests'],
};

/** `kubectl set SUBCOMMAND ...`. */
export function set(args: ParsedArgs, ctx: CommandContext): Output {
  const [sub, ...rest] = args.positionals;
  if (sub === undefined || !(sub in OWN_FLAGS))
    return {
      stdout: '',
      stderr: sub
        ? `error: "kubectl set ${sub}" is not available in this lab shell; kubectl set image, env and resources are\n`
        : 'error: you must specify a subcommand: kubectl set image|env|resources (TYPE NAME | TYPE/NAME) ...\n',
      exitCode: 1,
    };
  const given = [...args.values.keys(), ...args.booleans, ...(args.cleared ?? [])].filter(
    (f) => SET_FLAGS.values.includes(f) || SET_FLAGS.booleans.includes(f),
  );
  const foreign = given.find((f) => !OWN_FLAGS[sub]!.includes(f));
  if (foreign) throw new KubectlUsageError(`error: unknown flag: --${foreign}`, `set ${sub}`);
  if (sub === 'env') return setEnv(rest, args, ctx);
  if (sub === 'resources') return setResources(rest, args, ctx);
  const pairs = rest.filter((a) => a.includes('='));
  const resources = rest.filter((a) => !a.includes('='));
  if (resources.length === 0)
    return {
      stdout: '',
      stderr: 'error: one or more resources must be specified as <resource> <name> or <resource>/<name>\n',
      exitCode: 1,
    };
  if (pairs.length === 0) return { stdout: '', stderr: 'error: at least one image update is required\n', exitCode: 1 };
  const images = new Map<string, string>();
  for (const pair of pairs) {
    const eq = pair.indexOf('=');
    const image = pair.slice(eq + 1);
    if (eq === 0 || image === '')
      return { stdout: '', stderr: `error: invalid image format: "${pair}"\n`, exitCode: 1 };
    images.set(pair.slice(0, eq), image);
  }
  const objects = selectObjects(resources, args, ctx);
  if ('error' in objects) return { stdout: '', stderr: `${objects.error}\n`, exitCode: 1 };
  let stdout = '';
  let stderr = objects.errors;
  let exitCode = objects.errors ? 1 : 0;
  for (const selected of objects.selected) {
    const found = templated(selected, ctx);
    if ('error' in found) {
      stderr += found.error;
      exitCode = 1;
      continue;
    }
    const { target, name, namespace, spec } = found;
    const all = [...(spec.initContainers ?? []), ...(spec.containers ?? [])];
    const missing = [...images.keys()].filter((c) => c !== '*' && !all.some((x) => x.name === c));
    for (const c of missing) {
      stderr += `error: unable to find container named "${c}"\n`;
      exitCode = 1;
    }
    const changes = all.some((c) => {
      const image = images.get(c.name) ?? images.get('*');
      return image !== undefined && image !== c.image;
    });
    if (!changes) continue;
    try {
      ctx.cluster.update(target.resource.id, namespace, name, (o) => {
        const changed = podSpecOf(o)!;
        for (const c of [...(changed.initContainers ?? []), ...(changed.containers ?? [])]) {
          const image = images.get(c.name) ?? images.get('*');
          if (image !== undefined) c.image = image;
        }
      });
      stdout += `${typePrefix(target.resource)}/${name} image updated\n`;
    } catch (error) {
      stderr += `${serverError(error)}\n`;
      exitCode = 1;
    }
  }
  return { stdout, stderr, exitCode };
}
