/**
 * istio.io's doc-test verbs as pure functions: compare a command's output with an expectation that
 * holds on the simulator and on a real cluster alike. Each returns whether it holds and, when it does
 * not, a short reason in both languages.
 */
import type { Localized, TextExpectation } from '../labs/schema.ts';

/** Outcome of one text comparison. */
export interface VerbResult {
  ok: boolean;
  /** Why it failed (empty strings when it held). */
  reason: Localized;
}

/** One of the verbs of `textExpectationSchema`. */
export type Verb = TextExpectation['verb'];

const held: VerbResult = { ok: true, reason: { ko: '', en: '' } };

function failed(ko: string, en: string): VerbResult {
  return { ok: false, reason: { ko, en } };
}

/** Trailing blanks and trailing empty lines never matter (terminals and kubectl pad differently). */
export function normalize(text: string): string {
  return text
    .replace(/\r\n/g, '\n')
    .split('\n')
    .map((l) => l.replace(/\s+$/, ''))
    .join('\n')
    .replace(/\n+$/, '');
}

/** Substring verbs compare exactly, line ends aside: a trailing `\n` in the expectation is meaningful. */
function crlf(text: string): string {
  return text.replace(/\r\n/g, '\n');
}

function quote(text: string, max = 80): string {
  const one = text.replace(/\n/g, '⏎');
  return `"${one.length > max ? `${one.slice(0, max - 1)}…` : one}"`;
}

/** Same text, up to trailing whitespace. */
export function same(actual: string, expected: string): VerbResult {
  const a = normalize(actual);
  const e = normalize(expected);
  if (a === e) return held;
  const al = a.split('\n');
  const el = e.split('\n');
  const i = el.findIndex((line, n) => line !== al[n]);
  const at = i === -1 ? el.length : i;
  return failed(
    `${at + 1}번째 줄이 다릅니다: 기대 ${quote(el[at] ?? '(끝)')}, 실제 ${quote(al[at] ?? '(끝)')}`,
    `line ${at + 1} differs: expected ${quote(el[at] ?? '(end)')}, got ${quote(al[at] ?? '(end)')}`,
  );
}

/** The expected text occurs somewhere. */
export function contains(actual: string, expected: string): VerbResult {
  return crlf(actual).includes(crlf(expected))
    ? held
    : failed(`출력에 ${quote(expected)}가 없습니다`, `the output does not contain ${quote(expected)}`);
}

/** The expected text occurs nowhere. */
export function notContains(actual: string, expected: string): VerbResult {
  return crlf(actual).includes(crlf(expected))
    ? failed(
        `출력에 ${quote(expected)}가 있으면 안 되는데 나왔습니다`,
        `the output contains ${quote(expected)}, which it must not`,
      )
    : held;
}

/** Lines equal to `...` in the expectation stand for any number of lines (none included). */
export function elided(actual: string, expected: string): VerbResult {
  const lines = normalize(actual).split('\n');
  const parts: string[][] = [[]];
  for (const line of normalize(expected).split('\n')) {
    if (line.trim() === '...') parts.push([]);
    else parts[parts.length - 1]!.push(line);
  }
  // The first part must start the output and the last must end it, unless `...` stands there.
  let pos = 0;
  for (let p = 0; p < parts.length; p++) {
    const part = parts[p]!;
    if (part.length === 0) continue;
    const anchoredStart = p === 0;
    const anchoredEnd = p === parts.length - 1;
    const found = findBlock(lines, part, pos, anchoredStart, anchoredEnd);
    if (found === -1) {
      return failed(
        `생략(...)을 빼고 맞춰 봐도 ${quote(part.join('\n'))} 부분이 출력에 없습니다`,
        `no part of the output matches ${quote(part.join('\n'))} (with \`...\` standing for any lines)`,
      );
    }
    pos = found + part.length;
  }
  return held;
}

function findBlock(lines: string[], block: string[], from: number, atStart: boolean, atEnd: boolean): number {
  const last = lines.length - block.length;
  for (let i = atEnd ? last : from; i <= last && i >= from; i++) {
    if (atStart && i !== 0) return -1;
    if (block.every((line, j) => lines[i + j] === line)) return i;
    if (atEnd) return -1;
  }
  return -1;
}

// Tokens that legitimately differ between runs and clusters: pod-template hashes, IPs, ages, times, uids.
const VARIABLE_TOKENS: [RegExp, string][] = [
  [/\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/g, '<uid>'],
  [/\b\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})\b/g, '<time>'],
  [/\b(\d{1,3}\.){3}\d{1,3}(\/\d{1,2})?(:\d+)?\b/g, '<ip>'],
  [/-[a-z0-9]{8,10}-[a-z0-9]{5}\b/g, '-<hash>'],
  [/-[bcdfghjklmnpqrstvwxz2456789]{5}\b/g, '-<hash>'],
  [/\b\d+[dhms](\d+[hms])?\b/g, '<age>'],
];

/** Replaces what may vary with placeholders and collapses column padding. */
export function shape(text: string): string {
  let out = normalize(text);
  for (const [pattern, placeholder] of VARIABLE_TOKENS) out = out.replace(pattern, placeholder);
  return out
    .split('\n')
    .map((l) => l.trim().replace(/\s+/g, ' '))
    .join('\n');
}

/** Same shape: equal once IPs, ages, times, uids and pod-hash suffixes are masked and columns re-padded. */
export function like(actual: string, expected: string): VerbResult {
  const a = shape(actual).split('\n');
  const e = shape(expected).split('\n');
  const i = e.findIndex((line, n) => line !== a[n]);
  if (i === -1 && a.length === e.length) return held;
  const at = i === -1 ? e.length : i;
  return failed(
    `${at + 1}번째 줄의 모양이 다릅니다 (IP·경과 시간·해시 차이는 무시): 기대 ${quote(e[at] ?? '(끝)')}, 실제 ${quote(a[at] ?? '(끝)')}`,
    `line ${at + 1} has another shape (IPs, ages and hashes aside): expected ${quote(e[at] ?? '(end)')}, got ${quote(a[at] ?? '(end)')}`,
  );
}

/** Each `+ text` line must occur in the output, each `- text` line must not (lines without a sign count as `+`). */
export function lines(actual: string, expected: string): VerbResult {
  const out = normalize(actual);
  for (const raw of normalize(expected).split('\n')) {
    if (raw.trim() === '') continue;
    const sign = raw[0] === '-' ? '-' : '+';
    const text = raw[0] === '-' || raw[0] === '+' ? raw.slice(1).trim() : raw.trim();
    const present = out.includes(text);
    if (sign === '+' && !present)
      return failed(`출력에 ${quote(text)} 줄이 없습니다`, `the output has no line with ${quote(text)}`);
    if (sign === '-' && present)
      return failed(
        `출력에 ${quote(text)} 줄이 있으면 안 됩니다`,
        `the output must not have a line with ${quote(text)}`,
      );
  }
  return held;
}

/** The first line is the expected one. */
export function firstLine(actual: string, expected: string): VerbResult {
  const first = normalize(actual).split('\n')[0] ?? '';
  const want = normalize(expected).split('\n')[0] ?? '';
  return first === want
    ? held
    : failed(
        `첫 줄이 ${quote(want)}가 아니라 ${quote(first)}입니다`,
        `the first line is ${quote(first)}, not ${quote(want)}`,
      );
}

/** A JavaScript regular expression (multi-line: `^` and `$` match at line ends) finds a match. */
export function matches(actual: string, pattern: string): VerbResult {
  let re: RegExp;
  try {
    re = new RegExp(pattern, 'm');
  } catch (e) {
    return failed(
      `실습 파일의 정규 표현식이 잘못되었습니다: ${(e as Error).message}`,
      `the lab file's regular expression is invalid: ${(e as Error).message}`,
    );
  }
  return re.test(actual.replace(/\r\n/g, '\n'))
    ? held
    : failed(`출력이 /${pattern}/ 패턴과 맞지 않습니다`, `the output does not match /${pattern}/`);
}

const VERBS: Record<Verb, (actual: string, expected: string) => VerbResult> = {
  same,
  contains,
  notContains,
  elided,
  like,
  lines,
  firstLine,
  matches,
};

/** Applies one expectation of a lab file to an output. */
export function compareText(actual: string, expectation: TextExpectation): VerbResult {
  return VERBS[expectation.verb](actual, expectation.text);
}

/** Applies every expectation; the first that fails is reported. */
export function compareAll(actual: string, expectations: readonly TextExpectation[]): VerbResult {
  for (const e of expectations) {
    const r = compareText(actual, e);
    if (!r.ok) return r;
  }
  return held;
}
