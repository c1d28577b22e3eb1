/** The `all` check: every sub-check in order; the first failure decides (the outer deadline governs retries). */
import type { Check } from '../../labs/schema.ts';
import type { AttemptResult, CheckContext } from '../types.ts';

/** An `all` check. */
export type AllCheck = Extract<Check, { type: 'all' }>;

/** Evaluates sub-checks once each, in order, stopping at the first failure. */
export async function evaluateAll(
  check: AllCheck,
  ctx: CheckContext,
  evaluate: (c: Check, ctx: CheckContext) => Promise<AttemptResult>,
): Promise<AttemptResult> {
  const evidence: AttemptResult['evidence'] = [];
  const explanations: AttemptResult['explanation'][] = [];
  for (const [i, sub] of check.checks.entries()) {
    const r = await evaluate(sub, ctx);
    evidence.push(...r.evidence);
    if (!r.ok) return { ok: false, evidence, explanation: r.explanation, signature: `${i}:${r.signature}` };
    explanations.push(r.explanation);
  }
  return {
    ok: true,
    evidence,
    signature: 'ok',
    explanation: { ko: explanations.map((e) => e.ko).join(' '), en: explanations.map((e) => e.en).join(' ') },
  };
}
