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

/** `dash(value).length`, without making the text of a number. */
function dashChars(value: string | undefined): number {
  return value === undefined || value === '' ? 1 : value.length;
}

/** `String(n).length`: counted for the whole numbers a line holds (codes, bytes, milliseconds), made otherwise. */
function numberChars(n: number): number {
  if (!Number.isSafeInteger(n) || n < 0) return String(n).length;
  let chars = 1;
  for (let rest = n; rest >= 10; rest = Math.floor(rest / 10)) chars++;
  return chars;
}

/**
 * `formatAccessLog(e).length`, without making the line: the 37 characters of the format's own spaces, quotes and
 * brackets, then each field's.
 */
export function accessLogChars(e: AccessLogEntry): number {
  const request = e.method === undefined ? 5 : e.method.length + 1 + dashChars(e.path) + 1 + dashChars(e.protocol);
  const serviceTime = e.upstreamServiceTimeMs === undefined ? 1 : numberChars(Math.round(e.upstreamServiceTimeMs));
  return (
    37 +
    envoyTime(e.startMs).length +
    request +
    numberChars(e.code) +
    dashChars(e.flags) +
    dashChars(e.details) +
    dashChars(e.terminationDetails) +
    dashChars(e.upstreamFailure) +
    numberChars(e.bytesReceived) +
    numberChars(e.bytesSent) +
    numberChars(Math.round(e.durationMs)) +
    serviceTime +
    dashChars(e.forwardedFor) +
    dashChars(e.userAgent) +
    dashChars(e.requestId) +
    dashChars(e.authority) +
    dashChars(e.upstreamHost) +
    dashChars(e.upstreamCluster) +
    dashChars(e.upstreamLocal) +
    dashChars(e.downstreamLocal) +
    dashChars(e.downstreamRemote) +
    dashChars(e.sni) +
    dashChars(e.routeName)
  );
}

/**
 * An access-log line formatted when first read. A proxy writes one on every hop of every request and most are never
 * read (a 50/50 check writes about 1,900); formatting each as it was written was a tenth of a simulated request's
 * CPU and of its garbage. Its length is known at once, for the logs' bound. The entry's fields are strings and
 * numbers, fixed when it is written.
 */
export class AccessLogLine {
  readonly at: number;
  readonly chars: number;
  #entry: AccessLogEntry | undefined;
  #text: string | undefined;

  constructor(at: number, entry: AccessLogEntry) {
    this.at = at;
    this.#entry = entry;
    this.chars = accessLogChars(entry);
  }

  get text(): string {
    if (this.#text === undefined) {
      this.#text = formatAccessLog(this.#entry!);
      this.#entry = undefined;
    }
    return this.#text;
  }
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
