/** Istio's validating webhook: each rule with istiod's message, the multi-error form, and every sample accepted. */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import type { K8sObject } from '../../../../contract.ts';
import { resourceForApiVersion } from '../discovery.ts';
import { newCluster, refusal } from '../testing/newCluster.ts';
import { formatIstioErrors, istioWebhookErrors } from './istioWebhook.ts';

const obj = (kind: string, spec: Record<string, unknown>, name = 'reviews'): K8sObject => ({
  apiVersion: 'networking.istio.io/v1',
  kind,
  metadata: { name, namespace: 'default' },
  spec,
});
const route = (destination: Record<string, unknown> = { host: 'reviews' }) => [{ destination }];
const vs = (spec: Record<string, unknown>) => obj('VirtualService', { hosts: ['reviews'], ...spec });
const http = (rule: Record<string, unknown>) => vs({ http: [{ route: route(), ...rule }] });
const server = (extra: Record<string, unknown> = {}) => ({
  port: { number: 80, name: 'http', protocol: 'HTTP' },
  hosts: ['*'],
  ...extra,
});

describe("istiod's rules", () => {
  it.each<[string, K8sObject, string[]]>([
    [
      'a negative weight',
      vs({ http: [{ route: [{ destination: { host: 'reviews' }, weight: -10 }] }] }),
      ['weight -10 < 0'],
    ],
    [
      'weights that are all zero',
      vs({
        http: [
          {
            route: [
              { destination: { host: 'reviews', subset: 'v1' }, weight: 0 },
              { destination: { host: 'reviews', subset: 'v2' }, weight: 0 },
            ],
          },
        ],
      }),
      ['total destination weight = 0'],
    ],
    [
      'a * host bound to the mesh',
      vs({ hosts: ['*'], http: [{ route: route() }] }),
      ['wildcard host * is not allowed for virtual services bound to the mesh gateway'],
    ],
    ['no http, tcp or tls', vs({}), ['http, tcp or tls must be provided in virtual service']],
    [
      'a rule without a destination',
      vs({ http: [{ match: [{ uri: { prefix: '/' } }] }] }),
      ['HTTP route, redirect or direct_response is required'],
    ],
    [
      'a route and a redirect',
      http({ redirect: { uri: '/x' } }),
      ['HTTP route cannot contain both route and redirect'],
    ],
    [
      'a route and a direct response',
      http({ directResponse: { status: 200 } }),
      ['HTTP route cannot contain both route and direct_response'],
    ],
    [
      'mirror and mirrors',
      http({ mirror: { host: 'a' }, mirrors: [{ destination: { host: 'b' } }] }),
      ['HTTP route cannot contain both mirror and mirrors'],
    ],
    [
      'a mirror percentage over 100',
      http({ mirror: { host: 'reviews' }, mirrorPercentage: { value: 150 } }),
      ['mirror_percentage must have a max value of 100 (it has 150.000000)'],
    ],
    ['a timeout under 1ms', http({ timeout: '0.5ms' }), ['duration must be greater than 1ms']],
    ['a timeout finer than 1ms', http({ timeout: '1.5ms' }), ['only durations to ms precision are supported']],
    ['a timeout that is not a duration', http({ timeout: 'soon' }), ['timeout: invalid duration "soon"']],
    [
      'a bad regex',
      vs({ http: [{ match: [{ uri: { regex: '/api(v1' } }], route: route() }] }),
      [
        '"uri": error parsing regexp: missing closing ): `/api(v1`; Istio uses ' +
          'RE2 style regex-based match (https://github.com/google/re2/wiki/Syntax)',
      ],
    ],
    [
      'a lookahead RE2 does not have',
      vs({ http: [{ match: [{ headers: { 'end-user': { regex: '(?!jason).*' } } }], route: route() }] }),
      [
        '"headers": error parsing regexp: invalid or unsupported Perl syntax: `(?!`; ' +
          'Istio uses RE2 style regex-based match (https://github.com/google/re2/wiki/Syntax)',
      ],
    ],
    [
      'an empty prefix on a header',
      vs({ http: [{ match: [{ headers: { 'end-user': { prefix: '' } } }], route: route() }] }),
      ['"headers": prefix string match should not be empty'],
    ],
    [
      'a header name with a space',
      vs({ http: [{ match: [{ headers: { 'end user': { exact: 'jason' } } }], route: route() }] }),
      ['header name end user is not a valid header name'],
    ],
    [
      'a port out of range',
      vs({ http: [{ route: route({ host: 'reviews', port: { number: 70000 } }) }] }),
      ['port number 70000 must be in the range 1..65535'],
    ],
    [
      'a subset name that is no DNS label',
      vs({ http: [{ route: route({ host: 'reviews', subset: 'v1.0' }) }] }),
      ['subset name is invalid: v1.0'],
    ],
    [
      'an invalid destination host',
      vs({ http: [{ route: route({ host: 'reviews_v1' }) }] }),
      ['domain name "reviews_v1" invalid (label "reviews_v1" invalid)'],
    ],
    ['a * destination host', vs({ http: [{ route: route({ host: '*' }) }] }), ['invalid destination host *']],
    [
      'duplicate hosts',
      vs({ hosts: ['reviews', 'reviews'], http: [{ route: route() }] }),
      ['duplicate hosts in virtual service: reviews & reviews'],
    ],
    ['a fault without abort or delay', http({ fault: {} }), ['HTTP fault injection must have an abort and/or a delay']],
    [
      'an abort status out of range',
      http({ fault: { abort: { httpStatus: 700, percentage: { value: 100 } } } }),
      ['HTTP status 700 is not in range 200-599'],
    ],
    [
      'a fault percentage over 100',
      http({ fault: { delay: { fixedDelay: '5s', percentage: { value: 120 } } } }),
      ['percentage 120 is neither 0.0, nor in range [0.0001, 100.0]'],
    ],
    [
      'retries with zero attempts',
      http({ retries: { attempts: 0, perTryTimeout: '2s' } }),
      ['http retry policy configured when attempts are set to 0 (disabled)'],
    ],
    [
      'an unknown retryOn policy',
      http({ retries: { attempts: 3, retryOn: '5xx,sometimes' } }),
      ['"sometimes" is not a valid retryOn policy'],
    ],
    [
      'a redirect code that is no 3xx',
      vs({ http: [{ redirect: { uri: '/x', redirectCode: 200 } }] }),
      ['200 is not a valid redirect code, must be 3xx'],
    ],
    [
      'a malformed gateway reference',
      vs({ gateways: ['default/'], http: [{ route: route() }] }),
      ['config namespace and gateway name cannot be empty', 'invalid value for gateway name: ""'],
    ],
    ['a TCP rule without route', vs({ tcp: [{ match: [{ port: 27017 }] }] }), ['TCP route is required']],
    [
      'a delegate with gateways',
      obj('VirtualService', { gateways: ['bookinfo-gateway'], http: [{ route: route() }] }),
      ['delegate virtual service must have no gateways specified'],
    ],
  ])('VirtualService: %s', (_what, object, errors) => {
    expect(istioWebhookErrors(object)).toEqual(errors);
  });

  it.each<[string, K8sObject, string[]]>([
    [
      'duplicate subsets',
      obj('DestinationRule', {
        host: 'reviews',
        subsets: [
          { name: 'v1', labels: { version: 'v1' } },
          { name: 'v1', labels: { version: 'v2' } },
        ],
      }),
      ['duplicate subset names: v1'],
    ],
    [
      'an empty subset name',
      obj('DestinationRule', { host: 'reviews', subsets: [{ name: '', labels: { version: 'v1' } }] }),
      ['subset name cannot be empty'],
    ],
    [
      'an empty traffic policy',
      obj('DestinationRule', { host: 'reviews', trafficPolicy: {} }),
      ['traffic policy must have at least one field'],
    ],
    [
      'a wildcard in the middle of the host',
      obj('DestinationRule', { host: 'reviews.*.svc' }),
      ['domain name "*.svc" invalid (label "*" invalid)'],
    ],
    [
      'a gateway without servers',
      obj('Gateway', { selector: { istio: 'ingressgateway' }, servers: [] }, 'gw'),
      ['gateway must have at least one server'],
    ],
    ['a gateway name with a dot', obj('Gateway', { servers: [server()] }, 'my.gw'), ['invalid gateway name: "my.gw"']],
    [
      'an HTTPS server without TLS',
      obj('Gateway', { servers: [server({ port: { number: 443, name: 'https', protocol: 'HTTPS' } })] }, 'gw'),
      ['server must have TLS settings for HTTPS/TLS protocols'],
    ],
    [
      'an unknown protocol',
      obj('Gateway', { servers: [server({ port: { number: 80, name: 'http', protocol: 'HTTP3' } })] }, 'gw'),
      ['invalid protocol "HTTP3", supported protocols are HTTP, HTTP2, GRPC, GRPC-WEB, MONGO, REDIS, MYSQL, TCP'],
    ],
    [
      'a short host name on a gateway',
      obj('Gateway', { servers: [server({ hosts: ['httpbin'] })] }, 'gw'),
      ['short names (non FQDN) are not allowed'],
    ],
    [
      'duplicate server port names',
      obj('Gateway', { servers: [server(), server({ port: { number: 8080, name: 'http', protocol: 'HTTP' } })] }, 'gw'),
      ['port names in servers must be unique: duplicate name http'],
    ],
    [
      'SIMPLE TLS without certificates',
      obj(
        'Gateway',
        { servers: [server({ port: { number: 443, name: 'https', protocol: 'HTTPS' }, tls: { mode: 'SIMPLE' } })] },
        'gw',
      ),
      ['SIMPLE TLS requires a server certificate', 'SIMPLE TLS requires a private key'],
    ],
    [
      'a ServiceEntry without hosts',
      obj('ServiceEntry', { hosts: [], ports: [{ number: 80, name: 'http', protocol: 'HTTP' }] }),
      ['service entry must have at least one host'],
    ],
    [
      'a ServiceEntry for *',
      obj('ServiceEntry', { hosts: ['*'], ports: [{ number: 80, name: 'http', protocol: 'HTTP' }] }),
      ['invalid host *'],
    ],
    [
      'an unknown ServiceEntry protocol',
      obj('ServiceEntry', {
        hosts: ['httpbin.org'],
        ports: [{ number: 80, name: 'http', protocol: 'HTTP3' }],
        resolution: 'DNS',
      }),
      ['unsupported protocol: HTTP3'],
    ],
    [
      'DNS resolution of a wildcard without endpoints',
      obj('ServiceEntry', {
        hosts: ['*.google.com'],
        ports: [{ number: 443, name: 'https', protocol: 'HTTPS' }],
        resolution: 'DNS',
      }),
      ['hosts must be FQDN if no endpoints are provided for resolution mode DNS'],
    ],
    [
      'duplicate ServiceEntry ports',
      obj('ServiceEntry', {
        hosts: ['httpbin.org'],
        ports: [
          { number: 80, name: 'http', protocol: 'HTTP' },
          { number: 80, name: 'http2', protocol: 'HTTP' },
        ],
        resolution: 'DNS',
      }),
      ['service entry port 80 already defined'],
    ],
    [
      'endpoints with resolution NONE',
      obj('ServiceEntry', {
        hosts: ['db.example.com'],
        ports: [{ number: 5432, name: 'tcp', protocol: 'TCP' }],
        endpoints: [{ address: '10.0.0.1' }],
      }),
      ['no endpoints should be provided for resolution type none'],
    ],
    ['an empty Sidecar', obj('Sidecar', {}, 'default'), ['sidecar: empty configuration provided']],
    [
      'a Sidecar egress host without namespace',
      obj('Sidecar', { egress: [{ hosts: ['httpbin.org'] }] }, 'default'),
      ['host must be of form namespace/dnsName'],
    ],
  ])('%s', (_what, object, errors) => {
    expect(istioWebhookErrors(object)).toEqual(errors);
  });

  it.each<[string, K8sObject]>([
    [
      'relative weights that do not sum to 100',
      vs({
        http: [
          {
            route: [
              { destination: { host: 'reviews', subset: 'v1' }, weight: 1 },
              { destination: { host: 'reviews', subset: 'v3' }, weight: 3 },
            ],
          },
        ],
      }),
    ],
    [
      'a * host bound to a gateway only',
      vs({ hosts: ['*'], gateways: ['bookinfo-gateway'], http: [{ route: route() }] }),
    ],
    ['a delegate VirtualService without hosts', obj('VirtualService', { http: [{ route: route() }] })],
    [
      'an HTTP server that redirects to HTTPS',
      obj('Gateway', { servers: [server({ tls: { httpsRedirect: true } })] }, 'gw'),
    ],
    [
      'a STATIC ServiceEntry with endpoints',
      obj('ServiceEntry', {
        hosts: ['db.example.com'],
        ports: [{ number: 5432, name: 'tcp', protocol: 'TCP' }],
        resolution: 'STATIC',
        endpoints: [{ address: '10.0.0.1' }],
      }),
    ],
    [
      'a Sidecar with only an outbound policy',
      obj('Sidecar', { outboundTrafficPolicy: { mode: 'REGISTRY_ONLY' } }, 'default'),
    ],
  ])('accepts %s', (_what, object) => {
    expect(istioWebhookErrors(object)).toEqual([]);
  });

  it('skips a nil tls or tcp route as istiod does (a YAML `- ` with nothing after it), instead of failing', () => {
    expect(istioWebhookErrors(vs({ tls: [null], http: [{ route: route() }] }))).toEqual([]);
    expect(istioWebhookErrors(vs({ tcp: [null], http: [{ route: route() }] }))).toEqual([]);
  });

  it('reports several reasons as go-multierror lists them', () => {
    expect(formatIstioErrors(['weight -1 < 0'])).toBe('weight -1 < 0');
    expect(formatIstioErrors(['subset name is invalid: 2.0.0', 'subset name is invalid: 2.0.1'])).toBe(
      '2 errors occurred:\n\t* subset name is invalid: 2.0.0\n\t* subset name is invalid: 2.0.1\n\n',
    );
  });
});

describe('the webhook in the API server', () => {
  it('refuses with status 400 and no reason, after the schema and before anything is stored', async () => {
    const c = await newCluster();
    const e = refusal(() =>
      c.apply(
        vs({
          http: [
            {
              route: [
                { destination: { host: 'reviews', subset: 'v1' }, weight: -1 },
                { destination: { host: 'reviews', subset: 'v2' }, weight: 1 },
              ],
            },
          ],
        }),
      ),
    );
    expect(e).toEqual({
      code: 400,
      reason: '',
      message:
        'admission webhook "validation.istio.io" denied the request: configuration is ' +
        'invalid: 2 errors occurred:\n\t* weight -1 < 0\n\t* total destination weight = 0\n\n',
    });
    expect(c.get('VirtualService', 'default', 'reviews')).toBeUndefined();
    // A missing host is the CRD schema's refusal (422), not the webhook's.
    expect(refusal(() => c.apply(vs({ http: [{ route: [{ weight: 100 }] }] }))).message).toBe(
      'VirtualService.networking.istio.io "reviews" is invalid: spec.http[0].route[0].destination: Required value',
    );
  });

  it('runs on dry runs and on updates too', async () => {
    const c = await newCluster();
    expect(refusal(() => c.create(http({ timeout: '0s' }), { dryRun: true })).message).toContain(
      'duration must be greater than 1ms',
    );
    c.apply(http({}));
    expect(
      refusal(() =>
        c.update('VirtualService', 'default', 'reviews', (o) => {
          (o.spec as { hosts: string[] }).hosts = ['*'];
        }),
      ).message,
    ).toContain('wildcard host *');
  });

  const samples = fileURLToPath(new URL('../../../../../../content/samples/', import.meta.url));
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((f) =>
      statSync(join(dir, f)).isDirectory() ? files(join(dir, f)) : f.endsWith('.yaml') ? [join(dir, f)] : [],
    );

  it.each(files(samples).map((f) => [f.slice(samples.length), f]))(
    'accepts every served document of samples/%s',
    async (_name, file) => {
      const c = await newCluster();
      for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
        const o = doc.toJS() as K8sObject | null;
        if (!o || !resourceForApiVersion(o.apiVersion, o.kind)) continue;
        expect(() => c.apply(o)).not.toThrow();
      }
    },
  );
});
