/** VirtualService match semantics (ISTIO-BEHAVIOR.md "Routing"): fields ANDed, entries ORed, rules in order. */
import { describe, expect, it } from 'vitest';
import type { K8sObject } from '../../../contract.ts';
import { matchEntryHolds, ruleMatches, stringMatches, type HttpMatchRequest, type MatchSource } from './match.ts';
import { selectRule } from './routeRules.ts';
import { HeaderList, type WireRequest } from './wire.ts';

function req(path: string, headers: [string, string][] = [], method = 'GET', authority = 'reviews:9080'): WireRequest {
  return { method, path, authority, scheme: 'http', protocol: 'HTTP/1.1', headers: new HeaderList(headers), body: '' };
}

const source: MatchSource = {
  labels: { app: 'productpage', version: 'v1' },
  namespace: 'default',
  port: 9080,
  gateways: ['mesh'],
};

describe('StringMatch', () => {
  it.each([
    [{ exact: '/a' }, '/a', true],
    [{ exact: '/a' }, '/a/b', false],
    [{ prefix: '/a' }, '/a/b', true],
    [{ prefix: '/a' }, '/b', false],
    [{ regex: '/a/[0-9]+' }, '/a/12', true],
    [{ regex: '/a/[0-9]+' }, '/a/12/x', false],
    [{ regex: '[' }, '[', false],
    [{}, 'anything', true],
    [{}, undefined, false],
  ])('%j on %s -> %s', (m, value, expected) => {
    expect(stringMatches(m, value)).toBe(expected);
  });
});

describe('match entry fields (ANDed)', () => {
  const cases: [string, HttpMatchRequest, WireRequest, boolean][] = [
    ['uri exact', { uri: { exact: '/productpage' } }, req('/productpage?u=normal'), true],
    ['uri exact ignores the query', { uri: { exact: '/productpage' } }, req('/productpage/x'), false],
    ['ignoreUriCase', { uri: { exact: '/productpage' }, ignoreUriCase: true }, req('/ProductPage'), true],
    ['case matters without ignoreUriCase', { uri: { exact: '/productpage' } }, req('/ProductPage'), false],
    ['header exact', { headers: { 'end-user': { exact: 'jason' } } }, req('/', [['end-user', 'jason']]), true],
    [
      'header exact, other value',
      { headers: { 'end-user': { exact: 'jason' } } },
      req('/', [['end-user', 'json']]),
      false,
    ],
    [
      'header name is case-insensitive',
      { headers: { 'End-User': { exact: 'jason' } } },
      req('/', [['end-user', 'jason']]),
      true,
    ],
    ['header absent', { headers: { 'end-user': { exact: 'jason' } } }, req('/'), false],
    [
      'header prefix',
      { headers: { 'user-agent': { prefix: 'curl/' } } },
      req('/', [['user-agent', 'curl/8.16.0']]),
      true,
    ],
    [
      'header regex',
      { headers: { cookie: { regex: '^(.*?;)?(user=jason)(;.*)?$' } } },
      req('/', [['cookie', 'session=1; user=jason']]),
      false,
    ],
    [
      'header regex whole value',
      { headers: { cookie: { regex: '(.*;)?( ?user=jason)(;.*)?' } } },
      req('/', [['cookie', 'session=1; user=jason']]),
      true,
    ],
    ['header present ({})', { headers: { 'x-canary': {} } }, req('/', [['x-canary', '']]), true],
    ['withoutHeaders: absent', { withoutHeaders: { 'x-canary': { exact: '1' } } }, req('/'), true],
    [
      'withoutHeaders: present and matching',
      { withoutHeaders: { 'x-canary': { exact: '1' } } },
      req('/', [['x-canary', '1']]),
      false,
    ],
    ['method', { method: { exact: 'POST' } }, req('/', [], 'POST'), true],
    ['method mismatch', { method: { exact: 'POST' } }, req('/'), false],
    ['authority', { authority: { prefix: 'reviews' } }, req('/'), true],
    ['queryParams exact', { queryParams: { u: { exact: 'test' } } }, req('/productpage?u=test'), true],
    ['queryParams mismatch', { queryParams: { u: { exact: 'test' } } }, req('/productpage?u=normal'), false],
    ['port', { port: 9080 }, req('/'), true],
    ['port mismatch', { port: 80 }, req('/'), false],
    ['sourceLabels subset', { sourceLabels: { app: 'productpage' } }, req('/'), true],
    ['sourceLabels mismatch', { sourceLabels: { app: 'reviews' } }, req('/'), false],
    ['sourceNamespace', { sourceNamespace: 'default' }, req('/'), true],
    ['gateways: mesh', { gateways: ['mesh'] }, req('/'), true],
    ['gateways: a gateway only', { gateways: ['bookinfo-gateway'] }, req('/'), false],
    [
      'all fields must hold',
      { uri: { prefix: '/reviews' }, headers: { 'end-user': { exact: 'jason' } } },
      req('/reviews/0'),
      false,
    ],
    [
      'all fields hold',
      { uri: { prefix: '/reviews' }, headers: { 'end-user': { exact: 'jason' } } },
      req('/reviews/0', [['end-user', 'jason']]),
      true,
    ],
  ];
  it.each(cases)('%s', (_name, m, r, expected) => {
    expect(matchEntryHolds(m, r, source, 'default')).toBe(expected);
  });
});

describe('match lists (ORed) and rule order', () => {
  it('an entry of the list is enough; no list matches everything', () => {
    const list: HttpMatchRequest[] = [{ uri: { prefix: '/status' } }, { uri: { prefix: '/delay' } }];
    expect(ruleMatches(list, req('/status/200'), source, 'default')).toBe(true);
    expect(ruleMatches(list, req('/delay/1'), source, 'default')).toBe(true);
    expect(ruleMatches(list, req('/headers'), source, 'default')).toBe(false);
    expect(ruleMatches(undefined, req('/headers'), source, 'default')).toBe(true);
    expect(ruleMatches([], req('/headers'), source, 'default')).toBe(true);
  });

  it('the first rule that matches wins, later catch-alls only get the rest; none means no route', () => {
    const vs: K8sObject = {
      apiVersion: 'networking.istio.io/v1',
      kind: 'VirtualService',
      metadata: { name: 'reviews', namespace: 'default' },
      spec: {
        hosts: ['reviews'],
        http: [
          {
            name: 'jason',
            match: [{ headers: { 'end-user': { exact: 'jason' } } }],
            route: [{ destination: { host: 'reviews', subset: 'v2' } }],
          },
          { name: 'rest', route: [{ destination: { host: 'reviews', subset: 'v1' } }] },
          { name: 'never', route: [{ destination: { host: 'reviews', subset: 'v3' } }] },
        ],
      },
    };
    expect(selectRule([vs], req('/', [['end-user', 'jason']]), source)?.rule.name).toBe('jason');
    expect(selectRule([vs], req('/'), source)?.rule.name).toBe('rest');
    const onlyMatch = { ...vs, spec: { hosts: ['reviews'], http: [(vs.spec as { http: unknown[] }).http[0]] } };
    expect(selectRule([onlyMatch], req('/'), source)).toBeUndefined();
  });
});
