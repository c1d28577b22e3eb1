/**
 * Bookinfo's product page (Python, Flask under gunicorn, image 1.20.x): calls details and reviews from its own pod,
 * through its sidecar, so the mesh's routing for reviews decides which version's stars appear. Tries reviews twice,
 * 3 s client timeouts; logs nothing per request (INFO level, no access log), only gunicorn's start-up lines.
 */
import type { SimHttpResponse } from '../../types.ts';
import { envValue } from '../../mesh/objects.ts';
import type { AppContext, AppRequest, AppResponse, SimApp } from '../types.ts';
import { pythonJson } from '../json.ts';
import { header } from '../httpbin/endpoints.ts';
import { gunicornStartup } from '../httpbin/gunicorn.ts';
import { BOOK, forwardedHeaders } from './propagation.ts';
import {
  renderIndexPage,
  renderProductPage,
  type Details,
  type ProductPageModel,
  type Review,
} from './productpageHtml.ts';
import { serviceTable } from './serviceTable.ts';
import { staticFile } from './staticFiles.ts';
import { frozenAnswer } from '../prepared.ts';

const CLIENT_TIMEOUT_MS = 3_000;

/** Entries the memos below keep at most (a flood of distinct answers starts them afresh). */
const MAX_MEMO = 256;
/** Longer answers are not kept (the memos must not hold a learner's megabytes). */
const MEMO_UP_TO_CHARS = 65_536;

function userOf(request: AppRequest): string {
  const cookie = header(request, 'cookie') ?? '';
  return /(?:^|;\s*)user=([^;]*)/.exec(cookie)?.[1] ?? '';
}

function outgoingHeaders(request: AppRequest): [string, string][] {
  const headers = forwardedHeaders(request).filter((pair) => pair[0].toLowerCase() !== 'cookie');
  const user = userOf(request);
  if (user) headers.push(['end-user', user]);
  return headers;
}

/** `http://{NAME}_HOSTNAME{.SERVICES_DOMAIN}:{NAME}_SERVICE_PORT`, as productpage.py builds its backends' URLs. */
function serviceUrl(ctx: AppContext, service: string): string {
  // Read from the container's env once per container object (a new pod spec is a new object).
  let urls = serviceUrls.get(ctx.container);
  if (!urls) serviceUrls.set(ctx.container, (urls = new Map()));
  let url = urls.get(service);
  if (url === undefined) urls.set(service, (url = readServiceUrl(ctx, service)));
  return url;
}

/** Backends' base URLs by container and service name. */
const serviceUrls = new WeakMap<object, Map<string, string>>();

function readServiceUrl(ctx: AppContext, service: string): string {
  const domain = envValue(ctx.container, 'SERVICES_DOMAIN');
  const host = envValue(ctx.container, `${service.toUpperCase()}_HOSTNAME`) ?? service;
  const port = envValue(ctx.container, `${service.toUpperCase()}_SERVICE_PORT`) ?? '9080';
  return `http://${host}${domain ? `.${domain}` : ''}:${port}`;
}

async function get(
  ctx: AppContext,
  service: string,
  path: string,
  headers: [string, string][],
): Promise<SimHttpResponse> {
  return ctx.call({ url: `${serviceUrl(ctx, service)}${path}`, headers, timeoutMs: CLIENT_TIMEOUT_MS }, ctx.signal);
}

/** A backend's answer as productpage keeps it: its status (500 when there was none) and its JSON, or the error. */
interface Fetched {
  status: number;
  json: unknown;
  ok: boolean;
  /** What the answer was made from (the body that parsed, or the error), for the page memo. */
  source: string;
}

/** Bodies' parsed JSON: a backend gives the same few answers again and again. Read-only once made. */
const parsedBodies = new Map<string, unknown>();

/** `JSON.parse(body)`, kept per body text; throws as JSON.parse does. */
function parseJson(body: string): unknown {
  if (body.length > MEMO_UP_TO_CHARS) return JSON.parse(body) as unknown;
  if (parsedBodies.has(body)) return parsedBodies.get(body);
  const json = JSON.parse(body) as unknown;
  // Bodies echo what requests carry: a flood of distinct ones starts the memo afresh.
  if (parsedBodies.size >= MAX_MEMO) parsedBodies.clear();
  parsedBodies.set(body, json);
  return json;
}

async function fetchJson(
  ctx: AppContext,
  service: 'details' | 'reviews' | 'ratings',
  id: string,
  headers: [string, string][],
  attempts = 1,
): Promise<Fetched> {
  let last: SimHttpResponse | undefined;
  for (let attempt = 0; attempt < attempts; attempt++) {
    last = await get(ctx, service, `/${service}/${id}`, headers);
    if (!last.error && last.status === 200) {
      try {
        return { status: 200, json: parseJson(last.body), ok: true, source: last.body };
      } catch {
        // requests' res.json() raises: productpage answers 500 (the sim shows the error text instead).
        break;
      }
    }
  }
  const status = last && !last.error && last.status ? last.status : 500;
  const error = `Sorry, product ${service} are currently unavailable for this book.`;
  return { status, json: { error }, ok: false, source: `\u0000${error}` };
}

// The awaits below are as many as the page's calls always took: concurrent requests interleave by them, and the
// recorded traffic (traffic.golden.test.ts) depends on that order.
async function fetchDetails(ctx: AppContext, headers: [string, string][]): Promise<Fetched> {
  return await fetchJson(ctx, 'details', '0', headers);
}

async function fetchReviews(ctx: AppContext, headers: [string, string][]): Promise<Fetched> {
  // productpage.py tries twice on purpose (a "bug" kept for the fault-injection task).
  return await fetchJson(ctx, 'reviews', '0', headers, 2);
}

function detailsOf(res: Fetched): ProductPageModel['details'] {
  return res.ok
    ? { ok: true, details: res.json as Details }
    : { ok: false, error: (res.json as { error: string }).error };
}

function reviewsOf(res: Fetched): ProductPageModel['reviews'] {
  if (!res.ok) return { ok: false, error: (res.json as { error: string }).error };
  const body = res.json as { reviews?: Review[]; podname?: string; clustername?: string };
  return { ok: true, reviews: body.reviews ?? [], podname: body.podname, clustername: body.clustername };
}

/**
 * Pages by what they are rendered from (the user, and the details' and reviews' answers): the page is a function of
 * those, and a check asks for it hundreds of times with the same few answers. Read-only once made.
 */
const pages = new Map<string, Map<string, Map<string, AppResponse>>>();
let pagesKept = 0;

function productPage(user: string, details: Fetched, reviews: Fetched): AppResponse {
  if (user.length + details.source.length + reviews.source.length > MEMO_UP_TO_CHARS)
    return html(200, renderProductPage({ user, details: detailsOf(details), reviews: reviewsOf(reviews) }));
  // Nested by each input rather than one key joined from them: the backends' bodies are the same strings again
  // (prepared answers), whose hashes are kept, while a joined key would be a new kilobyte string to hash each time.
  let byDetails = pages.get(user);
  if (!byDetails) pages.set(user, (byDetails = new Map()));
  let byReviews = byDetails.get(details.source);
  if (!byReviews) byDetails.set(details.source, (byReviews = new Map()));
  let page = byReviews.get(reviews.source);
  if (!page) {
    // Shared by every request that gets it: frozen, so that nothing can change one learner's copy for another.
    page = frozenAnswer(
      html(200, renderProductPage({ user, details: detailsOf(details), reviews: reviewsOf(reviews) })),
    );
    if (pagesKept >= MAX_MEMO) {
      pages.clear();
      pagesKept = 0;
      pages.set(user, byDetails);
      byDetails.clear();
      byDetails.set(details.source, byReviews);
      byReviews.clear();
    }
    byReviews.set(reviews.source, page);
    pagesKept++;
  }
  return page;
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
  const body = pythonJson(value);
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

const NOT_FOUND =
  '<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL ' +
  'was not found on the server. If you entered the URL manually please check your spelling and try again.</p>\n';

/** The productpage app of `examples-bookinfo-productpage-v1`. */
export const productpageApp: SimApp = {
  listenPorts: () => [9080],
  startupLog: (container, at) => gunicornStartup(container, at, '[::]:9080'),
  async handle(request, ctx) {
    const headers = outgoingHeaders(request);
    const method = request.method.toUpperCase();
    if (request.path === '/' || request.path === '/index.html') return html(200, renderIndexPage(serviceTable(ctx)));
    if (request.path === '/health') return html(200, 'Product page is healthy');
    if (request.path.startsWith('/static/')) return staticFile(request.path) ?? html(404, NOT_FOUND);
    if (request.path === '/productpage') {
      const details = await fetchDetails(ctx, headers);
      const reviews = await fetchReviews(ctx, headers);
      // front() renders the page whatever its backends answered: a failed reviews call shows the "Sorry, ..."
      // text in a 200 page, never the backend's status.
      return productPage(userOf(request), details, reviews);
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
      return jsonResponse(200, [{ id: 0, title: 'The Comedy of Errors', descriptionHtml: BOOK.descriptionHtml }]);
    }
    const api = /^\/api\/v1\/products\/([^/]+)(?:\/(reviews|ratings))?$/.exec(request.path);
    if (api) {
      const service = api[2] === 'ratings' ? 'ratings' : api[2] === 'reviews' ? 'reviews' : 'details';
      const res = await fetchJson(ctx, service, api[1], headers);
      return jsonResponse(res.status, res.json);
    }
    return html(404, NOT_FOUND);
  },
};
