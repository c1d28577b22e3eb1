/**
 * `kubectl patch`: a strategic merge (the default), JSON merge or JSON patch given inline (`-p`, JSON or YAML) or
 * in a file (`--patch-file`), applied by the API server through admission. Custom resources (Istio's kinds) refuse
 * strategic merge patches, as the real API server does.
 */
import { parse } from 'yaml';
import type { K8sObject } from '../../../../../contract.ts';
import { flag, type FlagSpec, type ParsedArgs } from './args.ts';
import type { CommandContext, Output } from './context.ts';
import { readManifests } from './manifests.ts';
import { render } from './output.ts';
import { jsonPatch, mergePatch, PatchError, strategicMergePatch } from './patches.ts';
import { parseTargets, serverError, typePrefix, type Target } from './resources.ts';
import { dryRunSuffix } from './write.ts';
import { sortKeys } from './output.ts';

/** Flags of patch. */
export const PATCH_FLAGS: FlagSpec = {
  values: ['patch', 'patch-file', 'type', 'output', 'dry-run', 'filename', 'field-manager', 'subresource', 'template'],
  booleans: ['local', 'recursive', 'allow-missing-template-keys', 'show-managed-fields'],
  short: { p: 'patch', o: 'output', f: 'filename', R: 'recursive' },
};

const TYPES = ['json', 'merge', 'strategic'] as const;

function parsePatch(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    // kubectl accepts YAML too and converts it to JSON.
    try {
      return parse(text);
    } catch (error) {
      const line = /line (\d+)/.exec(String((error as Error).message))?.[1] ?? '1';
      throw new Error(`unable to parse "${text}": yaml: line ${line}: did not find expected node content`);
    }
  }
}

function applyPatch(type: (typeof TYPES)[number], live: K8sObject, patch: unknown, crd: boolean): K8sObject {
  if (type === 'strategic' && crd)
    throw new PatchError(
      'UnsupportedMediaType',
      'the body of the request was in an unknown format - accepted media types include: ' +
        'application/json-patch+json, application/merge-patch+json, application/apply-patch+yaml',
    );
  const result =
    type === 'json'
      ? jsonPatch(live, patch)
      : type === 'merge'
        ? mergePatch(live, patch)
        : strategicMergePatch(live, patch);
  return result as K8sObject;
}

/** `kubectl patch (-f FILENAME | TYPE NAME) [-p PATCH | --patch-file FILE] [--type strategic|merge|json]`. */
export async function patch(args: ParsedArgs, ctx: CommandContext): Promise<Output> {
  const type = (flag(args, 'type') ?? 'strategic') as (typeof TYPES)[number];
  if (!TYPES.includes(type))
    return { stdout: '', stderr: `error: --type must be one of [json merge strategic], not "${type}"\n`, exitCode: 1 };
  const inline = flag(args, 'patch');
  const file = flag(args, 'patch-file');
  if (inline !== undefined && file !== undefined)
    return { stdout: '', stderr: 'error: cannot specify --patch and --patch-file together\n', exitCode: 1 };
  let text = inline;
  if (file !== undefined) {
    const path = ctx.fs.resolvePath(ctx.cwd, file);
    if (!(await ctx.fs.exists(path)))
      return {
        stdout: '',
        stderr: `error: unable to read patch file: open ${file}: no such file or directory\n`,
        exitCode: 1,
      };
    text = await ctx.fs.readFile(path);
  }
  if (text === undefined || text === '')
    return {
      stdout: '',
      stderr: 'error: must specify --patch or --patch-file containing the contents of the patch\n',
      exitCode: 1,
    };
  let body: unknown;
  try {
    body = parsePatch(text);
  } catch (error) {
    return { stdout: '', stderr: `error: ${(error as Error).message}\n`, exitCode: 1 };
  }
  if (type === 'json' && !Array.isArray(body))
    return {
      stdout: '',
      stderr: `error: unable to parse "${text}": json: cannot unmarshal object into Go value of type jsonpatch.Patch\n`,
      exitCode: 1,
    };
  let targets: { target: Target; namespace: string | undefined }[] = [];
  const files = args.values.get('filename');
  if (files?.length) {
    for (const item of await readManifests(ctx, files, args.booleans.has('recursive'), ctx.host.samples)) {
      const [target] = parseTargets([`${item.object.kind}/${item.object.metadata.name}`]);
      targets.push({ target: target!, namespace: item.object.metadata.namespace ?? ctx.namespace });
    }
  } else {
    const parsed = parseTargets(args.positionals);
    if (parsed.length === 0)
      return {
        stdout: '',
        stderr:
          'error: You must provide one or more resources by argument or filename.\nExample resource specifications ' +
          "include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'\n",
        exitCode: 1,
      };
    if (parsed.some((t) => t.names.length === 0))
      return { stdout: '', stderr: 'error: resource(s) were provided, but no name was specified\n', exitCode: 1 };
    targets = parsed.map((target) => ({ target, namespace: ctx.namespace }));
  }
  const dryRunMode = flag(args, 'dry-run');
  const dryRun = dryRunMode !== undefined && dryRunMode !== 'none';
  const format = flag(args, 'output');
  let stdout = '';
  let stderr = '';
  let exitCode = 0;
  const printed: K8sObject[] = [];
  for (const { target, namespace } of targets) {
    const resource = target.resource;
    for (const name of target.names) {
      const ns = resource.namespaced ? namespace : undefined;
      try {
        const live = ctx.cluster.get(resource.kind, ns, name);
        if (!live)
          throw {
            code: 404,
            reason: 'NotFound',
            message: `${resource.group ? `${resource.plural}.${resource.group}` : resource.plural} "${name}" not found`,
          };
        const patched = applyPatch(type, live, body, resource.crd === true);
        const changed = JSON.stringify(sortKeys(patched)) !== JSON.stringify(sortKeys(live));
        let result = patched;
        if (changed && dryRunMode !== 'client') {
          result = ctx.cluster.update(
            resource.kind,
            ns,
            name,
            (o) => {
              for (const key of Object.keys(o)) delete (o as Record<string, unknown>)[key];
              Object.assign(o, structuredClone(patched));
            },
            { dryRun, ...(flag(args, 'field-manager') ? { fieldManager: flag(args, 'field-manager')! } : {}) },
          ).object;
        }
        printed.push(result);
        stdout += `${typePrefix(resource)}/${name} patched${changed ? '' : ' (no change)'}${dryRunSuffix(dryRunMode)}\n`;
      } catch (error) {
        exitCode = 1;
        if (error instanceof PatchError)
          stderr +=
            error.reason === 'Invalid'
              ? `The request is invalid: ${error.message}\n`
              : `Error from server (${error.reason}): ${error.message}\n`;
        else stderr += `${serverError(error)}\n`;
      }
    }
  }
  if (format && printed.length) stdout = render(format, printed, printed.length === 1);
  return { stdout, stderr, exitCode };
}
