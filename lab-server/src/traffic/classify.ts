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
