/** Bookinfo's ratings service (Node.js): 5 and 4 stars for product 0. */
import type { SimApp } from '../types.ts';
import { compactJson } from '../json.ts';
import { RATINGS } from './propagation.ts';

/** The ratings app of `examples-bookinfo-ratings-v1`. */
export const ratingsApp: SimApp = {
  listenPorts: () => [9080],
  async handle(request) {
    const m = /^\/ratings\/(\d+)$/.exec(request.path);
    let status = 200;
    let body: string;
    if (request.path === '/health') body = compactJson({ status: 'Ratings is healthy' });
    else if (m) body = compactJson({ id: Number(m[1]), ratings: RATINGS });
    else {
      status = 400;
      body = compactJson({ error: 'please consult API documentation' });
    }
    return {
      status,
      headers: [
        ['Content-type', 'application/json'],
        ['Content-Length', String(Buffer.byteLength(body))],
      ],
      body,
    };
  },
};
