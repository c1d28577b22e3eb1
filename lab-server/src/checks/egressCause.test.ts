/** Why a request to a host outside the mesh failed: one row per cause, each explanation in both languages. */
import { describe, expect, it } from 'vitest';
import { explainEgress, type EgressExpectation, type EgressOutcome } from './egressCause.ts';
import { externalTarget, hostMatches, type EgressFacts } from './egressFacts.ts';

const base: EgressFacts = {
  host: 'httpbin.org',
  port: 80,
  scheme: 'http',
  policy: { mode: 'REGISTRY_ONLY', from: 'mesh' },
  entries: [],
  timeouts: [],
  capture: { pod: 'sleep-1', include: '*', wouldBe: '*', wouldBeFrom: 'default' },
};
const blocked502: EgressOutcome = { status: 502, body: '', throughEnvoy: false };
const reset35: EgressOutcome = { status: 0, body: '', curlExitCode: 35, throughEnvoy: false };
const ok200: EgressOutcome = { status: 200, body: '{"headers": {"X-Envoy-Attempt-Count": "1"}}', throughEnvoy: true };
const direct200: EgressOutcome = { status: 200, body: '{"headers": {}}', throughEnvoy: false };
const want200: EgressExpectation = { status: 200, bypass: false };

const rows: { name: string; facts: EgressFacts; outcome: EgressOutcome; expected: EgressExpectation; en: RegExp }[] = [
  {
    name: 'REGISTRY_ONLY, no ServiceEntry, plain HTTP',
    facts: base,
    outcome: blocked502,
    expected: want200,
    en: /REGISTRY_ONLY \(the istio ConfigMap's mesh config\) and no ServiceEntry registers httpbin\.org.*502.*block_all/,
  },
  {
    name: 'REGISTRY_ONLY from a Sidecar resource, no ServiceEntry, TLS',
    facts: {
      ...base,
      host: 'www.google.com',
      port: 443,
      scheme: 'https',
      policy: { mode: 'REGISTRY_ONLY', from: { sidecar: 'default/default' } },
    },
    outcome: reset35,
    expected: want200,
    en: /the Sidecar resource default\/default.*BlackHoleCluster.*35/,
  },
  {
    name: 'a ServiceEntry with the wrong port',
    facts: { ...base, entries: [{ name: 'httpbin-ext', ports: [{ number: 443, protocol: 'HTTP' }] }] },
    outcome: blocked502,
    expected: want200,
    en: /ServiceEntry httpbin-ext \(443\/HTTP\) registers httpbin\.org, but not for HTTP on port 80/,
  },
  {
    name: 'a ServiceEntry with the wrong protocol',
    facts: { ...base, entries: [{ name: 'httpbin-ext', ports: [{ number: 80, protocol: 'TCP' }] }] },
    outcome: blocked502,
    expected: want200,
    en: /\(80\/TCP\).*needs a port 80 with protocol HTTP/,
  },
  {
    name: 'TLS to a host with only an HTTP entry',
    facts: {
      ...base,
      host: 'www.google.com',
      port: 443,
      scheme: 'https',
      entries: [{ name: 'google', ports: [{ number: 80, protocol: 'HTTP' }] }],
    },
    outcome: reset35,
    expected: want200,
    en: /TLS to a host with only an HTTP entry is still blocked/,
  },
  {
    name: 'the timeout firing where the step wants 200',
    facts: { ...base, delaySeconds: 5, timeouts: [{ name: 'httpbin-ext', hosts: ['httpbin.org'], timeout: '3s' }] },
    outcome: { status: 504, body: 'upstream request timeout', throughEnvoy: true },
    expected: want200,
    en: /VirtualService httpbin-ext sets a 3s timeout on httpbin\.org/,
  },
  {
    name: 'a timeout on the wrong host',
    facts: { ...base, delaySeconds: 5, timeouts: [{ name: 'httpbin-ext', hosts: ['httpbin'], timeout: '3s' }] },
    outcome: ok200,
    expected: { status: 504, bypass: false },
    en: /timeout is set for hosts \[httpbin\], not for httpbin\.org/,
  },
  {
    name: 'no timeout at all',
    facts: { ...base, delaySeconds: 5 },
    outcome: ok200,
    expected: { status: 504, bypass: false },
    en: /No VirtualService with a timeout lists httpbin\.org/,
  },
  {
    name: 'a timeout longer than the delay',
    facts: { ...base, delaySeconds: 5, timeouts: [{ name: 'httpbin-ext', hosts: ['httpbin.org'], timeout: '10s' }] },
    outcome: ok200,
    expected: { status: 504, bypass: false },
    en: /10s timeout is longer than the 5 s/,
  },
  {
    name: 'ALLOW_ANY by default where the step wants a block',
    facts: {
      ...base,
      host: 'www.google.com',
      scheme: 'https',
      port: 443,
      policy: { mode: 'ALLOW_ANY', from: 'default' },
    },
    outcome: { status: 200, body: '', throughEnvoy: false },
    expected: { status: 0, curlExitCode: 35, bypass: false },
    en: /ALLOW_ANY \(the istio ConfigMap's mesh config has no outboundTrafficPolicy.*undone by the next istioctl install/,
  },
  {
    name: 'the pod created before includeIPRanges was installed',
    facts: { ...base, capture: { pod: 'sleep-1', include: '*', wouldBe: '10.96.0.0/16', wouldBeFrom: 'injector' } },
    outcome: ok200,
    expected: { status: 200, bypass: true },
    en: /Pod sleep-1's istio-init wrote iptables rules capturing "\*".*a pod created now gets "10\.96\.0\.0\/16" \(the install.*predates/,
  },
  {
    name: 'the annotation added to a running pod',
    facts: {
      ...base,
      capture: { pod: 'sleep-1', include: '*', wouldBe: '*', wouldBeFrom: 'default', podAnnotation: '10.96.0.0/16' },
    },
    outcome: ok200,
    expected: { status: 200, bypass: true },
    en: /an annotation added to a running pod changes nothing/,
  },
  {
    name: 'nothing narrows the capture',
    facts: base,
    outcome: ok200,
    expected: { status: 200, bypass: true },
    en: /captures every address/,
  },
  {
    name: 'still bypassing where the step wants the sidecar back',
    facts: { ...base, capture: { pod: 'sleep-1', include: '10.96.0.0/16', wouldBe: '*', wouldBeFrom: 'default' } },
    outcome: direct200,
    expected: { status: 502, bypass: false },
    en: /istio-init wrote iptables rules capturing "10\.96\.0\.0\/16".*gets "\*"/,
  },
];

describe('explainEgress', () => {
  it.each(rows)('$name', ({ facts, outcome, expected, en }) => {
    const why = explainEgress(facts, outcome, expected);
    expect(why?.en).toMatch(en);
    expect(why?.ko).toMatch(/[가-힣]/);
    expect(why?.ko).not.toMatch(/undefined|\[object/);
  });

  it('says nothing when the facts do not explain the outcome', () => {
    expect(
      explainEgress({ ...base, policy: { mode: 'ALLOW_ANY', from: 'default' } }, blocked502, want200),
    ).toBeUndefined();
    expect(explainEgress(base, ok200, want200)).toBeUndefined();
  });
});

describe('externalTarget and hostMatches', () => {
  it('takes dotted public names, not cluster names or addresses', () => {
    expect(externalTarget('http://httpbin.org/headers')).toEqual({ host: 'httpbin.org', port: 80, scheme: 'http' });
    expect(externalTarget('https://www.google.com')).toEqual({ host: 'www.google.com', port: 443, scheme: 'https' });
    expect(externalTarget('http://httpbin:8000/headers')).toBeUndefined();
    expect(externalTarget('http://reviews.default.svc.cluster.local:9080/')).toBeUndefined();
    expect(externalTarget('http://10.96.0.10/')).toBeUndefined();
  });

  it('matches exact and wildcard hosts', () => {
    expect(hostMatches('httpbin.org', 'httpbin.org')).toBe(true);
    expect(hostMatches('*.google.com', 'www.google.com')).toBe(true);
    expect(hostMatches('*.google.com', 'google.com')).toBe(false);
    expect(hostMatches('httpbin', 'httpbin.org')).toBe(false);
  });
});
