/**
 * `kubectl kustomize DIR|URL`: the lab answers the Gateway API's CRD kustomizations (istio.io installs the CRDs with
 * `kubectl kustomize "github.com/kubernetes-sigs/gateway-api/config/crd?ref=..." | kubectl apply -f -`) from the
 * simulator's copy; building a learner's own kustomization is not simulated.
 */
import type { FlagSpec, parseArgs } from './args.ts';
import { out, type CommandContext, type Output } from './context.ts';
import { kustomizeTarget, releaseYaml, unavailable } from './gatewayApiRelease.ts';

/** The flags `kubectl kustomize` accepts that the lab reads or ignores harmlessly. */
export const KUSTOMIZE_FLAGS: FlagSpec = {
  values: ['output', 'load-restrictor', 'helm-command', 'env'],
  booleans: ['enable-helm', 'enable-alpha-plugins', 'network', 'as-current-user'],
  short: { o: 'output', e: 'env' },
};

/** Prints the built resources of a kustomization target. */
export async function kustomize(args: ReturnType<typeof parseArgs>, ctx: CommandContext): Promise<Output> {
  const [target = '.', ...extra] = args.positionals;
  if (extra.length > 0) return out.fail('error: specify one path to kustomization.yaml');
  const release = kustomizeTarget(target);
  if (release) {
    const why = unavailable(release);
    return why ? out.fail(`error: accumulating resources: ${why}`) : out.ok(releaseYaml(release));
  }
  if (/^(https?:\/\/|github\.com\/|git@)/.test(target))
    return out.fail(
      `error: accumulating resources: accumulation err='accumulating resources from '${target}': the lab has no network: ` +
        `only the Gateway API CRDs (github.com/kubernetes-sigs/gateway-api/config/crd) are available'`,
    );
  const path = ctx.fs.resolvePath(ctx.cwd, target);
  if (!(await ctx.fs.exists(path)))
    return out.fail(
      `error: must build at directory: not a valid directory: evalsymlink failure on '${path}' : lstat ${path}: no such file or directory`,
    );
  for (const file of ['kustomization.yaml', 'kustomization.yml', 'Kustomization'])
    if (await ctx.fs.exists(ctx.fs.resolvePath(path, file)))
      return out.fail(
        'error: building a kustomization is not simulated in the lab terminal; apply the manifests with "kubectl apply -f DIR"',
      );
  return out.fail(
    `error: unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '${path}'`,
  );
}
