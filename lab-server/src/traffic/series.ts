/**
 * A traffic check's requests, sent where the environment lives (`LabEnvironment.httpSeries`): the same request again
 * and again, `concurrency` in flight, while the check's judge wants more, each answer classified as it arrives. This
 * is the loop the check itself ran over `http`; run beside the environment, it costs one call instead of one per
 * request, and only each answer's status and class cross back, with the first whole response of each status.
 */
import type { HttpOrigin, HttpRequest, HttpResult, HttpSeriesOptions, HttpSeriesResult } from '../contract.ts';
import { classify } from './classify.ts';
import { SplitJudge } from './splitJudge.ts';

/** One `http` call of an environment. */
export type HttpCall = (origin: HttpOrigin, request: HttpRequest) => Promise<HttpResult>;

/** Where the series runs: the environment's `http`, and what may hold a request back (a worker's pacing). */
export interface SeriesRunner {
  http: HttpCall;
  /** Waits, if need be, before each request starts. */
  pace?: () => Promise<void> | undefined;
  signal?: AbortSignal;
}

/**
 * Sends `request` from `origin` while a judge made from `options.judge` wants another answer, `options.concurrency`
 * at a time (each of that many loops sends, waits for the answer, judges it, and goes on while the judge wants more),
 * and answers every answer's status and class in the order they were judged.
 */
export async function runHttpSeries(
  runner: SeriesRunner,
  origin: HttpOrigin,
  request: HttpRequest,
  options: HttpSeriesOptions,
): Promise<HttpSeriesResult> {
  const judge = new SplitJudge(options.judge);
  const result: HttpSeriesResult = { answers: [], first: [] };
  const seen = new Set<number>();
  let started = 0;
  // One request and its answer, as its own async step: the loop awaits it as the check's loop always did, so the
  // answers interleave with the environment's timers exactly as before (the golden records depend on it).
  const one = async () => {
    const wait = runner.pace?.();
    if (wait) await wait;
    const response = await runner.http(origin, request);
    const name = classify(response, options.rules);
    result.answers.push({ status: response.status, class: name });
    if (!seen.has(response.status)) {
      seen.add(response.status);
      result.first.push(response);
    }
    judge.add(name);
  };
  const loop = async () => {
    while (judge.wants(started)) {
      runner.signal?.throwIfAborted();
      started++;
      await one();
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, loop));
  return result;
}
