/**
 * Bookinfo's product page (Python, gunicorn): calls details and reviews from its own pod, through its sidecar, so
 * the mesh's routing for reviews decides which version's stars appear. Retries reviews once, 3 s client timeouts.
 */
import type { SimHttpResponse } from '../../types.ts';
import { envValue } from '../../mesh/objects.ts';
import type { AppContext, AppRequest, AppResponse, SimApp } from '../types.ts';
import { compactJson } from '../json.ts';
import { header } from '../httpbin/endpoints.ts';
import { forwardedHeaders } from './propagation.ts';
import { renderProductPage, type Details, type ProductPageModel, type Review } from './productpageHtml.ts';

const CLIENT_TIMEOUT_MS = 3_000;

function userOf(request: AppRequest): string {
  const cookie = header(request, 'cookie') ?? '';
  return /(?:^|;\s*)user=([^;]*)/.exec(cookie)?.[1] ?? '';
}

function outgoingHeaders(request: AppRequest): [string, string][] {
  const headers = forwardedHeaders(request).filter(([k]) => k.toLowerCase() !== 'cookie');
  const user = userOf(request);
  if (user) headers.push(['end-user', user]);
  return headers;
}

async function get(
  ctx: AppContext,
  service: string,
  path: string,
  headers: [string, string][],
): Promise<SimHttpResponse> {
  const domain = envValue(ctx.container, 'SERVICES_DOMAIN');
  const host = envValue(ctx.container, `${service.toUpperCase()}_HOSTNAME`) ?? service;
  const url = `http://${host}${domain ? `.${domain}` : ''}:9080${path}`;
  const res = await ctx.call({ url, headers, timeoutMs: CLIENT_TIMEOUT_MS }, ctx.signal);
  const target = `http://${host}${domain ? `.${domain}` : ''}:9080`;
  ctx.log(`DEBUG:urllib3.connectionpool:Starting new HTTP connection (1): ${host}:9080`);
  if (!res.error)
    ctx.log(
      `DEBUG:urllib3.connectionpool:${target} "GET ${path} HTTP/1.1" ${res.status} ${Buffer.byteLength(res.body)}`,
    );
  return res;
}

async function fetchDetails(ctx: AppContext, headers: [string, string][]): Promise<ProductPageModel['details']> {
  const res = await get(ctx, 'details', '/details/0', headers);
  if (!res.error && res.status === 200) {
    try {
      return { ok: true, details: JSON.parse(res.body) as Details };
    } catch {
      /* fall through to the error text */
    }
  }
  return { ok: false, error: 'Sorry, product details are currently unavailable for this book.' };
}

async function fetchReviews(
  ctx: AppContext,
  headers: [string, string][],
): Promise<{ status: number; model: ProductPageModel['reviews'] }> {
  let last: SimHttpResponse | undefined;
  // productpage.py tries twice on purpose (a "bug" kept for the fault-injection task).
  for (let attempt = 0; attempt < 2; attempt++) {
    last = await get(ctx, 'reviews', '/reviews/0', headers);
    if (!last.error && last.status === 200) {
      try {
        const parsed = JSON.parse(last.body) as { reviews: Review[]; podname?: string };
        return { status: 200, model: { ok: true, reviews: parsed.reviews, podname: parsed.podname } };
      } catch {
        break;
      }
    }
  }
  const status = last && !last.error && last.status ? last.status : 500;
  return { status, model: { ok: false, error: 'Sorry, product reviews are currently unavailable for this book.' } };
}

function html(status: number, body: string): AppResponse {
  return {
    status,
    headers: [
      ['Server', 'gunicorn'],
      ['Content-Type', 'text/html; charset=utf-8'],
      ['Content-Length', String(Buffer.byteLength(body))],
    ],
    body,
  };
}

function jsonResponse(status: number, value: unknown): AppResponse {
  const body = compactJson(value);
  return {
    status,
    headers: [
      ['Server', 'gunicorn'],
      ['Content-Type', 'application/json'],
      ['Content-Length', String(Buffer.byteLength(body))],
    ],
    body,
  };
}

const INDEX = `<!DOCTYPE html>
<html>
  <head>
    <title>Simple Bookstore App</title>
  </head>
  <body>
<div class="container">
  <h3>Hello! This is a simple bookstore application consisting of three services as shown below</h3>
  <p>Click on one of the links below to auto generate a request to the backend as a real user or a tester</p>
  <p><a href="/productpage?u=normal">Normal user</a></p>
  <p><a href="/productpage?u=test">Test user</a></p>
</div>
  </body>
</html>
`;

/** The productpage app of `examples-bookinfo-productpage-v1`. */
export const productpageApp: SimApp = {
  listenPorts: () => [9080],
  async handle(request, ctx) {
    const headers = outgoingHeaders(request);
    const method = request.method.toUpperCase();
    if (request.path === '/' || request.path === '/index.html') return html(200, INDEX);
    if (request.path === '/health') return html(200, 'Product page is healthy');
    if (request.path === '/productpage') {
      const details = await fetchDetails(ctx, headers);
      const reviews = await fetchReviews(ctx, headers);
      const page = renderProductPage({ user: userOf(request), details, reviews: reviews.model });
      // Bookinfo's front() renders the page whatever its backends answered: a failed reviews call
      // shows the "Sorry, ..." text in a 200 page, never the backend's status.
      return html(200, page);
    }
    if (request.path === '/login' && method === 'POST') {
      const user = /(?:^|&)username=([^&]*)/.exec(request.body)?.[1] ?? '';
      return {
        status: 302,
        headers: [
          ['Server', 'gunicorn'],
          ['Location', '/productpage'],
          ['Set-Cookie', `user=${decodeURIComponent(user)}; Path=/`],
          ['Content-Length', '0'],
        ],
        body: '',
      };
    }
    if (request.path === '/logout') {
      return {
        status: 302,
        headers: [
          ['Server', 'gunicorn'],
          ['Location', '/productpage'],
          ['Set-Cookie', 'user=; Expires=Thu, 01 Jan 1970 00:00:00 GMT; Path=/'],
          ['Content-Length', '0'],
        ],
        body: '',
      };
    }
    if (request.path === '/api/v1/products') {
      return jsonResponse(200, [{ id: 0, title: 'The Comedy of Errors', descriptionHtml: 'The Comedy of Errors' }]);
    }
    const api = /^\/api\/v1\/products\/(\d+)(?:\/(reviews|ratings))?$/.exec(request.path);
    if (api) {
      const res = await get(
        ctx,
        api[2] === 'ratings' ? 'ratings' : api[2] === 'reviews' ? 'reviews' : 'details',
        `/${api[2] ?? 'details'}/${api[1]}`,
        headers,
      );
      if (res.error)
        return jsonResponse(503, {
          error: `Sorry, product ${api[2] ?? 'details'} are currently unavailable for this book.`,
        });
      return {
        status: res.status,
        headers: [
          ['Server', 'gunicorn'],
          ['Content-Type', 'application/json'],
          ['Content-Length', String(Buffer.byteLength(res.body))],
        ],
        body: res.body,
      };
    }
    return html(
      404,
      '<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>\n',
    );
  },
};
