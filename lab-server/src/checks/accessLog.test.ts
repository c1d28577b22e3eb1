import { describe, expect, it } from 'vitest';
import { countLines, parseInboundLine } from './accessLog.ts';
import { CHECK_USER_AGENT } from './identity.ts';

const line = (code: number, authority: string, cluster = 'inbound|9080||', agent = 'python-requests/2.32.3') =>
  `[2026-11-24T10:02:43.000Z] "GET /reviews/0 HTTP/1.1" ${code} - via_upstream - "-" 0 295 3 2 "-" "${agent}" "1b2c" "${authority}" ` +
  `"10.244.0.17:9080" ${cluster} 127.0.0.6:45135 10.244.0.17:9080 ` +
  `10.244.0.21:52104 outbound_.9080_.v3_.reviews.default.svc.cluster.local default`;

describe('inbound requests from access logs', () => {
  it('reads inbound requests and ignores outbound and other lines', () => {
    expect(parseInboundLine(line(200, 'reviews:9080'))).toEqual({
      method: 'GET',
      path: '/reviews/0',
      code: 200,
      userAgent: 'python-requests/2.32.3',
      authority: 'reviews:9080',
    });
    expect(
      parseInboundLine(line(200, 'ratings:9080', 'outbound|9080||ratings.default.svc.cluster.local')),
    ).toBeUndefined();
    expect(parseInboundLine('2026-11-24T10:02:43.123456Z\tinfo\tEnvoy proxy is ready')).toBeUndefined();
  });

  it('counts requests, errors and mirrored copies', () => {
    const into = { version: 'v3', requests: 0, errors: 0, mirrored: 0 };
    countLines([line(200, 'reviews:9080'), line(503, 'reviews:9080'), line(200, 'httpbin-shadow:8000'), 'noise'], into);
    expect(into).toEqual({ version: 'v3', requests: 2, errors: 1, mirrored: 1 });
  });

  it("leaves the checks' own requests out unless asked, and filters by path", () => {
    const lines = [line(200, 'reviews:9080'), line(200, 'reviews:9080', undefined, `curl/8.16.0 ${CHECK_USER_AGENT}`)];
    const learner = { version: 'v1', requests: 0, errors: 0, mirrored: 0 };
    countLines(lines, learner);
    expect(learner.requests).toBe(1);
    const all = { version: 'v1', requests: 0, errors: 0, mirrored: 0 };
    countLines(lines, all, { includeChecks: true });
    expect(all.requests).toBe(2);
    const other = { version: 'v1', requests: 0, errors: 0, mirrored: 0 };
    countLines(lines, other, { pathPrefix: '/ratings' });
    expect(other.requests).toBe(0);
  });
});
