/**
 * Bookinfo's ratings service (Node.js, httpdispatcher): 5 and 4 stars for any numeric product id, `GET <url>` in its
 * log for every request; paths it has no route for get httpdispatcher's empty 404.
 */
import type { SimApp } from '../types.ts';
import { compactJson } from '../json.ts';
import { RATINGS } from './propagation.ts';
import { frozenAnswer, Prepared } from '../prepared.ts';
import type { AppResponse } from '../types.ts';

/** Answers by what they depend on (the id parsed from the path): made once, shared (frozen). */
const answers = new Prepared<AppResponse>();

function json(status: number, body: string): AppResponse {
  return frozenAnswer({
    status,
    headers: [
      ['Content-type', 'application/json'],
      ['Content-Length', String(Buffer.byteLength(body))],
    ],
    body,
  });
}

/** The ratings app of `examples-bookinfo-ratings-v1`. */
export const ratingsApp: SimApp = {
  listenPorts: () => [9080],
  startupLog: () => ['Server listening on: http://0.0.0.0:9080'],
  async handle(request, ctx) {
    const target = `${request.path}${request.query ? `?${request.query}` : ''}`;
    ctx.log(`${request.method.toUpperCase()} ${target}`);
    const method = request.method.toUpperCase();
    if (method === 'GET' && request.path === '/health')
      return answers.get('health', () => json(200, compactJson({ status: 'Ratings is healthy' })));
    // ratings.js matches /^\/ratings\/[0-9]*/ and parses the last segment with parseInt.
    if (method === 'GET' && /^\/ratings\/[0-9]*/.test(request.path)) {
      const id = Number.parseInt(request.path.split('/').pop() ?? '', 10);
      if (Number.isNaN(id))
        return answers.get('bad id', () => json(400, compactJson({ error: 'please provide numeric product ID' })));
      return answers.get(String(id), () => json(200, compactJson({ id, ratings: RATINGS })));
    }
    return { status: 404, headers: [['Content-Length', '0']], body: '' };
  },
};
