/**
 * The part of tcpdump's filter language (pcap-filter) captures in the labs use: `[src|dst] host ADDR`,
 * `[src|dst] port N`, `tcp`, `ip`, `udp`, joined with `and`/`&&`, `or`/`||`, `not`/`!` and parentheses
 * (`and` and `or` bind alike, left to right, as in pcap).
 */
import type { CapturedSegment } from '../../types.ts';

/** A compiled filter. */
export type Filter = (segment: CapturedSegment) => boolean;

/** A filter tcpdump cannot compile: `tcpdump: <message>`. */
export class FilterError extends Error {}

const IPV4 = /^\d{1,3}(\.\d{1,3}){3}$/;

/** Compiles `words` (the arguments after the options) into a filter; no words captures everything. */
export function compileFilter(words: string[]): Filter {
  const tokens = words
    .join(' ')
    .replace(/([()])/g, ' $1 ')
    .split(/\s+/)
    .filter(Boolean);
  if (tokens.length === 0) return () => true;
  let at = 0;
  const peek = () => tokens[at];
  const take = () => tokens[at++];
  const syntax = () => new FilterError("can't parse filter expression: syntax error");

  const primitive = (): Filter => {
    let direction: 'src' | 'dst' | undefined;
    if (peek() === 'src' || peek() === 'dst') direction = take() as 'src' | 'dst';
    const word = take();
    if (word === undefined) throw syntax();
    if (word === 'tcp' || word === 'ip') return () => true;
    if (word === 'udp' || word === 'icmp' || word === 'arp') return () => false;
    const value = word === 'host' || word === 'port' ? take() : word;
    const kind = word === 'port' ? 'port' : 'host';
    if (value === undefined) throw syntax();
    if (kind === 'host' && !IPV4.test(value))
      throw new FilterError(`can't parse filter expression: unknown host '${value}'`);
    if (kind === 'port' && !/^\d+$/.test(value))
      throw new FilterError(`can't parse filter expression: unknown port '${value}'`);
    const test = (a: { ip: string; port: number }) => (kind === 'host' ? a.ip === value : a.port === Number(value));
    if (direction === 'src') return (s) => test(s.src);
    if (direction === 'dst') return (s) => test(s.dst);
    return (s) => test(s.src) || test(s.dst);
  };

  const term = (): Filter => {
    const word = peek();
    if (word === 'not' || word === '!') {
      take();
      const inner = term();
      return (s) => !inner(s);
    }
    if (word === '(') {
      take();
      const inner = expression();
      if (take() !== ')') throw syntax();
      return inner;
    }
    return primitive();
  };

  const expression = (): Filter => {
    let left = term();
    for (;;) {
      const op = peek();
      if (op === 'and' || op === '&&') {
        take();
        const l = left;
        const r = term();
        left = (s) => l(s) && r(s);
      } else if (op === 'or' || op === '||') {
        take();
        const l = left;
        const r = term();
        left = (s) => l(s) || r(s);
      } else return left;
    }
  };

  const filter = expression();
  if (at !== tokens.length) throw syntax();
  return filter;
}
