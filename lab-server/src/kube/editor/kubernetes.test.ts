import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { schemaProblems } from './jsonSchemaCheck.ts';
import { manifestSchema } from './kubernetes.ts';

const ko = manifestSchema('ko');
const en = manifestSchema('en');
const branch = (schema: any, kind: string) => schema.allOf.find((b: any) => b.if.properties.kind.const === kind).then;

function yamlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? yamlFiles(path) : /\.ya?ml$/.test(name) ? [path] : [];
  });
}

// Every document, empty ones too (`null`): the editor validates each, as yaml-language-server does.
const problemsOf = (text: string) => parseAllDocuments(text).flatMap((d) => schemaProblems(en, d.toJS()));

describe('editor schemas', () => {
  it('refuse unknown fields in an Istio kind and describe known ones in the page language', () => {
    const vs = branch(ko, 'VirtualService');
    const http = vs.properties.spec.properties.http;
    expect(vs.properties.spec.additionalProperties).toBe(false);
    expect(http.items.additionalProperties).toBe(false);
    expect(http.items.properties.route.items.properties.weight.type).toBe('integer');
    expect(http.description).toContain('규칙');
    expect(branch(en, 'VirtualService').properties.spec.properties.hosts.description).toContain('hosts');
  });

  it("describe a field by where it is: a route destination's host is a service, a DestinationRule's host what it applies to", () => {
    const route = branch(en, 'VirtualService').properties.spec.properties.http.items.properties.route.items.properties;
    expect(route.destination.properties.host.description).toContain('service in the registry');
    expect(route.destination.properties.subset.description).toContain('DestinationRule');
    expect(branch(en, 'DestinationRule').properties.spec.properties.host.description).toContain('policies apply to');
    expect(branch(en, 'ServiceEntry').properties.spec.properties.ports.items.properties.protocol.description).toContain(
      'HTTPS',
    );
    expect(
      branch(ko, 'Deployment').properties.spec.properties.template.properties.spec.properties.containers.items
        .properties.image.description,
    ).toContain('이미지');
  });

  it('accept every manifest the lessons ship (the samples), in every document', () => {
    const files = yamlFiles(join(import.meta.dirname, '../../../../content/samples'));
    expect(files.length).toBeGreaterThan(10);
    // The seed's originals are kept to show today's Kubernetes refusing them: the editor marks them too.
    const originals = files.filter((f) => f.includes('/seed/original/'));
    for (const file of files.filter((f) => !originals.includes(f)))
      expect(problemsOf(readFileSync(file, 'utf8')), file).toEqual([]);
    expect(originals.length).toBeGreaterThan(0);
    for (const file of originals) {
      const text = readFileSync(file, 'utf8');
      if (text.includes('extensions/v1beta1'))
        expect(problemsOf(text), file).toContain('apiVersion: "extensions/v1beta1" is not one of apps/v1');
      else expect(problemsOf(text), file).toEqual([]);
    }
  });

  it('mark what the API server or Istio would refuse: misspelt fields anywhere, wrong types, unknown enum values', () => {
    const vs = (route: string) =>
      `apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  ` +
      `name: reviews\nspec:\n  hosts: [reviews]\n  http:\n  - route:\n${route}`;
    expect(problemsOf(vs('    - destination: {host: reviews, subset: v1}\n'))).toEqual([]);
    expect(problemsOf(vs('    - destination: {host: reviews, subset: v1}\n      wieght: 50\n'))).toEqual([
      'spec.http[0].route[0].wieght: property not allowed',
    ]);
    expect(problemsOf(vs('    - destination: {host: reviews, subset: v1}\n      weight: "50"\n'))).toEqual([
      'spec.http[0].route[0].weight: expected integer, got string',
    ]);
    expect(
      problemsOf(
        'apiVersion: v1\nkind: Service\nmetadata:\n  name: a\n  lables: {app: a}\nspec:\n  ports: [{port: 80}]\n',
      ),
    ).toEqual(['metadata.lables: property not allowed']);
    expect(problemsOf('apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: a}\nspec:\n  replica: 2\n')).toEqual([
      'spec.replica: property not allowed',
    ]);
    const dr = (policy: string) =>
      `apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: r}\nspec:\n  host: reviews\n  trafficPolicy:\n${policy}`;
    expect(
      problemsOf(
        dr('    loadBalancer: {simple: ROUND_ROBIN}\n    connectionPool: {http: {http1MaxPendingRequests: 1}}\n'),
      ),
    ).toEqual([]);
    expect(problemsOf(dr('    loadBalancer: {simple: ROUND_ROBINN}\n'))).toHaveLength(1);
    expect(
      problemsOf(dr('    outlierDetection: {consecutive5xxErrors: 1, interval: 1m30s, baseEjectionTim: 3m}\n')),
    ).toEqual(['spec.trafficPolicy.outlierDetection.baseEjectionTim: property not allowed']);
    expect(
      problemsOf(
        'apiVersion: networking.istio.io/v1\nkind: Gateway\nmetadata: {name: g}\nspec:\n  servers:\n  - port: {number: 443, ' +
          'name: https, protocol: HTTPS}\n    hosts: ["*"]\n    tls: {mode: SIMPLE, credentialName: c, credentialNam: d}\n',
      ),
    ).toEqual(['spec.servers[0].tls.credentialNam: property not allowed']);
  });

  it("accept an empty document, as a trailing `---` in Istio's samples makes", () => {
    expect(problemsOf('apiVersion: v1\nkind: Namespace\nmetadata:\n  name: x\n---\n')).toEqual([]);
  });

  it('take back what kubectl get -o yaml prints (status, server-set metadata)', () => {
    const got =
      'apiVersion: networking.istio.io/v1\nkind: VirtualService\nmetadata:\n  creationTimestamp: "2026-01-01T00:00:00Z"\n  generation: ' +
      '1\n  name: reviews\n  namespace: default\n  resourceVersion: "1234"\n  uid: 0a\nspec:\n  hosts: [reviews]\nstatus: {}\n';
    expect(problemsOf(got)).toEqual([]);
  });
});
