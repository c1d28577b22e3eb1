/** `kubectl apply`, `create`, `replace`, `delete`: manifests through the API server, one line per object. */
import type { K8sObject } from '../../../../../contract.ts';
import { resolveResourceName, resourceForApiVersion, resourceForKind, type ApiResource } from '../../../cluster/discovery.ts';
import { flag, type FlagSpec, type ParsedArgs } from './args.ts';
import type { CommandContext, Output } from './context.ts';
import { readManifests, type ManifestObject } from './manifests.ts';
import { render } from './output.ts';
import { applyPatch, infoString } from './applyPatch.ts';
import { isApiError } from '../../../cluster/errors.ts';
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
function mapped(item: ManifestObject): string | undefined {
  const { object, source } = item;
  if (!resourceForApiVersion(object.apiVersion, object.kind)) {
    // kubectl names the namespace as the file wrote it (before -n or the default applies).
    const ns = object.metadata?.namespace ?? '';
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
    const mappingError = mapped(item);
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
      if (verb === 'apply' && live && isApiError(error)) {
        const context = `error when applying patch:\n${applyPatch(object, live)}\nto:\n${infoString(resource, object.apiVersion, object.metadata.name, object.metadata.namespace ?? '')}\nfor: "${item.source}": error when patching "${item.source}"`;
        stderr += `${serverError(error, context)}\n`;
      } else stderr += `${serverError(error, `error when ${verb === 'replace' ? 'replacing' : 'creating'} "${item.source}"`)}\n`;
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

/** `kubectl delete`: by type and names, `-f`, `-l`, `--all`; kubectl 1.34 names the namespace it deleted from. */
export async function del(args: ParsedArgs, ctx: CommandContext): Promise<Output> {
  let stdout = '';
  let stderr = '';
  let exitCode = 0;
  const ignore = args.booleans.has('ignore-not-found');
  const dryRunMode = flag(args, 'dry-run');
  const output = flag(args, 'output');
  if (output !== undefined && output !== 'name') return { stdout: '', stderr: `error: unexpected -o output mode: ${output}. We only support '-o name'\n`, exitCode: 1 };
  if (args.booleans.has('all') && flag(args, 'selector') !== undefined) return { stdout: '', stderr: 'error: cannot set --all and --selector at the same time\n', exitCode: 1 };
  const doDelete = (resource: ApiResource, namespace: string | undefined, name: string, source?: string) => {
    try {
      if (dryRunMode === 'client' || dryRunMode === 'true') {
        if (!ctx.cluster.get(resource.kind, namespace, name)) throw { code: 404, reason: 'NotFound', message: `${resource.group ? `${resource.plural}.${resource.group}` : resource.plural} "${name}" not found` };
      } else if (dryRunMode !== 'server') ctx.cluster.delete(resource.kind, namespace, name);
      else if (!ctx.cluster.get(resource.kind, namespace, name)) throw { code: 404, reason: 'NotFound', message: `${resource.group ? `${resource.plural}.${resource.group}` : resource.plural} "${name}" not found` };
      if (output === 'name') stdout += `${typePrefix(resource)}/${name}\n`;
      else stdout += `${typePrefix(resource)} "${name}" deleted${resource.namespaced ? ` from ${namespace} namespace` : ''}${dryRunSuffix(dryRunMode)}\n`;
    } catch (error) {
      if (ignore && (error as { code?: number }).code === 404) return;
      stderr += `${serverError(error, source ? `error when deleting "${source}"` : undefined)}\n`;
      exitCode = 1;
    }
  };
  const files = args.values.get('filename');
  if (files?.length) {
    for (const item of await readManifests(ctx, files, args.booleans.has('recursive'), ctx.host.samples)) {
      const mappingError = mapped(item);
      if (mappingError) { stderr += `${mappingError}\n`; exitCode = 1; continue; }
      const resource = resourceForApiVersion(item.object.apiVersion, item.object.kind)!;
      doDelete(resource, resource.namespaced ? item.object.metadata?.namespace ?? ctx.namespace : undefined, item.object.metadata?.name ?? '', item.source);
    }
    return { stdout, stderr, exitCode };
  }
  const targets = parseTargets(args.positionals);
  if (targets.length === 0) return { stdout: '', stderr: 'error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   \'-f rsrc.yaml\'\n   \'--filename=rsrc.json\'\n   \'<resource> <name>\'\n   \'<resource>\'\n', exitCode: 1 };
  const selector = flag(args, 'selector');
  let found = 0;
  for (const target of targets) {
    const namespace = target.resource.namespaced ? (args.booleans.has('all-namespaces') ? undefined : ctx.namespace) : undefined;
    if (target.names.length) {
      for (const name of target.names) doDelete(target.resource, target.resource.namespaced ? ctx.namespace : undefined, name);
      found += target.names.length;
    } else if (selector !== undefined || args.booleans.has('all')) {
      let objects: K8sObject[];
      try {
        objects = ctx.cluster.list(target.resource.kind, namespace, selector);
      } catch (error) {
        return { stdout, stderr: `${stderr}${serverError(error)}\n`, exitCode: 1 };
      }
      found += objects.length;
      for (const o of objects) doDelete(target.resource, o.metadata.namespace, o.metadata.name);
    } else {
      return { stdout: '', stderr: 'error: resource(s) were provided, but no name was specified\n', exitCode: 1 };
    }
  }
  // kubectl prints this on stdout, not stderr.
  if (found === 0) stdout += 'No resources found\n';
  return { stdout, stderr, exitCode };
}

/** Splits `key=value` and `key-` arguments as kubectl's label/annotate do, or returns kubectl's error. */
function parseUpdates(which: 'label' | 'annotate', specs: string[]): { set: Map<string, string>; remove: string[] } | string {
  const set = new Map<string, string>();
  const remove: string[] = [];
  for (const spec of specs) {
    if (spec.includes('=')) {
      const parts = spec.split('=');
      if (which === 'label' && parts.length !== 2) return `error: invalid label spec: ${spec}`;
      const [key, ...rest] = parts;
      set.set(key!, rest.join('='));
    } else remove.push(spec.slice(0, -1));
  }
  const both = remove.filter((k) => set.has(k));
  if (both.length) return which === 'label' ? 'error: can not both modify and remove a label in the same command' : `error: can not both modify and remove the following annotation(s) in the same command: ${both.join(', ')}`;
  return { set, remove };
}

/** `kubectl label` and `kubectl annotate`: `key=value`, `key-`, `--overwrite`, `-l`, `--all`. */
export function labelOrAnnotate(which: 'label' | 'annotate', args: ParsedArgs, ctx: CommandContext): Output {
  const isUpdate = (p: string, i: number) => i > 0 && (p.includes('=') || (p.endsWith('-') && p.length > 1));
  const specs = args.positionals.filter(isUpdate);
  const targetsText = args.positionals.filter((p, i) => !isUpdate(p, i));
  if (targetsText.length === 0) return { stdout: '', stderr: 'error: one or more resources must be specified as <resource> <name> or <resource>/<name>\n', exitCode: 1 };
  if (specs.length === 0) return { stdout: '', stderr: `error: at least one ${which === 'label' ? 'label' : 'annotation'} update is required\n`, exitCode: 1 };
  const updates = parseUpdates(which, specs);
  if (typeof updates === 'string') return { stdout: '', stderr: `${updates}\n`, exitCode: 1 };
  const targets = parseTargets(targetsText);
  const overwrite = args.booleans.has('overwrite');
  const field = which === 'label' ? 'labels' : 'annotations';
  const selector = flag(args, 'selector');
  const dryRunMode = flag(args, 'dry-run');
  let stdout = '';
  let stderr = '';
  let exitCode = 0;
  for (const target of targets) {
    const namespace = target.resource.namespaced ? ctx.namespace : undefined;
    let names = target.names;
    if (names.length === 0) {
      if (selector === undefined && !args.booleans.has('all')) return { stdout, stderr: `${stderr}error: resource(s) were provided, but no name was specified\n`, exitCode: 1 };
      names = ctx.cluster.list(target.resource.kind, namespace, selector).map((o) => o.metadata.name);
    }
    for (const name of names) {
      try {
        let refusal: string | undefined;
        const result = ctx.cluster.update(target.resource.kind, namespace, name, (obj) => {
          const current = (obj.metadata[field] as Record<string, string> | undefined) ?? {};
          const conflicts = [...updates.set].filter(([k, v]) => k in current && current[k] !== v && !(which === 'annotate' && k === 'kubernetes.io/change-cause'));
          if (conflicts.length && !overwrite) {
            refusal = which === 'label'
              ? conflicts.map(([k]) => `'${k}' already has a value (${current[k]}), and --overwrite is false`).join(', ')
              : `--overwrite is false but found the following declared annotation(s): ${conflicts.map(([k]) => `'${k}' already has a value (${current[k]})`).join('; ')}`;
            return;
          }
          const next = { ...current, ...Object.fromEntries(updates.set) };
          for (const k of updates.remove) delete next[k];
          if (JSON.stringify(next) !== JSON.stringify(current)) obj.metadata[field] = next;
        }, { dryRun: dryRunMode === 'server' || dryRunMode === 'client' });
        if (refusal) {
          stderr += `error: ${refusal}\n`;
          exitCode = 1;
          continue;
        }
        // kubectl's message compares the object before and after: unlabeled when it only shrank (without --overwrite).
        let message = which === 'label' ? 'labeled' : 'annotated';
        if (which === 'label') {
          if (result.outcome === 'unchanged') message = 'not labeled';
          else if (!overwrite && updates.set.size === 0) message = 'unlabeled';
        }
        stdout += `${typePrefix(target.resource)}/${name} ${message}${dryRunSuffix(dryRunMode)}\n`;
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
