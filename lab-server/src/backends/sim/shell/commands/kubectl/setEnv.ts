/**
 * `kubectl set env (TYPE NAME | TYPE/NAME)... KEY=VALUE... KEY-...` as kubectl 1.34's set env: `-e`, `-c` (wildcards),
 * `--list` (`# Deployment NAME, container C` then the variables, references as `# KEY from configmap CM, key K`),
 * `--from=configmap/NAME|secret/NAME` with `--keys` and `--prefix`, `--overwrite=false`, `--dry-run`.
 * `deployment.apps/NAME env updated`; an object whose environment does not change is not printed.
 */
import type { K8sObject } from '../../../../../contract.ts';
import { flag, type ParsedArgs } from './args.ts';
import type { CommandContext, Output } from './context.ts';
import { podSpecOf, selectContainers, selectObjects, templated, type TemplateContainer } from './podTemplates.ts';
import { serverError, typePrefix } from './resources.ts';
import { dryRunSuffix } from './write.ts';

type EnvVar = NonNullable<TemplateContainer['env']>[number];

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const ENV_NAME_ERROR =
  "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not " +
  "start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is " +
  "'[-._a-zA-Z][-._a-zA-Z0-9]*')";

/** Resources first, then `KEY=VALUE` / `KEY-` (kubectl's SplitEnvironmentFromResources); undefined when mixed. */
function splitArguments(args: string[]): { resources: string[]; changes: string[] } | undefined {
  const resources: string[] = [];
  const changes: string[] = [];
  for (const arg of args) {
    const isEnv = /^.+=/s.test(arg) || arg.endsWith('-');
    if (isEnv) changes.push(arg);
    else if (changes.length > 0) return undefined;
    else resources.push(arg);
  }
  return { resources, changes };
}

/** `KEY=VALUE`, `KEY-`, `-` (stdin's `KEY=VALUE` lines, `#` comments) into variables to set and names to remove. */
function parseEnv(specs: string[], stdin: () => string): { env: EnvVar[]; remove: string[] } | string {
  const env: EnvVar[] = [];
  const remove: string[] = [];
  for (const spec of specs) {
    if (spec === '-') {
      for (const raw of stdin().split('\n')) {
        const line = raw.includes('#') ? raw.slice(0, raw.indexOf('#')) : raw;
        const eq = line.indexOf('=');
        if (eq >= 0) env.push({ name: line.slice(0, eq), value: line.slice(eq + 1) });
      }
    } else if (spec.includes('=')) {
      const eq = spec.indexOf('=');
      const name = spec.slice(0, eq);
      if (!ENV_NAME.test(name)) return `"${name}" is not a valid key name: ${ENV_NAME_ERROR}`;
      env.push({ name, value: spec.slice(eq + 1) });
    } else if (spec.endsWith('-')) remove.push(spec.slice(0, -1));
    else return `unknown environment variable: ${spec}`;
  }
  if (remove.some((r) => env.some((e) => e.name === r)))
    return 'can not both modify and remove the same environment variable in the same command';
  return { env, remove };
}

/** kubectl's updateEnv: replaced in place, removed, new ones appended in order. */
function updateEnv(existing: EnvVar[], env: EnvVar[], remove: string[]): EnvVar[] {
  const covered = new Set(remove);
  const out: EnvVar[] = [];
  for (const e of existing) {
    if (covered.has(e.name)) continue;
    const newer = env.find((n) => n.name === e.name);
    if (newer) covered.add(e.name);
    out.push(newer ?? e);
  }
  for (const e of env) {
    if (covered.has(e.name)) continue;
    covered.add(e.name);
    out.push(e);
  }
  return out;
}

/** How `--list` names a reference (kubectl's GetEnvVarRefString). */
function referenceText(from: EnvVar['valueFrom']): string {
  if (from?.configMapKeyRef) return `configmap ${from.configMapKeyRef.name}, key ${from.configMapKeyRef.key}`;
  if (from?.secretKeyRef) return `secret ${from.secretKeyRef.name}, key ${from.secretKeyRef.key}`;
  if (from?.fieldRef) return `field path ${from.fieldRef.fieldPath}`;
  if (from?.resourceFieldRef) {
    const c = from.resourceFieldRef.containerName;
    return `resource field ${c ? `${c}/` : ''}${from.resourceFieldRef.resource}`;
  }
  return 'invalid valueFrom';
}

/** `--from=configmap/NAME|secret/NAME`: one reference per key (all, or `--keys`), named as kubectl names them. */
function fromResource(from: string, keys: string[], ctx: CommandContext): EnvVar[] | string {
  const slash = from.indexOf('/');
  const type = slash < 0 ? from : from.slice(0, slash);
  const name = slash < 0 ? '' : from.slice(slash + 1);
  const kind = ['configmap', 'configmaps', 'cm'].includes(type)
    ? 'ConfigMap'
    : ['secret', 'secrets'].includes(type)
      ? 'Secret'
      : undefined;
  if (!kind || !name) return 'unsupported resource specified in --from';
  const object = ctx.cluster.get(kind, ctx.namespace, name);
  if (!object)
    return `Error from server (NotFound): ${kind === 'ConfigMap' ? 'configmaps' : 'secrets'} "${name}" not found`;
  const data = Object.keys((object as K8sObject & { data?: Record<string, string> }).data ?? {}).sort();
  const ref = kind === 'ConfigMap' ? 'configMapKeyRef' : 'secretKeyRef';
  return data
    .filter((k) => keys.length === 0 || keys.includes(k))
    .map((k) => ({
      name: k.replace(/[^a-zA-Z0-9_]/g, '_').toUpperCase(),
      valueFrom: { [ref]: { name, key: k } },
    }));
}

/** `kubectl set env`. */
export function setEnv(positionals: string[], args: ParsedArgs, ctx: CommandContext): Output {
  const split = splitArguments(positionals);
  if (!split)
    return {
      stdout: '',
      stderr: `error: all resources must be specified before environment changes: ${positionals.join(' ')}\n`,
      exitCode: 1,
    };
  const list = args.booleans.has('list');
  const dryRun = flag(args, 'dry-run');
  const from = flag(args, 'from');
  const keys = (args.values.get('keys') ?? []).flatMap((k) => k.split(',')).filter(Boolean);
  if (list && flag(args, 'output') !== undefined)
    return { stdout: '', stderr: 'error: --list and --output may not be specified together\n', exitCode: 1 };
  if (keys.length > 0 && from === undefined)
    return {
      stdout: '',
      stderr: 'error: when specifying --keys, a configmap or secret must be provided with --from\n',
      exitCode: 1,
    };
  const objects = selectObjects(split.resources, args, ctx);
  if ('error' in objects) return { stdout: '', stderr: `${objects.error}\n`, exitCode: 1 };
  const parsed = parseEnv([...(args.values.get('env') ?? []), ...split.changes], () => ctx.stdinText());
  if (typeof parsed === 'string') return { stdout: '', stderr: `error: ${parsed}\n`, exitCode: 1 };
  let env = parsed.env;
  if (from !== undefined) {
    const refs = fromResource(from, keys, ctx);
    if (typeof refs === 'string')
      return { stdout: '', stderr: refs.startsWith('Error') ? `${refs}\n` : `error: ${refs}\n`, exitCode: 1 };
    env = [...env, ...refs];
  }
  const prefix = flag(args, 'prefix') ?? '';
  env = env.map((e) => ({ ...e, name: `${prefix}${e.name}` }));
  const pattern = flag(args, 'containers') ?? '*';
  // --overwrite is true unless given as --overwrite=false.
  const overwrite = !args.cleared?.has('overwrite');
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
    const { target, name, namespace, object, spec } = found;
    const containers = selectContainers(spec, pattern);
    if (containers.length === 0) {
      stderr += `warning: ${object.kind}/${name} does not have any containers matching "${pattern}"\n`;
      continue;
    }
    if (list) {
      for (const c of containers) {
        stdout += `# ${object.kind} ${name}, container ${c.name}\n`;
        for (const e of updateEnv(c.env ?? [], env, parsed.remove))
          stdout += e.valueFrom ? `# ${e.name} from ${referenceText(e.valueFrom)}\n` : `${e.name}=${e.value ?? ''}\n`;
      }
      continue;
    }
    if (!overwrite) {
      const clash = containers
        .flatMap((c) => env.map((e) => ({ e, current: c.env?.find((x) => x.name === e.name) })))
        .find(({ e, current }) => current && current.value !== e.value);
      if (clash) {
        stderr +=
          `error: ${target.resource.plural}/${name} '${clash.current!.name}' already has a value ` +
          `(${clash.current!.value ?? ''}), and --overwrite is false\n`;
        exitCode = 1;
        continue;
      }
    }
    try {
      const result = ctx.cluster.update(
        target.resource.id,
        namespace,
        name,
        (o) => {
          for (const c of selectContainers(podSpecOf(o)!, pattern)) {
            const next = updateEnv(c.env ?? [], env, parsed.remove);
            if (next.length > 0) c.env = next;
            else delete c.env;
          }
        },
        { dryRun: dryRun === 'server' || dryRun === 'client' },
      );
      if (result.outcome === 'unchanged') continue;
      if (env.length === 0 && split.changes.length === 0)
        return { stdout, stderr: `${stderr}error: at least one environment variable must be provided\n`, exitCode: 1 };
      stdout += `${typePrefix(target.resource)}/${name} env updated${dryRunSuffix(dryRun)}\n`;
    } catch (error) {
      stderr += `${serverError(error, 'failed to patch env update to pod template')}\n`;
      exitCode = 1;
    }
  }
  return { stdout, stderr, exitCode };
}
