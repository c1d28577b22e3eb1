/** Bookinfo's details service (Ruby WEBrick): book details as JSON, WEBrick's access log. */
import type { SimApp } from '../types.ts';
import { compactJson } from '../json.ts';
import { header } from '../httpbin/endpoints.ts';

function webrickTime(ms: number): string {
  const d = new Date(ms);
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCDate())}/${months[d.getUTCMonth()]}/${d.getUTCFullYear()}:${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} UTC`;
}

/** The details app of `examples-bookinfo-details-v1`. */
export const detailsApp: SimApp = {
  listenPorts: () => [9080],
  async handle(request, ctx) {
    const m = /^\/details\/(\d+)$/.exec(request.path);
    let status = 200;
    let body: string;
    if (request.path === '/health') body = compactJson({ status: 'Details is healthy' });
    else if (m) {
      body = compactJson({
        id: Number(m[1]),
        author: 'William Shakespeare',
        year: 1595,
        type: 'paperback',
        pages: 200,
        publisher: 'PublisherA',
        language: 'English',
        'ISBN-10': '1234567890',
        'ISBN-13': '123-1234567890',
      });
    } else {
      status = 404;
      body = compactJson({ error: 'please consult API documentation' });
    }
    ctx.log(
      `${request.peerIp} - - [${webrickTime(ctx.clock.now())}] "${request.method} ${request.path} ${request.protocol}" ${status} ${Buffer.byteLength(body)}`,
    );
    ctx.log(`${header(request, 'referer') ?? '-'} -> ${request.path}`);
    return {
      status,
      headers: [
        ['Content-Type', 'application/json'],
        ['Server', 'WEBrick/1.8.1 (Ruby/3.3.5/2024-09-03)'],
        ['Content-Length', String(Buffer.byteLength(body))],
      ],
      body,
    };
  },
};
