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

/**
 * The line's parts, filled in place and joined: the join builds the line as one flat string, where a concatenation
 * builds a rope of ~45 nodes (the log store then flattens it anyway). Reused: a line is written on every hop of every
 * request, and formatting is synchronous, so no two lines share it at once.
 */
// biome-ignore format: the line's template, its fields at the odd places
const parts: (string | number)[] = [
  '[', '', '] "', '', ' ', '', ' ', '', '" ', 0, ' ', '', ' ', '', ' ', '', ' "', '', '" ', 0, ' ', 0, ' ', 0, ' ', '',
  ' "', '', '" "', '', '" "', '', '" "', '', '" "', '', '" ', '', ' ', '', ' ', '', ' ', '', ' ', '', ' ', '',
];

/** One access-log line in the default TEXT format (no trailing newline). */
export function formatAccessLog(e: AccessLogEntry): string {
  parts[1] = envoyTime(e.startMs);
  // A TCP connection's request is `- - -`, whatever else the entry holds.
  const http = e.method !== undefined;
  parts[3] = http ? e.method : '-';
  parts[5] = http ? dash(e.path) : '-';
  parts[7] = http ? dash(e.protocol) : '-';
  parts[9] = e.code;
  parts[11] = dash(e.flags);
  parts[13] = dash(e.details);
  parts[15] = dash(e.terminationDetails);
  parts[17] = dash(e.upstreamFailure);
  parts[19] = e.bytesReceived;
  parts[21] = e.bytesSent;
  parts[23] = Math.round(e.durationMs);
  parts[25] = e.upstreamServiceTimeMs === undefined ? '-' : Math.round(e.upstreamServiceTimeMs);
  parts[27] = dash(e.forwardedFor);
  parts[29] = dash(e.userAgent);
  parts[31] = dash(e.requestId);
  parts[33] = dash(e.authority);
  parts[35] = dash(e.upstreamHost);
  parts[37] = dash(e.upstreamCluster);
  parts[39] = dash(e.upstreamLocal);
  parts[41] = dash(e.downstreamLocal);
  parts[43] = dash(e.downstreamRemote);
  parts[45] = dash(e.sni);
  parts[47] = dash(e.routeName);
  const line = parts.join('');
  // The last line's strings are not kept alive by the reused array until the next line replaces them.
  for (let i = 1; i < parts.length; i += 2) parts[i] = '';
  return line;
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
