/**
 * Bookinfo's details service (Ruby WEBrick, image 1.20.x: Ruby 3.4.3, WEBrick 1.8.2): book details as JSON under
 * `/details/<id>`, WEBrick's own 404 page elsewhere, WEBrick's access and referer log lines.
 */
import type { SimApp } from '../types.ts';
import { compactJson } from '../json.ts';
import { header } from '../httpbin/endpoints.ts';
import { frozenAnswer, Prepared } from '../prepared.ts';
import type { AppResponse } from '../types.ts';

const SERVER = 'WEBrick/1.8.2 (Ruby/3.4.3/2025-04-14)';

function p(n: number): string {
  return String(n).padStart(2, '0');
}

/** The last access-log time made: the lines of a busy second share it. */
const lastTime = { second: Number.NaN, text: '' };

function webrickTime(ms: number): string {
  const second = Math.floor(ms / 1000);
  if (second !== lastTime.second) {
    lastTime.second = second;
    lastTime.text = formatWebrickTime(ms);
  }
  return lastTime.text;
}

function formatWebrickTime(ms: number): string {
  const d = new Date(ms);
  const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  return (
    `${p(d.getUTCDate())}/${months[d.getUTCMonth()]}/${d.getUTCFullYear()}:` +
    `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} UTC`
  );
}

function webrickLogTime(ms: number): string {
  const d = new Date(ms);
  return (
    `${d.getUTCFullYear()}-${p(d.getUTCMonth() + 1)}-${p(d.getUTCDate())} ` +
    `${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`
  );
}

/** The book's JSON by the id as the path spells it, and whole answers by status, type and body. */
const bookBodies = new Prepared<string>();
const answers = new Prepared<AppResponse>();

/** What WEBrick answers for a path nothing is mounted on. */
function notFoundPage(path: string, host: string): string {
  const escaped = path.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  return `<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN">
<HTML>
  <HEAD><TITLE>Not Found</TITLE></HEAD>
  <BODY>
    <H1>Not Found</H1>
    \`${escaped}' not found.
    <HR>
    <ADDRESS>
     ${SERVER} at
     ${host}
    </ADDRESS>
  </BODY>
</HTML>
`;
}

/** The details app of `examples-bookinfo-details-v1`. */
export const detailsApp: SimApp = {
  listenPorts: () => [9080],
  startupLog: (_container, at) => [
    `[${webrickLogTime(at)}] INFO  WEBrick 1.8.2`,
    `[${webrickLogTime(at)}] INFO  ruby 3.4.3 (2025-04-14) [x86_64-linux]`,
    `[${webrickLogTime(at)}] INFO  WEBrick::HTTPServer#start: pid=1 port=9080`,
  ],
  async handle(request, ctx) {
    let status = 200;
    let body: string;
    let contentType = 'application/json';
    // WEBrick mounts /health and /details as prefixes; details.rb reads the last path segment as the id.
    if (request.path === '/health' || request.path.startsWith('/health/'))
      body = compactJson({ status: 'Details is healthy' });
    else if (request.path === '/details' || request.path.startsWith('/details/')) {
      const last = request.path.split('/').filter(Boolean).pop() ?? '';
      if (/^[+-]?\d+$/.test(last)) {
        body = bookBodies.get(last, () =>
          compactJson({
            id: Number(last),
            author: 'William Shakespeare',
            year: 1595,
            type: 'paperback',
            pages: 200,
            publisher: 'PublisherA',
            language: 'English',
            'ISBN-10': '1234567890',
            'ISBN-13': '123-1234567890',
          }),
        );
      } else {
        status = 400;
        body = compactJson({ error: 'please provide numeric product id' });
      }
    } else {
      status = 404;
      contentType = 'text/html; charset=ISO-8859-1';
      body = notFoundPage(request.path, header(request, 'host') ?? 'details:9080');
    }
    const answer = answers.get(`${status} ${contentType}\u0000${body}`, () =>
      frozenAnswer({
        status,
        headers: [
          ['Content-Type', contentType],
          ['Server', SERVER],
          ['Content-Length', String(Buffer.byteLength(body))],
        ],
        body,
      }),
    );
    ctx.log(
      `${request.peerIp} - - [${webrickTime(ctx.clock.now())}] "${request.method} ` +
        `${request.path} ${request.protocol}" ${status} ${answer.headers[2]![1]}`,
    );
    ctx.log(`${header(request, 'referer') ?? '-'} -> ${request.path}`);
    return answer;
  },
};
