/** The editor's YAML language on the editor's real schemas: problems where they are, completion, hover. */
import { describe, expect, it } from 'vitest';
import { manifestSchema } from '../../../lab-server/src/kube/editor/kubernetes.ts';
import { describeAt, problemsOf, suggestionsAt } from './yamlLanguage.ts';

const en = manifestSchema('en');
const ko = manifestSchema('ko');
const DR = 'apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: r}\nspec:\n  host: r\n';
const VS = `apiVersion: networking.istio.io/v1
kind: VirtualService
metadata:
  name: reviews
spec:
  hosts:
  - reviews
  http:
  - route:
    - destination:
        host: reviews
        subset: v3
      weight: 100
`;
/** Completion with the cursor where `|` is. */
const at = (text: string) => {
  const offset = text.indexOf('|');
  return { text: text.replace('|', ''), offset };
};
const labels = (text: string) => {
  const { text: t, offset } = at(text);
  return suggestionsAt(t, offset, en, 'en')?.options.map((o) => o.label) ?? [];
};

describe('problems', () => {
  it('finds none in a correct manifest, or in the lesson files', () => {
    expect(problemsOf(VS, en, 'en')).toEqual([]);
  });

  it('marks a misspelt field on its key, in the page language', () => {
    const text = VS.replace('      weight: 100', '      wieght: 100');
    const [problem, ...more] = problemsOf(text, en, 'en');
    expect(more).toEqual([]);
    expect(text.slice(problem!.from, problem!.to)).toBe('wieght');
    expect(problem!.message).toBe('Field "wieght" is not allowed here.');
    expect(problemsOf(text, ko, 'ko')[0]!.message).toBe('"wieght" 필드는 여기에 올 수 없습니다.');
  });

  it('marks a wrong type and an unknown value on the value', () => {
    const text = VS.replace('weight: 100', 'weight: "100"');
    const [problem] = problemsOf(text, en, 'en');
    expect(text.slice(problem!.from, problem!.to)).toBe('"100"');
    expect(problem!.message).toBe('Expected integer, got string.');
    expect(problemsOf(text, ko, 'ko')[0]!.message).toBe('정수 값이어야 합니다 (지금은 문자열).');
    const enumText = `${DR}  trafficPolicy:\n    loadBalancer: {simple: ROUND_ROBINN}\n`;
    const [lb] = problemsOf(enumText, en, 'en');
    expect(enumText.slice(lb!.from, lb!.to)).toBe('ROUND_ROBINN');
    expect(lb!.message).toMatch(/^"ROUND_ROBINN" is not one of .*ROUND_ROBIN/);
  });

  it('says what is missing, and reports YAML syntax errors where they are, document by document', () => {
    const missing = problemsOf('apiVersion: v1\nkind: Service\n', en, 'en');
    expect(missing.map((p) => p.message)).toContain('Field "metadata" is required.');
    const text = `${VS}---\nkind: Service\nmetadata: [a\n`;
    const problems = problemsOf(text, en, 'en');
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toMatch(/^YAML syntax: /);
    expect(problems[0]!.from).toBeGreaterThan(VS.length);
  });
});

describe('completion', () => {
  it('offers the fields a route destination may still have, not the ones it has', () => {
    expect(labels(VS.replace('        subset: v3\n', '        subset: v3\n        |\n'))).toEqual(['port']);
    const route = labels(VS.replace('      weight: 100\n', '      weight: 100\n      |\n'));
    expect(route).toContain('headers');
    expect(route).not.toContain('weight');
    expect(route).not.toContain('destination');
  });

  it('offers the fields of a new list item and of the document top, for the kind the document has', () => {
    expect(labels(VS.replace('  http:\n', '  http:\n  - |\n'))).toEqual(
      expect.arrayContaining(['route', 'match', 'timeout']),
    );
    const top = labels(VS.replace('spec:\n', '|\nspec:\n'));
    expect(top).not.toContain('metadata');
    const dr = labels('apiVersion: networking.istio.io/v1\nkind: DestinationRule\nmetadata: {name: r}\nspec:\n  |\n');
    expect(dr).toEqual(expect.arrayContaining(['host', 'subsets', 'trafficPolicy']));
    expect(dr).not.toContain('http');
  });

  it("offers a field's allowed values and describes each field", () => {
    const { text, offset } = at(`${DR}  trafficPolicy:\n    loadBalancer:\n      simple: R|\n`);
    const result = suggestionsAt(text, offset, en, 'en')!;
    expect(result.options.map((o) => o.label)).toContain('ROUND_ROBIN');
    expect(text.slice(result.from, offset)).toBe('R');
    const { text: t2, offset: o2 } = at(VS.replace('      weight: 100\n', '      weight: 100\n      |\n'));
    const headers = suggestionsAt(t2, o2, en, 'en')!.options.find((o) => o.label === 'headers')!;
    expect(headers.apply).toBe('headers: ');
    expect(headers.info).toBeTruthy();
  });
});

describe('hover', () => {
  it("describes the field under the cursor by where it is, in the schema's language", () => {
    const offset = VS.indexOf('weight') + 2;
    const hover = describeAt(VS, offset, en)!;
    expect(VS.slice(hover.from, hover.to)).toBe('weight');
    expect(hover.description).toContain('Relative share');
    expect(describeAt(VS, offset, ko)!.description).toContain('상대 비율');
    expect(describeAt(VS, VS.indexOf('reviews\nspec'), en)).toBeNull();
  });
});
