import { Bash } from 'just-bash';
import { beforeEach, describe, expect, it } from 'vitest';
import type { PodEndpoint, SimCommandHost } from '../../../types.ts';
import { World } from '../../../mesh/testing/fixtures.ts';
import { createCurlCommand } from './index.ts';
import { parseCurlArgs } from './options.ts';
import { STREAMS_VARIABLE } from '../../orderedOutput.ts';

function hostFor(w: World): SimCommandHost {
  return {
    cluster: w.cluster,
    network: w.network,
    pods: { exec: async () => ({ stdout: '', stderr: '', exitCode: 0 }) },
    clock: w.clock,
    random: w.random,
    samples: new Map(),
  };
}

describe('curl argument parsing', () => {
  it('bundles short flags and attached values like curl', () => {
    const a = parseCurlArgs(['-sSo/dev/null', '-w%{http_code}', '-HHost:httpbin.example.com', 'http://x/']);
    expect(a).toMatchObject({
      silent: true,
      showError: true,
      output: '/dev/null',
      writeOut: '%{http_code}',
      headers: ['Host:httpbin.example.com'],
      urls: ['http://x/'],
    });
    expect(parseCurlArgs(['-sI', 'u']).head).toBe(true);
    expect(parseCurlArgs(['--max-time', '3', 'u']).maxTimeMs).toBe(3000);
    expect(parseCurlArgs(['-m', '0.5', 'u']).maxTimeMs).toBe(500);
  });
});

describe('curl', () => {
  let w: World;
  let sleep: PodEndpoint;
  let inPod: Bash;
  let outside: Bash;
  beforeEach(() => {
    w = new World();
    w.installIstio();
    w.deploySeedHttpbin();
    sleep = w.deploySleep();
    inPod = new Bash({ customCommands: [createCurlCommand(hostFor(w), sleep)] });
    outside = new Bash({ customCommands: [createCurlCommand(hostFor(w), 'outside')] });
  });

  it('prints the body, with curl default headers reaching the app', async () => {
    const r = await inPod.exec('curl -s http://httpbin:8000/headers');
    expect(r.exitCode).toBe(0);
    const headers = JSON.parse(r.stdout).headers;
    expect(headers['User-Agent']).toBe('curl/8.16.0');
    expect(headers.Accept).toBe('*/*');
    expect(headers.Host).toBe('httpbin:8000');
  });

  it('-I prints the HTTP/1.1 status line and lowercase Envoy headers', async () => {
    const r = await inPod.exec('curl -sI http://httpbin:8000/status/418');
    expect(r.stdout).toMatch(/^HTTP\/1\.1 418 I'm a teapot\r\n/);
    expect(r.stdout).toContain('server: envoy\r\n');
    expect(r.stdout).toMatch(/x-envoy-upstream-service-time: \d+\r\n/);
    expect(r.stdout.endsWith('\r\n\r\n')).toBe(true);
  });

  it('-i prints headers then the body', async () => {
    const r = await inPod.exec('curl -si http://httpbin:8000/ip');
    // The status line, the headers, a blank line, then the body as kong/httpbin writes it (compact JSON).
    expect(r.stdout).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\n\{"origin":"127\.0\.0\.6"\}\n$/);
  });

  it('-o /dev/null -w %{http_code} prints only the code, and 000 with exit 6 on an unknown host', async () => {
    expect((await inPod.exec('curl -s -o /dev/null -w "%{http_code}\\n" http://httpbin:8000/status/503')).stdout).toBe(
      '503\n',
    );
    const bad = await inPod.exec('curl -s -o /dev/null -w "%{http_code}" http://nosuchhost/');
    expect(bad).toMatchObject({ stdout: '000', stderr: '', exitCode: 6 });
  });

  it('-o FILE writes the file', async () => {
    const r = await inPod.exec('curl -s -o out.json http://httpbin:8000/get && cat out.json');
    expect(JSON.parse(r.stdout).url).toBe('http://httpbin:8000/get');
  });

  it('errors: exit codes and messages; -s hides them, -sS shows them', async () => {
    expect(await inPod.exec('curl http://nosuchhost/')).toMatchObject({
      stderr: 'curl: (6) Could not resolve host: nosuchhost\n',
      exitCode: 6,
    });
    expect(await inPod.exec('curl -s http://nosuchhost/')).toMatchObject({ stderr: '', exitCode: 6 });
    expect((await inPod.exec('curl -sS http://nosuchhost/')).stderr).toBe(
      'curl: (6) Could not resolve host: nosuchhost\n',
    );
    expect(await outside.exec('curl http://172.18.0.2:1234/')).toMatchObject({ exitCode: 7 });
    expect((await outside.exec('curl http://172.18.0.2:1234/')).stderr).toMatch(
      /^curl: \(7\) Failed to connect to 172\.18\.0\.2 port 1234 after \d+ ms: Couldn't connect to server\n$/,
    );
  });

  it('--max-time gives exit 28 after the limit on the clock', async () => {
    const started = w.clock.now();
    const r = await inPod.exec('curl -s -S --max-time 3 http://httpbin:8000/delay/5');
    expect(r.exitCode).toBe(28);
    expect(r.stderr).toBe('curl: (28) Operation timed out after 3001 milliseconds with 0 bytes received\n');
    expect(w.clock.now() - started).toBe(3000);
  });

  it('-X and -d send a POST with a form body', async () => {
    const r = await inPod.exec('curl -s -d "a=1&b=2" http://httpbin:8000/post');
    const body = JSON.parse(r.stdout);
    expect(body.form).toEqual({ a: '1', b: '2' });
    expect(body.headers['Content-Type']).toBe('application/x-www-form-urlencoded');
    expect(JSON.parse((await inPod.exec('curl -s -X PUT http://httpbin:8000/anything')).stdout).method).toBe('PUT');
  });

  it('-H replaces default headers and "Name:" removes one', async () => {
    const r = await inPod.exec('curl -s -H "User-Agent: lab" -H "Accept:" -H "X-Test: 1" http://httpbin:8000/headers');
    const h = JSON.parse(r.stdout).headers;
    expect(h['User-Agent']).toBe('lab');
    expect(h.Accept).toBeUndefined();
    expect(h['X-Test']).toBe('1');
  });

  it('-v writes the exchange to stderr', async () => {
    const r = await inPod.exec('curl -sv http://httpbin:8000/get -o /dev/null');
    expect(r.stderr).toContain('*   Trying 10.96.0.');
    // Each traced header line keeps its CRLF, as curl's trace writes it.
    expect(r.stderr).toContain(
      '> GET /get HTTP/1.1\r\n> Host: httpbin:8000\r\n> User-Agent: curl/8.16.0\r\n> Accept: */*\r\n',
    );
    expect(r.stderr).toContain('< HTTP/1.1 200 OK\r\n');
  });

  it('-D - writes the headers before the body, flushed as each header arrives', async () => {
    const dumped = await inPod.exec(`${STREAMS_VARIABLE}=merged curl -s -D - http://httpbin:8000/get`);
    expect(dumped.stdout).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*\r\n\r\n\{/);
  });

  it('https answers HTTP/2 with a trailing space in the status line', async () => {
    const r = await inPod.exec('curl -sI https://www.google.com | grep "HTTP/"');
    expect(r.stdout).toBe('HTTP/2 200 \r\n');
    expect((await inPod.exec('curl -sI --http1.1 https://www.google.com')).stdout).toMatch(/^HTTP\/1\.1 200 OK/);
  });

  it('-f fails with 22 on HTTP errors; -L follows redirects', async () => {
    expect(await inPod.exec('curl -sSf http://httpbin:8000/status/404')).toMatchObject({
      stdout: '',
      stderr: 'curl: (22) The requested URL returned error: 404\n',
      exitCode: 22,
    });
    const r = await inPod.exec(
      'curl -s -L -o /dev/null -w "%{http_code} %{num_redirects}" http://httpbin:8000/status/302',
    );
    // httpbin's 302 points at /redirect/1, which redirects to /get.
    expect(r.stdout).toBe('200 2');
  });

  it('usage errors exit 2 in curl words', async () => {
    expect(await inPod.exec('curl --bogus http://x')).toMatchObject({
      stderr: "curl: option --bogus: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information\n",
      exitCode: 2,
    });
    expect(await inPod.exec('curl')).toMatchObject({
      stderr: "curl: no URL specified\ncurl: try 'curl --help' or 'curl --manual' for more information\n",
      exitCode: 2,
    });
    expect(await inPod.exec('curl -H')).toMatchObject({ exitCode: 2 });
    expect((await inPod.exec('curl ftp://x/')).stderr).toBe('curl: (1) Protocol "ftp" not supported\n');
    expect((await inPod.exec('curl --help')).stdout).toContain('Usage: curl [options...] <url>');
  });

  it('from outside reaches the ingress gateway only through the node port or kind mapping', async () => {
    w.applyYaml(`apiVersion: networking.istio.io/v1
kind: Gateway
metadata: {name: gw}
spec:
  selector: {istio: ingressgateway}
  servers: [{port: {number: 80, name: http, protocol: HTTP}, hosts: ["*"]}]
---
apiVersion: networking.istio.io/v1
kind: VirtualService
metadata: {name: vs}
spec:
  hosts: ["*"]
  gateways: [gw]
  http: [{route: [{destination: {host: httpbin, port: {number: 8000}}}]}]
`);
    for (const url of [
      'http://172.18.0.2:30080/status/200',
      'http://127.0.0.1:8080/status/200',
      'http://localhost:8080/status/200',
    ]) {
      expect((await outside.exec(`curl -s -o /dev/null -w "%{http_code}" ${url}`)).stdout).toBe('200');
    }
    expect((await outside.exec('curl -s http://httpbin:8000/')).exitCode).toBe(6);
    const svcIp = (w.cluster.get('Service', 'istio-system', 'istio-ingressgateway')!.spec as { clusterIP: string })
      .clusterIP;
    const r = await outside.exec(`curl -sS --connect-timeout 2 http://${svcIp}/`);
    expect(r).toMatchObject({ exitCode: 28, stderr: 'curl: (28) Connection timed out after 2001 milliseconds\n' });
  });
});
