import { describe, expect, it } from 'vitest';
import { CHECK_USER_AGENT, isCheckLine, learnerLines, withCheckIdentity } from './identity.ts';

describe("the checks' client identity", () => {
  it("adds the checks' User-Agent, after the lab's own when it sets one", () => {
    expect(withCheckIdentity({ Host: 'a' })).toEqual({ Host: 'a', 'User-Agent': CHECK_USER_AGENT });
    expect(withCheckIdentity({ 'user-agent': 'Mozilla/5.0' })).toEqual({
      'User-Agent': `Mozilla/5.0 ${CHECK_USER_AGENT}`,
    });
  });

  it("leaves the checks' lines out of a log", () => {
    const log = [
      `127.0.0.6 - - [24/Nov/2026:10:00:01 +0000] "GET /headers HTTP/1.1" 200 519 "-" "${CHECK_USER_AGENT}"`,
      '127.0.0.6 - - [24/Nov/2026:10:00:02 +0000] "GET /headers HTTP/1.1" 200 519 "-" "curl/8.16.0"',
      '',
    ].join('\n');
    expect(learnerLines(log)).toEqual([
      '127.0.0.6 - - [24/Nov/2026:10:00:02 +0000] "GET /headers HTTP/1.1" 200 519 "-" "curl/8.16.0"',
    ]);
    expect(isCheckLine(log.split('\n')[0]!)).toBe(true);
  });
});
