/**
 * What `kubectl set image|env|resources` act on: the objects named (`TYPE NAME`, `TYPE/NAME`, `-l`, `--all`), their
 * pod spec (a Pod's own, a workload's template), and the containers a `-c` pattern selects (kubectl's wildcards).
 */
import type { K8sObject } from '../../../../../contract.ts';
import type { ParsedArgs } from './args.ts';
import { flag } from './args.ts';
import type { CommandContext } from './context.ts';
import { parseTargets, type Target } from './resources.ts';

/** A container as these commands change it. */
export interface TemplateContainer {
  name: string;
  image?: string;
  env?: { name: string; value?: string; valueFrom?: Record<string, Record<string, string> | undefined> }[];
  resources?: { limits?: Record<string, string>; requests?: Record<string, string> };
}

/** A pod spec's containers. */
export interface TemplatePodSpec {
  containers?: TemplateContainer[];
  initContainers?: TemplateContainer[];
}

/** The kinds with a pod spec kubectl's UpdatePodSpecForObject knows. */
const KINDS = ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'Job', 'ReplicationController', 'Pod'];

/** Where a kind keeps its pod spec (a CronJob's is two templates down). */
export function podSpecOf(object: K8sObject): TemplatePodSpec | undefined {
  if (!KINDS.includes(object.kind) && object.kind !== 'CronJob') return undefined;
  const spec = object.spec as
    | ({
        template?: { spec?: TemplatePodSpec };
        jobTemplate?: { spec?: { template?: { spec?: TemplatePodSpec } } };
      } & TemplatePodSpec)
    | undefined;
  if (object.kind === 'Pod') return spec;
  if (object.kind === 'CronJob') return spec?.jobTemplate?.spec?.template?.spec;
  return spec?.template?.spec;
}

/** True when `name` matches kubectl's container pattern (`*` any run of characters, else the name itself). */
export function matchesContainer(pattern: string, name: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`);
  return re.test(name);
}

/** The containers (then init containers) of `spec` that `pattern` selects, as kubectl's selectContainers. */
export function selectContainers(spec: TemplatePodSpec, pattern: string): TemplateContainer[] {
  return [
    ...(spec.containers ?? []).filter((c) => matchesContainer(pattern, c.name)),
    ...(spec.initContainers ?? []).filter((c) => matchesContainer(pattern, c.name)),
  ];
}

/** One object to act on. */
export interface Selected {
  target: Target;
  name: string;
}

/** The objects the arguments name, or kubectl's error. */
export function selectObjects(
  resources: string[],
  args: ParsedArgs,
  ctx: CommandContext,
): { selected: Selected[]; errors: string } | { error: string } {
  const selector = flag(args, 'selector');
  if (args.booleans.has('all') && selector !== undefined)
    return { error: 'error: cannot set --all and --selector at the same time' };
  if (resources.length === 0)
    return { error: 'error: one or more resources must be specified as <resource> <name> or <resource>/<name>' };
  const selected: Selected[] = [];
  let errors = '';
  for (const target of parseTargets(resources)) {
    const namespace = target.resource.namespaced ? ctx.namespace : undefined;
    let names = target.names;
    if (names.length === 0) {
      if (selector === undefined && !args.booleans.has('all'))
        return { error: 'error: resource(s) were provided, but no name was specified' };
      names = ctx.cluster.list(target.resource.id, namespace, selector).map((o) => o.metadata.name);
    }
    for (const name of names) {
      if (!ctx.cluster.get(target.resource.id, namespace, name)) {
        const plural = `${target.resource.plural}${target.resource.group ? `.${target.resource.group}` : ''}`;
        errors += `Error from server (NotFound): ${plural} "${name}" not found\n`;
        continue;
      }
      selected.push({ target, name });
    }
  }
  return { selected, errors };
}

/** A selected object that has a pod spec, ready to change. */
export interface TemplatedObject extends Selected {
  namespace: string | undefined;
  object: K8sObject;
  spec: TemplatePodSpec;
}

/**
 * The object `selected` names with its pod spec, or kubectl's error for an object without one (UpdatePodSpecForObject's
 * `the object is not a pod or does not have a pod template: *v1.Service`, after the object's resource and name).
 */
export function templated(selected: Selected, ctx: CommandContext): TemplatedObject | { error: string } {
  const { target, name } = selected;
  const namespace = target.resource.namespaced ? ctx.namespace : undefined;
  const object = ctx.cluster.get(target.resource.id, namespace, name)!;
  const spec = podSpecOf(object);
  if (spec) return { ...selected, namespace, object, spec };
  // Built-in kinds are typed Go objects; custom resources stay unstructured.
  const goType = target.resource.crd ? 'unstructured.Unstructured' : `${target.resource.versions[0]}.${object.kind}`;
  return {
    error: `error: ${target.resource.plural}/${name} the object is not a pod or does not have a pod template: *${goType}\n`,
  };
}
