/**
 * The Content-Security-Policy of the site's pages: scripts only from this origin, plus the page's own inline
 * scripts by their SHA-256 (Astro and Starlight inline a few: theme, islands), never `unsafe-inline` or
 * `unsafe-eval` for scripts. Styles may be inline (xterm and Monaco set them from script); workers come from
 * this origin or `blob:` (Monaco's); sockets and fetches go to this origin only.
 */
import { createHash } from 'node:crypto';

// An inline script: a <script> tag without src=, its body up to the closing tag (Astro emits these verbatim).
const INLINE_SCRIPT = /<script\b(?![^>]*\bsrc\s*=)[^>]*>([\s\S]*?)<\/script\s*>/gi;

/** `'sha256-...'` sources for every inline script of a page. */
export function inlineScriptHashes(html: string): string[] {
  const hashes = new Set<string>();
  for (const m of html.matchAll(INLINE_SCRIPT)) {
    const body = m[1] ?? '';
    if (body === '') continue;
    hashes.add(`'sha256-${createHash('sha256').update(body, 'utf8').digest('base64')}'`);
  }
  return [...hashes];
}

/** The policy for one HTML page. */
export function contentSecurityPolicy(html: string): string {
  return [
    "default-src 'self'",
    `script-src 'self' ${inlineScriptHashes(html).join(' ')}`.trim(),
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    "connect-src 'self'",
    "worker-src 'self' blob:",
    "frame-src 'self' blob: data:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'self'",
  ].join('; ');
}
