import { describe, expect, it } from 'vitest';
import { renderProductPage } from '../../../lab-server/src/backends/sim/apps/bookinfo/productpageHtml.ts';
import { isProductPage, reviewsOf } from './bookinfo.ts';

// The reviews part of Bookinfo 1.20.3's product page, shaped as istio/istio 1.30.3's
// samples/bookinfo/src/productpage/templates/productpage.html renders it (star paths elided).
const FULL =
  '<svg id="glyphicon glyphicon-star" class="h-5 w-5 flex-none" viewBox="0 0 20 20" fill="currentColor" aria-hidden="true"><path/></svg>';
const EMPTY =
  '<svg xmlns="http://www.w3.org/2000/svg" fill="none" viewBox="0 0 24 24" ' +
  'stroke-width="1.5" stroke="currentColor" class="h-5 w-5 flex-none"><path/></svg>';

function review(rating: string, pod: string): string {
  return `        <section class="px-6 py-12 sm:py-8 lg:px-8">
          <div class="mx-auto max-w-2xl">
${rating}
            <blockquote class="mt-10 text-xl font-semibold leading-8 tracking-tight text-gray-900 sm:text-2xl sm:leading-9">
              <p>"An extremely entertaining play by Shakespeare. The slapstick humour is refreshing!"</p>
            </blockquote>
                <div class="font-semibold text-gray-900">Reviewer1</div>
                <div class="mt-0.5 text-gray-600 font-mono">Reviews served by: 
                  ${pod}
                </div>
        </section>`;
}
const stars = (color: string) =>
  `            <div class="flex gap-x-1 text-${color}-500">\n${FULL.repeat(4)}${EMPTY}\n            </div>`;
const page = (reviews: string) =>
  `<h4 class="text-3xl font-semibold">Book Details</h4>\n<h4 class="text-3xl font-semibold">Book Reviews</h4>\n${reviews}`;

describe('reading the product page', () => {
  it('tells v1, v2 and v3 apart by their stars and the pod that served the reviews', () => {
    expect(reviewsOf(page(review('', 'reviews-v1-5b6d8c7f9-abcde')))).toEqual({
      stars: 'none',
      version: 'v1',
      pod: 'reviews-v1-5b6d8c7f9-abcde',
      ratingsUnavailable: false,
    });
    expect(reviewsOf(page(review(stars('black'), 'reviews-v2-6c4b9d8f7-xyz12')))).toMatchObject({
      stars: 'black',
      version: 'v2',
    });
    expect(reviewsOf(page(review(stars('red'), 'None')))).toMatchObject({ stars: 'red', version: 'v3' });
  });

  it('does not take the ratings error (red text) for red stars, nor v3 without ratings for v1', () => {
    const error = '            <p class="text-red-500">Ratings service is currently unavailable</p>';
    const seen = reviewsOf(page(review(error, 'reviews-v3-7d9f8b6c5-q1w2e')));
    expect(seen).toEqual({ stars: 'none', version: 'v3', pod: 'reviews-v3-7d9f8b6c5-q1w2e', ratingsUnavailable: true });
    expect(reviewsOf(page(review(error, 'None'))).version).toBeUndefined();
  });

  it('says when the reviews did not answer, and knows a product page from other answers', () => {
    const down =
      '<h4 class="text-3xl font-semibold">Book Details</h4>\n' +
      '      <p class="text-2xl text-red-500">Error fetching product reviews</p>\n' +
      '      <p class="text-lg text-gray-600">Sorry, product reviews are currently unavailable for this book.</p>';
    expect(reviewsOf(down).stars).toBe('unavailable');
    expect(isProductPage(down)).toBe(true);
    expect(isProductPage('{"headers": {"Host": "httpbin.example.com"}}')).toBe(false);
    expect(isProductPage('no healthy upstream')).toBe(false);
  });
});

describe("the simulator's product page", () => {
  it('reads as the real one does', () => {
    const html = renderProductPage({
      user: '',
      details: { ok: true, details: { 'ISBN-10': '1234567890' } },
      reviews: {
        ok: true,
        reviews: [{ reviewer: 'Reviewer1', text: 't', rating: { stars: 5, color: 'red' } }],
        podname: 'reviews-v3-7d9f8b6c5-q1w2e',
        clustername: 'null',
      },
    });
    expect(reviewsOf(html)).toEqual({
      stars: 'red',
      version: 'v3',
      pod: 'reviews-v3-7d9f8b6c5-q1w2e',
      ratingsUnavailable: false,
    });
  });
});
