import { describe, expect, it } from 'vitest';
import { checkJsonPath, goSyntax, renderJsonPath } from './jsonpath.ts';

const list = {
  items: [
    {
      metadata: { name: 'a', labels: { 'app.kubernetes.io/name': 'x' } },
      spec: {
        ports: [
          { name: 'http2', nodePort: 30080 },
          { name: 'https', nodePort: 30443 },
        ],
      },
      status: { hostIP: '172.18.0.2' },
    },
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

const pods = {
  kind: 'List',
  items: [
    {
      metadata: { name: 'reviews-v1', labels: { app: 'reviews', version: 'v1' } },
      spec: {
        containers: [
          { name: 'reviews', image: 'r:1' },
          { name: 'istio-proxy', image: 'p:1' },
        ],
      },
      status: {
        phase: 'Running',
        containerStatuses: [
          { name: 'reviews', ready: true, restartCount: 0 },
          { name: 'istio-proxy', ready: false, restartCount: 3 },
        ],
      },
    },
    {
      metadata: { name: 'ratings-v1', labels: { app: 'ratings', version: 'v1' } },
      spec: { containers: [{ name: 'ratings', image: 'g:1' }] },
      status: { phase: 'Pending', containerStatuses: [{ name: 'ratings', ready: false, restartCount: 1 }] },
    },
  ],
};

describe("kubectl's JSONPath dialect", () => {
  it.each([
    ['{$.items[0].metadata.name}', 'reviews-v1'],
    ['{.items[*].spec.containers[*].name}', 'reviews istio-proxy ratings'],
    ['{.items[0:1].metadata.name}', 'reviews-v1'],
    ['{.items[?(@.status.phase=="Running")].metadata.name}', 'reviews-v1'],
    ["{.items[?(@.status.phase!='Running')].metadata.name}", 'ratings-v1'],
    ['{.items[*].status.containerStatuses[?(@.restartCount>1)].name}', 'istio-proxy'],
    ['{.items[*].status.containerStatuses[?(@.ready==true)].name}', 'reviews'],
    ['{.items[?(@.metadata.labels.app=="ratings")].spec.containers[0].image}', 'g:1'],
    [
      '{range .items[*]}{.metadata.name}{":"}{range .spec.containers[*]}{" "}{.name}{end}{"\\n"}{end}',
      'reviews-v1: reviews istio-proxy\nratings-v1: ratings\n',
    ],
    ['{range .items[*]}[{.metadata.labels.version}]{end}', '[v1][v1]'],
    ['{.items[0].metadata.labels}', '{"app":"reviews","version":"v1"}'],
    ['{.items[*].metadata.labels.app}', 'reviews ratings'],
    ['{..image}', 'r:1 p:1 g:1'],
    ['{.kind}', 'List'],
    ['{.items[0].nothing}', ''],
  ])('%s', (template, expected) => {
    expect(renderJsonPath(template, pods)).toBe(expected);
  });

  it.each([
    ['{.items[0].metadata.name', /unclosed action/],
    ['{range .items[*]}{.metadata.name}', /unclosed range/],
    ['{.metadata.name}{end}', /not in range, nothing to end/],
  ])('%s does not parse', (template, message) => {
    expect(() => checkJsonPath(template)).toThrow(message);
  });

  it("goSyntax prints Go's %#v of the object kubectl hands to the engine", () => {
    expect(goSyntax({ b: [1, 'x', true, null], a: { c: 1.5 } })).toBe(
      'map[string]interface {}{"a":map[string]interface {}{"c":1.5}, "b":[]interface {}{1, "x", true, interface {}(nil)}}',
    );
  });
});
