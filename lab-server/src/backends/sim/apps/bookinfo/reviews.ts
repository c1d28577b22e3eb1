/**
 * Bookinfo's reviews service (Open Liberty). v1 does not call ratings; v2 (black stars) and v3 (red stars) call
 * `ratings:9080` from their own pod, through its sidecar, with the version's client timeout (10 s / 2.5 s).
 */
import { envValue } from '../../mesh/objects.ts';
import type { ContainerSpec } from '../../mesh/objects.ts';
import type { AppResponse, SimApp } from '../types.ts';
import { frozenAnswer, Prepared } from '../prepared.ts';
import { forwardedHeaders, REVIEWS } from './propagation.ts';

/** How a reviews container behaves, from its env (as the image sets it) or its image tag's version. */
export function reviewsSettings(container: ContainerSpec): { ratings: boolean; color: string } {
  const version = /reviews-(v\d+)/.exec(container.image ?? '')?.[1] ?? 'v1';
  const defaults =
    version === 'v1'
      ? { ratings: false, color: 'black' }
      : version === 'v2'
        ? { ratings: true, color: 'black' }
        : { ratings: true, color: 'red' };
  const enable = envValue(container, 'ENABLE_RATINGS');
  const color = envValue(container, 'STAR_COLOR');
  return { ratings: enable !== undefined ? enable === 'true' : defaults.ratings, color: color ?? defaults.color };
}

/** The reviews app of `examples-bookinfo-reviews-v1|v2|v3`. */
export const reviewsApp: SimApp = {
  listenPorts: () => [9080],
  startupLog: () => [
    'Launching defaultServer (Open Liberty 24.0.0.12/wlp-1.0.96.cl241220241119-0657) on Eclipse OpenJ9 VM, version 17.0.13+11 (en_US)',
    '[AUDIT   ] CWWKE0001I: The server defaultServer has been launched.',
    '[AUDIT   ] CWWKT0016I: Web application available (default_host): http://reviews:9080/',
    '[AUDIT   ] CWWKZ0001I: Application reviews-app started in 1.502 seconds.',
    '[AUDIT   ] CWWKF0011I: The defaultServer server is ready to run a smarter planet. The defaultServer server started in 4.281 seconds.',
  ],
  async handle(request, ctx) {
    const headers: [string, string][] = [
      ['X-Powered-By', 'Servlet/4.0'],
      ['Content-Type', 'application/json'],
      ['Content-Language', 'en-US'],
    ];
    if (request.path === '/health') return { status: 200, headers, body: '{"status": "Reviews is healthy"}' };
    const m = /^\/reviews\/(\d+)$/.exec(request.path);
    if (!m)
      return {
        status: 404,
        headers: [['Content-Type', 'text/html;charset=ISO-8859-1']],
        body: 'Error 404: java.io.FileNotFoundException: SRVE0190E: File not found: ' + request.path,
      };
    const settings = reviewsSettings(ctx.container);
    let ratingsBody: string | undefined;
    if (settings.ratings) {
      const host = envValue(ctx.container, 'RATINGS_HOSTNAME') ?? 'ratings';
      const res = await ctx.call(
        {
          url: `http://${host}:9080/ratings/${m[1]}`,
          headers: forwardedHeaders(request),
          timeoutMs: settings.color === 'black' ? 10_000 : 2_500,
        },
        ctx.signal,
      );
      ratingsBody = !res.error && res.status === 200 ? res.body : undefined;
    }
    const podname = ctx.pod?.metadata.name ?? 'reviews';
    // The answer is a function of these alone (the ratings' stars are read from their body).
    const ratings = ratingsBody === undefined ? '!' : `=${ratingsBody}`;
    const key = `${m[1]}\u0000${podname}\u0000${settings.ratings}\u0000${settings.color}\u0000${ratings}`;
    return answers.get(key, () => frozenAnswer(reviewsAnswer(m[1]!, podname, headers, settings, ratingsBody)));
  },
};

/** Answers by everything they are made from (see `handle`): made once, shared (frozen). */
const answers = new Prepared<AppResponse>();

/**
 * The reviews of product `id` as pod `podname` answers them; `ratingsBody` is what ratings answered (a 200's body),
 * undefined when the call failed, and unused when the version does not call ratings.
 */
function reviewsAnswer(
  id: string,
  podname: string,
  headers: [string, string][],
  settings: { ratings: boolean; color: string },
  ratingsBody: string | undefined,
): AppResponse {
  let stars: Record<string, number> | undefined;
  let ratingsError = false;
  if (settings.ratings) {
    if (ratingsBody !== undefined) {
      try {
        stars = (JSON.parse(ratingsBody) as { ratings?: Record<string, number> }).ratings ?? {};
      } catch {
        ratingsError = true;
      }
    } else ratingsError = true;
  }
  const reviews = REVIEWS.map((r) => {
    const base = `{  "reviewer": "${r.reviewer}",  "text": "${r.text}"`;
    if (!settings.ratings) return `${base}}`;
    if (ratingsError || !stars) return `${base}, "rating": {"error": "Ratings service is currently unavailable"}}`;
    const n = stars[r.reviewer];
    if (typeof n !== 'number' || !Number.isInteger(n))
      return `${base}, "rating": {"error": "Ratings service is currently unavailable"}}`;
    return `${base}, "rating": {"stars": ${n}, "color": "${settings.color}"}}`;
  });
  const body = `{"id": "${id}","podname": "${podname}","clustername": "null","reviews": [${reviews.join(',')}]}`;
  return { status: 200, headers: [...headers, ['Content-Length', String(Buffer.byteLength(body))]], body };
}
