import { describe, expect, it } from 'vitest';
import { manifestSchema } from './kubernetes.ts';

describe('editor schemas', () => {
  it('refuse unknown fields in an Istio kind and describe known ones in the page language', () => {
    const schema = manifestSchema('ko') as any;
    const vs = schema.allOf.find((b: any) => b.if.properties.kind.const === 'VirtualService').then;
    const http = vs.properties.spec.properties.http;
    expect(vs.properties.spec.additionalProperties).toBe(false);
    expect(http.items.additionalProperties).toBe(false);
    expect(http.items.properties.route.items.properties.weight.type).toBe('integer');
    expect(http.description).toContain('규칙');
    expect((manifestSchema('en') as any).allOf[0].then.properties.spec.properties.hosts.description).toContain('host names');
  });
});
