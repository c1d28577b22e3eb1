/** The header list on the simulated wire: moving Envoy's first headers to the front. */
import { describe, expect, it } from 'vitest';
import { HeaderList, splitAuthority } from './wire.ts';

describe('HeaderList.moveToFront', () => {
  it('puts the named headers first, in the order named, keeping the others in order', () => {
    const list = new HeaderList([
      ['content-type', 'text/html'],
      ['Date', 'd'],
      ['x-a', '1'],
      ['server', 's'],
      ['x-b', '2'],
    ]);
    list.moveToFront(['server', 'date']);
    expect(list.entries).toEqual([
      ['server', 's'],
      ['Date', 'd'],
      ['content-type', 'text/html'],
      ['x-a', '1'],
      ['x-b', '2'],
    ]);
  });

  it('leaves a list that already starts with them as it is, and one without them unchanged', () => {
    const entries: [string, string][] = [
      ['server', 's'],
      ['date', 'd'],
      ['x-a', '1'],
    ];
    const list = new HeaderList(entries);
    const before = list.entries;
    list.moveToFront(['server', 'date']);
    expect(list.entries).toBe(before);
    const other = new HeaderList([
      ['x-a', '1'],
      ['date', 'd'],
    ]);
    other.moveToFront(['server', 'date']);
    expect(other.entries).toEqual([
      ['date', 'd'],
      ['x-a', '1'],
    ]);
    const partial = new HeaderList([
      ['date', 'd'],
      ['server', 's'],
    ]);
    partial.moveToFront(['server', 'date']);
    expect(partial.entries).toEqual([
      ['server', 's'],
      ['date', 'd'],
    ]);
  });
});

describe('HeaderList.lowercased', () => {
  it('is a new list with lower-case names; the original keeps its case', () => {
    const list = new HeaderList([
      ['Content-Type', 'text/html'],
      ['server', 'envoy'],
    ]);
    const lower = list.lowercased();
    expect(lower.entries).toEqual([
      ['content-type', 'text/html'],
      ['server', 'envoy'],
    ]);
    lower.set('server', 'istio-envoy');
    expect(list.entries).toEqual([
      ['Content-Type', 'text/html'],
      ['server', 'envoy'],
    ]);
  });
});

describe('HeaderList.removeAll', () => {
  it('removes every header of the named ones in one pass, whatever their case, keeping the rest in order', () => {
    const list = new HeaderList([
      ['Connection', 'keep-alive'],
      ['x-a', '1'],
      ['upgrade', 'h2c'],
      ['x-b', '2'],
      ['connection', 'close'],
    ]);
    list.removeAll(['connection', 'upgrade']);
    expect(list.entries).toEqual([
      ['x-a', '1'],
      ['x-b', '2'],
    ]);
  });

  it('leaves the list itself in place when none is there', () => {
    const list = new HeaderList([['x-a', '1']]);
    const before = list.entries;
    list.removeAll(['connection']);
    expect(list.entries).toBe(before);
  });

  it('moves a second occurrence of a named header to the front too', () => {
    const list = new HeaderList([
      ['server', 's'],
      ['x-a', '1'],
      ['Server', 't'],
    ]);
    list.moveToFront(['server']);
    expect(list.entries).toEqual([
      ['server', 's'],
      ['Server', 't'],
      ['x-a', '1'],
    ]);
  });
});

describe('splitAuthority', () => {
  it('splits host and port, the host in lower case, and gives the same parts for the same authority again', () => {
    expect(splitAuthority('Reviews.Default:9080')).toEqual({ host: 'reviews.default', port: 9080 });
    expect(splitAuthority('Reviews.Default:9080')).toEqual({ host: 'reviews.default', port: 9080 });
    expect(splitAuthority(' httpbin.org ')).toEqual({ host: 'httpbin.org', port: undefined });
    expect(splitAuthority('[fd00::1]:80')).toEqual({ host: '[fd00::1]', port: 80 });
  });
});

describe('HeaderList.setPair', () => {
  it('puts the pair itself where set would add it or replace a header spelt the same, else does what set does', () => {
    const pair: [string, string] = ['x-envoy-attempt-count', '1'];
    const added = new HeaderList([['a', '1']]);
    added.setPair(pair);
    expect(added.entries[1]).toBe(pair);
    const replaced = new HeaderList([
      ['x-envoy-attempt-count', '3'],
      ['b', '2'],
      ['x-envoy-attempt-count', '4'],
    ]);
    replaced.setPair(pair);
    expect(replaced.entries).toEqual([pair, ['b', '2']]);
    expect(replaced.entries[0]).toBe(pair);
    const spelt = new HeaderList([['X-Envoy-Attempt-Count', '3']]);
    spelt.setPair(pair);
    expect(spelt.entries).toEqual([['X-Envoy-Attempt-Count', '1']]);
    expect(pair).toEqual(['x-envoy-attempt-count', '1']);
  });
});
