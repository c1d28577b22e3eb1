/** tcpdump's filter expressions: hosts, ports, directions, and/or/not, parentheses, and what it cannot parse. */
import { describe, expect, it } from 'vitest';
import { compileFilter, FilterError } from './tcpdumpFilter.ts';

const seg = (src: string, sport: number, dst: string, dport: number) => ({
  atMs: 0,
  src: { ip: src, port: sport },
  dst: { ip: dst, port: dport },
  payload: '',
  encrypted: false,
});
const a = seg('10.0.0.1', 40000, '10.0.0.2', 80);
const b = seg('10.0.0.2', 80, '10.0.0.1', 40000);
const c = seg('10.0.0.1', 40001, '10.0.0.3', 8080);

describe('tcpdump filters', () => {
  it.each([
    ['', [true, true, true]],
    ['host 10.0.0.2', [true, true, false]],
    ['dst host 10.0.0.2', [true, false, false]],
    ['src 10.0.0.2', [false, true, false]],
    ['port 8080', [false, false, true]],
    ['host 10.0.0.2 or host 10.0.0.3', [true, true, true]],
    ['host 10.0.0.1 and not port 80', [false, false, true]],
    ['tcp and (dst port 80 || dst port 8080)', [true, false, true]],
    ['! src host 10.0.0.1', [false, true, false]],
  ])('%j', (expression, expected) => {
    const filter = compileFilter(expression ? expression.split(' ') : []);
    expect([a, b, c].map(filter)).toEqual(expected);
  });

  it.each([
    ['host', "can't parse filter expression: syntax error"],
    ['host 10.0.0.1 and', "can't parse filter expression: syntax error"],
    ['( host 10.0.0.1', "can't parse filter expression: syntax error"],
    ['host httpbin', "can't parse filter expression: unknown host 'httpbin'"],
    ['port http-ish', "can't parse filter expression: unknown port 'http-ish'"],
  ])('%j is refused', (expression, message) => {
    expect(() => compileFilter(expression.split(' '))).toThrow(new FilterError(message));
  });
});
