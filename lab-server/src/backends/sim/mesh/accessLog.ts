/**
 * Istio's default TEXT access log format (meshConfig.accessLogFile set, accessLogFormat empty):
 * [%START_TIME%] "%REQ(:METHOD)% %REQ(X-ENVOY-ORIGINAL-PATH?:PATH)% %PROTOCOL%" %RESPONSE_CODE% %RESPONSE_FLAGS%
 * %RESPONSE_CODE_DETAILS% %CONNECTION_TERMINATION_DETAILS% "%UPSTREAM_TRANSPORT_FAILURE_REASON%" %BYTES_RECEIVED%
 * %BYTES_SENT% %DURATION% %RESP(X-ENVOY-UPSTREAM-SERVICE-TIME)% "%REQ(X-FORWARDED-FOR)%" "%REQ(USER-AGENT)%"
 * "%REQ(X-REQUEST-ID)%" "%REQ(:AUTHORITY)%" "%UPSTREAM_HOST%" %UPSTREAM_CLUSTER_RAW% %UPSTREAM_LOCAL_ADDRESS%
 * %DOWNSTREAM_LOCAL_ADDRESS% %DOWNSTREAM_REMOTE_ADDRESS% %REQUESTED_SERVER_NAME% %ROUTE_NAME%
 */

/** One HTTP request or TCP connection as a proxy saw it. Absent fields print `-`. */
export interface AccessLogEntry {
  startMs: number;
  /** Absent for TCP connections (printed as `"- - -"`). */
  method?: string;
  path?: string;
  protocol?: string;
  /** 0 for TCP connections and requests that got no response. */
  code: number;
  flags?: string;
  details?: string;
  terminationDetails?: string;
  upstreamFailure?: string;
  bytesReceived: number;
  bytesSent: number;
  durationMs: number;
  upstreamServiceTimeMs?: number;
  forwardedFor?: string;
  userAgent?: string;
  requestId?: string;
  authority?: string;
  upstreamHost?: string;
  upstreamCluster?: string;
  upstreamLocal?: string;
  downstreamLocal?: string;
  downstreamRemote?: string;
  sni?: string;
  routeName?: string;
}

function dash(value: string | number | undefined): string {
  return value === undefined || value === '' ? '-' : String(value);
}

/** The last `%START_TIME%` formatted, and its text up to the second: a check's lines mostly share the second. */
const lastTime = { ms: Number.NaN, text: '', second: Number.NaN, upToSecond: '' };

/** Envoy's `%START_TIME%`: ISO 8601 with milliseconds, UTC. */
export function envoyTime(ms: number): string {
  if (ms === lastTime.ms) return lastTime.text;
  const second = Math.floor(ms / 1000);
  const fraction = ms - second * 1000;
  // Whole milliseconds of a year 0-9999 date: the second's text, then the three digits (as toISOString prints).
  if (second === lastTime.second && Number.isInteger(fraction)) {
    lastTime.text = `${lastTime.upToSecond}${fraction < 10 ? '00' : fraction < 100 ? '0' : ''}${fraction}Z`;
  } else {
    lastTime.text = new Date(ms).toISOString();
    const text = lastTime.text;
    const iso = text.length === 24 && Number.isInteger(ms);
    lastTime.second = iso ? second : Number.NaN;
    lastTime.upToSecond = iso ? text.slice(0, 20) : '';
  }
  lastTime.ms = ms;
  return lastTime.text;
}

/** One access-log line in the default TEXT format (no trailing newline). */
export function formatAccessLog(e: AccessLogEntry): string {
  // One concatenation rather than an array of 22 parts joined: a line is written on every hop of every request.
  const request = e.method === undefined ? '- - -' : `${e.method} ${dash(e.path)} ${dash(e.protocol)}`;
  const serviceTime = e.upstreamServiceTimeMs === undefined ? '-' : String(Math.round(e.upstreamServiceTimeMs));
  return (
    `[${envoyTime(e.startMs)}] "${request}" ${e.code} ${dash(e.flags)} ${dash(e.details)} ` +
    `${dash(e.terminationDetails)} "${dash(e.upstreamFailure)}" ${e.bytesReceived} ${e.bytesSent} ` +
    `${Math.round(e.durationMs)} ${serviceTime} "${dash(e.forwardedFor)}" "${dash(e.userAgent)}" ` +
    `"${dash(e.requestId)}" "${dash(e.authority)}" "${dash(e.upstreamHost)}" ${dash(e.upstreamCluster)} ` +
    `${dash(e.upstreamLocal)} ${dash(e.downstreamLocal)} ${dash(e.downstreamRemote)} ${dash(e.sni)} ${dash(e.routeName)}`
  );
}

/** Envoy's cluster names: `outbound|9080|v3|reviews.default.svc.cluster.local`, `inbound|80||`. */
export function clusterName(
  direction: 'outbound' | 'inbound',
  port: number,
  subset: string | undefined,
  host: string,
): string {
  return `${direction}|${port}|${subset ?? ''}|${host}`;
}
