/** The three patch types, as the API server applies them. */
import { describe, expect, it } from 'vitest';
import { jsonPatch, mergePatch, PatchError, strategicMergePatch } from './patches.ts';

const deployment = {
  spec: {
    replicas: 1,
    template: {
      spec: {
        containers: [
          { name: 'app', image: 'a:1', env: [{ name: 'A', value: '1' }], ports: [{ containerPort: 80 }] },
          { name: 'side', image: 's:1' },
        ],
      },
    },
  },
};

describe('JSON merge patch (RFC 7386)', () => {
  it('merges maps, deletes with null, replaces lists whole', () => {
    expect(mergePatch({ a: 1, b: { c: 2, d: 3 }, l: [1, 2] }, { b: { c: null, e: 4 }, l: [3] })).toEqual({
      a: 1,
      b: { d: 3, e: 4 },
      l: [3],
    });
  });
});

describe('JSON patch (RFC 6902)', () => {
  it('adds, replaces, removes, moves, copies and tests', () => {
    expect(
      jsonPatch({ a: [1, 2], b: { c: 1 } }, [
        { op: 'add', path: '/a/-', value: 3 },
        { op: 'replace', path: '/b/c', value: 2 },
        { op: 'copy', from: '/b/c', path: '/d' },
        { op: 'move', from: '/d', path: '/e' },
        { op: 'remove', path: '/a/0' },
        { op: 'test', path: '/e', value: 2 },
        { op: 'add', path: '/x~1y', value: true },
      ]),
    ).toEqual({ a: [2, 3], b: { c: 2 }, e: 2, 'x/y': true });
  });

  it.each([
    [[{ op: 'remove', path: '/nope' }], 'Invalid'],
    [[{ op: 'replace', path: '/a/9', value: 1 }], 'Invalid'],
    [[{ op: 'test', path: '/a/0', value: 9 }], 'Invalid'],
    [[{ op: 'jump', path: '/a' }], 'BadRequest'],
    [[{ op: 'add', path: 'a', value: 1 }], 'BadRequest'],
  ])('%j fails the whole patch (%s)', (ops, reason) => {
    expect(() => jsonPatch({ a: [1] }, ops)).toThrow(PatchError);
    try {
      jsonPatch({ a: [1] }, ops);
    } catch (e) {
      expect((e as PatchError).reason).toBe(reason);
    }
  });
});

describe('strategic merge patch', () => {
  it('merges containers by name, env by name and ports by containerPort', () => {
    const patched = strategicMergePatch(deployment, {
      spec: {
        template: {
          spec: {
            containers: [{ name: 'app', env: [{ name: 'B', value: '2' }], ports: [{ containerPort: 81 }] }],
          },
        },
      },
    }) as typeof deployment;
    expect(patched.spec.template.spec.containers).toEqual([
      {
        name: 'app',
        image: 'a:1',
        env: [
          { name: 'A', value: '1' },
          { name: 'B', value: '2' },
        ],
        ports: [{ containerPort: 80 }, { containerPort: 81 }],
      },
      { name: 'side', image: 's:1' },
    ]);
  });

  it('honours $patch: delete and replace, $retainKeys, $deleteFromPrimitiveList and null', () => {
    const patched = strategicMergePatch(deployment, {
      spec: {
        replicas: null,
        template: { spec: { containers: [{ name: 'side', $patch: 'delete' }] } },
      },
    }) as typeof deployment;
    expect(patched.spec).toEqual({ template: { spec: { containers: [deployment.spec.template.spec.containers[0]] } } });
    expect(strategicMergePatch({ m: { a: 1, b: 2 } }, { m: { $patch: 'replace', c: 3 } })).toEqual({ m: { c: 3 } });
    expect(strategicMergePatch({ m: { a: 1, b: 2 } }, { m: { $retainKeys: ['b'], c: 3 } })).toEqual({
      m: { b: 2, c: 3 },
    });
    expect(strategicMergePatch({ f: ['x', 'y'] }, { '$deleteFromPrimitiveList/f': ['x'] })).toEqual({ f: ['y'] });
  });

  it('replaces lists without a merge key (a Service port merges by port)', () => {
    expect(strategicMergePatch({ args: ['a', 'b'] }, { args: ['c'] })).toEqual({ args: ['c'] });
    expect(
      strategicMergePatch(
        { spec: { ports: [{ port: 80, name: 'http' }] } },
        { spec: { ports: [{ port: 80, name: 'web' }, { port: 443 }] } },
      ),
    ).toEqual({ spec: { ports: [{ port: 80, name: 'web' }, { port: 443 }] } });
  });
});
