/**
 * What `kubectl apply` says when the server refuses an update: the three-way JSON merge patch it sent (built
 * from the last-applied configuration, the file and the live object) and the object it was for, as
 * `error when applying patch:\n{patch}\nto:\n{info}\nfor: "FILE": error when patching "FILE": ...`.
 * (Built-in kinds get a strategic merge patch in kubectl; lists there may be spelled differently.)
 */
import type { K8sObject } from '../../../../../contract.ts';
import type { ApiResource } from '../../../cluster/discovery.ts';
import { LAST_APPLIED } from '../../../cluster/lastApplied.ts';
import { sortKeys, threeWayMergePatch } from '../../../cluster/mergePatch.ts';

/** The patch kubectl apply sends for `applied` (the file's object, namespace set) over `live`. */
export function applyPatch(applied: K8sObject, live: K8sObject): string {
  // kubectl serialises the object with its annotations minus last-applied (an empty map stays, as `{}`).
  const config = structuredClone(applied) as K8sObject;
  config.metadata.annotations = { ...config.metadata.annotations };
  delete config.metadata.annotations[LAST_APPLIED];
  const modified = structuredClone(config) as K8sObject;
  modified.metadata.annotations = {
    ...modified.metadata.annotations,
    [LAST_APPLIED]: `${JSON.stringify(sortKeys(config))}\n`,
  };
  let original: unknown;
  try {
    original = JSON.parse(live.metadata.annotations?.[LAST_APPLIED] ?? 'null');
  } catch {
    original = undefined;
  }
  // kubectl reads the live object at the file's version, so apiVersion never differs.
  const current = { ...live, apiVersion: applied.apiVersion };
  return JSON.stringify(sortKeys(threeWayMergePatch(original, modified, current)));
}

/** resource.Info's String(): `Resource: "group/v, Resource=plural", GroupVersionKind: "group/v, Kind=Kind"\nName: "x", Namespace: "ns"`. */
export function infoString(resource: ApiResource, apiVersion: string, name: string, namespace: string): string {
  const gv = apiVersion.includes('/') ? apiVersion : `/${apiVersion}`;
  return (
    `Resource: "${gv}, Resource=${resource.plural}", GroupVersionKind: ` +
    `"${gv}, Kind=${resource.kind}"\nName: "${name}", Namespace: "${namespace}"`
  );
}
