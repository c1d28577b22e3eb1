/** The product page's HTML, after Bookinfo's `productpage.html` template. */
import { BOOK } from './propagation.ts';

/** Book details as the details service returns them. */
export interface Details {
  type?: string;
  pages?: number;
  publisher?: string;
  language?: string;
  'ISBN-10'?: string;
  'ISBN-13'?: string;
}

/** One review as the reviews service returns it. */
export interface Review {
  reviewer: string;
  text: string;
  rating?: { stars?: number; color?: string; error?: string };
}

/** What the page shows: each part is either data or the error text the real page shows. */
export interface ProductPageModel {
  user: string;
  details: { ok: true; details: Details } | { ok: false; error: string };
  reviews: { ok: true; reviews: Review[]; podname?: string } | { ok: false; error: string };
}

function stars(rating: NonNullable<Review['rating']>): string {
  if (rating.error) return `        <p><i>${rating.error}</i></p>\n`;
  const n = Math.max(0, Math.min(5, rating.stars ?? 0));
  const full = Array.from({ length: n }, () => '          <span class="glyphicon glyphicon-star"></span>\n').join('');
  const emptyStars = Array.from(
    { length: 5 - n },
    () => '          <span class="glyphicon glyphicon-star-empty"></span>\n',
  ).join('');
  return `        <font color="${rating.color ?? 'black'}">\n          <!-- full stars: -->\n${full}          <!-- empty stars: -->\n${emptyStars}        </font>\n`;
}

function detailsHtml(model: ProductPageModel['details']): string {
  if (!model.ok)
    return `      <h4 class="text-center text-primary">Error fetching product details!</h4>\n      <p>${model.error}</p>\n`;
  const d = model.details;
  return (
    '      <h4 class="text-center text-primary">Book Details</h4>\n      <dl>\n' +
    `        <dt>Type:</dt>${d.type}\n        <dt>Pages:</dt>${d.pages}\n        <dt>Publisher:</dt>${d.publisher}\n` +
    `        <dt>Language:</dt>${d.language}\n        <dt>ISBN-10:</dt>${d['ISBN-10']}\n        <dt>ISBN-13:</dt>${d['ISBN-13']}\n      </dl>\n`
  );
}

function reviewsHtml(model: ProductPageModel['reviews']): string {
  if (!model.ok)
    return `      <h4 class="text-center text-primary">Error fetching product reviews!</h4>\n      <p>${model.error}</p>\n`;
  const items = model.reviews
    .map(
      (r) =>
        `      <blockquote>\n        <p>${r.text}</p>\n        <small>${r.reviewer}</small>\n${r.rating ? stars(r.rating) : ''}      </blockquote>\n`,
    )
    .join('');
  const servedBy = model.podname
    ? `      <dl>\n        <dt>Reviews served by:</dt>\n        <u>${model.podname}</u>\n      </dl>\n`
    : '';
  return `      <h4 class="text-center text-primary">Book Reviews</h4>\n${items}${servedBy}`;
}

/** Renders the whole page. */
export function renderProductPage(model: ProductPageModel): string {
  const signIn = model.user
    ? `    <p class="navbar-text navbar-right">\n      <i class="glyphicon glyphicon-user" aria-hidden="true"></i>\n      <span style="padding-left: 5px;">${model.user} ( <a href="logout">sign out</a> )</span>\n    </p>\n`
    : '    <button type="button" class="btn btn-default navbar-btn pull-right" data-toggle="modal" data-target="#loginModal">Sign in</button>\n';
  return `<!DOCTYPE html>
<html>
  <head>
    <title>Simple Bookstore App</title>
<meta charset="utf-8">
<meta http-equiv="X-UA-Compatible" content="IE=edge">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="static/bootstrap/css/bootstrap.min.css">
<link rel="stylesheet" href="static/bootstrap/css/bootstrap-theme.min.css">
  </head>
  <body>
<nav class="navbar navbar-inverse navbar-static-top">
  <div class="container">
    <div class="navbar-header">
      <a class="navbar-brand" href="#">BookInfo Sample</a>
    </div>
${signIn}  </div>
</nav>
<div class="container-fluid">
  <div class="row">
    <div class="col-md-12">
      <h3 class="text-center text-primary">${BOOK.title}</h3>
      <p>Summary: ${BOOK.descriptionHtml}</p>
    </div>
  </div>
  <div class="row">
    <div class="col-md-6">
${detailsHtml(model.details)}    </div>
    <div class="col-md-6">
${reviewsHtml(model.reviews)}    </div>
  </div>
</div>
  </body>
</html>
`;
}
