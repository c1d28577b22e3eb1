/**
 * What a Bookinfo product page says about which reviews version answered it. The page is Bookinfo 1.20.x's Tailwind
 * template: a review's stars sit in `<div class="flex gap-x-1 text-red-500">` (v3) or `text-black-500` (v2).
 */

/** How the reviews showed their ratings: v1 none, v2 black stars, v3 red stars. */
export type Stars = 'none' | 'black' | 'red' | 'unavailable';

/** The reviews part of one product page. */
export interface ReviewsSeen {
  stars: Stars;
  /** `v1`, `v2`, `v3` from the pod that served the reviews (or, without it, from the stars). */
  version?: string;
  /** The reviews pod, when the page names it ("Reviews served by:"). */
  pod?: string;
  /** The reviews answered but could not reach ratings (v2/v3 without stars). */
  ratingsUnavailable: boolean;
}

/** Whether `html` is Bookinfo's product page (details or reviews, answered or not). */
export function isProductPage(html: string): boolean {
  return /Book Details|Book Reviews|Error fetching product (details|reviews)|Sorry, product reviews/.test(html);
}

/** Reads the reviews part of a product page: stars, their color, the serving pod. */
export function reviewsOf(html: string): ReviewsSeen {
  if (/Sorry, product reviews are currently unavailable|Error fetching product reviews/.test(html))
    return { stars: 'unavailable', ratingsUnavailable: false };
  // The color is on the stars' container; the ratings error is also red text, so match the container itself.
  const stars: Stars = /class="flex gap-x-1 text-red-500"/.test(html)
    ? 'red'
    : /class="flex gap-x-1 text-black-500"/.test(html)
      ? 'black'
      : 'none';
  const pod = /Reviews served by:\s*([^<\s]+)/.exec(html)?.[1]?.trim();
  const fromPod = pod ? /^reviews-(v\d+)-/.exec(pod)?.[1] : undefined;
  const fromStars = { none: 'v1', black: 'v2', red: 'v3', unavailable: undefined }[stars];
  const ratingsUnavailable = html.includes('Ratings service is currently unavailable');
  // Without stars the page looks like v1's unless the pod says otherwise (v2/v3 when ratings is down).
  const version = fromPod ?? (ratingsUnavailable ? undefined : fromStars);
  return { stars, version, pod, ratingsUnavailable };
}
