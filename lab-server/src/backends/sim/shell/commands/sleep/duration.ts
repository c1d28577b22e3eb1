/** Durations as coreutils' `sleep` and `timeout` read them: a number (decimals allowed) and an optional s, m, h or d. */

const UNIT_MS: Record<string, number> = { '': 1000, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Milliseconds of one operand, `Infinity` for `inf`/`infinity`, or undefined when it is not a duration. */
export function parseDuration(text: string): number | undefined {
  if (/^\+?inf(inity)?$/i.test(text)) return Number.POSITIVE_INFINITY;
  const m = /^\+?(\d+(?:\.\d*)?|\.\d+)([smhd]?)$/.exec(text);
  if (!m) return undefined;
  return Number(m[1]) * UNIT_MS[m[2]!]!;
}

/** How coreutils quotes an operand in its messages under a UTF-8 locale. */
export function quoted(text: string): string {
  return `‘${text}’`;
}

/** Whole seconds, for messages. */
export function seconds(ms: number): string {
  const s = ms / 1000;
  return Number.isInteger(s) ? `${s} s` : `${s.toFixed(1)} s`;
}
