import { describe, expect, it } from 'vitest';
import { compareAll, compareText, type Verb } from './verbs.ts';

const pods = `NAME                              READY   STATUS    RESTARTS   AGE
reviews-v1-6c8f9d8b7b-x2k8q       2/2     Running   0          5m12s
reviews-v3-5b9d4c6f7b-wz9kq       2/2     Running   0          5m`;

const podsElsewhere = `NAME                           READY   STATUS    RESTARTS   AGE
reviews-v1-7d5c9f4b8d-p7n2t    2/2     Running   0          12d
reviews-v3-84b6d9c5f9-lq4mz    2/2     Running   0          3h20m`;

// [verb, actual output, expected text, holds]
const table: [Verb, string, string, boolean][] = [
  ['same', 'hello\n', 'hello', true],
  ['same', 'hello  \nworld\n\n', 'hello\nworld', true],
  ['same', 'hello\nworld', 'hello\nWorld', false],
  ['same', 'hello', 'hello\nworld', false],
  ['contains', 'virtualservice.networking.istio.io/reviews configured', 'reviews configured', true],
  ['contains', 'virtualservice.networking.istio.io/reviews created', 'reviews configured', false],
  ['notContains', 'no stars here', 'glyphicon-star', true],
  ['notContains', '<span class="glyphicon glyphicon-star">', 'glyphicon-star', false],
  ['elided', 'a\nb\nc\nd', 'a\n...\nd', true],
  ['elided', 'a\nd', 'a\n...\nd', true],
  ['elided', 'a\nb\nc\nd', '...\nc\n...', true],
  ['elided', 'a\nb\nc\nd', 'a\n...\nc', false],
  ['elided', 'a\nb\nc\nd', 'b\n...\nd', false],
  ['elided', 'x\na\nb\ny\nc', '...\na\nb\n...\nc', true],
  ['like', pods, podsElsewhere, true],
  [
    'like',
    'Service reviews 10.96.14.2:9080 since 2026-11-24T10:02:43Z',
    'Service reviews 10.96.200.7:9080 since 2025-01-01T00:00:00.5Z',
    true,
  ],
  ['like', pods, podsElsewhere.replace('Running', 'Pending'), false],
  ['like', pods, podsElsewhere.split('\n').slice(0, 2).join('\n'), false],
  ['lines', 'a: 1\nb: 2\nc: 3', '+ b: 2\n- d: 4', true],
  ['lines', 'a: 1\nb: 2\nc: 3', '+ b: 2\n- c: 3', false],
  ['lines', 'a: 1', 'a: 1', true],
  ['lines', 'a: 1', '+ z', false],
  ['firstLine', 'HTTP/1.1 200 OK\nserver: istio-envoy', 'HTTP/1.1 200 OK', true],
  ['firstLine', 'HTTP/1.1 503 Service Unavailable\n', 'HTTP/1.1 200 OK', false],
  [
    'matches',
    'apiVersion: networking.istio.io/v1\nkind: VirtualService',
    'apiVersion: networking\\.istio\\.io/v1\\n',
    true,
  ],
  ['matches', 'apiVersion: networking.istio.io/v1beta1\n', 'apiVersion: networking\\.istio\\.io/v1\\n', false],
  ['matches', 'x\nweight: 50\ny', '^weight: \\d+$', true],
  ['matches', 'anything', '([unclosed', false],
];

describe('text verbs', () => {
  it.each(table)('%s %j vs %j -> %s', (verb, actual, text, holds) => {
    const r = compareText(actual, { verb, text });
    expect(r.ok).toBe(holds);
    if (!holds) {
      expect(r.reason.en.length).toBeGreaterThan(0);
      expect(r.reason.ko.length).toBeGreaterThan(0);
    }
  });

  it('says which line differs', () => {
    expect(compareText('a\nb', { verb: 'same', text: 'a\nc' }).reason.en).toBe('line 2 differs: expected "c", got "b"');
  });

  it('reports the first failing expectation of a list', () => {
    const r = compareAll('abc', [
      { verb: 'contains', text: 'a' },
      { verb: 'contains', text: 'z' },
      { verb: 'contains', text: 'y' },
    ]);
    expect(r.ok).toBe(false);
    expect(r.reason.en).toContain('"z"');
  });

  it("names an invalid pattern as the lab file's fault", () => {
    expect(compareText('x', { verb: 'matches', text: '(' }).reason.en).toMatch(
      /lab file's regular expression is invalid/,
    );
  });
});
