import { describe, expect, it } from 'vitest';
import { eulReul, iGa } from './korean.ts';

describe('Korean particles after cluster names', () => {
  it.each([
    ['reviews', 'reviews를'],
    ['DestinationRule', 'DestinationRule을'],
    ['httpbin', 'httpbin을'],
    ['v3', 'v3을'],
    ['v2', 'v2를'],
    ['Gateway', 'Gateway를'],
    ['파드', '파드를'],
    ['서비스 항목', '서비스 항목을'],
  ])('%s + 을/를 -> %s', (word, expected) => {
    expect(eulReul(word)).toBe(expected);
  });

  it('picks 이/가 too', () => {
    expect(iGa('VirtualService')).toBe('VirtualService가');
    expect(iGa('pod')).toBe('pod가');
    expect(iGa('route')).toBe('route가');
  });
});
