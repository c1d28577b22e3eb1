import { Bash } from 'just-bash';
import { beforeEach, describe, expect, it } from 'vitest';
import type { SimCommandHost } from '../../../types.ts';
import { World } from '../../../mesh/testing/fixtures.ts';
import { STREAMS_VARIABLE } from '../../orderedOutput.ts';
import { createCurlCommand } from './index.ts';

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

/** The text without the bold and hyperlink escapes curl adds on a terminal. */
function plain(text: string): string {
  return text.replace(/\x1b\[[0-9;]*m|\x1b\]8;;[^\x1b]*\x1b\\/g, '');
}

const TERMINAL = `${STREAMS_VARIABLE}=merged,terminal`;
const PIPE = `${STREAMS_VARIABLE}=merged`;
const URL = 'http://httpbin:8000/get';

/** The header lines of a `-v -i` exchange on a terminal: each must be its `< ` trace line, then itself. */
function pairedHeaders(exchange: string): { headers: string[]; rest: string } {
  const lines = plain(exchange).split(/(?<=\n)/);
  const headers: string[] = [];
  let i = 0;
  for (; i < lines.length && lines[i] !== '< \r\n'; i += 2) {
    expect(lines[i]).toBe(`< ${lines[i + 1]}`);
    headers.push(lines[i + 1]!);
  }
  expect(lines[i + 1]).toBe('\r\n');
  return { headers: [...headers, '\r\n'], rest: lines.slice(i + 2).join('') };
}

describe('curl writes in curl 8 order', () => {
  let sh: Bash;
  let body: string;
  beforeEach(async () => {
    const w = new World();
    w.installIstio();
    w.deploySeedHttpbin();
    sh = new Bash({ customCommands: [createCurlCommand(hostFor(w), w.deploySleep())] });
    body = (await sh.exec(`curl -s ${URL}`)).stdout;
  });

  it('-v on a terminal: the trace, the body (not announced), then the connection note', async () => {
    const r = await sh.exec(`${TERMINAL} curl -sv ${URL}`);
    expect(r.stderr).toBe('');
    const [trace, rest] = r.stdout.split('< \r\n');
    expect(trace).toMatch(/\* Request completely sent off\n< HTTP\/1\.1 200 OK\r\n/);
    expect(trace).toContain('> GET /get HTTP/1.1\r\n> Host: httpbin:8000\r\n');
    expect(rest).toBe(`${body}* Connection #0 to host httpbin:8000 left intact\n`);
  });

  it("-v into a pipe or a file: the body is announced, and waits in stdout's buffer until the transfer ends", async () => {
    const r = await sh.exec(`${PIPE} curl -sv ${URL}`);
    const bytes = Buffer.byteLength(body);
    expect(
      r.stdout.endsWith(`< \r\n{ [${bytes} bytes data]\n* Connection #0 to host httpbin:8000 left intact\n${body}`),
    ).toBe(true);
    // Apart, each stream holds its own share.
    const apart = await sh.exec(`curl -sv ${URL}`);
    expect(apart.stdout).toBe(body);
    expect(apart.stderr + apart.stdout).toBe(r.stdout);
  });

  it('-v -i on a terminal: each traced header line, then the same line shown, name in bold', async () => {
    const r = await sh.exec(`${TERMINAL} curl -sv -i ${URL}`);
    const exchange = r.stdout.slice(r.stdout.indexOf('* Request completely sent off\n') + 30);
    const { headers, rest } = pairedHeaders(exchange);
    expect(headers[0]).toBe('HTTP/1.1 200 OK\r\n');
    expect(rest).toBe(`${body}* Connection #0 to host httpbin:8000 left intact\n`);
    expect(exchange).toContain('\x1b[1mserver\x1b[0m: envoy\r\n');
    expect(exchange).toContain('< server: envoy\r\n');
    // --no-styled-output keeps the names plain.
    const unstyled = await sh.exec(`${TERMINAL} curl -sv -i --no-styled-output ${URL}`);
    expect(unstyled.stdout).not.toContain('\x1b[');
  });

  it('-v -i into a pipe: the whole trace first, the headers and body when the transfer ends', async () => {
    const r = await sh.exec(`${PIPE} curl -sv -i ${URL}`);
    expect(r.stdout).not.toContain('\x1b[');
    const [, after] = r.stdout.split('* Connection #0 to host httpbin:8000 left intact\n');
    const traced = r.stdout
      .split('\n')
      .filter((l) => l.startsWith('< '))
      .map((l) => `${l.slice(2)}\n`);
    expect(after).toBe(`${traced.join('')}${body}`);
    // -N (no buffering) writes each header as it comes, after its trace line.
    const unbuffered = await sh.exec(`${PIPE} curl -sv -i -N ${URL}`);
    expect(unbuffered.stdout).toContain('< HTTP/1.1 200 OK\r\nHTTP/1.1 200 OK\r\n< server: envoy\r\nserver: envoy\r\n');
  });

  it('-v -I: HEAD, each header traced then shown, no body', async () => {
    const r = await sh.exec(`${TERMINAL} curl -sv -I ${URL}`);
    expect(r.stdout).toContain('> HEAD /get HTTP/1.1\r\n');
    const { headers, rest } = pairedHeaders(r.stdout.slice(r.stdout.indexOf('* Request completely sent off\n') + 30));
    expect(headers.length).toBeGreaterThan(3);
    expect(rest).toBe('* Connection #0 to host httpbin:8000 left intact\n');
  });

  it('-sv -o /dev/null on a terminal: the output is not the terminal, so the data is announced', async () => {
    const r = await sh.exec(`${TERMINAL} curl -sv -o /dev/null ${URL}`);
    expect(
      r.stdout.endsWith(
        `< \r\n{ [${Buffer.byteLength(body)} bytes data]\n* Connection #0 to host httpbin:8000 left intact\n`,
      ),
    ).toBe(true);
  });

  it("-L -i: every hop's headers before the next hop; a followed redirect's body is ignored", async () => {
    const r = await sh.exec(`${TERMINAL} curl -s -L -i http://httpbin:8000/redirect/1`);
    const blocks = plain(r.stdout).split(/(?<=\r\n\r\n)/);
    expect(blocks[0]).toMatch(/^HTTP\/1\.1 302 FOUND\r\n[\s\S]*location: \/get\r\n/i);
    expect(blocks[1]).toMatch(/^HTTP\/1\.1 200 OK\r\n/);
    expect(blocks.slice(2).join('')).toBe(body);
    // On a terminal the Location value is also a hyperlink to the absolute URL.
    expect(r.stdout).toContain('\x1b]8;;http://httpbin:8000/get\x1b\\/get\r\n\x1b]8;;\x1b\\');
    const v = await sh.exec(`${TERMINAL} curl -sv -L http://httpbin:8000/redirect/1`);
    const notes = v.stdout.split('\n').filter((l) => l.startsWith('* ') && !l.startsWith('*  '));
    const ignored = notes.indexOf('* Ignoring the response-body');
    expect(notes.slice(ignored, ignored + 3)).toEqual([
      '* Ignoring the response-body',
      '* Connection #0 to host httpbin:8000 left intact',
      "* Issue another request to this URL: 'http://httpbin:8000/get'",
    ]);
    // Without -L the redirect's body is the output.
    expect((await sh.exec('curl -s http://httpbin:8000/redirect/1')).stdout).toContain('redirected automatically');
  });

  it("tells an error before -w, and -f's failure in the trace first", async () => {
    const r = await sh.exec(`${PIPE} curl -sS -w '%{http_code}\\n' http://nosuchhost/`);
    expect(r.stdout).toMatch(/^curl: \(6\) .*\n000\n$/);
    const f = await sh.exec(`${TERMINAL} curl -sSvf http://httpbin:8000/status/404`);
    expect(f.stdout.slice(f.stdout.lastIndexOf('< '))).toBe(
      '< \r\n* The requested URL returned error: 404\n* closing connection #0\n' +
        'curl: (22) The requested URL returned error: 404\n',
    );
  });
});
