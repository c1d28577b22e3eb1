/** The `http` check: one request and its outcome (status, headers, body, duration). */
import type { z } from 'zod';
import type { httpCheckSchema, Localized } from '../../labs/schema.ts';
import { describeResponse, likelyCause } from '../diagnose.ts';
import { josa } from '../korean.ts';
import { describeRequest, toOrigin, toRequest } from '../origin.ts';
import { gatherEgressFacts } from '../egressFacts.ts';
import { explainEgress } from '../egressCause.ts';
import { explainGatewayEntry } from '../gatewayEntry.ts';
import { joinText, text, type AttemptResult, type CheckContext, type Evaluator } from '../types.ts';
import type { HttpResult } from '../../contract.ts';
import { compareAll } from '../verbs.ts';

/** An http check as the schema fills it. */
export type HttpCheck = z.infer<typeof httpCheckSchema>;

/**
 * Makes the request once and compares every expectation; a failed request to a host outside the mesh, or from
 * outside through a Gateway API gateway, says why.
 */
export const evaluateHttp: Evaluator<HttpCheck> = async (check, ctx) => {
  const r = await ctx.env.http(toOrigin(check.from), toRequest(check.request));
  const result = compare(check, ctx, r);
  // Why it failed only words the explanation: a check that needs only the verdict (a background one) skips the reads.
  if (result.ok || ctx.limits.verdictOnly) return result;
  if ('outside' in check.from) {
    if (!check.from.gateway) return result;
    const why = await explainGatewayEntry(ctx.env, check.from.gateway, check.request, r);
    return why ? compare(check, ctx, r, why) : result;
  }
  const facts = await gatherEgressFacts(ctx.env, check.from.pod, check.request.url);
  if (!facts) return result;
  const echoed = /"X-Envoy-[A-Za-z-]+"/.test(r.body);
  const why = explainEgress(
    facts,
    {
      status: r.status,
      body: r.body,
      ...(r.error ? { curlExitCode: r.error.curlExitCode } : {}),
      throughEnvoy: echoed || Object.keys(r.headers).some((h) => h.toLowerCase() === 'x-envoy-upstream-service-time'),
    },
    {
      ...(check.expect.status !== undefined ? { status: check.expect.status } : {}),
      ...(check.expect.curlExitCode !== undefined ? { curlExitCode: check.expect.curlExitCode } : {}),
      bypass:
        check.expect.absentHeaders.some((h) => h.toLowerCase().startsWith('x-envoy')) ||
        check.expect.body.some((b) => b.verb === 'notContains' && /x-envoy/i.test(b.text)),
    },
  );
  return why ? compare(check, ctx, r, why) : result;
};

/** Compares one response with the expectations; `why`, when known, replaces the generic likely cause. */
function compare(check: HttpCheck, ctx: CheckContext, r: HttpResult, why?: Localized): AttemptResult {
  const e = check.expect;
  const evidence = [
    {
      action: describeRequest(check.from, check.request),
      result: `${describeResponse(r.status, r.body, r.error?.message)} in ${Math.round(r.durationMs)} ms`,
    },
  ];
  const header = (name: string) => Object.entries(r.headers).find(([k]) => k.toLowerCase() === name.toLowerCase())?.[1];
  const fail = (saw: Localized, signature: string) => ({
    ok: false,
    evidence,
    signature,
    explanation: why && signature !== `status:${r.status}` ? joinText(saw, why) : saw,
  });

  if (e.status !== undefined && r.status !== e.status) {
    const cause = why ?? likelyCause(r.status, r.body, r.error?.message, ctx.files);
    const saw =
      r.status === 0
        ? text(
            `응답을 받지 못했습니다(${r.error?.message ?? 'transport error'}).`,
            `The request got no response (${r.error?.message ?? 'transport error'}).`,
          )
        : text(`응답 상태가 ${r.status}입니다.`, `The answer was ${r.status}.`);
    const wanted =
      e.status === 0
        ? text(
            '이 단계에서는 요청이 연결 단계에서 실패해야 합니다.',
            'The step expects the request to fail before any response.',
          )
        : text(`이 단계에서는 ${josa(String(e.status), '이어야', '여야')} 합니다.`, `The step expects ${e.status}.`);
    return fail(joinText(saw, wanted, cause), `status:${r.status}`);
  }
  if (e.curlExitCode !== undefined && (r.error?.curlExitCode ?? 0) !== e.curlExitCode) {
    return fail(
      text(
        `curl 종료 코드가 ${r.error?.curlExitCode ?? 0}입니다. 이 단계에서는 ${josa(String(e.curlExitCode), '이', '가')} 나와야 합니다.`,
        `curl's exit code was ${r.error?.curlExitCode ?? 0}; the step expects ${e.curlExitCode}.`,
      ),
      `curl:${r.error?.curlExitCode ?? 0}`,
    );
  }
  for (const [name, part] of Object.entries(e.headers)) {
    const value = header(name);
    if (value === undefined || !value.includes(part)) {
      return fail(
        value === undefined
          ? text(
              `응답에 ${name} 헤더가 없습니다. 이 단계에서는 "${part}"를 담은 ${name} 헤더가 있어야 합니다.`,
              `The answer has no ${name} header; the step expects one containing "${part}".`,
            )
          : text(
              `${name} 헤더 값이 "${value}"입니다. 이 단계에서는 "${part}"를 담고 있어야 합니다.`,
              `The ${name} header is "${value}"; the step expects it to contain "${part}".`,
            ),
        `header:${name}`,
      );
    }
  }
  for (const name of e.absentHeaders) {
    const value = header(name);
    if (value !== undefined) {
      return fail(
        text(
          `응답에 ${name}: ${value} 헤더가 있습니다. 이 단계에서는 없어야 합니다.`,
          `The answer carries ${name}: ${value}; the step expects no such header.`,
        ),
        `absent:${name}`,
      );
    }
  }
  const body = compareAll(r.body, e.body);
  if (!body.ok) return fail(text(`응답 본문: ${body.reason.ko}.`, `Response body: ${body.reason.en}.`), 'body');
  if (e.minMs !== undefined && r.durationMs < e.minMs) {
    return fail(
      text(
        `응답이 ${Math.round(r.durationMs)} ms 만에 왔습니다. 이 단계에서는 ${e.minMs} ms 이상 걸려야 합니다.`,
        `The answer came after ${Math.round(r.durationMs)} ms; the step expects at least ${e.minMs} ms.`,
      ),
      'fast',
    );
  }
  if (e.maxMs !== undefined && r.durationMs > e.maxMs) {
    return fail(
      text(
        `응답에 ${Math.round(r.durationMs)} ms가 걸렸습니다. 이 단계에서는 ${e.maxMs} ms 안에 와야 합니다.`,
        `The answer took ${Math.round(r.durationMs)} ms; the step expects at most ${e.maxMs} ms.`,
      ),
      'slow',
    );
  }
  return {
    ok: true,
    evidence,
    signature: 'ok',
    explanation:
      r.status === 0
        ? text(
            `요청이 기대한 대로 실패했습니다(${r.error?.message ?? ''}).`,
            `The request failed as expected (${r.error?.message ?? ''}).`,
          )
        : text(`응답(${r.status})이 기대한 대로입니다.`, `The answer (${r.status}) is as expected.`),
  };
}
