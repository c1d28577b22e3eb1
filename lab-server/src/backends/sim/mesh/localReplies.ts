/**
 * Envoy's local replies as Istio's proxies produce them: status, response flag, response code details and body,
 * as data (ISTIO-BEHAVIOR.md's table). Proxied responses never come from here.
 */

/** The situations in which a proxy answers by itself. */
export type LocalReplyKind =
  | 'route_timeout'
  | 'route_not_found'
  | 'cluster_not_found'
  | 'no_healthy_upstream'
  | 'block_all'
  | 'fault_abort'
  | 'upstream_connect_failure'
  | 'upstream_reset'
  | 'direct_response'
  | 'redirect';

/** One row of the table. */
export interface LocalReply {
  status: number;
  /** `%RESPONSE_FLAGS%` (`-` when none). */
  flag: string;
  /** `%RESPONSE_CODE_DETAILS%`. */
  details: string;
  body: string;
}

/** The table. `status` 0 means "taken from the config" (fault abort, direct response, redirect). */
export const LOCAL_REPLIES: Record<LocalReplyKind, LocalReply> = {
  route_timeout: { status: 504, flag: 'UT', details: 'response_timeout', body: 'upstream request timeout' },
  route_not_found: { status: 404, flag: 'NR', details: 'route_not_found', body: '' },
  cluster_not_found: { status: 503, flag: 'NC', details: 'cluster_not_found', body: '' },
  no_healthy_upstream: { status: 503, flag: 'UH', details: 'no_healthy_upstream', body: 'no healthy upstream' },
  block_all: { status: 502, flag: '-', details: 'direct_response', body: '' },
  fault_abort: { status: 0, flag: 'FI', details: 'fault_filter_abort', body: 'fault filter abort' },
  upstream_connect_failure: {
    status: 503,
    flag: 'UF',
    details: 'upstream_reset_before_response_started{remote_connection_failure,delayed_connect_error:_111}',
    body:
      'upstream connect error or disconnect/reset before headers. reset reason: ' +
      'remote connection failure, transport failure reason: delayed connect error: 111',
  },
  upstream_reset: {
    status: 503,
    flag: 'UC',
    details: 'upstream_reset_before_response_started{connection_termination}',
    body: 'upstream connect error or disconnect/reset before headers. reset reason: connection termination',
  },
  direct_response: { status: 0, flag: '-', details: 'direct_response', body: '' },
  redirect: { status: 0, flag: '-', details: 'direct_response', body: '' },
};

/** The body Envoy sends after retries ran out on connection failures. */
export function retriedConnectFailureBody(): string {
  return (
    'upstream connect error or disconnect/reset before headers. retried and the latest reset ' +
    'reason: remote connection failure, transport failure reason: delayed connect error: 111'
  );
}
