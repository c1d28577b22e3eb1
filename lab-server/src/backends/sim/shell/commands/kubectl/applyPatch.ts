/**
 * What `kubectl apply` says when the server refuses an update: the three-way JSON merge patch it sent (built
 * from the last-applied configuration, the file and the live object) and the object it was for, as
 * `error when applying patch:\n{patch}\nto:\n{info}\nfor: "FILE": error when patching "FILE": ...`.
 * (Built-in kinds get a strategic merge patch in kubectl; lists there may be spelled differently.)
 */
import type { K8sObject } from '../../../../../contract.ts';
import type { ApiResource } from '../../../cluster/discovery.ts';
import { sortKeys } from './output.ts';

type Obj = Record<string, unknown>;

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration';

const isMap = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const same = (a: unknown, b: unknown) => JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));

/** Fields of `modified` that `current` lacks or has otherwise (maps recursed, anything else whole). */
function additionsAndChanges(current: unknown, modified: Obj): Obj {
  const patch: Obj = {};
  for (const [key, value] of Object.entries(modified)) {
    const now = isMap(current) ? current[key] : undefined;
    if (isMap(value) && isMap(now)) {
      const inner = additionsAndChanges(now, value);
      if (Object.keys(inner).length) patch[key] = inner;
    } else if (!same(now, value)) patch[key] = value;
  }
  return patch;
}

/** `null` for fields the last applied configuration had and the file dropped. */
function deletions(original: unknown, modified: Obj): Obj {
  const patch: Obj = {};
  if (!isMap(original)) return patch;
  for (const [key, value] of Object.entries(original)) {
    if (!(key in modified)) patch[key] = null;
    else if (isMap(value) && isMap(modified[key])) {
      const inner = deletions(value, modified[key] as Obj);
      if (Object.keys(inner).length) patch[key] = inner;
    }
  }
  return patch;
}

function merge(a: Obj, b: Obj): Obj {
  const out: Obj = { ...a };
  for (const [key, value] of Object.entries(b))
    out[key] = isMap(value) && isMap(out[key]) ? merge(out[key] as Obj, value) : value;
  return out;
}

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
  const patch = merge(
    deletions(original, modified as unknown as Obj),
    additionsAndChanges(current, modified as unknown as Obj),
  );
  return JSON.stringify(sortKeys(patch));
}

/** resource.Info's String(): `Resource: "group/v, Resource=plural", GroupVersionKind: "group/v, Kind=Kind"\nName: "x", Namespace: "ns"`. */
export function infoString(resource: ApiResource, apiVersion: string, name: string, namespace: string): string {
  const gv = apiVersion.includes('/') ? apiVersion : `/${apiVersion}`;
  return `Resource: "${gv}, Resource=${resource.plural}", GroupVersionKind: "${gv}, Kind=${resource.kind}"\nName: "${name}", Namespace: "${namespace}"`;
}
