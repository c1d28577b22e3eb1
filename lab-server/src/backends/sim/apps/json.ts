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

/** Compact JSON with sorted keys and a final newline (Flask 3's jsonify outside debug mode). */
export function sortedCompactJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)) + '\n';
}

/** Compact JSON in insertion order (Bookinfo's services answer this way). */
export function compactJson(value: unknown): string {
  return JSON.stringify(value);
}

/** Python's `json.dumps` with its default separators (`, ` and `: `) and ASCII escapes, as productpage prints JSON. */
export function pythonJson(value: unknown): string {
  if (value === null || value === undefined) return 'null';
  if (typeof value === 'string')
    return JSON.stringify(value).replace(
      /[\u007f-\uffff]/g,
      (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
    );
  if (typeof value === 'number' || typeof value === 'boolean') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(pythonJson).join(', ')}]`;
  const entries = Object.entries(value as Record<string, unknown>);
  return `{${entries.map(([k, v]) => `${pythonJson(k)}: ${pythonJson(v)}`).join(', ')}}`;
}
