/** Why a request through a Gateway API gateway failed, read from the Gateway and its routes. */
import { describe, expect, it } from 'vitest';
import type { HttpResult, K8sObject, LabEnvironment, ObjectQuery, ObjectRef } from '../contract.ts';
import { entryOf, explainGatewayEntry, hostnameMatches } from './gatewayEntry.ts';

describe('hostnameMatches', () => {
  it.each([
    ['httpbin.example.com', 'httpbin.example.com', true],
    ['httpbin.example.com', 'other.example.com', false],
    ['*.example.com', 'httpbin.example.com', true],
    ['*.example.com', 'a.b.example.com', true],
    ['*.example.com', 'example.com', false],
    ['*.example.com', 'httpbin.example.org', false],
  ])('%s takes %s: %s', (pattern, host, expected) => {
    expect(hostnameMatches(pattern, host)).toBe(expected);
  });
});

describe('entryOf', () => {
  it.each([
    ['http://ingress/headers', {}, { port: 80 }],
    ['https://ingress/headers', {}, { port: 443 }],
    ['http://ingress:8080/headers', {}, { port: 8080 }],
    ['http://ingress/status/200', { Host: 'HTTPBIN.example.com:80' }, { port: 80, host: 'httpbin.example.com' }],
    ['http://httpbin.example.com/status/200', {}, { port: 80, host: 'httpbin.example.com' }],
  ])('%s %j -> %j', (url, headers, expected) => {
    expect(entryOf(url, headers)).toEqual(expected);
  });
  it('is undefined for a URL that does not parse', () => {
    expect(entryOf('http://', {})).toBeUndefined();
  });
});

const REF = { name: 'httpbin-gateway', namespace: 'default' };
const REFUSED: HttpResult = {
  status: 0,
  headers: {},
  body: '',
  durationMs: 0,
  error: { curlExitCode: 7, message: "Couldn't connect to server" },
};
const NOT_FOUND: HttpResult = { status: 404, headers: {}, body: '', durationMs: 3 };

function gateway(hostname?: string): K8sObject {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'Gateway',
    metadata: { name: 'httpbin-gateway', namespace: 'default' },
    spec: { listeners: [{ name: 'http', port: 80, protocol: 'HTTP', ...(hostname ? { hostname } : {}) }] },
    status: { conditions: [{ type: 'Programmed', status: 'True', reason: 'Programmed', message: 'ok' }] },
  };
}

function route(name: string, hostnames: string[], accepted = true): K8sObject {
  return {
    apiVersion: 'gateway.networking.k8s.io/v1',
    kind: 'HTTPRoute',
    metadata: { name, namespace: 'default' },
    spec: { parentRefs: [{ name: 'httpbin-gateway' }], hostnames },
    status: {
      parents: [
        {
          parentRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: 'httpbin-gateway' },
          conditions: [{ type: 'Accepted', status: accepted ? 'True' : 'False' }],
        },
      ],
    },
  };
}

/** The environment's reads, answered from a list of objects (what a check may ask of any backend). */
function objects(list: K8sObject[]): Pick<LabEnvironment, 'get' | 'list'> {
  const kindOf = (o: K8sObject) => (o.kind === 'Gateway' ? 'Gateway.gateway.networking.k8s.io' : o.kind);
  return {
    get: async (ref: ObjectRef) => list.find((o) => kindOf(o) === ref.kind && o.metadata.name === ref.name) ?? null,
    list: async (query: ObjectQuery) => list.filter((o) => kindOf(o) === query.kind),
  };
}

const headers = (host?: string): Record<string, string> => (host ? { Host: host } : {});

describe('explainGatewayEntry', () => {
  it('a refused connection with the Gateway Programmed and listening: its pod does not take requests yet', async () => {
    const why = await explainGatewayEntry(objects([gateway()]), REF, { url: 'http://ingress/', headers: {} }, REFUSED);
    expect(why?.en).toContain('is Programmed, but its httpbin-gateway-istio pod does not take requests yet');
    expect(why?.ko).toContain('Gateway default/httpbin-gateway는 Programmed이지만');
  });

  it('404 with no route attached, with routes for other hosts, and with a route for the host but no matching rule', async () => {
    const request = { url: 'http://ingress/headers', headers: headers('httpbin.example.com') };
    const none = await explainGatewayEntry(
      objects([gateway(), route('r', ['httpbin.example.com'], false)]),
      REF,
      request,
      NOT_FOUND,
    );
    expect(none?.en).toContain('No HTTPRoute is attached (Accepted) to Gateway default/httpbin-gateway');
    const other = await explainGatewayEntry(
      objects([gateway(), route('r', ['a.example.com'])]),
      REF,
      request,
      NOT_FOUND,
    );
    expect(other?.en).toContain("(a.example.com) do not name the request's Host (httpbin.example.com)");
    const path = await explainGatewayEntry(
      objects([gateway(), route('r', ['*.example.com'])]),
      REF,
      request,
      NOT_FOUND,
    );
    expect(path?.en).toContain("no rule's matches take this path");
  });

  it('404 for a Host outside the listener’s hostname', async () => {
    const request = { url: 'http://ingress/headers', headers: headers('httpbin.example.org') };
    const why = await explainGatewayEntry(objects([gateway('*.example.com')]), REF, request, NOT_FOUND);
    expect(why?.en).toContain(
      "The request's Host (httpbin.example.org) is outside the hostname of the port 80 listener",
    );
  });

  it('says nothing of answers the Gateway does not explain (200, 503)', async () => {
    const request = { url: 'http://ingress/', headers: {} };
    for (const status of [200, 503])
      expect(await explainGatewayEntry(objects([gateway()]), REF, request, { ...NOT_FOUND, status })).toBeUndefined();
  });
});
