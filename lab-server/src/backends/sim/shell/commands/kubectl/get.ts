/** `kubectl get`: tables, `-o` formats, selectors, namespaces, several kinds at once, and `-w`. */
import type { K8sObject } from '../../../../../contract.ts';
import { flag, type ParsedArgs, type FlagSpec } from './args.ts';
import type { CommandContext, Output } from './context.ts';
import { readManifests } from './manifests.ts';
import { badFormat, OUTPUT_FORMATS, render } from './output.ts';
import { deprecationWarnings, isServed, parseTargets, serverError, typePrefix, type Target } from './resources.ts';
import { table } from './tables.ts';
import { resourceForKind } from '../../../cluster/discovery.ts';

/** Flags of `get`. */
export const GET_FLAGS: FlagSpec = {
  values: [
    'output',
    'selector',
    'filename',
    'label-columns',
    'sort-by',
    'field-selector',
    'chunk-size',
    'template',
    'show-managed-fields',
  ],
  booleans: [
    'all-namespaces',
    'show-labels',
    'watch',
    'no-headers',
    'ignore-not-found',
    'recursive',
    'show-kind',
    'watch-only',
  ],
  short: {
    o: 'output',
    l: 'selector',
    A: 'all-namespaces',
    w: 'watch',
    f: 'filename',
    L: 'label-columns',
    R: 'recursive',
  },
};

const NO_TYPE = `You must specify the type of resource to get. Use "kubectl api-resources" for a complete list of supported resources.

error: Required resource not specified.
Use "kubectl explain <resource>" for a detailed description of that resource (e.g. kubectl explain pods).
See 'kubectl get -h' for help and examples
`;

/** Runs `kubectl get`. */
export async function get(args: ParsedArgs, ctx: CommandContext): Promise<Output> {
  const format = flag(args, 'output') ?? '';
  const formatName = format.split('=')[0]!;
  if (format && !OUTPUT_FORMATS.includes(formatName))
    return { stdout: '', stderr: `${badFormat(format)}\n`, exitCode: 1 };
  const allNamespaces = args.booleans.has('all-namespaces');
  const selector = flag(args, 'selector');
  let targets: Target[];
  let byFile: K8sObject[] | undefined;
  const files = args.values.get('filename');
  if (files?.length) {
    byFile = (await readManifests(ctx, files, args.booleans.has('recursive'), ctx.host.samples)).map((m) => m.object);
    targets = [];
  } else {
    targets = parseTargets(args.positionals, (r) => isServed(ctx.cluster, r));
    if (targets.length === 0) return { stdout: '', stderr: NO_TYPE, exitCode: 1 };
  }
  let stderr = deprecationWarnings(targets);
  let exitCode = 0;
  const groups: { target: Target; objects: K8sObject[] }[] = [];
  const fetch = (kind: string, namespace: string | undefined, name: string) => {
    const obj = ctx.cluster.get(kind, namespace, name);
    if (!obj && !args.booleans.has('ignore-not-found')) {
      const resource = resourceForKind(kind)!;
      stderr +=
        `Error from server (NotFound): ` +
        `${resource.group ? `${resource.plural}.${resource.group}` : resource.plural} "${name}" not found\n`;
      exitCode = 1;
    }
    return obj;
  };
  if (byFile) {
    for (const obj of byFile) {
      const resource = resourceForKind(obj.kind);
      if (!resource) continue;
      const found = fetch(
        obj.kind,
        resource.namespaced ? (obj.metadata.namespace ?? ctx.namespace) : undefined,
        obj.metadata.name,
      );
      if (found) {
        let group = groups.find((g) => g.target.resource === resource);
        if (!group) {
          group = { target: { resource, names: [] }, objects: [] };
          groups.push(group);
        }
        group.objects.push(found);
      }
    }
  } else {
    for (const target of targets) {
      const verb = target.names.length ? 'get' : 'list';
      if (!target.resource.verbs.includes(verb))
        return {
          stdout: '',
          stderr: `${stderr}Error from server (MethodNotAllowed): the server does not allow this method on the requested resource\n`,
          exitCode: 1,
        };
      const namespace = target.resource.namespaced && !allNamespaces ? ctx.namespace : undefined;
      let objects: K8sObject[];
      if (target.names.length)
        objects = target.names
          .map((n) => fetch(target.resource.kind, target.resource.namespaced ? ctx.namespace : undefined, n))
          .filter((o): o is K8sObject => !!o);
      else {
        try {
          objects = ctx.cluster.list(target.resource.kind, namespace, selector);
        } catch (error) {
          return { stdout: '', stderr: `${serverError(error)}\n`, exitCode: 1 };
        }
      }
      groups.push({ target, objects });
    }
  }
  const all = groups.flatMap((g) => g.objects);
  const sortBy = flag(args, 'sort-by');
  if (sortBy) sortObjects(groups, sortBy);
  const single = !byFile && targets.length === 1 && targets[0]!.names.length === 1;
  let stdout = '';
  if (format && format !== 'wide') {
    // kubectl's generic printers (json, yaml, name, jsonpath, custom-columns) print the list as it is, even empty,
    // and never say "No resources found"; only a single named object that is missing prints nothing.
    if (!(single && all.length === 0))
      stdout = render(format, all, single || (byFile?.length === 1 && all.length === 1));
  } else {
    const several = groups.length > 1;
    const tables = groups
      .filter((g) => g.objects.length > 0)
      .map((g) =>
        table(g.target.resource.kind, g.objects, ctx.host.clock.now(), {
          wide: format === 'wide',
          showLabels: args.booleans.has('show-labels'),
          withNamespace: allNamespaces && g.target.resource.namespaced,
          noHeaders: args.booleans.has('no-headers'),
          ...(several || args.booleans.has('show-kind') ? { withKind: typePrefix(g.target.resource) } : {}),
          labelColumns: (args.values.get('label-columns') ?? []).flatMap((l) => l.split(',')),
        }),
      );
    stdout = tables.join('\n');
    if (all.length === 0 && exitCode === 0 && !targets.some((t) => t.names.length))
      stderr += noResources(targets, allNamespaces, ctx.namespace);
  }
  if (args.booleans.has('watch') && ctx.host.stream && !byFile && targets.length === 1) {
    return watch(stdout, stderr, targets[0]!, allNamespaces ? undefined : ctx.namespace, selector, args, ctx);
  }
  return { stdout, stderr, exitCode };
}

function noResources(targets: Target[], allNamespaces: boolean, namespace: string): string {
  const namespaced = targets.some((t) => t.resource.namespaced);
  return namespaced && !allNamespaces ? `No resources found in ${namespace} namespace.\n` : 'No resources found\n';
}

function sortObjects(groups: { objects: K8sObject[] }[], path: string): void {
  const expr = path
    .replace(/^\{|\}$/g, '')
    .replace(/^\./, '')
    .split('.');
  const value = (o: K8sObject) =>
    expr.reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), o);
  for (const g of groups)
    g.objects.sort((a, b) =>
      String(value(a) ?? '').localeCompare(String(value(b) ?? ''), undefined, { numeric: true }),
    );
}

/** `-w`: the table, then a row per change until Ctrl-C. */
async function watch(
  first: string,
  stderr: string,
  target: Target,
  namespace: string | undefined,
  selector: string | undefined,
  args: ParsedArgs,
  ctx: CommandContext,
): Promise<Output> {
  const stream = ctx.host.stream!;
  stream(stderr + first);
  const names = new Set(target.names);
  const matches = (o: K8sObject) =>
    o.kind === target.resource.kind &&
    (namespace === undefined || o.metadata.namespace === namespace) &&
    (names.size === 0 || names.has(o.metadata.name)) &&
    (!selector ||
      ctx.cluster.list(o.kind, o.metadata.namespace, selector).some((x) => x.metadata.name === o.metadata.name));
  await new Promise<void>((resolve) => {
    const off = ctx.cluster.watch((event) => {
      if (!matches(event.object)) return;
      const rows = table(target.resource.kind, [event.object], ctx.host.clock.now(), {
        wide: flag(args, 'output') === 'wide',
        showLabels: args.booleans.has('show-labels'),
        withNamespace: namespace === undefined && target.resource.namespaced,
        noHeaders: true,
      });
      stream(rows);
    });
    const stop = () => {
      off();
      resolve();
    };
    if (ctx.signal?.aborted) stop();
    ctx.signal?.addEventListener('abort', stop, { once: true });
  });
  return { stdout: '', stderr: '', exitCode: 0 };
}
