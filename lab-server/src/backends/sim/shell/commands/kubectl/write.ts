/** `kubectl apply`, `create`, `replace` (and `create namespace|deployment`): manifests through the API server, one line per object. */
import type { K8sObject } from '../../../../../contract.ts';
import { kindKeyOf, resourceForApiVersion, resourceForKind } from '../../../cluster/discovery.ts';
import { flag, type FlagSpec, KubectlUsageError, type ParsedArgs } from './args.ts';
import { CONFIGMAP_FLAGS, createConfigMap } from './createConfigMap.ts';
import type { CommandContext, Output } from './context.ts';
import { readManifests, type ManifestObject } from './manifests.ts';
import { render } from './output.ts';
import { applyPatch, infoString } from './applyPatch.ts';
import { isApiError } from '../../../cluster/errors.ts';
import { isServed, serverError, typePrefix } from './resources.ts';
import type { SimClusterApi } from '../../../types.ts';
import { pause, sliceOver } from '../../scheduler.ts';

/** Flags of apply/create/replace. */
export const WRITE_FLAGS: FlagSpec = {
  values: ['filename', 'output', 'dry-run', 'field-manager', 'validate', 'selector', 'kustomize'],
  booleans: ['recursive', 'server-side', 'force', 'overwrite', 'prune', 'save-config', 'force-conflicts', 'wait'],
  short: { f: 'filename', o: 'output', R: 'recursive', l: 'selector', k: 'kustomize' },
};

const NO_FILE = (_verb: string) => 'error: must specify one of -f and -k\n';

/** ` (dry run)` / ` (server dry run)` after an outcome, as kubectl prints it. */
export function dryRunSuffix(mode: string | undefined): string {
  return mode === 'server' ? ' (server dry run)' : mode === 'client' || mode === 'true' ? ' (dry run)' : '';
}

/** Checks an object against discovery first, as kubectl's RESTMapper does: kubectl's error text, or undefined. */
export function mapped(item: ManifestObject, cluster?: Pick<SimClusterApi, 'get'>): string | undefined {
  const { object, source } = item;
  const resource = resourceForApiVersion(object.apiVersion, object.kind);
  if (!resource || (cluster && !isServed(cluster, resource))) {
    // kubectl names the namespace as the file wrote it (before -n or the default applies).
    const ns = object.metadata?.namespace ?? '';
    return (
      `error: resource mapping not found for name: "${object.metadata?.name ?? ''}" namespace: "${ns}" from "${source}": ` +
      `no matches for kind "${object.kind}" in version "${object.apiVersion}"\nensure CRDs are installed first`
    );
  }
  return undefined;
}

function namespaced(object: K8sObject, ctx: CommandContext): K8sObject {
  const resource = resourceForKind(kindKeyOf(object));
  // The command's own object: manifests.ts hands each read its own copies (a cached parse is cloned there).
  const copy = object;
  copy.metadata ??= { name: '' };
  if (resource?.namespaced) {
    if (ctx.namespaceGiven && copy.metadata.namespace && copy.metadata.namespace !== ctx.namespace) {
      throw new Error(
        `the namespace from the provided object "${copy.metadata.namespace}" does not match the namespace ` +
          `"${ctx.namespace}". You must pass '--namespace=${copy.metadata.namespace}' to perform this operation.`,
      );
    }
    copy.metadata.namespace ??= ctx.namespace;
  }
  return copy;
}

/** apply / create / replace with `-f`. */
export async function writeManifests(
  verb: 'apply' | 'create' | 'replace',
  args: ParsedArgs,
  ctx: CommandContext,
): Promise<Output> {
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
    // Many objects take turns with the other environments of the thread (scheduler.ts).
    if (sliceOver(ctx.host.clock)) await pause(ctx.host.clock);
    const mappingError = mapped(item, ctx.cluster);
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
      stderr +=
        `error: error when retrieving current configuration of:\nResource: ` +
        `"${resource.group ? `${resource.group}/` : ''}${resource.versions[0]}, Resource=${resource.plural}", GroupVersionKind: ` +
        `"${object.apiVersion}, Kind=${object.kind}"\nName: "", Namespace: ` +
        `"${object.metadata.namespace ?? ''}"\nfrom server for: "${item.source}": resource name may not be empty\n`;
      exitCode = 1;
      continue;
    }
    const live = ctx.cluster.get(kindKeyOf(object), object.metadata.namespace, object.metadata.name);
    try {
      if (dryRunMode === 'client' || dryRunMode === 'true') {
        const outcome =
          verb === 'apply' ? (live ? 'configured' : 'created') : verb === 'create' ? 'created' : 'replaced';
        if (verb === 'create' && live)
          throw {
            code: 409,
            reason: 'AlreadyExists',
            message:
              `${resource.group ? `${resource.plural}.${resource.group}` : resource.plural} ` +
              `"${object.metadata.name}" already exists`,
          };
        printed.push(object);
        stdout += `${label} ${outcome}${dryRunSuffix(dryRunMode)}\n`;
        continue;
      }
      const options = {
        dryRun,
        ...(flag(args, 'field-manager') ? { fieldManager: flag(args, 'field-manager')! } : {}),
      };
      if (verb === 'apply') {
        if (live && !live.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration']) {
          stderr +=
            `Warning: resource ${resource.plural}/${object.metadata.name} is missing the ` +
            `kubectl.kubernetes.io/last-applied-configuration annotation which is required by kubectl apply. kubectl ` +
            `apply should only be used on resources created declaratively by either kubectl create ` +
            `--save-config or kubectl apply. The missing annotation will be patched automatically.\n`;
        }
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
        const context =
          `error when applying ` +
          `patch:\n${applyPatch(object, live)}\nto:\n` +
          `${infoString(resource, object.apiVersion, object.metadata.name, object.metadata.namespace ?? '')}\nfor: ` +
          `"${item.source}": error when patching "${item.source}"`;
        stderr += `${serverError(error, context)}\n`;
      } else
        stderr += `${serverError(error, `error when ${verb === 'replace' ? 'replacing' : 'creating'} "${item.source}"`)}\n`;
      exitCode = 1;
    }
  }
  if (format && printed.length) stdout = render(format, printed, printed.length === 1);
  return { stdout, stderr, exitCode };
}

/** `kubectl create namespace|ns NAME`, `create deployment NAME --image=...` and `create configmap|cm NAME ...`. */
export function createNamed(args: ParsedArgs, ctx: CommandContext): Output | Promise<Output> {
  const [what, name] = args.positionals;
  if (what === 'configmap' || what === 'cm') return createConfigMap(args.positionals.slice(1), args, ctx);
  // The create subcommands share one flag list here; each refuses the configmap ones, as kubectl's own flag sets do.
  const foreign = CONFIGMAP_FLAGS.find((f) => args.values.has(f));
  if (foreign) throw new KubectlUsageError(`error: unknown flag: --${foreign}`, `create ${what ?? ''}`.trim());
  if (what === 'namespace' || what === 'ns') {
    if (!name)
      return {
        stdout: '',
        stderr: "error: exactly one NAME is required, got 0\nSee 'kubectl create namespace -h' for help and examples\n",
        exitCode: 1,
      };
    try {
      ctx.cluster.create(
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
        { dryRun: flag(args, 'dry-run') === 'server' },
      );
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
      ctx.cluster.create({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name, namespace: ctx.namespace, labels },
        spec: {
          replicas,
          selector: { matchLabels: labels },
          template: { metadata: { labels }, spec: { containers: [{ name: container, image }] } },
        },
      });
      return { stdout: `deployment.apps/${name} created\n`, stderr: '', exitCode: 0 };
    } catch (error) {
      return { stdout: '', stderr: `${serverError(error)}\n`, exitCode: 1 };
    }
  }
  return {
    stdout: '',
    stderr: `error: unknown command "${what ?? ''}" for "kubectl create"\nDid you mean this?\n\tnamespace\n\tdeployment\n`,
    exitCode: 1,
  };
}
