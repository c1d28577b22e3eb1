import { describe, expect, it } from 'vitest';
import { curlArgv, parseCurlResult } from './curlInPod.ts';

describe('curl argv for an HTTP request from a pod', () => {
  it('asks for the head, the body and a trailer with status and time', () => {
    expect(curlArgv({ url: 'http://httpbin:8000/headers' })).toEqual([
      'curl',
      '-sS',
      '-i',
      '-w',
      '\n__LABS_CURL__%{http_code} %{time_total}',
      '--max-time',
      '10',
      'http://httpbin:8000/headers',
    ]);
  });

  it('passes method, headers, body (on stdin) and the timeout', () => {
    const argv = curlArgv({
      method: 'post',
      url: 'http://x/post',
      headers: { 'x-user': 'jason' },
      body: '{}',
      timeoutMs: 2500,
    });
    expect(argv).toEqual([
      'curl',
      '-sS',
      '-i',
      '-w',
      '\n__LABS_CURL__%{http_code} %{time_total}',
      '-X',
      'POST',
      '-H',
      'x-user: jason',
      '--data-binary',
      '@-',
      '--max-time',
      '3',
      'http://x/post',
    ]);
  });

  it('uses -I for HEAD, as curl needs', () => {
    expect(curlArgv({ method: 'HEAD', url: 'http://x/' })).toContain('-I');
  });
});

describe('reading curl output back', () => {
  it('parses status, headers (lowercased, repeats joined) and body', () => {
    const stdout =
      'HTTP/1.1 200 OK\r\nserver: envoy\r\nset-cookie: a=1\r\nset-cookie: ' +
      'b=2\r\nx-envoy-upstream-service-time: 3\r\n\r\n{"ok":true}\n\n__LABS_CURL__200 0.012345';
    expect(parseCurlResult({ stdout, stderr: '', exitCode: 0 })).toEqual({
      status: 200,
      headers: { server: 'envoy', 'set-cookie': 'a=1, b=2', 'x-envoy-upstream-service-time': '3' },
      body: '{"ok":true}\n',
      durationMs: 12,
    });
  });

  it('skips interim responses and keeps an empty body empty', () => {
    const stdout =
      'HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 502 Bad Gateway\r\nserver: envoy\r\ncontent-length: 0\r\n\r\n\n__LABS_CURL__502 0.004';
    expect(parseCurlResult({ stdout, stderr: '', exitCode: 0 })).toMatchObject({
      status: 502,
      headers: { server: 'envoy' },
      body: '',
      durationMs: 4,
    });
  });

  it("turns a transport failure into status 0 with curl's exit code and message", () => {
    const r = parseCurlResult({
      stdout: '\n__LABS_CURL__000 0.101',
      stderr: 'curl: (35) Recv failure: Connection reset by peer\n',
      exitCode: 35,
    });
    expect(r).toEqual({
      status: 0,
      headers: {},
      body: '',
      durationMs: 101,
      error: { curlExitCode: 35, message: 'Recv failure: Connection reset by peer' },
    });
  });

  it('reports a pod without curl as a failure, not a crash', () => {
    const r = parseCurlResult({
      stdout: '',
      stderr: 'exec: "curl": executable file not found in $PATH',
      exitCode: 126,
    });
    expect(r.status).toBe(0);
    expect(r.error).toEqual({ curlExitCode: 126, message: 'exec: "curl": executable file not found in $PATH' });
  });
});
