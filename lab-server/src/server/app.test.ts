import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import WebSocket from 'ws';
import { createLabServer, type LabServer } from './app.ts';
import { createFakeBackend } from './fakeBackend.ts';
import type { TerminalServerMessage } from '../protocol/terminal.ts';
import { testLab, testWorld } from './testLab.ts';
import type { LabServerEventMap } from './events.ts';

let server: LabServer;
let base: string;
let site: string;
const backend = createFakeBackend(testWorld);
const seen: LabServerEventMap['check'][] = [];

beforeAll(async () => {
  site = mkdtempSync(join(tmpdir(), 'labs-site-'));
  mkdirSync(join(site, 'en', 'traffic-shifting'), { recursive: true });
  mkdirSync(join(site, '_astro'));
  writeFileSync(join(site, 'index.html'), '<h1>home</h1>');
  writeFileSync(join(site, '404.html'), '<h1>Starlight 404</h1>');
  writeFileSync(join(site, 'en', 'traffic-shifting', 'index.html'), '<h1>lesson</h1>');
  writeFileSync(join(site, '_astro', 'app.abc123.js'), 'console.log(1)');
  writeFileSync(join(site, '_astro', 'font.woff2'), 'x');
  server = createLabServer({
    backend,
    labs: [testLab()],
    siteDir: site,
    checks: { settleMs: 0, maxWaitMs: 500 },
    heartbeatMs: 200,
  });
  server.parts.events.on('check', (e) => seen.push(e));
  base = (await server.listen(0)).replace(/\/$/, '');
});
afterAll(() => server.close());

async function api(
  method: string,
  path: string,
  options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
) {
  const res = await fetch(base + path, {
    method,
    headers: {
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...options.headers,
    },
    body:
      options.body === undefined
        ? undefined
        : typeof options.body === 'string'
          ? options.body
          : JSON.stringify(options.body),
  });
  const text = await res.text();
  return {
    status: res.status,
    headers: res.headers,
    text,
    json: (() => {
      try {
        return JSON.parse(text);
      } catch {
        return undefined;
      }
    })(),
  };
}

async function newToken(): Promise<string> {
  const r = await api('POST', '/api/session');
  expect(r.status).toBe(201);
  return r.json.sessionToken;
}

/** Opens the terminal socket and collects messages. */
function openTerminal(token: string | undefined, origin?: string) {
  const url = `${base.replace('http', 'ws')}/ws/terminal?lab=traffic-shifting${token ? `&token=${token}` : ''}&cols=100&rows=30`;
  const ws = new WebSocket(url, origin ? { origin } : {});
  const messages: TerminalServerMessage[] = [];
  ws.on('message', (d) => messages.push(JSON.parse(d.toString())));
  const output = () =>
    messages
      .filter((m) => m.type === 'output')
      .map((m) => (m as { data: string }).data)
      .join('');
  const opened = new Promise<void>((resolve, reject) => {
    ws.on('open', () => resolve());
    ws.on('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.on('error', reject);
  });
  return { ws, messages, output, opened };
}

async function until(predicate: () => boolean, ms = 3000): Promise<void> {
  await vi.waitFor(() => expect(predicate(), 'condition not met in time').toBe(true), { timeout: ms, interval: 10 });
}

describe('health and sessions', () => {
  it('answers health with the backend name', async () => {
    const r = await api('GET', '/api/health');
    expect(r.json).toEqual({ ok: true, backend: 'sim' });
  });

  it('makes unguessable tokens (32 random bytes, base64url)', async () => {
    const a = await newToken();
    const b = await newToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(a).not.toBe(b);
  });

  it('refuses session routes without a token, or with a wrong one', async () => {
    expect((await api('GET', '/api/session')).status).toBe(401);
    expect((await api('GET', '/api/session')).json.error).toMatch(/missing session token/);
    const wrong = await api('GET', '/api/progress', { token: 'x'.repeat(43) });
    expect(wrong.status).toBe(401);
    expect(wrong.json.error).toBe('invalid session token');
    for (const path of [
      '/api/labs/traffic-shifting/steps/make-greeting/check',
      '/api/labs/traffic-shifting/apply',
      '/api/labs/traffic-shifting/reset',
      '/api/labs/traffic-shifting/preview',
      '/api/labs/traffic-shifting/steps/make-greeting/solve',
    ]) {
      expect((await api('POST', path)).status).toBe(401);
    }
  });

  it('answers its own session and empty progress', async () => {
    const token = await newToken();
    const info = await api('GET', '/api/session', { token });
    expect(info.status).toBe(200);
    expect(info.json).toMatchObject({ id: expect.any(String), createdAt: expect.any(String) });
    expect((await api('GET', '/api/progress', { token })).json).toEqual({});
  });

  it('says what is wrong with unknown routes, labs, steps and methods', async () => {
    const token = await newToken();
    expect((await api('GET', '/api/nothing')).status).toBe(404);
    expect((await api('POST', '/api/labs/egress/reset', { token })).json.error).toMatch(/unknown lab "egress"/);
    const noStep = (await api('POST', '/api/labs/traffic-shifting/steps/nope/check', { token })).json;
    expect(noStep.error).toBe('lab "traffic-shifting" has no step "nope"');
    // A code and its values, so a Korean page says it in Korean.
    expect(noStep).toMatchObject({ code: 'lab.noStep', params: { lab: 'traffic-shifting', step: 'nope' } });
    expect((await api('GET', '/api/nothing')).json.code).toBe('request.noRoute');
    expect((await api('GET', '/api/labs/traffic-shifting/reset', { token })).status).toBe(405);
    expect((await api('POST', '/api/labs/traffic-shifting/apply', { token, body: '{not json' })).status).toBe(400);
    expect((await api('POST', '/api/labs/traffic-shifting/apply', { token, body: { yml: 'x' } })).json.error).toMatch(
      /^yaml: /,
    );
  });

  it('limits body sizes', async () => {
    const token = await newToken();
    const r = await api('POST', '/api/labs/traffic-shifting/apply', { token, body: { yaml: 'x'.repeat(1_100_000) } });
    expect(r.status).toBe(413);
  });
});

describe('checks, apply, solve, preview, reset', () => {
  it('fails before the step, passes after Apply, records progress and tells observers', async () => {
    const token = await newToken();
    const before = await api('POST', '/api/labs/traffic-shifting/steps/make-greeting/check', { token });
    expect(before.json).toMatchObject({ ok: false, progress: { status: 'failed', attempts: 1 } });
    expect(before.json.explanation.en).toMatch(/ConfigMap greeting does not exist/);
    const applied = await api('POST', '/api/labs/traffic-shifting/apply', {
      token,
      body: { yaml: 'kind: ConfigMap\nmetadata:\n  name: greeting\n' },
    });
    expect(applied.json).toEqual({ output: 'configmap/greeting created\n', exitCode: 0 });
    const after = await api('POST', '/api/labs/traffic-shifting/steps/make-greeting/check', { token });
    expect(after.json).toMatchObject({
      ok: true,
      progress: { status: 'passed', attempts: 2, passedAt: expect.any(String) },
    });
    expect((await api('GET', '/api/progress', { token })).json['traffic-shifting']['make-greeting'].status).toBe(
      'passed',
    );
    expect(seen.at(-1)).toMatchObject({ lab: 'traffic-shifting', step: 'make-greeting', result: { ok: true } });
  });

  it('Solve types the earlier solutions and this one into the terminal, and the terminal shows them', async () => {
    const token = await newToken();
    const t = openTerminal(token);
    await t.opened;
    await until(() => t.messages.some((m) => m.type === 'attached'));
    const r = await api('POST', '/api/labs/traffic-shifting/steps/read-greeting/solve', { token });
    expect(r.json).toMatchObject({ ok: true, ranSteps: ['make-greeting', 'read-greeting'], exitCode: 0 });
    // Solve is followed by the step's own check, recorded as Solve's.
    expect(r.json.check).toMatchObject({ ok: true, progress: { status: 'passed', passedBy: 'solve' } });
    await until(() => t.output().includes('greeting   0'));
    expect(t.output()).toContain('kubectl create configmap greeting');
    // The ran check sees what Solve typed, as it would see the learner's own typing.
    const check = await api('POST', '/api/labs/traffic-shifting/steps/read-greeting/check', { token });
    expect(check.json.ok).toBe(true);
    t.ws.close();
  });

  it("Check and Solve follow the API the page names: the Gateway API variant's solution and check", async () => {
    const token = await newToken();
    const path = '/api/labs/traffic-shifting/steps/make-greeting';
    const solved = await api('POST', `${path}/solve`, { token, body: { api: 'gateway' } });
    expect(solved.json).toMatchObject({ ok: true, ranSteps: ['make-greeting'], check: { ok: true } });
    // The variant made greeting-gw, not greeting: Istio's check of the same step fails, the variant's passes.
    const istio = await api('POST', `${path}/check`, { token, body: {} });
    expect(istio.json.ok).toBe(false);
    expect(istio.json.explanation.en).toMatch(/ConfigMap greeting does not exist/);
    expect((await api('POST', `${path}/check`, { token, body: { api: 'gateway' } })).json.ok).toBe(true);
    const wrong = await api('POST', `${path}/check`, { token, body: { api: 'gatewayapi' } });
    expect(wrong.status).toBe(400);
    expect(wrong.json).toMatchObject({ code: 'request.invalid', params: { field: 'api' } });
  });

  it('Solve skips steps passed in this environment, and runs them again after a reset', async () => {
    const token = await newToken();
    await api('POST', '/api/labs/traffic-shifting/apply', { token, body: { yaml: 'metadata:\n  name: greeting\n' } });
    expect((await api('POST', '/api/labs/traffic-shifting/steps/make-greeting/check', { token })).json.ok).toBe(true);
    expect(
      (await api('POST', '/api/labs/traffic-shifting/steps/read-greeting/solve', { token })).json.ranSteps,
    ).toEqual(['read-greeting']);
    await api('POST', '/api/labs/traffic-shifting/reset', { token });
    expect(
      (await api('POST', '/api/labs/traffic-shifting/steps/read-greeting/solve', { token })).json.ranSteps,
    ).toEqual(['make-greeting', 'read-greeting']);
  });

  it('Preview fetches from outside through the ingress', async () => {
    const token = await newToken();
    const r = await api('POST', '/api/labs/traffic-shifting/preview', { token, body: {} });
    expect(r.json).toMatchObject({ status: 200, body: '<h1>page http://ingress/productpage</h1>' });
    const other = await api('POST', '/api/labs/traffic-shifting/preview', { token, body: { path: '/headers' } });
    expect(other.json.body).toBe('<h1>page http://ingress/headers</h1>');
  });

  it('Reset restores the starting state', async () => {
    const token = await newToken();
    await api('POST', '/api/labs/traffic-shifting/apply', { token, body: { yaml: 'metadata:\n  name: greeting\n' } });
    expect((await api('POST', '/api/labs/traffic-shifting/reset', { token })).json).toEqual({ ok: true });
    expect((await api('POST', '/api/labs/traffic-shifting/steps/make-greeting/check', { token })).json.ok).toBe(false);
  });
});

describe('terminal WebSocket', () => {
  it('refuses a foreign Origin with 403 and a missing token with 401', async () => {
    const token = await newToken();
    await expect(openTerminal(token, 'http://evil.example').opened).rejects.toThrow('HTTP 403');
    await expect(openTerminal(undefined, base).opened).rejects.toThrow('HTTP 401');
    await expect(openTerminal('y'.repeat(43), base).opened).rejects.toThrow('HTTP 401');
  });

  it('accepts the same Origin, runs input, and replays what was missed on reconnect', async () => {
    const token = await newToken();
    const first = openTerminal(token, base);
    await first.opened;
    await until(() => first.messages.some((m) => m.type === 'attached'));
    expect(first.messages[0]).toMatchObject({ type: 'attached', resumed: false });
    first.ws.send(JSON.stringify({ type: 'input', data: 'echo hello-from-ws\r' }));
    await until(() => first.output().includes('hello-from-ws\r\n$ '));
    first.ws.close();
    // Output produced while no page is attached is kept too.
    const instance = await server.parts.runtime.existing(
      (await server.parts.sessions.authenticate(token))!.id,
      'traffic-shifting',
    );
    instance!.terminal.write('echo while-away\r');
    await until(() => instance!.scrollback.text().includes('while-away\r\n$ '));
    const second = openTerminal(token, base);
    await second.opened;
    await until(() => second.messages.some((m) => m.type === 'attached'));
    const attached = second.messages[0] as { type: 'attached'; resumed: boolean; replay: string };
    expect(attached.resumed).toBe(true);
    expect(attached.replay).toContain('hello-from-ws');
    expect(attached.replay).toContain('while-away');
    second.ws.close();
  });

  it("sends progress to the session's open terminals when a check is recorded", async () => {
    const token = await newToken();
    const t = openTerminal(token);
    await t.opened;
    await until(() => t.messages.some((m) => m.type === 'attached'));
    await api('POST', '/api/labs/traffic-shifting/steps/make-greeting/check', { token });
    await until(() => t.messages.some((m) => m.type === 'progress'));
    expect(t.messages.find((m) => m.type === 'progress')).toMatchObject({
      lab: 'traffic-shifting',
      step: 'make-greeting',
      progress: { status: 'failed' },
    });
    t.ws.close();
  });

  it('answers malformed messages with an error and keeps the socket', async () => {
    const token = await newToken();
    const t = openTerminal(token);
    await t.opened;
    await until(() => t.messages.some((m) => m.type === 'attached'));
    t.ws.send('{"type":"explode"}');
    await until(() => t.messages.some((m) => m.type === 'error'));
    t.ws.send(JSON.stringify({ type: 'resize', cols: 120, rows: 40 }));
    t.ws.send(JSON.stringify({ type: 'input', data: 'echo still-here\r' }));
    await until(() => t.output().includes('still-here'));
    t.ws.close();
  });
});

describe('the built site', () => {
  function raw(path: string): Promise<{ status: number; type?: string; body: string }> {
    return new Promise((resolve, reject) => {
      const req = httpRequest(`${base}${path}`, { method: 'GET' }, (res) => {
        let body = '';
        res.on('data', (c) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode!, type: res.headers['content-type'], body }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  it("serves pages, assets with their types, and Starlight's 404 page", async () => {
    expect(await raw('/')).toMatchObject({ status: 200, type: 'text/html; charset=utf-8', body: '<h1>home</h1>' });
    expect(await raw('/en/traffic-shifting/')).toMatchObject({ status: 200, body: '<h1>lesson</h1>' });
    expect(await raw('/_astro/app.abc123.js')).toMatchObject({ status: 200, type: 'text/javascript; charset=utf-8' });
    expect((await raw('/_astro/font.woff2')).type).toBe('font/woff2');
    expect(await raw('/missing')).toMatchObject({ status: 404, body: '<h1>Starlight 404</h1>' });
    expect((await raw('/en/traffic-shifting')).status).toBe(301);
  });

  it('sends pages with a Content-Security-Policy, assets without', async () => {
    const page = await fetch(`${base}/`);
    expect(page.headers.get('content-security-policy')).toMatch(/^default-src 'self'; script-src 'self'/);
    const asset = await fetch(`${base}/_astro/app.abc123.js`);
    expect(asset.headers.get('content-security-policy')).toBeNull();
  });

  it('never serves files outside the site', async () => {
    for (const path of [
      '/../package.json',
      '/%2e%2e/package.json',
      '/..%2fpackage.json',
      '/%2e%2e%2f%2e%2e%2fetc/passwd',
      '/a/../../etc/passwd',
    ]) {
      const r = await raw(path);
      expect(r.status).toBe(404);
      expect(r.body).toBe('<h1>Starlight 404</h1>');
    }
  });
});
