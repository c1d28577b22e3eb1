/**
 * Bookinfo's ratings service (Node.js, httpdispatcher): 5 and 4 stars for any numeric product id, `GET <url>` in its
 * log for every request; paths it has no route for get httpdispatcher's empty 404.
 */
import type { SimApp } from '../types.ts';
import { compactJson } from '../json.ts';
import { RATINGS } from './propagation.ts';

/** The ratings app of `examples-bookinfo-ratings-v1`. */
export const ratingsApp: SimApp = {
  listenPorts: () => [9080],
  startupLog: () => ['Server listening on: http://0.0.0.0:9080'],
  async handle(request, ctx) {
    const target = `${request.path}${request.query ? `?${request.query}` : ''}`;
    ctx.log(`${request.method.toUpperCase()} ${target}`);
    const headers = (body: string): [string, string][] => [
      ['Content-type', 'application/json'],
      ['Content-Length', String(Buffer.byteLength(body))],
    ];
    const method = request.method.toUpperCase();
    if (method === 'GET' && request.path === '/health') {
      const body = compactJson({ status: 'Ratings is healthy' });
      return { status: 200, headers: headers(body), body };
    }
    // ratings.js matches /^\/ratings\/[0-9]*/ and parses the last segment with parseInt.
    if (method === 'GET' && /^\/ratings\/[0-9]*/.test(request.path)) {
      const id = Number.parseInt(request.path.split('/').pop() ?? '', 10);
      const body = Number.isNaN(id)
        ? compactJson({ error: 'please provide numeric product ID' })
        : compactJson({ id, ratings: RATINGS });
      return { status: Number.isNaN(id) ? 400 : 200, headers: headers(body), body };
    }
    return { status: 404, headers: [['Content-Length', '0']], body: '' };
  },
};
