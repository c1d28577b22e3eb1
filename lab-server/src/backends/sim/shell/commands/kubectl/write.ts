/** `kubectl apply`, `create`, `replace`, `delete`: manifests through the API server, one line per object. */
import type { K8sObject } from '../../../../../contract.ts';
import { resolveResourceName, resourceForApiVersion, resourceForKind } from '../../../cluster/discovery.ts';
import { flag, type FlagSpec, type ParsedArgs } from './args.ts';
import type { CommandContext, Output } from './context.ts';
import { readManifests, type ManifestObject } from './manifests.ts';
import { render } from './output.ts';
import { parseTargets, serverError, typePrefix } from './resources.ts';

/** Flags of apply/create/replace. */
export const WRITE_FLAGS: FlagSpec = {
  values: ['filename', 'output', 'dry-run', 'field-manager', 'validate', 'selector', 'kustomize'],
  booleans: ['recursive', 'server-side', 'force', 'overwrite', 'prune', 'save-config', 'force-conflicts', 'wait'],
  short: { f: 'filename', o: 'output', R: 'recursive', l: 'selector', k: 'kustomize' },
};

/** Flags of delete. */
export const DELETE_FLAGS: FlagSpec = {
  values: ['filename', 'selector', 'grace-period', 'cascade', 'timeout', 'output', 'dry-run', 'field-selector'],
  booleans: ['all', 'all-namespaces', 'ignore-not-found', 'recursive', 'force', 'now', 'wait'],
  short: { f: 'filename', l: 'selector', A: 'all-namespaces', R: 'recursive', o: 'output' },
};

const NO_FILE = (_verb: string) => 'error: must specify one of -f and -k\n';

function dryRunSuffix(mode: string | undefined): string {
  return mode === 'server' ? ' (server dry run)' : mode === 'client' || mode === 'true' ? ' (dry run)' : '';
}

/** Checks the objects against discovery first, as kubectl's RESTMapper does. */
function mapped(item: ManifestObject, ctx: CommandContext): string | undefined {
  const { object, source } = item;
  if (!resourceForApiVersion(object.apiVersion, object.kind)) {
    const ns = resourceForKind(object.kind)?.namespaced === false ? '' : object.metadata?.namespace ?? (ctx.namespaceGiven ? ctx.namespace : '');
    return `error: resource mapping not found for name: "${object.metadata?.name ?? ''}" namespace: "${ns}" from "${source}": no matches for kind "${object.kind}" in version "${object.apiVersion}"\nensure CRDs are installed first`;
  }
  return undefined;
}

function namespaced(object: K8sObject, ctx: CommandContext): K8sObject {
  const resource = resourceForKind(object.kind);
  const copy = structuredClone(object);
  copy.metadata ??= { name: '' };
  if (resource?.namespaced) {
    if (ctx.namespaceGiven && copy.metadata.namespace && copy.metadata.namespace !== ctx.namespace) {
      throw new Error(`the namespace from the provided object "${copy.metadata.namespace}" does not match the namespace "${ctx.namespace}". You must pass '--namespace=${copy.metadata.namespace}' to perform this operation.`);
    }
    copy.metadata.namespace ??= ctx.namespace;
  }
  return copy;
}

/** apply / create / replace with `-f`. */
export async function writeManifests(verb: 'apply' | 'create' | 'replace', args: ParsedArgs, ctx: CommandContext): Promise<Output> {
  const files = args.values.get('filename') ?? [];
  if (files.length === 0) {
    if (verb === 'apply') return { stdout: '', stderr: 'error: must specify one of -f and -k\n', exitCode: 1 };
    return { stdout: '', stderr: NO_FILE(verb), exitCode: 1 };
  }
  const dryRunMode = flag(args, 'dry-run');
  const dryRun = dryRunMode !== undefined && dryRunMode !== 'none';
  const items = await readManifests(ctx, files, args.booleans.has('recursive'), ctx.host.samples);
  let stdout = '';
  let stderr = '';
  let exitCode = 0;
  const format = flag(args, 'output');
  const printed: K8sObject[] = [];
  if (items.length === 0) return { stdout: '', stderr: 'error: no objects passed to ' + verb + '\n', exitCode: 1 };
  for (const item of items) {
    const mappingError = mapped(item, ctx);
    if (mappingError) {
      stderr += `${mappingError}\n`;
      exitCode = 1;
      continue;
    }
    let object: K8sObject;
    try {
      object = namespaced(item.object, ctx);
    } catch (error) {
      stderr += `error: ${(error as Error).message}\n`;
      exitCode = 1;
      continue;
    }
    const resource = resourceForApiVersion(object.apiVersion, object.kind)!;
    const label = `${typePrefix(resource)}/${object.metadata.name}`;
    if (!object.metadata.name) {
      stderr += `error: error when retrieving current configuration of:\nResource: "${resource.group ? `${resource.group}/` : ''}${resource.versions[0]}, Resource=${resource.plural}", GroupVersionKind: "${object.apiVersion}, Kind=${object.kind}"\nName: "", Namespace: "${object.metadata.namespace ?? ''}"\nfrom server for: "${item.source}": resource name may not be empty\n`;
      exitCode = 1;
      continue;
    }
    const live = ctx.cluster.get(object.kind, object.metadata.namespace, object.metadata.name);
    try {
      if (dryRunMode === 'client' || dryRunMode === 'true') {
        const outcome = verb === 'apply' ? (live ? 'configured' : 'created') : verb === 'create' ? 'created' : 'replaced';
        if (verb === 'create' && live) throw { code: 409, reason: 'AlreadyExists', message: `${resource.group ? `${resource.plural}.${resource.group}` : resource.plural} "${object.metadata.name}" already exists` };
        printed.push(object);
        stdout += `${label} ${outcome}${dryRunSuffix(dryRunMode)}\n`;
        continue;
      }
      const options = { dryRun, ...(flag(args, 'field-manager') ? { fieldManager: flag(args, 'field-manager')! } : {}) };
      if (verb === 'apply') {
        const result = ctx.cluster.apply(object, options);
        printed.push(result.object);
        stdout += `${label} ${result.outcome}${dryRunSuffix(dryRunMode)}\n`;
      } else if (verb === 'create') {
        printed.push(ctx.cluster.create(object, options));
        stdout += `${label} created${dryRunSuffix(dryRunMode)}\n`;
      } else {
        printed.push(ctx.cluster.replace(object, options));
        stdout += `${label} replaced${dryRunSuffix(dryRunMode)}\n`;
      }
    } catch (error) {
      const action = verb === 'replace' ? 'replacing' : live && verb === 'apply' ? 'patching' : 'creating';
      stderr += `${serverError(error, `error when ${action} "${item.source}"`)}\n`;
      exitCode = 1;
    }
  }
  if (format && printed.length) stdout = render(format, printed, printed.length === 1);
  return { stdout, stderr, exitCode };
}

/** `kubectl create namespace|ns NAME` and `create deployment NAME --image=...`. */
export function createNamed(args: ParsedArgs, ctx: CommandContext): Output {
  const [what, name] = args.positionals;
  if (what === 'namespace' || what === 'ns') {
    if (!name) return { stdout: '', stderr: 'error: exactly one NAME is required, got 0\nSee \'kubectl create namespace -h\' for help and examples\n', exitCode: 1 };
    try {
      ctx.cluster.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, { dryRun: flag(args, 'dry-run') === 'server' });
      return { stdout: `namespace/${name} created\n`, stderr: '', exitCode: 0 };
    } catch (error) {
      return { stdout: '', stderr: `${serverError(error)}\n`, exitCode: 1 };
    }
  }
  if (what === 'deployment' || what === 'deploy') {
    const image = flag(args, 'image');
    if (!name || !image) return { stdout: '', stderr: 'error: required flag(s) "image" not set\n', exitCode: 1 };
    const labels = { app: name };
    const replicas = Number(flag(args, 'replicas') ?? 1);
    const container = name.replace(/[^a-z0-9-]/g, '');
    try {
      ctx.cluster.create({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: ctx.namespace, labels }, spec: { replicas, selector: { matchLabels: labels }, template: { metadata: { labels }, spec: { containers: [{ name: container, image }] } } } });
      return { stdout: `deployment.apps/${name} created\n`, stderr: '', exitCode: 0 };
    } catch (error) {
      return { stdout: '', stderr: `${serverError(error)}\n`, exitCode: 1 };
    }
  }
  return { stdout: '', stderr: `error: unknown command "${what ?? ''}" for "kubectl create"\nDid you mean this?\n\tnamespace\n\tdeployment\n`, exitCode: 1 };
}

/** `kubectl delete`: by type and names, `-f`, `-l`, `--all`. */
export async function del(args: ParsedArgs, ctx: CommandContext): Promise<Output> {
  let stdout = '';
  let stderr = '';
  let exitCode = 0;
  const ignore = args.booleans.has('ignore-not-found');
  const doDelete = (kind: string, namespace: string | undefined, name: string, label: string) => {
    try {
      ctx.cluster.delete(kind, namespace, name);
      stdout += `${label} "${name}" deleted\n`;
    } catch (error) {
      if (ignore && (error as { code?: number }).code === 404) return;
      stderr += `${serverError(error)}\n`;
      exitCode = 1;
    }
  };
  const files = args.values.get('filename');
  if (files?.length) {
    for (const item of await readManifests(ctx, files, args.booleans.has('recursive'), ctx.host.samples)) {
      const mappingError = mapped(item, ctx);
      if (mappingError) { stderr += `${mappingError}\n`; exitCode = 1; continue; }
      const resource = resourceForApiVersion(item.object.apiVersion, item.object.kind)!;
      doDelete(resource.kind, resource.namespaced ? item.object.metadata?.namespace ?? ctx.namespace : undefined, item.object.metadata?.name ?? '', typePrefix(resource));
    }
    return { stdout, stderr, exitCode };
  }
  const targets = parseTargets(args.positionals);
  if (targets.length === 0) return { stdout: '', stderr: 'error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   \'-f rsrc.yaml\'\n   \'--filename=rsrc.json\'\n   \'<resource> <name>\'\n   \'<resource>\'\n', exitCode: 1 };
  const selector = flag(args, 'selector');
  for (const target of targets) {
    const namespace = target.resource.namespaced ? (args.booleans.has('all-namespaces') ? undefined : ctx.namespace) : undefined;
    if (target.names.length) {
      for (const name of target.names) doDelete(target.resource.kind, target.resource.namespaced ? ctx.namespace : undefined, name, typePrefix(target.resource));
    } else if (selector || args.booleans.has('all')) {
      const objects = ctx.cluster.list(target.resource.kind, namespace, selector);
      if (objects.length === 0) stderr += target.resource.namespaced && namespace ? `No resources found\n` : 'No resources found\n';
      for (const o of objects) doDelete(o.kind, o.metadata.namespace, o.metadata.name, typePrefix(target.resource));
    } else {
      return { stdout: '', stderr: 'error: resource(s) were provided, but no name was specified\n', exitCode: 1 };
    }
  }
  return { stdout, stderr, exitCode };
}

/** `kubectl label` and `kubectl annotate`. */
export function labelOrAnnotate(which: 'label' | 'annotate', args: ParsedArgs, ctx: CommandContext): Output {
  const pairs = args.positionals.slice(1).filter((p) => p.includes('=') || p.endsWith('-'));
  const targetsText = args.positionals.filter((p, i) => i === 0 || !pairs.includes(p));
  if (pairs.length === 0) return { stdout: '', stderr: `error: at least one ${which === 'label' ? 'label' : 'annotation'} update is required\nSee 'kubectl ${which} -h' for help and examples\n`, exitCode: 1 };
  let targets;
  try {
    targets = parseTargets(targetsText);
  } catch (error) {
    return { stdout: '', stderr: `${(error as Error).message}\n`, exitCode: 1 };
  }
  const overwrite = args.booleans.has('overwrite');
  const field = which === 'label' ? 'labels' : 'annotations';
  let stdout = '';
  let stderr = '';
  let exitCode = 0;
  const selector = flag(args, 'selector');
  for (const target of targets) {
    const namespace = target.resource.namespaced ? ctx.namespace : undefined;
    const names = target.names.length ? target.names : selector || args.booleans.has('all') ? ctx.cluster.list(target.resource.kind, namespace, selector).map((o) => o.metadata.name) : [];
    if (names.length === 0) return { stdout, stderr: `${stderr}error: resource(s) were provided, but no name was specified\n`, exitCode: 1 };
    for (const name of names) {
      try {
        let conflict: string | undefined;
        let changed = false;
        const result = ctx.cluster.update(target.resource.kind, namespace, name, (obj) => {
          const map = { ...((obj.metadata[field] as Record<string, string> | undefined) ?? {}) };
          for (const pair of pairs) {
            if (pair.endsWith('-') && !pair.includes('=')) {
              const key = pair.slice(0, -1);
              if (key in map) { delete map[key]; changed = true; }
              continue;
            }
            const eq = pair.indexOf('=');
            const key = pair.slice(0, eq);
            const value = pair.slice(eq + 1);
            if (key in map && map[key] !== value && !overwrite) conflict = `error: '${key}' already has a value (${map[key]}), and --overwrite is false`;
            else if (map[key] !== value) { map[key] = value; changed = true; }
          }
          if (conflict) return;
          obj.metadata[field] = map;
        });
        if (conflict) { stderr += `${conflict}\n`; exitCode = 1; continue; }
        stdout += `${typePrefix(target.resource)}/${name} ${changed || result.outcome !== 'unchanged' ? (which === 'label' ? 'labeled' : 'annotated') : `not ${which === 'label' ? 'labeled' : 'annotated'}`}\n`;
      } catch (error) {
        stderr += `${serverError(error)}\n`;
        exitCode = 1;
      }
    }
  }
  return { stdout, stderr, exitCode };
}

/** `kubectl scale TYPE/NAME --replicas=N`. */
export function scale(args: ParsedArgs, ctx: CommandContext): Output {
  const replicas = flag(args, 'replicas');
  if (replicas === undefined || !/^\d+$/.test(replicas)) return { stdout: '', stderr: 'error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0\n', exitCode: 1 };
  let stdout = '';
  let stderr = '';
  let exitCode = 0;
  for (const target of parseTargets(args.positionals)) {
    if (target.resource.kind !== 'Deployment' && target.resource.kind !== 'ReplicaSet') return { stdout: '', stderr: `error: no scaler has been implemented for {"${target.resource.group}" "${target.resource.kind}"}\n`, exitCode: 1 };
    for (const name of target.names) {
      try {
        ctx.cluster.update(target.resource.kind, ctx.namespace, name, (o) => { (o.spec as Record<string, unknown>).replicas = Number(replicas); });
        stdout += `${typePrefix(target.resource)}/${name} scaled\n`;
      } catch (error) {
        stderr += `${serverError(error)}\n`;
        exitCode = 1;
      }
    }
  }
  return { stdout, stderr, exitCode };
}

export { resolveResourceName };
