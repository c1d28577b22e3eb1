/**
 * The `observed` check: what the learner's own requests to a service saw since the step began, per version,
 * read from the service's sidecars' access logs (the checks' own requests left out). It sends nothing, so an
 * observing step passes only once the learner looked, and the Traffic view shows only what the learner sent.
 *
 * The learner's sample is whatever they sent (15 Preview refreshes, a loop of 100 curls), so it is judged at one
 * look by the traffic check's exact binomial test, at a level fit for a sample this small: a share the learner's
 * requests make implausible (1 in 1,000) fails, anything else passes. The route itself was measured by the step
 * that set it; this step asks whether the learner saw it.
 */
import type { z } from 'zod';
import type { observedCheckSchema } from '../../labs/schema.ts';
import { inboundByVersion } from '../accessLog.ts';
import { euRo } from '../korean.ts';
import { DEFAULT_SPLIT_TEST, judgeLook } from '../split.ts';
import { text, type Evaluator } from '../types.ts';

/** An observed check as the schema fills it. */
export type ObservedCheck = z.infer<typeof observedCheckSchema>;

/** The level at which the learner's own sample fails: implausible under the expected shares. */
const OBSERVED_ALPHA = 1e-3;

function percent(share: number): string {
  return `${Math.round(share * 100)} %`;
}

/** Counts the learner's requests since the step began and judges their split. */
export const evaluateObserved: Evaluator<ObservedCheck> = async (check, ctx) => {
  const versions = await inboundByVersion(ctx.env, check.service, check.namespace, ctx.stepStartedAt, {
    ...(check.pathPrefix !== undefined ? { pathPrefix: check.pathPrefix } : {}),
  });
  const counts = new Map(versions.filter((v) => v.requests > 0).map((v) => [v.version, v.requests] as const));
  const n = [...counts.values()].reduce((a, b) => a + b, 0);
  const split = [...counts].map(([v, k]) => `${v} ${k}`).join(', ');
  const where = `${check.service}${check.pathPrefix ? ` ${check.pathPrefix}` : ''}`;
  const evidence = [
    {
      action: `your requests to ${where} since ${ctx.stepStartedAt.toISOString()} (sidecar access logs)`,
      result: n === 0 ? '(none)' : `${n} request(s): ${split}`,
    },
  ];
  if (n < check.minRequests) {
    return {
      ok: false,
      evidence,
      signature: `few:${n}`,
      explanation:
        n === 0
          ? text(
              `이 단계를 시작한 뒤로 보낸 요청 중 ${euRo(check.service)} 간 것이 없습니다. 단계에서 말하는 대로 직접 요청을 보내 보세요(Preview 새로고침이나 터미널의 curl).`,
              `None of your requests has reached ${check.service} since this step began: ` +
                `send them yourself as the step says (refresh the Preview, or run its curl).`,
            )
          : text(
              `이 단계를 시작한 뒤로 보낸 요청 중 ${n}개가 ${euRo(check.service)} 갔습니다. 적어도 ${check.minRequests}개는 보내 보세요.`,
              `${n} of your requests reached ${check.service} since this step began; send at least ${check.minRequests}.`,
            ),
    };
  }
  const look = judgeLook(counts, check.expect, 0, 1, { ...DEFAULT_SPLIT_TEST, alpha: OBSERVED_ALPHA });
  const seen = look.classes
    .filter((c) => c.count > 0)
    .map((c) => `${c.name} ${percent(c.share)}`)
    .join(' / ');
  const wanted = Object.entries(check.expect)
    .filter(([, p]) => p > 0)
    .map(([v, p]) => `${v} ${percent(p)}`)
    .join(' / ');
  if (look.verdict === 'fail') {
    return {
      ok: false,
      evidence,
      signature: `split:${look.classes
        .filter((c) => c.rejected)
        .map((c) => c.name)
        .join(',')}`,
      explanation: text(
        `이 단계를 시작한 뒤로 보낸 요청 ${n}개가 ${seen}로 나뉘었습니다. 이 단계에서 볼 모습은 ${wanted}입니다. 앞 단계의 route가 그대로인지 확인하세요.`,
        `Your ${n} requests since this step began split ${seen}; this step should ` +
          `show ${wanted}. Check that the previous step's route is still in place.`,
      ),
    };
  }
  return {
    ok: true,
    evidence,
    signature: 'ok',
    explanation: text(
      `이 단계를 시작한 뒤로 보낸 요청 ${n}개가 ${seen}로 나뉘었습니다. 기대한 모습(${wanted})과 맞습니다.`,
      `Your ${n} requests since this step began split ${seen}, as expected (${wanted}).`,
    ),
  };
};
