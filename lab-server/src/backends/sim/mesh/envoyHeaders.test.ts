/** The headers an Envoy stamps on a response it sends downstream. */
import { describe, expect, it } from 'vitest';
import { downstreamHeaders, HOP_BY_HOP } from './envoyHeaders.ts';
import { HeaderList } from './wire.ts';

/** The same stamping as the list's own steps, one after another (what every proxy did before one pass did it). */
function stepByStep(entries: [string, string][], server: string, serviceTime: string | undefined): [string, string][] {
  const list = new HeaderList(entries).lowercased();
  list.removeAll(HOP_BY_HOP);
  list.set('server', server);
  list.remove('x-envoy-upstream-service-time');
  if (serviceTime !== undefined) list.add('x-envoy-upstream-service-time', serviceTime);
  list.moveToFront(['server', 'date']);
  return list.entries;
}

const lists: [string, string][][] = [
  [],
  [
    ['Content-Type', 'text/html'],
    ['Content-Length', '12'],
    ['Date', 'Mon'],
  ],
  [
    ['server', 'istio-envoy'],
    ['date', 'Mon'],
    ['content-type', 'application/json'],
    ['x-envoy-upstream-service-time', '7'],
  ],
  [
    ['Connection', 'keep-alive'],
    ['X-A', '1'],
    ['Server', 'gunicorn'],
    ['date', 'one'],
    ['Transfer-Encoding', 'chunked'],
    ['SERVER', 'again'],
    ['Date', 'two'],
    ['X-Envoy-Upstream-Service-Time', '3'],
    ['x-b', '2'],
    ['Keep-Alive', 'timeout=5'],
    ['upgrade', 'h2c'],
    ['proxy-connection', 'close'],
  ],
];

describe('downstreamHeaders', () => {
  for (const [i, entries] of lists.entries())
    for (const serviceTime of ['12', undefined])
      it(`gives what the steps one by one give (list ${i}, service time ${serviceTime ?? 'none'})`, () => {
        expect(downstreamHeaders(new HeaderList(entries), 'envoy', serviceTime).entries).toEqual(
          stepByStep(entries, 'envoy', serviceTime),
        );
      });

  it('puts server, then every date, first, and the upstream time last', () => {
    const out = downstreamHeaders(new HeaderList(lists[3]), 'istio-envoy', '5').entries;
    expect(out).toEqual([
      ['server', 'istio-envoy'],
      ['date', 'one'],
      ['date', 'two'],
      ['x-a', '1'],
      ['x-b', '2'],
      ['x-envoy-upstream-service-time', '5'],
    ]);
  });

  it('leaves the given list as it was', () => {
    const entries: [string, string][] = [
      ['Date', 'd'],
      ['Connection', 'close'],
    ];
    const list = new HeaderList(entries);
    downstreamHeaders(list, 'envoy', '1');
    expect(list.entries).toEqual(entries);
  });
});
