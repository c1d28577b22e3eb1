/**
 * The Preview as a small browser: where a link or form of the shown page leads (inside the app, or outside it),
 * the cookies the app set, and the frame's rules (its scripts run, in an origin of its own, reaching no network:
 * everything it shows came through the lab server from the learner's ingress gateway).
 */

/** A request the Preview makes of the app: a path on the page's host, with a method and a form body. */
export interface PreviewRequest {
  path: string;
  method: 'GET' | 'POST';
  body?: string;
}

/** Where `href` leads from `pageUrl`: a request to the same host, or `undefined` for another site. */
export function requestFor(
  href: string,
  pageUrl: string,
  method: 'GET' | 'POST' = 'GET',
  form?: string,
): PreviewRequest | undefined {
  let url: URL;
  try {
    url = new URL(href, pageUrl);
  } catch {
    return undefined;
  }
  const page = new URL(pageUrl);
  if (url.protocol !== page.protocol || url.host !== page.host) return undefined;
  if (method === 'GET' && form !== undefined) url.search = form;
  return { path: `${url.pathname}${url.search}`, method, ...(method === 'POST' ? { body: form ?? '' } : {}) };
}

/** The cookies the app set in this Preview, sent back with every request, as a browser keeps them. */
export class CookieJar {
  readonly #cookies = new Map<string, string>();

  /** Takes a response's `Set-Cookie` (one or several, comma-joined): sets, replaces, or expires cookies. */
  take(setCookie: string | undefined, now = Date.now()): void {
    if (!setCookie) return;
    for (const cookie of setCookie.split(/,(?=\s*[^;=,\s]+=)/)) {
      const [pair, ...attributes] = cookie.split(';');
      const at = pair!.indexOf('=');
      if (at <= 0) continue;
      const name = pair!.slice(0, at).trim();
      const value = pair!.slice(at + 1).trim();
      const expires = attributes.map((a) => /^\s*expires=(.*)$/i.exec(a)?.[1]).find((e) => e !== undefined);
      const maxAge = attributes.map((a) => /^\s*max-age=(-?\d+)/i.exec(a)?.[1]).find((e) => e !== undefined);
      const expired =
        (maxAge !== undefined && Number(maxAge) <= 0) || (expires !== undefined && Date.parse(expires) <= now);
      if (expired) this.#cookies.delete(name);
      else this.#cookies.set(name, value);
    }
  }

  /** The `Cookie` header to send, or undefined when the app set none. */
  header(): string | undefined {
    const pairs = [...this.#cookies].map(([name, value]) => `${name}=${value}`);
    return pairs.length > 0 ? pairs.join('; ') : undefined;
  }
}

/**
 * The frame's content security policy: inline scripts and styles (the page's own, brought in by the Preview),
 * images and fonts only as data, and no request of any kind from the frame.
 */
export const FRAME_POLICY =
  "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; font-src data:; form-action 'none'";

/**
 * The script the Preview puts first in the page: links and forms ask the Preview to load what they lead to
 * (a message to the parent page), instead of leaving it.
 */
export const NAVIGATION_SCRIPT = `(() => {
  const ask = (message) => parent.postMessage(Object.assign({ labsPreview: true }, message), '*');
  document.addEventListener('click', (event) => {
    const link = event.target instanceof Element ? event.target.closest('a[href]') : null;
    if (!link || event.defaultPrevented) return;
    const href = link.getAttribute('href') || '';
    if (href.startsWith('#') || /^javascript:/i.test(href)) return;
    event.preventDefault();
    ask({ kind: 'link', href });
  });
  document.addEventListener('submit', (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement)) return;
    event.preventDefault();
    const body = new URLSearchParams(new FormData(form, event.submitter)).toString();
    ask({ kind: 'form', href: form.getAttribute('action') || '', method: (form.getAttribute('method') || 'get').toUpperCase(), body });
  });
})();`;
