/** The `traffic` check: send requests, classify the answers as they arrive, judge the split with the sequential test. */
import type { z } from 'zod';
import type {
  HttpOrigin,
  HttpRequest,
  HttpResult,
  HttpSeriesOptions,
  HttpSeriesResult,
  LabEnvironment,
} from '../../contract.ts';
import type { Check, Localized, trafficCheckSchema } from '../../labs/schema.ts';
import { runHttpSeries } from '../../traffic/series.ts';
import { OTHER, classLabel, type ClassRule } from '../classify.ts';
import { describeResponse, likelyCause } from '../diagnose.ts';
import { euRo, josa } from '../korean.ts';
import { explainGatewayEntry } from '../gatewayEntry.ts';
import { describeRequest, toOrigin, toRequest } from '../origin.ts';
import { SequentialSplit, type SequentialOutcome } from '../sequential.ts';
import { DEFAULT_SPLIT_TEST } from '../split.ts';
import { joinText, text, type CheckContext, type CheckLimits, type Evaluator } from '../types.ts';

/** A traffic check as the schema fills it. */
export type TrafficCheck = z.infer<typeof trafficCheckSchema>;

/** What the requests came back with, beyond their classes. */
interface Observed {
  statuses: Map<number, number>;
  /** The first response seen per status (for error bodies and curl messages). */
  firstByStatus: Map<number, HttpResult>;
}

/**
 * Sends the check's requests while `judge` wants more and counts every answer into it and `observed`: through the
 * environment's `httpSeries` (one call; the loop runs beside the environment), else the same loop over `http` here.
 * Either way the loop is `traffic/series.ts`, so the same requests are sent and the same answers counted.
 */
async function sendSeries(
  env: LabEnvironment,
  origin: HttpOrigin,
  request: HttpRequest,
  options: HttpSeriesOptions,
  signal: AbortSignal,
): Promise<HttpSeriesResult> {
  if (env.httpSeries) return env.httpSeries(origin, request, options, signal);
  return runHttpSeries({ http: (o, r) => env.http(o, r), signal }, origin, request, options);
}

/** The sequential judge of `check` under `limits`: how many answers it plans for, and at most counts. */
function judgeOf(check: TrafficCheck, limits: CheckLimits): { judge: SequentialSplit; planned: number } {
  const planned = Math.min(check.requests, limits.maxRequests);
  const cap = Math.max(planned, Math.min(check.requests * 4, limits.maxRequests));
  const judge = new SequentialSplit(check.expect, {
    planned,
    cap,
    // A learner's failing Check keeps counting to its planned number, as the old test's first look did: an early
    // rejection comes from an extreme start (34 v1 of 36 under 80/20), and the explanation must show the split, not
    // that start. A check that needs only the verdict stops at the deciding answer.
    minToFail: limits.verdictOnly ? 1 : planned,
  });
  return { judge, planned };
}

/**
 * Works out ahead the sequential plans `checks` will judge with (memoised in sequential.ts): tens to hundreds of
 * milliseconds of CPU for each new share and size, which the first Check of a step would otherwise spend on the
 * server's thread while every learner's terminal waits behind it. Answers how many checks it prepared.
 */
export function prepareTrafficPlans(checks: Iterable<Check>, limits: CheckLimits): number {
  let prepared = 0;
  for (const check of checks) {
    if (check.type === 'all') prepared += prepareTrafficPlans(check.checks, limits);
    else if (check.type === 'traffic') {
      judgeOf(check, limits);
      prepared++;
    }
  }
  return prepared;
}

/** Sends requests until the sequential test decides (answers judged as they arrive) and explains the outcome. */
export const evaluateTraffic: Evaluator<TrafficCheck> = async (check, ctx) => {
  const origin = toOrigin(check.from);
  const request = toRequest(check.request);
  const { judge, planned } = judgeOf(check, ctx.limits);
  const observed: Observed = { statuses: new Map(), firstByStatus: new Map() };
  const series = await sendSeries(
    ctx.env,
    origin,
    request,
    {
      rules: check.classes,
      concurrency: ctx.limits.concurrency,
      judge: judge.spec(),
      // Only background checks stop at the verdict: theirs is the series that may wait for the learners' own.
      ...(ctx.limits.verdictOnly ? { background: true } : {}),
    },
    ctx.signal,
  );
  // The answers as they were judged there, judged again here: the same judge, so the same verdict and counts.
  for (const answer of series.answers) {
    observed.statuses.set(answer.status, (observed.statuses.get(answer.status) ?? 0) + 1);
    judge.add(answer.class);
  }
  for (const response of series.first) observed.firstByStatus.set(response.status, response);
  const outcome = judge.outcome();
  const evidence = [
    {
      action: `${describeRequest(check.from, check.request)} x${outcome.n}`,
      result: `${countsLine(outcome)}; HTTP ${[...observed.statuses]
        .sort((a, b) => b[1] - a[1])
        .map(([s, k]) => `${s === 0 ? 'no response' : s} x${k}`)
        .join(', ')}`,
    },
    ...[...observed.firstByStatus]
      .filter(([s]) => s === 0 || s >= 400)
      .map(([s, r]) => ({
        action: `first ${s === 0 ? 'failed request' : `${s} response`}`,
        result: describeResponse(s, r.body, r.error?.message),
      })),
    { action: 'sequential test', result: decisionLine(outcome, planned) },
  ];
  // Through a Gateway API gateway, answers that mostly failed are explained from the Gateway and its routes (reads a
  // check that needs only the verdict, a background one, goes without).
  const failed = outcome.verdict === 'pass' ? undefined : dominantError(observed, outcome.n);
  const gateway = 'outside' in check.from && !ctx.limits.verdictOnly ? check.from.gateway : undefined;
  const why =
    failed && gateway ? await explainGatewayEntry(ctx.env, gateway, check.request, failed.response) : undefined;
  const explained = explain(check, ctx, outcome, observed, why);
  return { ok: outcome.verdict === 'pass', evidence, ...explained };
};

/** Why the test stopped where it did, for the evidence. */
function decisionLine(outcome: SequentialOutcome, planned: number): string {
  const at = `decided at ${outcome.decidedAt} of at most ${outcome.cap} answers`;
  const late =
    outcome.n > outcome.decidedAt ? `; ${outcome.n - outcome.decidedAt} more counted after that, not judged` : '';
  const rejected = outcome.classes.filter((c) => c.rejected).map((c) => c.name);
  const tolerancePoints = Math.round(DEFAULT_SPLIT_TEST.delta * 100);
  switch (outcome.decision) {
    case 'settled':
      return `pass, ${at}: the counts rule out every share ${tolerancePoints} points or more from the expected one${late}`;
    case 'cap':
      return `pass, ${at}: still ambiguous at the limit, and no share implausible${late}`;
    case 'all':
      return `pass, ${at}: all ${planned} planned answers in the expected class${late}`;
    case 'rejected':
      return `fail, ${at}: the share of ${rejected.join(', ')} is implausible under the expected split${late}`;
    case 'impossible':
      return `fail, ${at}: an answer the expectation rules out (${rejected.join(', ')})${late}`;
  }
}

function countsLine(outcome: SequentialOutcome): string {
  return outcome.classes
    .filter((c) => c.count > 0)
    .sort((a, b) => b.count - a.count)
    .map((c) => `${c.name}: ${c.count} (${pct(c.share)}%)`)
    .join(', ');
}

function pct(share: number): number {
  return Math.round(share * 100);
}

/** `80% v1 (no stars) / 20% v3 (red stars)` */
function splitText(
  entries: { name: string; share: number }[],
  rules: readonly ClassRule[],
  locale: 'ko' | 'en',
): string {
  return entries
    .filter((e) => e.share > 0)
    .sort((a, b) => b.share - a.share)
    .map((e) => `${pct(e.share)}% ${classLabel(e.name, rules, locale)}`)
    .join(' / ');
}

/** The failure most answers share, when at least half of them failed (0: no response, or a 4xx/5xx status). */
function dominantError(
  observed: Observed,
  n: number,
): { status: number; count: number; response: HttpResult } | undefined {
  const errors = [...observed.statuses].filter(([s]) => s === 0 || s >= 400).sort((a, b) => b[1] - a[1]);
  const errorCount = errors.reduce((a, [, k]) => a + k, 0);
  if (errorCount * 2 < n || errors.length === 0) return undefined;
  const [status, count] = errors[0]!;
  return { status, count, response: observed.firstByStatus.get(status)! };
}

function explain(
  check: TrafficCheck,
  ctx: CheckContext,
  outcome: SequentialOutcome,
  observed: Observed,
  why?: Localized,
) {
  const rules = check.classes;
  const n = outcome.n;
  const expectedEntries = Object.entries(check.expect).map(([name, share]) => ({ name, share }));
  const seen = outcome.classes.filter((c) => c.count > 0);
  const got = { ko: splitText(seen, rules, 'ko'), en: splitText(seen, rules, 'en') };
  const want = { ko: splitText(expectedEntries, rules, 'ko'), en: splitText(expectedEntries, rules, 'en') };
  const single = expectedEntries.filter((e) => e.share > 0);

  if (outcome.verdict === 'pass') {
    const explanation =
      single.length === 1
        ? text(
            `요청 ${n}개가 모두 ${josa(classLabel(single[0]!.name, rules, 'ko'), '이었습니다', '였습니다')}. 기대한 대로입니다.`,
            `All ${n} requests were ${classLabel(single[0]!.name, rules, 'en')}, as expected.`,
          )
        : text(
            `요청 ${n}개: ${got.ko}. 기대한 비율(${want.ko})과 통계적으로 맞습니다.`,
            `${n} requests: ${got.en}; consistent with the expected ${want.en}.`,
          );
    return { explanation, signature: 'ok' };
  }

  // Errors first: when most requests failed, their status says more than the split does.
  const failed = dominantError(observed, n);
  if (failed) {
    const { status, count, response: first } = failed;
    const cause = why ?? likelyCause(status, first.body, first.error?.message, ctx.files);
    const how =
      status === 0
        ? text(
            `응답을 받지 못했습니다(${first.error?.message ?? 'transport error'})`,
            `got no response (${first.error?.message ?? 'transport error'})`,
          )
        : text(`${euRo(String(status))} 실패했습니다`, `failed with ${status}`);
    const head =
      count === n
        ? text(`요청 ${n}개가 모두 ${how.ko}.`, `All ${n} requests ${how.en}`)
        : text(`요청 ${n}개 중 ${count}개가 ${how.ko}.`, `${count} of ${n} requests ${how.en}`);
    const sentence = cause ? joinText({ ko: head.ko, en: `${head.en}:` }, cause) : { ko: head.ko, en: `${head.en}.` };
    return { explanation: joinText(sentence, expectsText(want)), signature: `errors:${status}` };
  }

  const observedText = text(`요청 ${n}개의 결과는 ${got.ko}입니다.`, `${n} requests: ${got.en};`);
  const expects = text(`이 단계는 대략 ${josa(want.ko, '을', '를')} 기대합니다.`, `the step expects about ${want.en}.`);
  const shares = seen.filter((c) => c.name !== OTHER).map((c) => c.share);
  const evenlySpread = shares.length >= 3 && shares.every((s) => Math.abs(s - 1 / shares.length) <= 0.1);
  let cause: Localized;
  if (evenlySpread) {
    cause = text(
      `${shares.length}개 버전에 고르게 나뉘었습니다. VirtualService route가 적용되지 않아 Service의 모든 파드로 기본 분산될 때의 모습입니다.`,
      `The requests spread about evenly over ${shares.length} versions: no ` +
        `VirtualService route applies, so the Service balances over all its pods.`,
    );
  } else if ((seen.find((c) => c.name === OTHER)?.count ?? 0) * 2 >= n) {
    cause = text(
      '대부분의 응답이 어느 분류에도 맞지 않습니다. evidence의 상태 코드와 본문을 확인하세요.',
      'Most answers match none of the expected classes: see the statuses and bodies in the evidence.',
    );
  } else {
    cause = text(
      'VirtualService 라우트의 가중치(weight)와 서브셋(subset)을 확인하세요.',
      "Check the VirtualService route's weights and subsets.",
    );
  }
  const classesSeen = seen
    .map((c) => c.name)
    .sort()
    .join(',');
  return {
    explanation: joinText(observedText, expects, cause),
    // Which classes were seen, not whether their shares happened to look even: noise must not split a failure in two.
    signature: `split:${classesSeen}`,
  };
}

function expectsText(want: { ko: string; en: string }) {
  return text(`이 단계는 ${josa(want.ko, '을', '를')} 기대합니다.`, `The step expects ${want.en}.`);
}
