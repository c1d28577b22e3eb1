/** Freezing shared values all the way down: what many environments share, none of them can change. */

/** Freezes `value` and everything it holds (what is frozen already is left as it is); returns it. */
export function deepFreeze<T>(value: T): T {
  if (typeof value !== 'object' || value === null || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const inner of Object.values(value)) deepFreeze(inner);
  return value;
}
