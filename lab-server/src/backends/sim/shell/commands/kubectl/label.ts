/** `kubectl label` and `kubectl annotate`: updates, removals, `--overwrite`, and kubectl's outcome words. */
import { flag, type ParsedArgs } from './args.ts';
import type { CommandContext, Output } from './context.ts';
import { parseTargets, serverError, typePrefix } from './resources.ts';
import { dryRunSuffix } from './write.ts';

/** Splits `key=value` and `key-` arguments as kubectl's label/annotate do, or returns kubectl's error. */
function parseUpdates(
  which: 'label' | 'annotate',
  specs: string[],
): { set: Map<string, string>; remove: string[] } | string {
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
  if (both.length)
    return which === 'label'
      ? 'error: can not both modify and remove a label in the same command'
      : `error: can not both modify and remove the following annotation(s) in the same command: ${both.join(', ')}`;
  return { set, remove };
}

/** `kubectl label` and `kubectl annotate`: `key=value`, `key-`, `--overwrite`, `-l`, `--all`. */
export function labelOrAnnotate(which: 'label' | 'annotate', args: ParsedArgs, ctx: CommandContext): Output {
  const isUpdate = (p: string, i: number) => i > 0 && (p.includes('=') || (p.endsWith('-') && p.length > 1));
  const specs = args.positionals.filter(isUpdate);
  const targetsText = args.positionals.filter((p, i) => !isUpdate(p, i));
  if (targetsText.length === 0)
    return {
      stdout: '',
      stderr: 'error: one or more resources must be specified as <resource> <name> or <resource>/<name>\n',
      exitCode: 1,
    };
  if (specs.length === 0)
    return {
      stdout: '',
      stderr: `error: at least one ${which === 'label' ? 'label' : 'annotation'} update is required\n`,
      exitCode: 1,
    };
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
      if (selector === undefined && !args.booleans.has('all'))
        return {
          stdout,
          stderr: `${stderr}error: resource(s) were provided, but no name was specified\n`,
          exitCode: 1,
        };
      names = ctx.cluster.list(target.resource.kind, namespace, selector).map((o) => o.metadata.name);
    }
    for (const name of names) {
      try {
        let refusal: string | undefined;
        const result = ctx.cluster.update(
          target.resource.kind,
          namespace,
          name,
          (obj) => {
            const current = (obj.metadata[field] as Record<string, string> | undefined) ?? {};
            const conflicts = [...updates.set].filter(
              ([k, v]) =>
                k in current && current[k] !== v && !(which === 'annotate' && k === 'kubernetes.io/change-cause'),
            );
            if (conflicts.length && !overwrite) {
              refusal =
                which === 'label'
                  ? conflicts
                      .map(([k]) => `'${k}' already has a value (${current[k]}), and --overwrite is false`)
                      .join(', ')
                  : `--overwrite is false but found the following declared annotation(s): ` +
                    `${conflicts.map(([k]) => `'${k}' already has a value (${current[k]})`).join('; ')}`;
              return;
            }
            const next = { ...current, ...Object.fromEntries(updates.set) };
            for (const k of updates.remove) delete next[k];
            if (JSON.stringify(next) !== JSON.stringify(current)) obj.metadata[field] = next;
          },
          { dryRun: dryRunMode === 'server' || dryRunMode === 'client' },
        );
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
