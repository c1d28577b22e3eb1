/** The few version comparisons the preflight needs (no dependency for three numbers). */

/** `major.minor.patch` as numbers. */
export type Version = [number, number, number];

/** The first `X.Y` or `X.Y.Z` in `text` (a `v` prefix and suffixes like `-dispatcher` are ignored). */
export function parseVersion(text: string): Version | undefined {
  const m = /(\d+)\.(\d+)(?:\.(\d+))?/.exec(text);
  if (!m) return undefined;
  return [Number(m[1]), Number(m[2]), Number(m[3] ?? 0)];
}

/** Negative when a < b, zero when equal, positive when a > b. */
export function compareVersions(a: Version, b: Version): number {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return 0;
}

/** `1.30.0` */
export function formatVersion(v: Version): string {
  return v.join('.');
}
