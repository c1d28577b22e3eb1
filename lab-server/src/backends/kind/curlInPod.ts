/**
 * HTTP from inside a pod on a real cluster: the request is made by exec'ing curl in that pod (so it goes
 * through the pod's own sidecar, as the lessons' `kubectl exec ... -- curl` does), and curl's output is
 * read back into an `HttpResult`. `-i` puts the response head before the body; `-w` appends a marker
 * line with the status and the time, which curl versions of the last decade all understand.
 */
import type { ExecResult, HttpRequest, HttpResult } from '../../contract.ts';

const MARKER = '__LABS_CURL__';

/** The curl command line for `request`; the body, if any, goes to curl's stdin. */
export function curlArgv(request: HttpRequest): string[] {
  const method = (request.method ?? 'GET').toUpperCase();
  const argv = ['curl', '-sS', method === 'HEAD' ? '-I' : '-i', '-w', `\n${MARKER}%{http_code} %{time_total}`];
  if (method !== 'GET' && method !== 'HEAD') argv.push('-X', method);
  for (const [name, value] of Object.entries(request.headers ?? {})) argv.push('-H', `${name}: ${value}`);
  if (request.body !== undefined) argv.push('--data-binary', '@-');
  argv.push('--max-time', String(Math.max(1, Math.ceil((request.timeoutMs ?? 10_000) / 1000))));
  argv.push(request.url);
  return argv;
}

/** Splits `-i` output into the last response head's status, headers and the body. */
function splitResponse(text: string): { status: number; headers: Record<string, string>; body: string } {
  let rest = text;
  let status = 0;
  let headers: Record<string, string> = {};
  // Several heads come before the body when there were interim responses (100 Continue).
  while (/^HTTP\/\d(\.\d)? \d{3}/.test(rest)) {
    const end = rest.search(/\r?\n\r?\n/);
    const head = end === -1 ? rest : rest.slice(0, end);
    rest = end === -1 ? '' : rest.slice(end).replace(/^\r?\n\r?\n/, '');
    const [statusLine, ...lines] = head.split(/\r?\n/);
    status = Number(/^HTTP\/\S+ (\d{3})/.exec(statusLine!)![1]);
    headers = {};
    for (const line of lines) {
      const colon = line.indexOf(':');
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      const value = line.slice(colon + 1).trim();
      headers[name] = headers[name] === undefined ? value : `${headers[name]}, ${value}`;
    }
    if (status >= 200) break;
  }
  return { status, headers, body: rest };
}

/** Reads what `curlArgv` printed (and how it exited) back into an `HttpResult`. */
export function parseCurlResult(result: ExecResult): HttpResult {
  const at = result.stdout.lastIndexOf(`\n${MARKER}`);
  const trailer = at === -1 ? '' : result.stdout.slice(at + MARKER.length + 1);
  const [, seconds] = trailer.trim().split(/\s+/);
  const durationMs = Math.round(Number(seconds ?? 0) * 1000);
  if (result.exitCode !== 0 || at === -1) {
    const message =
      /curl: \(\d+\) (.*)/.exec(result.stderr)?.[1]?.trim() ??
      (result.stderr.trim() || result.stdout.trim() || `exit code ${result.exitCode}`);
    return { status: 0, headers: {}, body: '', durationMs, error: { curlExitCode: result.exitCode || 1, message } };
  }
  return { ...splitResponse(result.stdout.slice(0, at)), durationMs };
}
