import { describe, expect, it, vi } from 'vitest';
import type { HttpResult } from '../contract.ts';
import { checkSchema, type Check } from '../labs/schema.ts';
import { FakeEnvironment } from '../server/fakeBackend.ts';
import { runCheck } from './run.ts';
import { createRandom } from '../backends/sim/random.ts';

const page = (stars: '' | 'red' | 'black'): HttpResult => ({
  status: 200,
  headers: { 'content-type': 'text/html' },
  // Bookinfo 1.20.x's stars (istio/istio samples/bookinfo/src/productpage/templates/productpage.html).
  body:
    stars === ''
      ? '<html>no ratings</html>'
      : `<div class="flex gap-x-1 text-${stars}-500"><svg id="glyphicon glyphicon-star" class="h-5 w-5 flex-none">`,
  durationMs: 5,
});

/** An environment whose product page answers from weighted versions (or a fixed error). */
function weighted(weights: Record<string, number>, seed = 1): FakeEnvironment {
  const random = createRandom(seed).next;
  return new FakeEnvironment('traffic-shifting', {
    http: () => {
      let u = random();
      for (const [version, w] of Object.entries(weights)) {
        if (u < w) {
          if (version === '503') return { status: 503, headers: {}, body: '', durationMs: 1 };
          if (version === 'unavailable')
            return { ...page(''), body: 'Sorry, product reviews are currently unavailable for this book.' };
          return page(version === 'v1' ? '' : version === 'v2' ? 'black' : 'red');
        }
        u -= w;
      }
      return page('');
    },
  });
}

const classes = [
  {
    name: 'reviews-unavailable',
    bodyContains: 'Sorry, product reviews are currently unavailable',
    label: { ko: 'reviews 응답 실패', en: 'reviews unavailable' },
  },
  {
    name: 'v3',
    status: 200,
    bodyContains: 'flex gap-x-1 text-red-500',
    label: { ko: 'v3 (빨간 별)', en: 'v3 (red stars)' },
  },
  {
    name: 'v2',
    status: 200,
    bodyContains: 'flex gap-x-1 text-black-500',
    label: { ko: 'v2 (검은 별)', en: 'v2 (black stars)' },
  },
  { name: 'v1', status: 200, bodyNotContains: 'glyphicon-star', label: { ko: 'v1 (별 없음)', en: 'v1 (no stars)' } },
];

function traffic(expect: Record<string, number>, requests = 200): Check {
  return checkSchema.parse({
    type: 'traffic',
    from: { outside: true },
    request: { url: 'http://ingress/productpage' },
    requests,
    classes,
    expect,
  });
}

const drFile = {
  name: 'destination-rule-all.yaml',
  content: 'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata:\n  name: reviews\n',
};
const once = { retry: false } as const;
const start = new Date(Date.now() - 60_000);

describe('traffic checks', () => {
  it('passes a 50/50 split and says so', async () => {
    const r = await runCheck(
      traffic({ v1: 0.5, v3: 0.5 }),
      { env: weighted({ v1: 0.5, v3: 0.5 }), stepStartedAt: start },
      once,
    );
    expect(r.ok).toBe(true);
    expect(r.explanation.en).toMatch(/consistent with the expected 50% v1 \(no stars\) \/ 50% v3 \(red stars\)/);
    expect(r.evidence[0]!.action).toMatch(/^GET http:\/\/ingress\/productpage \(from outside\) x\d+$/);
  });

  it('fails 80/20 when 50/50 is expected, naming both splits and the weights', async () => {
    const r = await runCheck(
      traffic({ v1: 0.5, v3: 0.5 }),
      { env: weighted({ v1: 0.8, v3: 0.2 }), stepStartedAt: start },
      once,
    );
    expect(r.ok).toBe(false);
    expect(r.explanation.en).toMatch(
      new RegExp(
        String.raw`^\d+ requests: 8\d% v1 \(no stars\) \/ 1\d% v3 \(red stars\); the step expects about 50% v1 \(no sta` +
          String.raw`rs\) \/ 50% v3 \(red stars\)\. Check the VirtualService route's weights and subsets\.$`,
      ),
    );
    expect(r.explanation.ko).toMatch(
      new RegExp(
        String.raw`결과는 8\d% v1 \(별 없음\) \/ 1\d% v3 \(빨간 별\)입니다\. 이 단계는 대략 50% v1 \(별 없음\) \/ 50% v3 \(빨간 별\)을 기대합니다\. V` +
          String.raw`irtualService 라우트의 가중치\(weight\)와 서브셋\(subset\)을 확인하세요\.`,
      ),
    );
  });

  it('explains all-503 answers as a subset no DestinationRule defines, pointing at the file (all it planned)', async () => {
    const r = await runCheck(
      traffic({ v1: 1 }, 100),
      { env: weighted({ 503: 1 }), stepStartedAt: start, files: [drFile] },
      once,
    );
    expect(r.ok).toBe(false);
    expect(r.explanation.en).toBe(
      'All 100 requests failed with 503: a route names a subset no DestinationRule defines (check destination-rule-all.yaml); ' +
        'Envoy answers 503 with an empty body when the cluster is not found (NC). The step expects 100% v1 (no stars).',
    );
    expect(r.explanation.ko).toMatch(
      /^요청 100개가 모두 503으로 실패했습니다\. 라우트가 가리키는 서브셋\(subset\)을 정의한 DestinationRule이 없습니다 \(destination-rule-all\.yaml 확인\)/,
    );
    expect(r.evidence.map((e) => e.result).join('\n')).toMatch(/503 \(empty body\)/);
  });

  it('recognises the even spread of no VirtualService at all', async () => {
    const r = await runCheck(
      traffic({ v1: 0.5, v3: 0.5 }),
      { env: weighted({ v1: 1 / 3, v2: 1 / 3, v3: 1 / 3 }), stepStartedAt: start },
      once,
    );
    expect(r.ok).toBe(false);
    expect(r.explanation.en).toMatch(/spread about evenly over 3 versions: no VirtualService route applies/);
  });

  it('fails "all v3" on a single v1 answer, and passes when every answer is v3', async () => {
    expect(
      (
        await runCheck(
          traffic({ v3: 1 }, 100),
          { env: weighted({ v3: 0.95, v1: 0.05 }, 7), stepStartedAt: start },
          once,
        )
      ).ok,
    ).toBe(false);
    const r = await runCheck(traffic({ v3: 1 }, 100), { env: weighted({ v3: 1 }), stepStartedAt: start }, once);
    expect(r.ok).toBe(true);
    expect(r.explanation).toEqual({
      ko: '요청 100개가 모두 v3 (빨간 별)이었습니다. 기대한 대로입니다.',
      en: 'All 100 requests were v3 (red stars), as expected.',
    });
  });

  it('counts error pages as their class, never as a version', async () => {
    const r = await runCheck(
      traffic({ v1: 1 }, 100),
      { env: weighted({ unavailable: 0.3, v1: 0.7 }), stepStartedAt: start },
      once,
    );
    expect(r.ok).toBe(false);
    expect(r.evidence[0]!.result).toMatch(/reviews-unavailable: \d+/);
  });

  it('sends more requests while the split is ambiguous, within the limit', async () => {
    // 62/38 from 100 requests is neither clearly 50/50 nor clearly not.
    const env = weighted({ v1: 0.5, v3: 0.5 }, 11);
    let sent = 0;
    const http = env.http.bind(env);
    env.http = async (o, q) => {
      sent++;
      return http(o, q);
    };
    const r = await runCheck(
      traffic({ v1: 0.5, v3: 0.5 }, 100),
      { env, stepStartedAt: start, limits: { maxRequests: 400, concurrency: 4 } },
      once,
    );
    expect(r.ok).toBe(true);
    expect(sent).toBeGreaterThan(100);
    expect(sent).toBeLessThanOrEqual(400);
  });
});

describe('object checks', () => {
  const dr = {
    apiVersion: 'networking.istio.io/v1',
    kind: 'DestinationRule',
    metadata: { name: 'reviews', namespace: 'default' },
    spec: { host: 'reviews', subsets: [{ name: 'v1' }, { name: 'v2' }] },
  };
  const check = (extra: object) =>
    checkSchema.parse({ type: 'object', ref: { kind: 'DestinationRule', name: 'reviews' }, ...extra });

  it('fails on a missing object and names it', async () => {
    const r = await runCheck(check({}), { env: new FakeEnvironment('x', {}), stepStartedAt: start }, once);
    expect(r.ok).toBe(false);
    expect(r.explanation.en).toBe(
      'DestinationRule reviews does not exist in namespace default: it has not been applied yet, or its name or namespace differ.',
    );
    expect(r.explanation.ko).toBe(
      'default 네임스페이스에서 DestinationRule reviews를 찾지 못했습니다. 아직 적용하지 않았거나 이름·네임스페이스가 다릅니다.',
    );
  });

  it('compares fields by path, saying which differs', async () => {
    const env = new FakeEnvironment('x', {});
    env.put(dr);
    const ok = await runCheck(
      check({ fields: [{ path: 'spec.subsets[1].name', equals: 'v2' }] }),
      { env, stepStartedAt: start },
      once,
    );
    expect(ok.ok).toBe(true);
    const bad = await runCheck(
      check({ fields: [{ path: 'spec.subsets[2].name', equals: 'v3' }] }),
      { env, stepStartedAt: start },
      once,
    );
    expect(bad.ok).toBe(false);
    expect(bad.explanation.en).toBe('DestinationRule reviews has no spec.subsets[2].name; the step expects "v3".');
    expect(bad.evidence[0]!.result).toBe('spec.subsets[2].name=(not set)');
  });

  it('checks absence', async () => {
    const env = new FakeEnvironment('x', {});
    expect((await runCheck(check({ absent: true }), { env, stepStartedAt: start }, once)).ok).toBe(true);
    env.put(dr);
    expect((await runCheck(check({ absent: true }), { env, stepStartedAt: start }, once)).ok).toBe(false);
  });
});

describe('http checks', () => {
  const env = new FakeEnvironment('x', {
    http: (_o, q): HttpResult =>
      q.url.endsWith('/slow')
        ? { status: 504, headers: {}, body: 'upstream request timeout', durationMs: 3000 }
        : q.url.includes('blocked')
          ? {
              status: 0,
              headers: {},
              body: '',
              durationMs: 1,
              error: { curlExitCode: 35, message: 'OpenSSL SSL_connect: Connection reset by peer' },
            }
          : {
              status: 200,
              headers: { Server: 'envoy', 'x-envoy-upstream-service-time': '3' },
              body: '{"headers": {}}',
              durationMs: 12,
            },
  });
  const check = (url: string, expect: object) =>
    checkSchema.parse({ type: 'http', from: { pod: { selector: 'app=sleep' } }, request: { url }, expect });

  it.each([
    [
      'http://httpbin:8000/headers',
      { status: 200, headers: { server: 'envoy' }, body: [{ verb: 'contains', text: 'headers' }] },
      true,
      '',
    ],
    [
      'http://httpbin:8000/headers',
      { status: 200, absentHeaders: ['x-envoy-upstream-service-time'] },
      false,
      'carries x-envoy-upstream-service-time',
    ],
    [
      'http://httpbin:8000/slow',
      { status: 200 },
      false,
      "The answer was 504. The step expects 200. the VirtualService's timeout fired first",
    ],
    ['http://httpbin:8000/slow', { status: 504, minMs: 2500, maxMs: 3500 }, true, ''],
    ['https://blocked.example.com/', { status: 0, curlExitCode: 35 }, true, ''],
    ['https://blocked.example.com/', { status: 200 }, false, 'reset during the handshake'],
    [
      'http://httpbin:8000/headers',
      { body: [{ verb: 'contains', text: 'origin' }] },
      false,
      'Response body: the output does not contain "origin"',
    ],
  ])('%s %j', async (url, expectation, ok, words) => {
    const r = await runCheck(check(url, expectation), { env, stepStartedAt: start }, once);
    expect(r.ok).toBe(ok);
    expect(r.explanation.en).toContain(words);
  });
});

describe('checks that need only the verdict', () => {
  /** An environment whose every answer is a 404, counting what checks read of its cluster. */
  function refusing(): { env: FakeEnvironment; reads: () => number } {
    const env = new FakeEnvironment('x', {
      http: (): HttpResult => ({ status: 404, headers: {}, body: 'not found', durationMs: 1 }),
    });
    let reads = 0;
    const get = env.get.bind(env);
    const list = env.list.bind(env);
    env.get = (ref) => {
      reads++;
      return get(ref);
    };
    env.list = (query) => {
      reads++;
      return list(query);
    };
    return { env, reads: () => reads };
  }
  const gateway = { outside: true, gateway: { name: 'bookinfo-gateway', namespace: 'default' } };
  const failing: [string, Check][] = [
    ['traffic through a Gateway API gateway', checkSchema.parse({ ...traffic({ v1: 1 }, 20), from: gateway })],
    [
      'http through a Gateway API gateway',
      checkSchema.parse({ type: 'http', from: gateway, request: { url: 'http://ingress/' }, expect: { status: 200 } }),
    ],
    [
      'http from a pod to the outside',
      checkSchema.parse({
        type: 'http',
        from: { pod: { selector: 'app=sleep' } },
        request: { url: 'http://edition.cnn.com/politics' },
        expect: { status: 200 },
      }),
    ],
  ];

  it.each(failing)('%s reads nothing more to explain a failure', async (_name, check) => {
    const explained = refusing();
    const learner = await runCheck(check, { env: explained.env, stepStartedAt: start }, once);
    expect(learner.ok).toBe(false);
    // A learner's Check looks at the cluster to say why.
    expect(explained.reads()).toBeGreaterThan(0);
    const background = refusing();
    const limits = { maxRequests: 1000, concurrency: 8, verdictOnly: true };
    const verdict = await runCheck(check, { env: background.env, stepStartedAt: start, limits }, once);
    expect(verdict.ok).toBe(false);
    expect(background.reads()).toBe(0);
  });
});

describe('exec, shell, logs and ran checks', () => {
  const env = new FakeEnvironment('x', {
    commands: {
      curl: (a) =>
        a.includes('google')
          ? { output: '200' }
          : { output: 'curl: (6) Could not resolve host: nowhere\n', exitCode: 6 },
    },
    logs: {
      'default/httpbin-v2/httpbin': [
        { at: new Date('2026-01-01T00:00:00Z'), text: '"GET /old HTTP/1.1" 200' },
        { at: new Date('2026-01-01T00:10:00Z'), text: '"GET /headers HTTP/1.1" 200' },
      ],
    },
  });

  it('exec: exit code and stdout', async () => {
    const ok = await runCheck(
      checkSchema.parse({
        type: 'exec',
        target: { selector: 'app=sleep' },
        command: ['curl', 'https://www.google.com'],
        expect: { exitCode: 0, stdout: [{ verb: 'same', text: '200' }] },
      }),
      { env, stepStartedAt: start },
      once,
    );
    expect(ok.ok).toBe(true);
    const bad = await runCheck(
      checkSchema.parse({
        type: 'exec',
        target: { selector: 'app=sleep' },
        command: ['curl', 'http://nowhere'],
        expect: { exitCode: 0 },
      }),
      { env, stepStartedAt: start },
      once,
    );
    expect(bad.explanation.en).toBe('The command exited with 6; the step expects 0.');
    expect(bad.explanation.ko).toBe('명령이 종료 코드 6으로 끝났습니다. 이 단계에서는 0이어야 합니다.');
  });

  it('shell: output verbs and exit code', async () => {
    const r = await runCheck(
      checkSchema.parse({
        type: 'shell',
        script: 'echo apiVersion: networking.istio.io/v1beta1',
        expect: { exitCode: 0, output: [{ verb: 'contains', text: 'istio.io/v1\n' }] },
      }),
      { env, stepStartedAt: start },
      once,
    );
    expect(r.ok).toBe(false);
    expect(r.evidence[0]!.action).toBe('$ echo apiVersion: networking.istio.io/v1beta1');
  });

  it('logs: only lines since the step began count', async () => {
    const check = (text: string) =>
      checkSchema.parse({
        type: 'logs',
        target: { pod: 'httpbin-v2', container: 'httpbin' },
        expect: [{ verb: 'contains', text }],
      });
    const since = new Date('2026-01-01T00:05:00Z');
    expect((await runCheck(check('GET /headers'), { env, stepStartedAt: since }, once)).ok).toBe(true);
    const old = await runCheck(check('GET /old'), { env, stepStartedAt: since }, once);
    expect(old.ok).toBe(false);
    expect(old.evidence[0]!.action).toContain('--since-time=2026-01-01T00:05:00.000Z');
  });

  it('ran: a matching command since the step began, with the right exit code, before the check started', async () => {
    const e = new FakeEnvironment('x', {});
    const check = checkSchema.parse({ type: 'ran', pattern: '^kubectl get (vs|virtualservice) reviews -o yaml$' });
    const stepStart = new Date(Date.now() - 10_000);
    e.records.push({
      line: 'kubectl get vs reviews -o yaml',
      exitCode: 0,
      at: new Date(Date.now() - 20_000).toISOString(),
    });
    expect((await runCheck(check, { env: e, stepStartedAt: stepStart }, once)).ok).toBe(false);
    e.records.push({
      line: 'kubectl get vs reviews -o yaml',
      exitCode: 1,
      at: new Date(Date.now() - 5_000).toISOString(),
    });
    const failed = await runCheck(check, { env: e, stepStartedAt: stepStart }, once);
    expect(failed.explanation.en).toBe(
      'You ran `kubectl get vs reviews -o yaml` but it exited with 1; it must finish with 0.',
    );
    e.records.push({
      line: 'kubectl get virtualservice reviews -o yaml',
      exitCode: 0,
      at: new Date(Date.now() - 1_000).toISOString(),
    });
    expect((await runCheck(check, { env: e, stepStartedAt: stepStart }, once)).ok).toBe(true);
  });

  it('ran: times written another way than toISOString still count by the time they name', async () => {
    const e = new FakeEnvironment('x', {});
    const check = checkSchema.parse({ type: 'ran', pattern: '^kubectl get vs$' });
    const stepStart = new Date('2026-01-01T00:10:00.000Z');
    const at = (iso: string) => ({ line: 'kubectl get vs', exitCode: 0, at: iso });
    // 00:09:59 in UTC, written with an offset: before the step, so it does not count.
    e.records.push(at('2026-01-01T09:09:59+09:00'));
    expect((await runCheck(check, { env: e, stepStartedAt: stepStart }, once)).ok).toBe(false);
    // 00:10:30 in UTC: a string that sorts before the step's start, yet a time after it.
    e.records.push(at('2025-12-31T19:10:30-05:00'));
    expect((await runCheck(check, { env: e, stepStartedAt: stepStart }, once)).ok).toBe(true);
  });

  it('ran: a record is matched once per pattern, however often its step is checked again', async () => {
    // An automatic check reads the whole history after every command: the records already read are not read again.
    const e = new FakeEnvironment('x', {});
    const [VS, PODS] = ['^kubectl get vs once$', '^kubectl get pods once$'];
    const vs = checkSchema.parse({ type: 'ran', pattern: VS });
    const pods = checkSchema.parse({ type: 'ran', pattern: PODS });
    const stepStart = new Date(Date.now() - 60_000);
    for (let i = 0; i < 40; i++)
      e.records.push({
        line: 'kubectl get pods once',
        exitCode: 0,
        at: new Date(Date.now() - 30_000 + i).toISOString(),
      });
    const test = vi.spyOn(RegExp.prototype, 'test');
    const readsOf = (source: string) => test.mock.contexts.filter((c) => (c as RegExp).source === source).length;
    try {
      for (let i = 0; i < 3; i++)
        expect((await runCheck(vs, { env: e, stepStartedAt: stepStart }, once)).ok).toBe(false);
      expect(readsOf(VS)).toBe(40);
      // Another pattern reads the same records for itself.
      expect((await runCheck(pods, { env: e, stepStartedAt: stepStart }, once)).ok).toBe(true);
      expect(readsOf(PODS)).toBe(40);
      // The window still moves with the step: a step begun after every record sees none of them.
      const later = await runCheck(pods, { env: e, stepStartedAt: new Date(Date.now() - 1_000) }, once);
      expect(later.ok).toBe(false);
      expect(later.evidence[0]!.result).toBe('(no commands)');
      // A new record is read once, then is known like the others.
      e.records.push({ line: 'kubectl get vs once', exitCode: 0, at: new Date(Date.now() - 500).toISOString() });
      expect((await runCheck(vs, { env: e, stepStartedAt: stepStart }, once)).ok).toBe(true);
      expect(readsOf(VS)).toBe(41);
    } finally {
      test.mockRestore();
    }
  });

  it('all: the first failing sub-check decides, evidence of each is kept', async () => {
    const check = checkSchema.parse({
      type: 'all',
      checks: [
        { type: 'shell', script: 'echo a', expect: { output: [{ verb: 'same', text: 'a' }] } },
        { type: 'shell', script: 'false', expect: { exitCode: 0 } },
      ],
    });
    const r = await runCheck(check, { env, stepStartedAt: start }, once);
    expect(r.ok).toBe(false);
    expect(r.evidence).toHaveLength(2);
    expect(r.explanation.en).toBe('`false` exited with 1; the step expects 0.');
  });
});

describe('retries', () => {
  it('retries with backoff until the check passes (config reaching the proxies late)', async () => {
    const env = new FakeEnvironment('x', {});
    let calls = 0;
    env.get = async () => (++calls >= 3 ? { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'late' } } : null);
    const r = await runCheck(
      checkSchema.parse({ type: 'object', ref: { kind: 'ConfigMap', name: 'late' }, timeoutSeconds: 10 }),
      { env, stepStartedAt: start },
    );
    expect(r.ok).toBe(true);
    expect(r.attempts).toBe(3);
  });

  it('stops early once a failure has settled, and at the deadline otherwise', async () => {
    const env = new FakeEnvironment('x', {});
    const check = checkSchema.parse({ type: 'object', ref: { kind: 'ConfigMap', name: 'never' }, timeoutSeconds: 30 });
    const settled = await runCheck(check, { env, stepStartedAt: start }, { settleMs: 500 });
    expect(settled.ok).toBe(false);
    expect(settled.durationMs).toBeLessThan(3_000);
    expect(settled.attempts).toBeGreaterThan(1);
    const capped = await runCheck(check, { env, stepStartedAt: start }, { settleMs: 60_000, maxWaitMs: 1_000 });
    expect(capped.durationMs).toBeLessThan(2_000);
  });

  it('turns a crashing environment into a failed result', async () => {
    const env = new FakeEnvironment('x', {});
    env.get = async () => {
      throw new Error('connection refused');
    };
    const r = await runCheck(
      checkSchema.parse({ type: 'object', ref: { kind: 'ConfigMap', name: 'x' } }),
      { env, stepStartedAt: start },
      once,
    );
    expect(r).toMatchObject({ ok: false, explanation: { en: 'The check could not run: connection refused' } });
  });

  it('looks once, without retrying, at an environment that knows when its changes took effect', async () => {
    const env = new FakeEnvironment('x', {});
    let waited = 0;
    env.settled = async () => {
      waited++;
    };
    const check = checkSchema.parse({ type: 'object', ref: { kind: 'ConfigMap', name: 'never' }, timeoutSeconds: 30 });
    const r = await runCheck(check, { env, stepStartedAt: start }, { settleMs: 60_000 });
    expect(r).toMatchObject({ ok: false, attempts: 1 });
    expect(waited).toBe(1);
    expect(r.waitedMs).toBeUndefined();
  });

  it('says how long a retried check waited for the configuration to propagate', async () => {
    const env = new FakeEnvironment('x', {});
    let calls = 0;
    env.get = async () => (++calls >= 4 ? { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'late' } } : null);
    const r = await runCheck(
      checkSchema.parse({ type: 'object', ref: { kind: 'ConfigMap', name: 'late' }, timeoutSeconds: 10 }),
      { env, stepStartedAt: start },
    );
    expect(r).toMatchObject({ ok: true, attempts: 4 });
    // Backoffs of 300, 510 and 867 ms before the fourth attempt.
    expect(r.waitedMs).toBeGreaterThanOrEqual(1_600);
  });

  it("sends every request with the checks' own User-Agent", async () => {
    const agents: string[] = [];
    const env = new FakeEnvironment('x', {
      http: (_origin, request) => {
        agents.push(request.headers?.['User-Agent'] ?? '');
        return page('');
      },
    });
    await runCheck(traffic({ v1: 1 }, 10), { env, stepStartedAt: start }, once);
    expect(new Set(agents)).toEqual(new Set(['istio-traffic-labs-check/1.0']));
  });

  it('a check that needs only the verdict stops at the first answer its expectation makes impossible', async () => {
    // A learner's Check counts its planned answers before failing, so that its explanation shows the shares.
    const full = await runCheck(
      traffic({ v1: 1 }, 100),
      { env: weighted({ v1: 0.5, v3: 0.5 }), stepStartedAt: start },
      once,
    );
    expect(full.explanation.en).toMatch(/^100 requests: /);
    const quick = await runCheck(
      traffic({ v1: 1 }, 100),
      {
        env: weighted({ v1: 0.5, v3: 0.5 }),
        stepStartedAt: start,
        limits: { maxRequests: 1000, concurrency: 8, verdictOnly: true },
      },
      once,
    );
    expect(quick.ok).toBe(false);
    expect(Number(/^(\d+) requests: /.exec(quick.explanation.en)?.[1])).toBeLessThan(30);
  });

  it('leaves no timer behind once it has answered, and lets the caller stop it', async () => {
    // The hard stop is seconds away and a check lasts milliseconds: a timer left running per check (one per learner's
    // command, with automatic checks) fired long after, for nothing.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    try {
      const passed = await runCheck(traffic({ v1: 1 }, 10), { env: weighted({ v1: 1 }), stepStartedAt: start }, once);
      expect(passed.ok).toBe(true);
      expect(vi.getTimerCount()).toBe(0);
      const caller = new AbortController();
      caller.abort(new Error('the learner left'));
      const stopped = await runCheck(
        traffic({ v1: 1 }, 10),
        { env: weighted({ v1: 1 }), stepStartedAt: start, signal: caller.signal },
        once,
      );
      expect(stopped.ok).toBe(false);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
  });
});
