/** The headers Bookinfo's services copy from an incoming request onto their outgoing calls (trace context, user). */
import type { AppRequest } from '../types.ts';

/** Header names (lower case) the Bookinfo services forward, as their sources list them. */
export const FORWARDED_HEADERS = [
  'x-request-id',
  'x-b3-traceid',
  'x-b3-spanid',
  'x-b3-parentspanid',
  'x-b3-sampled',
  'x-b3-flags',
  'b3',
  'x-ot-span-context',
  'traceparent',
  'tracestate',
  'x-cloud-trace-context',
  'grpc-trace-bin',
  'sw8',
  'x-datadog-trace-id',
  'x-datadog-parent-id',
  'x-datadog-sampling-priority',
  'end-user',
  'user-agent',
  'cookie',
  'authorization',
  'jwt',
];

const FORWARDED = new Set(FORWARDED_HEADERS);

/** The subset of the request's headers to forward. */
export function forwardedHeaders(request: AppRequest): [string, string][] {
  const out: [string, string][] = [];
  const headers = request.headers;
  // An indexed loop: no iterator or destructured pair on each of the page's backend calls.
  for (let i = 0; i < headers.length; i++) if (FORWARDED.has(headers[i]![0].toLowerCase())) out.push(headers[i]!);
  return out;
}

/** The Bookinfo sample's one book. */
export const BOOK = {
  id: 0,
  title: 'The Comedy of Errors',
  descriptionHtml:
    '<a href="https://en.wikipedia.org/wiki/The_Comedy_of_Errors">Wikipedia Summary</a>: ' +
    "The Comedy of Errors is one of <b>William Shakespeare's</b> early plays. It is " +
    'his shortest and one of his most farcical comedies, with a major part of the humour ' +
    'coming from slapstick and mistaken identity, in addition to puns and word play.',
};

/** The reviews the reviews service returns, with the ratings service's stars. */
export const REVIEWS = [
  { reviewer: 'Reviewer1', text: 'An extremely entertaining play by Shakespeare. The slapstick humour is refreshing!' },
  {
    reviewer: 'Reviewer2',
    text: 'Absolutely fun and entertaining. The play lacks thematic depth when compared to other plays by Shakespeare.',
  },
];

/** The ratings service's answer for product 0. */
export const RATINGS: Record<string, number> = { Reviewer1: 5, Reviewer2: 4 };
