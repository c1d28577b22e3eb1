/**
 * The JSON merge patch (RFC 7386) behind client-side `kubectl apply`: kubectl computes a three-way patch from the
 * last-applied configuration, the file and the live object, and the API server merges it into the live object. The
 * API server applies it here, and kubectl computes the same patch to word its errors (`error when applying patch`).
 */

/** A JSON object. */
export type JsonMap = Record<string, unknown>;

/** True for a JSON object (not an array, not null). */
export function isJsonMap(value: unknown): value is JsonMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Keys sorted at every level, as Go marshals a map. */
export function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (isJsonMap(value)) {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, sortKeys(value[k])]),
    );
  }
  return value;
}

const same = (a: unknown, b: unknown) => JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));

/** Fields of `modified` that `current` lacks or has otherwise (maps recursed, anything else whole). */
function additionsAndChanges(current: unknown, modified: JsonMap): JsonMap {
  const patch: JsonMap = {};
  for (const [key, value] of Object.entries(modified)) {
    const now = isJsonMap(current) ? current[key] : undefined;
    if (isJsonMap(value) && isJsonMap(now)) {
      const inner = additionsAndChanges(now, value);
      if (Object.keys(inner).length) patch[key] = inner;
    } else if (!same(now, value)) patch[key] = value;
  }
  return patch;
}

/** `null` for fields the last applied configuration had and the file dropped. */
function deletions(original: unknown, modified: JsonMap): JsonMap {
  const patch: JsonMap = {};
  if (!isJsonMap(original)) return patch;
  for (const [key, value] of Object.entries(original)) {
    const next = modified[key];
    if (!(key in modified)) patch[key] = null;
    else if (isJsonMap(value) && isJsonMap(next)) {
      const inner = deletions(value, next);
      if (Object.keys(inner).length) patch[key] = inner;
    }
  }
  return patch;
}

function mergeMaps(a: JsonMap, b: JsonMap): JsonMap {
  const out: JsonMap = { ...a };
  for (const [key, value] of Object.entries(b)) {
    const mine = out[key];
    out[key] = isJsonMap(value) && isJsonMap(mine) ? mergeMaps(mine, value) : value;
  }
  return out;
}

/**
 * The three-way patch kubectl sends: fields the file (`modified`) sets that the live object (`current`) lacks or
 * has otherwise, and `null` for fields the last applied configuration (`original`) had and the file dropped.
 * Fields nobody wrote in a file (defaults, controllers' fields) are left alone. Lists are replaced whole.
 */
export function threeWayMergePatch(original: unknown, modified: JsonMap, current: unknown): JsonMap {
  return mergeMaps(deletions(original, modified), additionsAndChanges(current, modified));
}

/** Merges a JSON merge patch into `target` (RFC 7386): `null` deletes, maps merge, anything else replaces. */
export function applyMergePatch(target: JsonMap, patch: JsonMap): JsonMap {
  const out: JsonMap = { ...target };
  for (const [key, value] of Object.entries(patch)) {
    const mine = out[key];
    if (value === null) delete out[key];
    else if (isJsonMap(value)) out[key] = applyMergePatch(isJsonMap(mine) ? mine : {}, value);
    else out[key] = structuredClone(value);
  }
  return out;
}
