import { describe, expect, it } from 'vitest';
import { applyMergePatch, threeWayMergePatch } from './mergePatch.ts';

describe('threeWayMergePatch', () => {
  it('sends changed and added fields, and null for fields the file dropped since the last apply', () => {
    const original = { spec: { hosts: ['reviews'], http: [{ timeout: '3s' }], gateways: ['mesh'] } };
    const modified = { spec: { hosts: ['reviews'], http: [{ timeout: '5s' }] } };
    const current = { spec: { hosts: ['reviews'], http: [{ timeout: '3s' }], gateways: ['mesh'] }, status: {} };
    expect(threeWayMergePatch(original, modified, current)).toEqual({
      spec: { gateways: null, http: [{ timeout: '5s' }] },
    });
  });

  it('leaves fields that no file wrote (defaults, controllers) out of the patch', () => {
    const current = { spec: { replicas: 1, strategy: { type: 'RollingUpdate' } } };
    expect(threeWayMergePatch({ spec: { replicas: 1 } }, { spec: { replicas: 2 } }, current)).toEqual({
      spec: { replicas: 2 },
    });
  });

  it('is empty when the file matches the live object', () => {
    expect(threeWayMergePatch(undefined, { a: { b: 1 } }, { a: { b: 1 }, c: 2 })).toEqual({});
  });
});

describe('applyMergePatch', () => {
  it('deletes on null, merges maps, replaces lists and scalars, and does not touch the target', () => {
    const target = { a: { b: 1, c: 2 }, list: [1, 2], keep: true };
    const merged = applyMergePatch(target, { a: { c: null, d: 3 }, list: [3], s: 'x' });
    expect(merged).toEqual({ a: { b: 1, d: 3 }, list: [3], keep: true, s: 'x' });
    expect(target).toEqual({ a: { b: 1, c: 2 }, list: [1, 2], keep: true });
  });

  it('makes a map where the target had something else', () => {
    expect(applyMergePatch({ a: 'x' }, { a: { b: 1 } })).toEqual({ a: { b: 1 } });
  });
});
