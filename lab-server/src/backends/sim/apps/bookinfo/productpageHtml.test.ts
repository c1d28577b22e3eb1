import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { escapeHtml, renderProductPage, type ProductPageModel } from './productpageHtml.ts';

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
  },
};

/** Pages covering every branch of the template: stars of each count and color, errors, a signed-in user. */
const MODELS: Record<string, ProductPageModel> = {
  anonymousV1: {
    user: '',
    details,
    reviews: {
      ok: true,
      podname: 'reviews-v1-5f8c7d5b6d-abcde',
      clustername: 'null',
      reviews: [
        {
          reviewer: 'Reviewer1',
          text: 'An extremely entertaining play by Shakespeare. The slapstick humour is refreshing!',
        },
        {
          reviewer: 'Reviewer2',
          text: 'Absolutely fun and entertaining. The play lacks thematic depth when compared to other plays by Shakespeare.',
        },
      ],
    },
  },
  jasonStars: {
    user: 'jason',
    details,
    reviews: {
      ok: true,
      podname: 'reviews-v2-6c5b4d9f7-xyz12',
      clustername: 'Kubernetes',
      reviews: [
        { reviewer: 'Reviewer1', text: 'fun & <games>', rating: { stars: 5, color: 'black' } },
        { reviewer: 'O\'Brien "Q"', text: 'meh', rating: { stars: 4, color: 'red' } },
        { reviewer: 'Reviewer3', text: 'none', rating: { stars: 0, color: 'red' } },
      ],
    },
  },
  ratingsDown: {
    user: '<script>',
    details: { ok: false, error: 'Sorry, product details are currently unavailable for this book.' },
    reviews: {
      ok: true,
      reviews: [{ reviewer: 'Reviewer1', text: 'x', rating: { error: 'Ratings service is currently unavailable' } }],
    },
  },
  reviewsDown: {
    user: 'jason',
    details,
    reviews: { ok: false, error: 'Sorry, product reviews are currently unavailable for this book.' },
  },
};

describe('productpage HTML', () => {
  it('renders every branch of the template byte for byte as recorded (the page is rendered per request)', () => {
    const digests = Object.fromEntries(
      Object.entries(MODELS).map(([name, model]) => {
        const page = renderProductPage(model);
        return [name, { bytes: Buffer.byteLength(page), sha256: createHash('sha256').update(page).digest('hex') }];
      }),
    );
    expect(digests).toMatchSnapshot();
  });

  it('escapes as Jinja does, and returns text that needs no escaping unchanged', () => {
    expect(escapeHtml(`a&b<c>"d'`)).toBe('a&amp;b&lt;c&gt;&#34;d&#39;');
    expect(escapeHtml('plain text')).toBe('plain text');
    expect(escapeHtml(undefined)).toBe('');
    expect(escapeHtml(200)).toBe('200');
  });

  it('draws one full star per star and an outlined one for the rest (none at zero stars), in the rating color', () => {
    const page = renderProductPage(MODELS.jasonStars!);
    expect(page.match(/glyphicon-star/g)).toHaveLength(9);
    expect(
      page.match(/viewBox="0 0 24 24" stroke-width="1.5" stroke="currentColor" class="h-5 w-5 flex-none"/g),
    ).toHaveLength(1);
    expect(page).toContain('text-red-500');
    expect(page).toContain('<p class="text-base font-medium text-gray-50">jason</p>');
  });
});
