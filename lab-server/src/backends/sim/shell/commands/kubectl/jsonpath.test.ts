import { describe, expect, it } from 'vitest';
import { renderJsonPath } from './jsonpath.ts';

const list = {
  items: [
    { metadata: { name: 'a', labels: { 'app.kubernetes.io/name': 'x' } }, spec: { ports: [{ name: 'http2', nodePort: 30080 }, { name: 'https', nodePort: 30443 }] }, status: { hostIP: '172.18.0.2' } },
    { metadata: { name: 'b' }, spec: { ports: [] }, status: {} },
  ],
};

describe('kubectl JSONPath', () => {
  it.each([
    ['{.items[*].metadata.name}', 'a b'],
    ['{.items[0].status.hostIP}', '172.18.0.2'],
    ['{.items[0].spec.ports[?(@.name=="http2")].nodePort}', '30080'],
    ['{.items[0].spec.ports[?(@.name=="https")].nodePort}', '30443'],
    ['{range .items[*]}{.metadata.name}{"\\n"}{end}', 'a\nb\n'],
    ['{.items[-1].metadata.name}', 'b'],
    ['{.items[0].metadata.labels.app\\.kubernetes\\.io/name}', 'x'],
    ["{.items[0].metadata.labels['app.kubernetes.io/name']}", 'x'],
    ['{..nodePort}', '30080 30443'],
    ['name={.items[1].metadata.name}!', 'name=b!'],
    ['{.items[0].spec.ports[0]}', '{"name":"http2","nodePort":30080}'],
    ['{.items[5].metadata.name}', 'ERROR'],
  ])('%s', (template, expected) => {
    if (expected === 'ERROR') expect(() => renderJsonPath(template, list)).toThrow(/out of bounds/);
    else expect(renderJsonPath(template, list)).toBe(expected);
  });
});
