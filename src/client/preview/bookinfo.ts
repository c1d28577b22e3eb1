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

/**
 * The few Tailwind rules the product page needs to read right in a frame that runs no scripts: its stylesheet is
 * Tailwind's browser runtime (a script), so without these the stars' svgs fill the frame and lose their color.
 * (`text-black-500` is no Tailwind color: a real browser leaves v2's stars in the text color, black here.)
 */
export const PRODUCT_PAGE_STYLE = `<style>
body { font-family: system-ui, sans-serif; margin: 0; color: #111827; }
.h-5 { height: 1.25rem; } .w-5 { width: 1.25rem; } .h-6 { height: 1.5rem; } .w-6 { width: 1.5rem; }
.h-16 { height: 4rem; } .w-16 { width: 4rem; } .h-9 { height: 2.25rem; } .w-9 { width: 2.25rem; }
.h-24 { height: 6rem; } .flex { display: flex; } .flex-col { flex-direction: column; } .gap-x-1 { column-gap: 0.25rem; }
.gap-x-6 { column-gap: 1.5rem; } .items-center { align-items: center; } .flex-none { flex: none; }
.text-red-500 { color: #ef4444; } .text-black-500 { color: #000; } .text-white { color: #fff; }
.bg-gray-800 { background: #1f2937; } .px-4 { padding: 0 1rem; } .mt-8 { margin-top: 2rem; }
.text-5xl { font-size: 2.25rem; } .text-3xl { font-size: 1.5rem; } .font-semibold { font-weight: 600; }
.text-gray-600 { color: #4b5563; } .text-gray-500 { color: #6b7280; } .font-mono { font-family: monospace; }
table { border-collapse: collapse; } th, td { padding: 0.25rem 0.75rem; text-align: left; }
dialog, .sr-only { display: none; } section { padding: 1rem 1.5rem; }
@media (min-width: 768px) { .md\\:flex-row { flex-direction: row; } }
</style>
`;
