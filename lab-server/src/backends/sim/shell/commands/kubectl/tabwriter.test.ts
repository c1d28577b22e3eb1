import { describe, expect, it } from 'vitest';
import { tabwrite } from './tabwriter.ts';

describe('tabwrite (Go text/tabwriter, padding 2)', () => {
  it.each([
    ['one block', 'Name:\treviews\nNamespace:\tdefault\n', 'Name:       reviews\nNamespace:  default\n'],
    [
      'a line without a tab ends the block',
      'Name:\tx\nSpec:\n  Host:\treviews\n',
      'Name:  x\nSpec:\n  Host:  reviews\n',
    ],
    [
      'continuation lines start with an empty cell',
      'Labels:\ta=b\n\tc=d\nKind:\tX\n',
      'Labels:  a=b\n         c=d\nKind:    X\n',
    ],
    ['nested columns align within their own block', 'a\tbb\tc\naaa\tb\tc\n', 'a    bb  c\naaa  b   c\n'],
    ['the last cell is never padded', 'x:\tlong value here\ny:\t1\n', 'x:  long value here\ny:  1\n'],
  ])('%s', (_, input, expected) => {
    expect(tabwrite(input)).toBe(expected);
  });
});
