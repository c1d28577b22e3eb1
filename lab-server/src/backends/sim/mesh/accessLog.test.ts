/** Istio's default TEXT access-log format, field by field. */
import { describe, expect, it } from 'vitest';
import { clusterName, envoyTime, formatAccessLog } from './accessLog.ts';

describe('formatAccessLog', () => {
  it('prints an HTTP request in the default format with `-` for empty fields', () => {
    const line = formatAccessLog({
      startMs: Date.UTC(2026, 10, 24, 10, 2, 43, 120),
      method: 'GET',
      path: '/headers',
      protocol: 'HTTP/1.1',
      code: 200,
      flags: '-',
      details: 'via_upstream',
      bytesReceived: 0,
      bytesSent: 599,
      durationMs: 214,
      upstreamServiceTimeMs: 213.6,
      userAgent: 'curl/8.16.0',
      requestId: '17fde8f7-fa62-4b39-8999-302324e6def2',
      authority: 'httpbin.org',
      upstreamHost: '35.173.6.94:80',
      upstreamCluster: clusterName('outbound', 80, undefined, 'httpbin.org'),
      upstreamLocal: '10.244.0.9:55314',
      downstreamLocal: '35.173.6.94:80',
      downstreamRemote: '10.244.0.9:55312',
      routeName: 'default',
    });
    expect(line).toBe(
      '[2026-11-24T10:02:43.120Z] "GET /headers HTTP/1.1" 200 - via_upstream - "-" 0 599 214 214 "-" "curl/8.16.0" ' +
        '"17fde8f7-fa62-4b39-8999-302324e6def2" "httpbin.org" "35.173.6.94:80" outbound|80||httpbin.org 10.244.0.9:55314 ' +
        '35.173.6.94:80 10.244.0.9:55312 - default',
    );
  });

  it('prints a TCP connection as "- - -" 0', () => {
    const line = formatAccessLog({
      startMs: Date.UTC(2026, 10, 24, 10, 2, 43),
      code: 0,
      bytesReceived: 601,
      bytesSent: 17766,
      durationMs: 1289,
      upstreamHost: '142.250.196.100:443',
      upstreamCluster: 'outbound|443||www.google.com',
      upstreamLocal: '10.244.0.9:59480',
      downstreamLocal: '142.250.196.100:443',
      downstreamRemote: '10.244.0.9:59478',
      sni: 'www.google.com',
    });
    expect(line).toBe(
      '[2026-11-24T10:02:43.000Z] "- - -" 0 - - - "-" 601 17766 1289 - "-" "-" "-" "-" "142.250.196.100:443" ' +
        'outbound|443||www.google.com 10.244.0.9:59480 142.250.196.100:443 10.244.0.9:59478 www.google.com -',
    );
  });

  it('prints every field of a full line, then a bare entry as dashes, and any entry without a method as TCP', () => {
    const full = {
      startMs: Date.UTC(2026, 10, 24, 10, 2, 43),
      method: 'GET',
      path: '/p',
      protocol: 'HTTP/2',
      code: 503,
      flags: 'UF',
      details: 'd',
      terminationDetails: 't',
      upstreamFailure: 'f',
      bytesReceived: 1,
      bytesSent: 2,
      durationMs: 3,
      upstreamServiceTimeMs: 4,
      forwardedFor: 'x',
      userAgent: 'u',
      requestId: 'r',
      authority: 'a',
      upstreamHost: 'h',
      upstreamCluster: 'c',
      upstreamLocal: 'l',
      downstreamLocal: 'dl',
      downstreamRemote: 'dr',
      sni: 's',
      routeName: 'n',
    };
    expect(formatAccessLog(full)).toBe(
      '[2026-11-24T10:02:43.000Z] "GET /p HTTP/2" 503 UF d t "f" 1 2 3 4 "x" "u" "r" "a" "h" c l dl dr s n',
    );
    expect(formatAccessLog({ startMs: full.startMs, code: 0, bytesReceived: 0, bytesSent: 0, durationMs: 0 })).toBe(
      '[2026-11-24T10:02:43.000Z] "- - -" 0 - - - "-" 0 0 0 - "-" "-" "-" "-" "-" - - - - - -',
    );
    expect(formatAccessLog({ ...full, method: undefined })).toMatch(/^\S+ "- - -" 503 /);
  });

  it('names clusters as Envoy does', () => {
    expect(clusterName('outbound', 9080, 'v3', 'reviews.default.svc.cluster.local')).toBe(
      'outbound|9080|v3|reviews.default.svc.cluster.local',
    );
    expect(clusterName('inbound', 80, undefined, '')).toBe('inbound|80||');
  });
});

describe('envoyTime', () => {
  it('prints what toISOString prints, for times in and across seconds, whole or not, in any order', () => {
    const base = Date.UTC(2026, 10, 24, 10, 2, 43, 0);
    const times = [
      base,
      base + 5,
      base + 57,
      base + 999,
      base + 1000,
      base + 1001,
      base + 999,
      base + 1000.6,
      base + 7.25,
    ];
    let seed = 7;
    for (let i = 0; i < 2000; i++) {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      times.push(base + (seed % 5000), seed * 1000 + (seed % 1000));
    }
    times.push(0, 1, 999, -1, -1001, 253402300799999, 253402300800000);
    for (const ms of times) expect(envoyTime(ms)).toBe(new Date(ms).toISOString());
  });
});
