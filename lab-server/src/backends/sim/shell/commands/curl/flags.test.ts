/** curl's options one by one (issue 13's list and the egress chapter's), and every way curl 8.16 refuses a command line. */
import { Bash } from 'just-bash';
import { beforeEach, describe, expect, it } from 'vitest';
import type { PodEndpoint, SimCommandHost } from '../../../types.ts';
import { World } from '../../../mesh/testing/fixtures.ts';
import { createCurlCommand } from './index.ts';
import { parseCurlArgs } from './options.ts';
import { warning } from './warn.ts';

const TRY = "curl: try 'curl --help' or 'curl --manual' for more information\n";

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

describe('curl refuses a command line as curl 8.16 does (exit 2)', () => {
  const sh = () => new Bash({ customCommands: [createCurlCommand(hostFor(new World()), 'outside')] });

  it.each([
    ['curl --foo http://x/', 'option --foo: is unknown'],
    ['curl --foo=1 http://x/', 'option --foo=1: is unknown'],
    ['curl -s9 http://x/', 'option -s9: is unknown'],
    ['curl -o', 'option -o: requires parameter'],
    ['curl http://x/ --retry', 'option --retry: requires parameter'],
    ['curl --max-time abc http://x/', 'option --max-time: expected a proper numerical parameter'],
    ['curl --retry -1 http://x/', 'option --retry: expected a positive numerical parameter'],
    ['curl --no-max-time http://x/', 'option --no-max-time: the given option cannot be reversed with a --no- prefix'],
    ['curl', 'no URL specified'],
  ])('%s', async (line, message) => {
    expect(await sh().exec(line)).toMatchObject({ stdout: '', stderr: `curl: ${message}\n${TRY}`, exitCode: 2 });
  });

  it.each([
    ['curl http://httpbin:99999/', 3, 'URL rejected: Port number was not a decimal number between 0 and 65535'],
    ['curl http://httpbin:8o/', 3, 'URL rejected: Port number was not a decimal number between 0 and 65535'],
    ['curl http:///path', 3, 'URL rejected: No host part in the URL'],
    ["curl 'http://a b/'", 3, 'URL rejected: Malformed input to a URL function'],
    ["curl 'http://a{b}/'", 3, 'URL rejected: Bad hostname'],
    ['curl foo://x/', 1, 'Protocol "foo" not supported'],
  ])('%s is a URL curl rejects before connecting', async (line, code, message) => {
    expect(await sh().exec(line)).toMatchObject({ stdout: '', stderr: `curl: (${code}) ${message}\n`, exitCode: code });
    expect(await sh().exec(`${line.replace('curl', 'curl -s')}`)).toMatchObject({ stderr: '', exitCode: code });
  });

  it('an option curl has but this lab does not carry out is refused, saying so', async () => {
    const r = await sh().exec('curl --ftp-pasv http://x/');
    expect(r).toMatchObject({ exitCode: 2 });
    expect(r.stderr).toBe(`curl: option --ftp-pasv: is not available in this lab's curl (see curl --help)\n${TRY}`);
  });

  it('-F and -d together: the warning, then the refusal', async () => {
    const r = await sh().exec('curl -d a=1 -F b=2 http://x/');
    expect(r.stderr).toBe(
      // curl cuts a warning at the last blank before column 79, each piece with its own prefix.
      'Warning: You can only select one HTTP request method! You asked for both POST \n' +
        'Warning: (-d, --data) and multipart formpost (-F, --form).\n' +
        `curl: option -F: is badly used here\n${TRY}`,
    );
    expect(r.exitCode).toBe(2);
  });

  it('warnings: nothing under -s; short ones on one line', () => {
    expect(warning('Problem : timeout. Will retry in 1 second. 3 retries left.', true)).toBe('');
    expect(warning('Problem : timeout. Will retry in 1 second. 3 retries left.', false)).toBe(
      'Warning: Problem : timeout. Will retry in 1 second. 3 retries left.\n',
    );
  });

  it('parses --name=value, --no-name, bundles and harmless options', () => {
    expect(parseCurlArgs(['--max-time=3', 'u']).maxTimeMs).toBe(3000);
    expect(parseCurlArgs(['-s', '--no-silent', 'u']).silent).toBe(false);
    expect(parseCurlArgs(['-sSLk', 'u'])).toMatchObject({
      silent: true,
      showError: true,
      location: true,
      insecure: true,
    });
    expect(parseCurlArgs(['-g', '--no-progress-meter', '-4', 'u']).urls).toEqual(['u']);
    expect(parseCurlArgs(['--show-headers', 'u']).include).toBe(true);
    expect(parseCurlArgs(['--url', 'http://a/', 'http://b/']).urls).toEqual(['http://a/', 'http://b/']);
  });
});

describe('curl options against the simulated mesh and internet', () => {
  let w: World;
  let sleep: PodEndpoint;
  let sh: Bash;
  const json = async (line: string) => JSON.parse((await sh.exec(line)).stdout);
  beforeEach(() => {
    w = new World();
    w.installIstio();
    w.deploySeedHttpbin();
    sleep = w.deploySleep();
    sh = new Bash({ customCommands: [createCurlCommand(hostFor(w), sleep)] });
  });

  it('-c writes the Netscape jar, -b FILE sends it back, -b STRING sends literal cookies', async () => {
    await sh.exec('curl -s -c jar.txt "http://httpbin.org/cookies/set?user=jason"');
    expect((await sh.exec('cat jar.txt')).stdout).toBe(
      '# Netscape HTTP Cookie File\n# https://curl.se/docs/http-cookies.html\n' +
        '# This file was generated by libcurl! Edit at your own risk.\n\n' +
        'httpbin.org\tFALSE\t/\tFALSE\t0\tuser\tjason\n',
    );
    expect(await json('curl -s -b jar.txt http://httpbin.org/cookies')).toEqual({ cookies: { user: 'jason' } });
    expect(await json('curl -s -b "a=1; b=2" http://httpbin.org/cookies')).toEqual({ cookies: { a: '1', b: '2' } });
    // The engine carries cookies over a redirect; it sends none to another host.
    expect(await json('curl -s -L -b "" "http://httpbin.org/cookies/set?x=1"')).toEqual({ cookies: { x: '1' } });
    expect(JSON.parse((await sh.exec('curl -s -b jar.txt http://httpbin:8000/headers')).stdout).headers.Cookie).toBe(
      undefined,
    );
  });

  it('--retry retries transient HTTP errors with growing waits on the clock; -s hides the warnings', async () => {
    const started = w.clock.now();
    const r = await sh.exec('curl -S -o /dev/null -w "%{http_code}\\n" --retry 2 http://httpbin:8000/status/503');
    expect(r.stderr).toBe(
      'Warning: Problem : HTTP error. Will retry in 1 second. 2 retries left.\n' +
        'Warning: Problem : HTTP error. Will retry in 2 seconds. 1 retry left.\n',
    );
    expect(r.stdout).toBe('503\n');
    expect(r.exitCode).toBe(0);
    expect(w.clock.now() - started).toBeGreaterThanOrEqual(3000);
    // Three attempts leave the pod (the sidecar's own retries of each 503 are Istio's default policy, on top).
    expect(w.log('default', sleep.pod, 'istio-proxy').filter((l) => l.includes('GET /status/503'))).toHaveLength(3);
    expect((await sh.exec('curl -s -o /dev/null --retry 1 http://httpbin:8000/status/503')).stderr).toBe('');
  });

  it('--retry-delay fixes the wait; 404 is retried only with --retry-all-errors and -f', async () => {
    const fixed = await sh.exec('curl -sS -o /dev/null --retry 2 --retry-delay 5 http://httpbin:8000/status/500');
    expect(fixed.stderr).toBe('');
    const shown = await sh.exec('curl -o /dev/null --retry 1 --retry-delay 5 http://httpbin:8000/status/500');
    expect(shown.stderr).toBe('Warning: Problem : HTTP error. Will retry in 5 seconds. 1 retry left.\n');
    const notFound = await sh.exec('curl -o /dev/null --retry 2 http://httpbin:8000/status/404');
    expect(notFound.stderr).toBe('');
    const all = await sh.exec('curl -f -o /dev/null --retry 1 --retry-all-errors http://httpbin:8000/status/404');
    // Each failed attempt is told before the retry (tool_operate.c's post_per_transfer, once per attempt).
    expect(all.stderr).toBe(
      'curl: (22) The requested URL returned error: 404\n' +
        warning('Problem (retrying all errors). Will retry in 1 second. 1 retry left.', false) +
        'curl: (22) The requested URL returned error: 404\n',
    );
    expect(all.exitCode).toBe(22);
  });

  it('--retry retries a timeout always, and --retry-max-time stops it', async () => {
    const r = await sh.exec('curl -sS -m 1 --retry 5 --retry-max-time 3 http://httpbin:8000/delay/5');
    expect(r.exitCode).toBe(28);
    // -s hides the retry warnings, not the errors -S shows: one per attempt until --retry-max-time.
    const error = 'curl: (28) Operation timed out after 1001 milliseconds with 0 bytes received\n';
    expect(r.stderr).toBe(error.repeat(r.stderr.split('\n').length - 1));
    expect(r.stderr.split('\n').length - 1).toBeGreaterThan(1);
  });

  it('-u sends Basic credentials; --oauth2-bearer a token', async () => {
    expect(await json('curl -s -u user:passwd http://httpbin.org/basic-auth/user/passwd')).toEqual({
      authenticated: true,
      user: 'user',
    });
    expect(
      (await sh.exec('curl -s -o /dev/null -w "%{http_code}" http://httpbin.org/basic-auth/user/passwd')).stdout,
    ).toBe('401');
    expect(await json('curl -s --oauth2-bearer t0ken http://httpbin.org/bearer')).toEqual({
      authenticated: true,
      token: 't0ken',
    });
  });

  it('-F posts multipart/form-data: fields, @file uploads and <file fields', async () => {
    await sh.exec('echo "hello file" > note.txt');
    const body = await json('curl -s -F name=jason -F upload=@note.txt -F "text=<note.txt" http://httpbin.org/post');
    expect(body.form).toEqual({ name: 'jason', text: 'hello file\n' });
    expect(body.files).toEqual({ upload: 'hello file\n' });
    expect(body.headers['Content-Type']).toMatch(/^multipart\/form-data; boundary=-{24}[A-Za-z0-9]{22}$/);
    expect(await sh.exec('curl -s -S -F f=@missing.txt http://httpbin.org/post')).toMatchObject({
      stderr: 'curl: (26) Failed to open/read local data from file/application\n',
      exitCode: 26,
    });
  });

  it('-G moves -d data into the query; --data-urlencode encodes; --json posts JSON', async () => {
    expect((await json('curl -s -G -d a=1 -d b=2 http://httpbin.org/get')).args).toEqual({ a: '1', b: '2' });
    expect((await json('curl -s -G --data-urlencode "q=two words" http://httpbin.org/get')).url).toBe(
      'http://httpbin.org/get?q=two%20words',
    );
    const posted = await json(`curl -s --json '{"k": 1}' http://httpbin.org/post`);
    expect(posted.json).toEqual({ k: 1 });
    expect(posted.headers['Content-Type']).toBe('application/json');
    expect(posted.headers.Accept).toBe('application/json');
  });

  it('--resolve pins a name to an address; a malformed entry is exit 49', async () => {
    const ip = (w.cluster.get('Service', 'default', 'httpbin')!.spec as { clusterIP: string }).clusterIP;
    const r = await json(`curl -s --resolve lab.example:8000:${ip} http://lab.example:8000/headers`);
    expect(r.headers.Host).toBe('lab.example:8000');
    expect(await sh.exec('curl -sS --resolve nonsense http://lab.example/')).toMatchObject({
      stderr: "curl: (49) Couldn't parse CURLOPT_RESOLVE entry 'nonsense'\n",
      exitCode: 49,
    });
  });

  it('--cacert: a missing file is exit 77, another CA fails verification (60) unless -k, the system bundle verifies', async () => {
    expect(await sh.exec('curl -sS --cacert /nope.pem https://www.google.com')).toMatchObject({
      stderr: 'curl: (77) error setting certificate file: /nope.pem\n',
      exitCode: 77,
    });
    await sh.exec('echo "-----BEGIN CERTIFICATE-----" > ca.pem');
    expect(await sh.exec('curl -sS -o /dev/null --cacert ca.pem https://www.google.com')).toMatchObject({
      stderr: 'curl: (60) SSL certificate problem: unable to get local issuer certificate\n',
      exitCode: 60,
    });
    expect(
      (await sh.exec('curl -s -o /dev/null -w "%{http_code}" -k --cacert ca.pem https://www.google.com')).stdout,
    ).toBe('200');
    expect(
      (
        await sh.exec(
          'curl -s -o /dev/null -w "%{http_code}" --cacert /etc/ssl/certs/ca-certificates.crt https://www.google.com',
        )
      ).stdout,
    ).toBe('200');
  });

  it('-x sends the request to the proxy with the target Host; CONNECT for https; an unknown proxy is exit 5', async () => {
    const viaProxy = await json('curl -s -x httpbin:8000 http://httpbin.org/headers');
    expect(viaProxy.headers.Host).toBe('httpbin.org');
    const served = ['httpbin-v1', 'httpbin-v2'].flatMap((p) => w.log('default', w.pod(p).metadata.name, 'httpbin'));
    expect(served.join('\n')).toContain('GET /headers');
    expect(await sh.exec('curl -sS -x nosuchproxy:3128 http://httpbin.org/')).toMatchObject({
      stderr: 'curl: (5) Could not resolve proxy: nosuchproxy\n',
      exitCode: 5,
    });
    const tunnel = await sh.exec('curl -sS -x httpbin:8000 https://www.google.com');
    expect(tunnel.exitCode).toBe(56);
    expect(tunnel.stderr).toMatch(/^curl: \(56\) CONNECT tunnel failed, response \d{3}\n$/);
  });

  it('-D writes the response headers (each redirect too); -e sends a Referer; --max-redirs limits -L', async () => {
    const r = await sh.exec('curl -s -L -o /dev/null -D - http://httpbin.org/redirect/1');
    expect(r.stdout).toMatch(
      /^HTTP\/1\.1 302 FOUND\r\n[\s\S]*location: \/get\r\n[\s\S]*\r\n\r\nHTTP\/1\.1 200 OK\r\n/i,
    );
    expect((await json('curl -s -e http://from.example/ http://httpbin.org/headers')).headers.Referer).toBe(
      'http://from.example/',
    );
    expect(await sh.exec('curl -sS -L --max-redirs 1 http://httpbin.org/redirect/3')).toMatchObject({
      stderr: 'curl: (47) Maximum (1) redirects followed\n',
      exitCode: 47,
    });
  });

  it('-k, -v, -sSI, -o /dev/null -w and --max-time on the egress hosts', async () => {
    expect((await sh.exec('curl -sSI -k https://edition.cnn.com | grep HTTP/')).stdout).toBe('HTTP/2 200 \r\n');
    const v = await sh.exec('curl -v -s -o /dev/null https://www.google.com');
    expect(v.stderr).toContain('* ALPN: server accepted h2\n');
    expect(v.stderr).toContain('> GET / HTTP/2\r\n> Host: www.google.com\r\n');
    expect((await sh.exec('curl -o /dev/null -s -w "%{http_code}\\n" http://httpbin.org/status/418')).stdout).toBe(
      '418\n',
    );
    expect(await sh.exec('curl -sS --max-time 2 http://httpbin.org/delay/5')).toMatchObject({
      stderr: 'curl: (28) Operation timed out after 2001 milliseconds with 0 bytes received\n',
      exitCode: 28,
    });
  });
});
