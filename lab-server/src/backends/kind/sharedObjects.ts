/**
 * Objects every environment on the cluster shares: the toolbox namespace, the samples (read from
 * content/samples, the same files the simulator serves) and the shell's rc files (kind/toolbox/).
 * `labs cluster up` applies them, and so does the backend when it starts (both idempotent).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import type { K8sObject } from '../../contract.ts';
import { APP_DEFAULT_LIMIT, APP_DEFAULT_REQUEST, LEARNER_NAMESPACE_LABEL, LEARNER_QUOTA } from './capacity.ts';
import { MANAGED_BY } from './pins.ts';
import { nodeReaderRbac } from './rbac.ts';
import { repoPath } from './repoPaths.ts';
import { samplesConfigMap, shellConfigMap, toolboxNamespace } from './toolbox.ts';

/** Every file under `dir`, keyed by its path relative to `dir` with `/` separators. */
export function readTree(dir: string): Record<string, string> {
  const files: Record<string, string> = {};
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      const full = join(d, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile()) files[relative(dir, full).split(sep).join('/')] = readFileSync(full, 'utf8');
    }
  };
  walk(dir);
  return files;
}

/** The samples the labs apply, from content/samples. */
export function loadSamples(samplesDir = repoPath('content/samples')): Record<string, string> {
  return readTree(samplesDir);
}

/** The shared objects, in the order they must be applied. */
export function sharedObjects(samples = loadSamples()): K8sObject[] {
  const shellDir = repoPath('kind/toolbox');
  return [
    toolboxNamespace(),
    ...nodeReaderRbac(),
    samplesConfigMap(samples),
    shellConfigMap({
      'env.sh': readFileSync(join(shellDir, 'env.sh'), 'utf8'),
      'labsrc.sh': readFileSync(join(shellDir, 'labsrc.sh'), 'utf8'),
    }),
  ];
}

/**
 * A learner's namespace in a class: sidecar injection on; a ResourceQuota so that one learner cannot starve the class;
 * a LimitRange that gives containers without requests the defaults the quota and the capacity count with.
 */
export function learnerNamespaceObjects(namespace: string, owner: string, labId: string): K8sObject[] {
  return [
    {
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: {
        name: namespace,
        labels: {
          ...MANAGED_BY,
          'istio-injection': 'enabled',
          'labs.istio-traffic-labs/lab': labId,
          [LEARNER_NAMESPACE_LABEL]: 'true',
        },
        annotations: { 'labs.istio-traffic-labs/owner': owner },
      },
    },
    {
      apiVersion: 'v1',
      kind: 'ResourceQuota',
      metadata: { name: 'labs-quota', namespace, labels: { ...MANAGED_BY } },
      spec: { hard: { ...LEARNER_QUOTA } },
    },
    {
      apiVersion: 'v1',
      kind: 'LimitRange',
      metadata: { name: 'labs-defaults', namespace, labels: { ...MANAGED_BY } },
      spec: {
        limits: [{ type: 'Container', defaultRequest: { ...APP_DEFAULT_REQUEST }, default: { ...APP_DEFAULT_LIMIT } }],
      },
    },
  ];
}
