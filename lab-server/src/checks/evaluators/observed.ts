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
import { inboundBetween, inboundSince } from '../accessLog.ts';
import { euRo } from '../korean.ts';
import { DEFAULT_SPLIT_TEST, judgeLook } from '../split.ts';
import { text, type Evaluator } from '../types.ts';

/** An observed check as the schema fills it. */
export type ObservedCheck = z.infer<typeof observedCheckSchema>;

/** How far before the step's start a check looks for requests sent too early, to say so (ms). */
const EARLY_LOOKBACK_MS = 15 * 60_000;

/** The level at which the learner's own sample fails: implausible under the expected shares. */
const OBSERVED_ALPHA = 1e-3;

function percent(share: number): string {
  return `${Math.round(share * 100)} %`;
}

/** Counts the learner's requests since the step began and judges their split. */
export const evaluateObserved: Evaluator<ObservedCheck> = async (check, ctx) => {
  const filter = check.pathPrefix !== undefined ? { pathPrefix: check.pathPrefix } : {};
  const { versions, unreadable } = await inboundSince(
    ctx.env,
    check.service,
    check.namespace,
    ctx.stepStartedAt,
    filter,
  );
  const counts = new Map(versions.filter((v) => v.requests > 0).map((v) => [v.version, v.requests] as const));
  const n = [...counts.values()].reduce((a, b) => a + b, 0);
  const split = [...counts].map(([v, k]) => `${v} ${k}`).join(', ');
  const where = `${check.service}${check.pathPrefix ? ` ${check.pathPrefix}` : ''}`;
  const began = ctx.stepStartedAt.toISOString();
  const evidence = [
    {
      action: `your requests to ${where} since ${began} (sidecar access logs)`,
      result: n === 0 ? '(none)' : `${n} request(s): ${split}`,
    },
    ...unreadable.map((u) => ({
      action: `kubectl logs ${u.pod} -c istio-proxy --since-time=${began}`,
      result: u.error,
    })),
  ];
  if (n < check.minRequests) {
    if (unreadable.length > 0) {
      const pods = unreadable.map((u) => u.pod).join(', ');
      return {
        ok: false,
        evidence,
        signature: 'unreadable',
        explanation: text(
          `${check.service} 파드(${pods})의 사이드카 액세스 로그를 읽지 못해 요청을 셀 수 없습니다. 잠시 뒤에 다시 확인해 보세요.`,
          `The sidecar access logs of ${check.service} (${pods}) could not be read, so your requests cannot be ` +
            'counted. Check again in a moment.',
        ),
      };
    }
    // Requests sent before the step began belong to the step before: say so, or the learner sees a loop that ran
    // and a check that says nothing arrived. Only the explanation needs that look (seven more reads of the cluster):
    // a background check, which keeps only the verdict, goes without it.
    const early: { requests: number; lastStartedAt?: string } = ctx.limits.verdictOnly
      ? { requests: 0 }
      : await inboundBetween(
          ctx.env,
          check.service,
          check.namespace,
          new Date(ctx.stepStartedAt.getTime() - EARLY_LOOKBACK_MS),
          ctx.stepStartedAt,
          filter,
        );
    if (early.requests > 0)
      evidence.push({
        action: `your requests to ${where} in the ${EARLY_LOOKBACK_MS / 60_000} minutes before ${began}`,
        result: `${early.requests} request(s)${early.lastStartedAt ? `, the last at ${early.lastStartedAt}` : ''}`,
      });
    const sentEarly = early.requests > 0 && n === 0;
    return {
      ok: false,
      evidence,
      signature: `few:${n}`,
      explanation: sentEarly
        ? text(
            `이 단계를 시작한 뒤로 보낸 요청 중 ${euRo(check.service)} 간 것이 없습니다. ` +
              `그 전에 보낸 요청 ${early.requests}개는 앞 단계에서 보낸 것으로 셉니다. ` +
              '지금 다시 보내 보세요(Preview 새로고침이나 터미널의 curl).',
            `None of your requests has reached ${check.service} since this step began; the ${early.requests} sent ` +
              'before it count for the step before. Send them again now (refresh the Preview, or run its curl).',
          )
        : n === 0
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
