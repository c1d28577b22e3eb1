/** curl's `-w/--write-out` format: `%{variable}`, `%%`, and backslash escapes. */
import type { SimHttpResponse } from '../../../types.ts';

/** What a transfer produced, for -w. */
export interface TransferFacts {
  response?: SimHttpResponse;
  url: string;
  exitCode: number;
  errorMessage: string;
  redirects: number;
  remoteIp?: string;
  remotePort?: number;
}

function variable(name: string, facts: TransferFacts): string | undefined {
  const r = facts.response;
  const ok = r && !r.error;
  const secs = (ms: number) => (ms / 1000).toFixed(6);
  switch (name) {
    case 'http_code':
    case 'response_code':
      return ok ? String(r.status).padStart(3, '0') : '000';
    case 'time_total':
      return secs(r?.durationMs ?? 0);
    case 'time_connect':
    case 'time_namelookup':
      return secs(Math.min(1, r?.durationMs ?? 0));
    case 'time_starttransfer':
      return secs(ok ? r.durationMs : 0);
    case 'size_download':
      return String(ok ? Buffer.byteLength(r.body) : 0);
    case 'size_header':
      return String(ok ? r.headers.reduce((n, [k, v]) => n + k.length + v.length + 4, 14) : 0);
    case 'url_effective':
    case 'url':
      return facts.url;
    case 'content_type':
      return ok ? (r.headers.find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? '') : '';
    case 'http_version':
      return ok ? r.httpVersion : '0';
    case 'num_redirects':
      return String(facts.redirects);
    case 'exitcode':
      return String(facts.exitCode);
    case 'errormsg':
      return facts.errorMessage;
    case 'remote_ip':
      return facts.remoteIp ?? '';
    case 'remote_port':
      return facts.remotePort !== undefined ? String(facts.remotePort) : '';
    default:
      return undefined;
  }
}

/** Expands a -w format; unknown variables produce curl's warning on stderr and nothing on stdout. */
export function expandWriteOut(format: string, facts: TransferFacts): { stdout: string; stderr: string } {
  let out = '';
  let err = '';
  for (let i = 0; i < format.length; i++) {
    const ch = format[i];
    if (format.startsWith('%header{', i) && format.indexOf('}', i) > 0) {
      const end = format.indexOf('}', i);
      const wanted = format.slice(i + 8, end).toLowerCase();
      out += facts.response?.headers.find(([k]) => k.toLowerCase() === wanted)?.[1] ?? '';
      i = end;
    } else if (ch === '%' && format[i + 1] === '%') {
      out += '%';
      i++;
    } else if (ch === '%' && format[i + 1] === '{') {
      const end = format.indexOf('}', i);
      if (end < 0) {
        out += format.slice(i);
        break;
      }
      const name = format.slice(i + 2, end);
      const value = variable(name, facts);
      if (value === undefined) err += `curl: unknown --write-out variable: '${name}'\n`;
      else out += value;
      i = end;
    } else if (ch === '\\' && i + 1 < format.length) {
      const next = format[i + 1];
      out += next === 'n' ? '\n' : next === 't' ? '\t' : next === 'r' ? '\r' : next === '\\' ? '\\' : `\\${next}`;
      i++;
    } else {
      out += ch;
    }
  }
  return { stdout: out, stderr: err };
}
