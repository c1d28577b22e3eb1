/** Reads `spec.http[0].route[1].weight` or `metadata.annotations["sidecar.istio.io/inject"]` out of an object. */

/** Splits a field path into keys; throws on a malformed path (a lab-file mistake). */
export function parseFieldPath(path: string): (string | number)[] {
  const keys: (string | number)[] = [];
  const re = /\.?([A-Za-z_$][\w$-]*)|\[(\d+)\]|\[["']([^"']+)["']\]/y;
  let pos = 0;
  while (pos < path.length) {
    re.lastIndex = pos;
    const m = re.exec(path);
    if (!m) throw new Error(`malformed field path "${path}" at "${path.slice(pos)}"`);
    keys.push(m[1] ?? (m[2] !== undefined ? Number(m[2]) : m[3]!));
    pos = re.lastIndex;
  }
  return keys;
}

/** The value at a path, or undefined when any step is missing. */
export function readFieldPath(object: unknown, path: string): unknown {
  let current: unknown = object;
  for (const key of parseFieldPath(path)) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string | number, unknown>)[key];
  }
  return current;
}

/** Structural equality of JSON-like values (key order ignored). */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ak = Object.keys(a as object);
  const bk = Object.keys(b as object);
  if (ak.length !== bk.length) return false;
  return ak.every((k) => jsonEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/** A value as an explanation shows it. */
export function showValue(value: unknown): string {
  if (value === undefined) return '(not set)';
  const s = JSON.stringify(value);
  return s.length > 80 ? `${s.slice(0, 79)}…` : s;
}
