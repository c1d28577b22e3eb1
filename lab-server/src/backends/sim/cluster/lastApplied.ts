/**
 * `kubectl.kubernetes.io/last-applied-configuration` as kubectl writes it: the object from the file (its own
 * apiVersion, the namespace kubectl set), annotations minus this one (an empty map stays, as `{}`), no status,
 * marshalled the way Go marshals a map (keys sorted) with a trailing newline.
 */
import type { K8sObject } from '../../../contract.ts';
import { sortKeys } from './mergePatch.ts';

/** The annotation's key. */
export const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

/** The configuration kubectl records for `applied` in `namespace` (undefined for cluster-scoped kinds), without the newline. */
export function lastAppliedConfiguration(applied: K8sObject, namespace: string | undefined): string {
  const config = structuredClone(applied);
  config.metadata = { ...config.metadata, ...(namespace ? { namespace } : {}) };
  const annotations = { ...config.metadata.annotations };
  delete annotations[LAST_APPLIED];
  config.metadata.annotations = annotations;
  delete config.status;
  return JSON.stringify(sortKeys(config));
}
