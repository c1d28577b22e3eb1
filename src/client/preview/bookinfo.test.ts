import { describe, expect, it } from 'vitest';
import {
  renderProductPage,
  type ProductPageModel,
} from '../../../lab-server/src/backends/sim/apps/bookinfo/productpageHtml.ts';
import { isProductPage, reviewsOf } from './bookinfo.ts';

const details: ProductPageModel['details'] = {
  ok: true,
  details: {
    id: 0,
    author: 'William Shakespeare',
    year: 1595,
    type: 'paperback',
    pages: 200,
    publisher: 'PublisherA',
    language: 'English',
    'ISBN-10': '1234567890',
    'ISBN-13': '123-1234567890',
  } as never,
};
const review = (rating?: { stars?: number; color?: string; error?: string }) => ({
  reviewer: 'Reviewer1',
  text: 'An extremely entertaining play by Shakespeare.',
  rating,
});
const page = (reviews: ProductPageModel['reviews']) => renderProductPage({ user: '', details, reviews });

describe('reading the product page', () => {
  it('tells v1, v2 and v3 apart by their stars and the pod that served the reviews', () => {
    expect(reviewsOf(page({ ok: true, reviews: [review(), review()], podname: 'reviews-v1-5b6d8c7f9-abcde' }))).toEqual(
      { stars: 'none', version: 'v1', pod: 'reviews-v1-5b6d8c7f9-abcde', ratingsUnavailable: false },
    );
    expect(
      reviewsOf(
        page({
          ok: true,
          reviews: [review({ stars: 5, color: 'black' }), review({ stars: 4, color: 'black' })],
          podname: 'reviews-v2-6c4b9d8f7-xyz12',
        }),
      ),
    ).toMatchObject({ stars: 'black', version: 'v2' });
    expect(
      reviewsOf(page({ ok: true, reviews: [review({ stars: 5, color: 'red' }), review({ stars: 4, color: 'red' })] })),
    ).toMatchObject({ stars: 'red', version: 'v3', pod: undefined });
  });

  it('does not take v3 without ratings for v1', () => {
    const seen = reviewsOf(
      page({
        ok: true,
        reviews: [review({ error: 'Ratings service is currently unavailable' })],
        podname: 'reviews-v3-7d9f8b6c5-q1w2e',
      }),
    );
    expect(seen).toEqual({ stars: 'none', version: 'v3', pod: 'reviews-v3-7d9f8b6c5-q1w2e', ratingsUnavailable: true });
    expect(
      reviewsOf(page({ ok: true, reviews: [review({ error: 'Ratings service is currently unavailable' })] })).version,
    ).toBeUndefined();
  });

  it('says when the reviews did not answer, and knows a product page from other answers', () => {
    const down = page({ ok: false, error: 'Sorry, product reviews are currently unavailable for this book.' });
    expect(reviewsOf(down).stars).toBe('unavailable');
    expect(isProductPage(down)).toBe(true);
    expect(isProductPage('{"headers": {"Host": "httpbin.example.com"}}')).toBe(false);
    expect(isProductPage('no healthy upstream')).toBe(false);
  });
});
