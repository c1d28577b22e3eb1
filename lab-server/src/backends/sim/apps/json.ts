/** JSON as the sample apps print it: keys sorted, two-space indent, trailing newline (Flask's jsonify, Go's MarshalIndent). */

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) out[key] = sortKeys((value as Record<string, unknown>)[key]);
    return out;
  }
  return value;
}

/** Pretty JSON with sorted keys and a final newline. */
export function prettyJson(value: unknown): string {
  return JSON.stringify(sortKeys(value), null, 2) + '\n';
}

/** Compact JSON in insertion order (Bookinfo's services answer this way). */
export function compactJson(value: unknown): string {
  return JSON.stringify(value);
}
