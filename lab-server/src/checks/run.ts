/**
 * Runs a step's check: dispatches to the evaluator of its type and retries with backoff until the
 * check's deadline, because on a real cluster new configuration takes seconds to reach the proxies.
 * A failure that keeps the same signature for `settleMs` ends the retries early: the cluster has
 * settled, and the learner should not wait out the whole deadline for a wrong answer. An environment
 * that knows when its changes have taken effect (`LabEnvironment.settled`, the simulator) is looked at
 * once, after that moment: its answer cannot change by waiting, so a failing check answers at once.
 */
import type { LabEnvironment } from '../contract.ts';
import type { Check, Localized } from '../labs/schema.ts';
import type { Evidence } from '../protocol/api.ts';
import { evaluateAll } from './evaluators/all.ts';
import { evaluateExec } from './evaluators/exec.ts';
import { evaluateHttp } from './evaluators/http.ts';
import { evaluateLogs } from './evaluators/logs.ts';
import { evaluateObject } from './evaluators/object.ts';
import { evaluateObserved } from './evaluators/observed.ts';
import { evaluateRan } from './evaluators/ran.ts';
import { evaluateShell } from './evaluators/shell.ts';
import { evaluateTraffic } from './evaluators/traffic.ts';
import {
  DEFAULT_LIMITS,
  text,
  type AttemptResult,
  type CheckContext,
  type CheckLimits,
  type LabFileRef,
} from './types.ts';

/** What a caller provides to run a check. */
export interface CheckInput {
  env: LabEnvironment;
  /** When the step began, on the environment's clock. */
  stepStartedAt: Date;
  limits?: CheckLimits;
  /** The lab's editor files (explanations name the one that defines a missing kind). */
  files?: readonly LabFileRef[];
  signal?: AbortSignal;
}

/** How to run it. */
export interface RunOptions {
  /** Retry until the deadline (default). `false`: one attempt, e.g. `labs verify`'s "must fail before" run. */
  retry?: boolean;
  /** Stop retrying once a failure kept its signature this long (default 6 s). */
  settleMs?: number;
  /** Caps the check's own `timeoutSeconds`. */
  maxWaitMs?: number;
  /** Called after every attempt (progress for the CLI and live views). */
  onAttempt?: (attempt: AttemptResult, index: number) => void;
}

/** The final result of a check run. */
export interface CheckOutcome {
  ok: boolean;
  explanation: Localized;
  evidence: Evidence[];
  attempts: number;
  durationMs: number;
  /** How long the check waited for the configuration to take effect (retries, or the environment settling). */
  waitedMs?: number;
  /** What kind of outcome this was (see `AttemptResult.signature`): failures alike across learners share it. */
  signature: string;
}

const FIRST_BACKOFF_MS = 300;
const MAX_BACKOFF_MS = 3_000;
/** An attempt may overrun the deadline by this much before it is aborted. */
const OVERRUN_MS = 15_000;

/** One attempt of any check type. */
export function evaluate(check: Check, ctx: CheckContext): Promise<AttemptResult> {
  switch (check.type) {
    case 'object':
      return evaluateObject(check, ctx);
    case 'traffic':
      return evaluateTraffic(check, ctx);
    case 'http':
      return evaluateHttp(check, ctx);
    case 'exec':
      return evaluateExec(check, ctx);
    case 'shell':
      return evaluateShell(check, ctx);
    case 'logs':
      return evaluateLogs(check, ctx);
    case 'ran':
      return evaluateRan(check, ctx);
    case 'observed':
      return evaluateObserved(check, ctx);
    case 'all':
      return evaluateAll(check, ctx, evaluate);
  }
}

/** An attempt that threw: the check could not even look. */
function crashed(error: unknown): AttemptResult {
  const message = error instanceof Error ? error.message : String(error);
  return {
    ok: false,
    evidence: [{ action: 'run the check', result: message }],
    signature: `error:${message}`,
    explanation: text(`확인을 실행하지 못했습니다: ${message}`, `The check could not run: ${message}`),
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const t = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });
}

/** Runs a check to its final result. Never throws for a failing or crashing check. */
export async function runCheck(check: Check, input: CheckInput, options: RunOptions = {}): Promise<CheckOutcome> {
  const started = performance.now();
  const waitMs = Math.min(check.timeoutSeconds * 1000, options.maxWaitMs ?? Infinity);
  const deadline = started + waitMs;
  const settleMs = options.settleMs ?? 6_000;
  // The hard stop's timer is cleared when the check ends. `AbortSignal.timeout` (with `AbortSignal.any`) left it
  // running some 15 s past every check, which lasts milliseconds, and then built an exception nobody read: about
  // 4 % of the front thread's CPU among 200 learners typing, each command followed by an automatic check.
  const hardStop = new AbortController();
  const timer = setTimeout(
    () => hardStop.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')),
    waitMs + OVERRUN_MS,
  );
  const onAbort = () => hardStop.abort(input.signal?.reason);
  if (input.signal?.aborted) onAbort();
  else input.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    return await runUntilFinal(check, input, options, { started, waitMs, deadline, settleMs, signal: hardStop.signal });
  } finally {
    clearTimeout(timer);
    input.signal?.removeEventListener('abort', onAbort);
  }
}

/** What `runCheck` set up for its attempts. */
interface RunFrame {
  started: number;
  waitMs: number;
  deadline: number;
  settleMs: number;
  signal: AbortSignal;
}

/** Attempts `check` (retrying with backoff while it may still change) until its result is final. */
async function runUntilFinal(
  check: Check,
  input: CheckInput,
  options: RunOptions,
  { started, waitMs, deadline, settleMs, signal }: RunFrame,
): Promise<CheckOutcome> {
  const ctx: CheckContext = {
    env: input.env,
    stepStartedAt: input.stepStartedAt,
    checkStartedAt: input.env.now(),
    signal,
    limits: input.limits ?? DEFAULT_LIMITS,
    files: input.files ?? [],
  };
  let settledWaitMs = 0;
  let knowsWhenSettled = false;
  if (input.env.settled) {
    const t = performance.now();
    knowsWhenSettled = await input.env.settled(signal).then(
      () => true,
      () => false,
    );
    settledWaitMs = performance.now() - t;
  }
  let attempts = 0;
  let backoff = FIRST_BACKOFF_MS;
  let lastStarted = started;
  let settling: { signature: string; since: number } | undefined;
  for (;;) {
    let result: AttemptResult;
    lastStarted = performance.now();
    try {
      result = await evaluate(check, ctx);
    } catch (error) {
      result = crashed(
        signal.aborted && !input.signal?.aborted
          ? new Error(`no answer within ${Math.round((waitMs + OVERRUN_MS) / 1000)} s`)
          : error,
      );
    }
    options.onAttempt?.(result, attempts);
    attempts++;
    const now = performance.now();
    if (result.signature !== settling?.signature) settling = { signature: result.signature, since: now };
    const settled = attempts > 1 && now - settling.since >= settleMs;
    const final = knowsWhenSettled || options.retry === false || settled || now + backoff >= deadline;
    if (result.ok || signal.aborted || final) {
      const waitedMs = attempts > 1 ? lastStarted - started : settledWaitMs;
      return {
        ok: result.ok,
        explanation: result.explanation,
        evidence: result.evidence,
        attempts,
        durationMs: Math.round(now - started),
        signature: result.signature,
        ...(waitedMs >= 1000 ? { waitedMs: Math.round(waitedMs) } : {}),
      };
    }
    await sleep(backoff, signal);
    backoff = Math.min(MAX_BACKOFF_MS, backoff * 1.7);
  }
}
