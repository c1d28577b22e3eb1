/** curl's --retry rules (curl 8.16's tool_operate.c): which outcomes are retried, and the warning it prints. */
import type { SimHttpResponse } from '../../../types.ts';
import type { CurlArgs } from './options.ts';

/** Why an attempt is retried, as curl words it. */
export type RetryReason = '(retrying all errors)' | ': timeout' | ': connection refused' | ': HTTP error';

/** HTTP statuses curl treats as transient. */
const TRANSIENT = new Set([408, 429, 500, 502, 503, 504]);

/** The reason to retry an attempt that ended with curl exit code `code`, or undefined. */
export function retryReason(args: CurlArgs, code: number, response: SimHttpResponse): RetryReason | undefined {
  let reason: RetryReason | undefined;
  // Timeouts and failed name lookups are always retried.
  if (code === 28 || code === 6 || code === 5) reason = ': timeout';
  else if (code === 7 && args.retryConnRefused) reason = ': connection refused';
  else if ((code === 0 || ((args.fail || args.failWithBody) && code === 22)) && TRANSIENT.has(response.status))
    reason = ': HTTP error';
  if (!reason && code !== 0 && args.retryAllErrors) reason = '(retrying all errors)';
  return reason;
}

/** How long to wait before the next attempt: a Retry-After longer than curl's own delay wins for HTTP errors. */
export function retryDelay(reason: RetryReason, sleepMs: number, response: SimHttpResponse): number {
  if (reason !== ': HTTP error') return sleepMs;
  const after = response.headers.find(([k]) => k.toLowerCase() === 'retry-after')?.[1];
  return after && /^\d+$/.test(after) ? Math.max(sleepMs, Number(after) * 1000) : sleepMs;
}

/** What curl warns before it waits (`Problem : HTTP error. Will retry in 1 second. 3 retries left.`). */
export function retryWarning(reason: RetryReason, sleepMs: number, left: number): string {
  const secs = Math.floor(sleepMs / 1000);
  return `Problem ${reason}. Will retry in ${secs} second${secs === 1 ? '' : 's'}. ${left} retr${left > 1 ? 'ies' : 'y'} left.`;
}
