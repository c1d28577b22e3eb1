/**
 * The verify rules of istio.io's doc tests (`tests/util/verify.sh` in istio/istio.io), re-implemented as pure
 * functions with the same semantics, so a task's verified outputs are judged here exactly as istio.io judges them:
 * same, contains, not contains, elided (`...` lines stand for anything; each block between them must occur),
 * first line, like (same lines and tokens; ages, IPs, `...` and `name-<hash>` tokens may differ) and lines
 * (`+ text` must occur, `- text` must not).
 */

/** The rules a verified output is compared by. */
export type Rule = 'same' | 'contains' | 'notContains' | 'elided' | 'firstLine' | 'like' | 'lines';

/** What the harness does to a command's output before comparing: `$(cmd 2>&1)` then trailing blanks cut per line. */
export function captured(output: string): string {
  return output
    .replace(/\n+$/, '')
    .split('\n')
    .map((l) => l.replace(/[ \t\r\f\v]+$/, ''))
    .join('\n')
    .replace(/\n+$/, '');
}

const noCr = (s: string) => s.replace(/\r/g, '');

function same(out: string, expected: string): boolean {
  return noCr(out) === expected;
}

function contains(out: string, expected: string): boolean {
  return noCr(out).includes(expected);
}

function elided(out: string, expected: string): boolean {
  const text = noCr(out);
  let block: string[] = [];
  const holds = () => block.length === 0 || text.includes(block.join('\n'));
  for (const line of expected.split('\n')) {
    if (/^\s*\.\.\.\s*$/.test(line)) {
      if (!holds()) return false;
      block = [];
    } else block.push(line);
  }
  return holds();
}

function firstLine(out: string, expected: string): boolean {
  return noCr(out).split('\n')[0] === expected.split('\n')[0];
}

/** `read -r line`: the line without leading and trailing blanks. */
const readLine = (l: string) => l.replace(/^[ \t]+|[ \t]+$/g, '');
const tokens = (l: string) => l.split(/[ \t]+/).filter(Boolean);
const DURATION = /^(\d+[smhd])+$/;
const IPV4 = /^\d+\.\d+\.\d+\.\d+$/;

function likeToken(o: string, e: string): boolean {
  if (e === '...' || o === e) return true;
  if (DURATION.test(o) && DURATION.test(e)) return true;
  if ((IPV4.test(o) || o === '<none>' || o === '<pending>') && IPV4.test(e)) return true;
  // The same up to a difference that follows a `name-` prefix (pod-template hashes, generated suffixes).
  let common = '';
  for (let k = 0; k < o.length; k++) {
    if (o[k] === e[k]) common += o[k];
    else return /^([a-zA-Z0-9_]+-)+/.test(common);
  }
  return true;
}

function like(out: string, expected: string): boolean {
  const text = noCr(out);
  if (text === expected) return true;
  const ol = text.split('\n').map(readLine);
  const el = expected.split('\n').map(readLine);
  if (ol.length !== el.length) return false;
  return ol.every((o, i) => {
    const e = el[i]!;
    if (o === e) return true;
    const ot = tokens(o);
    const et = tokens(e);
    return ot.length === et.length && ot.every((t, j) => likeToken(t, et[j]!));
  });
}

function lines(out: string, expected: string): boolean {
  return expected.split('\n').every((line) => {
    if (line.startsWith('+ ')) return out.includes(line.slice(2));
    if (line.startsWith('- ')) return !out.includes(line.slice(2));
    return true;
  });
}

const RULES: Record<Rule, (out: string, expected: string) => boolean> = {
  same,
  contains,
  notContains: (out, expected) => !contains(out, expected),
  elided,
  firstLine,
  like,
  lines,
};

/** Whether `output` (as the command printed it) satisfies `rule` against `expected`. */
export function verify(rule: Rule, output: string, expected: string): boolean {
  return RULES[rule](captured(output), expected.replace(/\n+$/, ''));
}
