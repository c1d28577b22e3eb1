/** Sorting responses into the named classes of a traffic check. */
import type { HttpResult } from '../contract.ts';
import type { Localized } from '../labs/schema.ts';

/** A classifier rule as the schema gives it. */
export interface ClassRule {
  name: string;
  label?: Localized;
  bodyContains?: string;
  bodyNotContains?: string;
  status?: number;
  header?: { name: string; contains: string };
}

/** The class of responses no rule matched, and of transport errors. */
export const OTHER = 'other';

/**
 * The first rule that matches, or `other`. Transport errors (no response) are always `other`, and an
 * HTTP error status (>= 400) only matches a rule that names that status: an error page must not count as
 * a version because its body lacks the stars.
 */
export function classify(response: HttpResult, rules: readonly ClassRule[]): string {
  if (response.status === 0) return OTHER;
  // Rules that read only the status and the body give one class per (status, body): a check's hundreds of
  // answers are a few bodies, each the same string again (looked up by identity before any character is read).
  const memo = bodyRulesMemo(rules);
  if (!memo || response.body.length > MEMO_UP_TO_CHARS) return classifyNow(response, rules);
  const key = `${response.status}`;
  let byBody = memo.get(key);
  if (!byBody) memo.set(key, (byBody = new Map()));
  let name = byBody.get(response.body);
  if (name === undefined) {
    name = classifyNow(response, rules);
    // Bodies can echo what requests carry: a flood of distinct ones starts the memo afresh.
    if (byBody.size >= MEMO_BODIES) byBody.clear();
    byBody.set(response.body, name);
  }
  return name;
}

/** Bodies per status a rule list's memo keeps at most, and the longest body it keeps. */
const MEMO_BODIES = 64;
const MEMO_UP_TO_CHARS = 65_536;

/** Classes by status and body, per rule list; none for a list with a header rule (headers vary per answer). */
const memos = new WeakMap<readonly ClassRule[], Map<string, Map<string, string>> | null>();

function bodyRulesMemo(rules: readonly ClassRule[]): Map<string, Map<string, string>> | null {
  let memo = memos.get(rules);
  if (memo === undefined) memos.set(rules, (memo = rules.some((r) => r.header) ? null : new Map()));
  return memo;
}

function classifyNow(response: HttpResult, rules: readonly ClassRule[]): string {
  for (const rule of rules) {
    if (rule.status !== undefined ? rule.status !== response.status : response.status >= 400) continue;
    if (rule.bodyContains !== undefined && !response.body.includes(rule.bodyContains)) continue;
    if (rule.bodyNotContains !== undefined && response.body.includes(rule.bodyNotContains)) continue;
    if (rule.header) {
      const value = Object.entries(response.headers).find(
        ([k]) => k.toLowerCase() === rule.header!.name.toLowerCase(),
      )?.[1];
      if (value === undefined || !value.includes(rule.header.contains)) continue;
    }
    return rule.name;
  }
  return OTHER;
}

/** How explanations name a class: its label in the language, else its name. */
export function classLabel(name: string, rules: readonly ClassRule[], locale: 'ko' | 'en'): string {
  if (name === OTHER) return locale === 'ko' ? '그 밖의 응답' : 'other responses';
  return rules.find((r) => r.name === name)?.label?.[locale] ?? name;
}
