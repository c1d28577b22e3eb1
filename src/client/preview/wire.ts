/**
 * The Preview pane: the app as a browser outside the cluster shows it, through the learner's ingress gateway
 * (POST /api/labs/:lab/preview). The page comes with its stylesheets and scripts (fetched the same way), runs in a
 * frame of its own origin that can reach nothing, and its links and forms load inside the Preview, with the
 * cookies the app set. The status line says what answered (on Bookinfo's product page, which reviews version)
 * and which of the page's resources the app did not serve, so it never claims what the page does not show.
 */
import { z } from 'zod';
import { previewResultSchema, type PreviewResult } from '../../../lab-server/src/protocol/api.ts';
import { t, type Lang, type UiKey } from '../../i18n/ui.ts';
import { currentApi } from '../apiChoice.ts';
import { api } from '../session.ts';
import { isProductPage, reviewsOf } from './bookinfo.ts';
import { CookieJar, requestFor, type PreviewRequest } from './browsing.ts';
import { framePage, type MissingResource } from './page.ts';

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');
const headerOf = (result: PreviewResult, name: string) =>
  Object.entries(result.headers).find(([k]) => k.toLowerCase() === name)?.[1];

/** What the frame asks for when a link is followed or a form sent (checked: it comes from the app's page). */
const frameMessageSchema = z.object({
  labsPreview: z.literal(true),
  kind: z.enum(['link', 'form']),
  href: z.string().max(4000),
  method: z.enum(['GET', 'POST']).optional(),
  body: z
    .string()
    .max(64 * 1024)
    .optional(),
});

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

/** The frame page the app's page is handed to (its own sandbox and policy: see lab-server/src/server/static.ts). */
const FRAME_URL = '/_labs/preview-frame.html';
let frameLoads = 0;

/** Loads the frame page afresh and gives it `html` once it says it is ready. */
function showInFrame(frame: HTMLIFrameElement, html: string): Promise<void> {
  return new Promise((resolve) => {
    const ready = (event: MessageEvent) => {
      const data = event.data as { labsPreview?: unknown; kind?: unknown } | null;
      if (event.source !== frame.contentWindow || data?.labsPreview !== true || data.kind !== 'ready') return;
      window.removeEventListener('message', ready);
      frame.contentWindow?.postMessage({ labsPreviewPage: html }, '*');
      resolve();
    };
    window.addEventListener('message', ready);
    frame.src = `${FRAME_URL}?load=${++frameLoads}`;
  });
}

/** The status line for an answer: HTTP status, the reviews version on the product page, what was not served. */
function statusLine(result: PreviewResult, html: string | undefined, missing: MissingResource[], lang: Lang) {
  const parts = [t(lang, 'preview.status', { status: result.status })];
  let stars = '';
  let version = '';
  if (html !== undefined && isProductPage(html)) {
    const seen = reviewsOf(html);
    version = seen.version ?? '';
    // The stars' color is claimed only when the page has its styles: without them the stars do not look so.
    stars = missing.length === 0 ? seen.stars : '';
    parts.push(
      seen.ratingsUnavailable
        ? t(lang, 'preview.ratingsUnavailable', { version: seen.version ?? 'v2/v3' })
        : missing.length === 0
          ? t(lang, `preview.stars.${seen.stars}` as UiKey)
          : `reviews ${seen.version ?? ''}`.trim(),
    );
    if (seen.pod) parts.push(seen.pod);
  }
  if (missing.length > 0)
    parts.push(
      t(lang, 'preview.missing', {
        resources: missing.map((m) => (m.status ? `${m.url} (HTTP ${m.status})` : m.url)).join(', '),
      }),
    );
  return { text: parts.join(' · '), stars, version };
}

/** Wires one `.labs-preview` element. */
export function wirePreview(root: HTMLElement): void {
  const lab = root.dataset.lab!;
  const lang = (root.dataset.lang ?? 'ko') as Lang;
  const start = root.dataset.path ?? '/productpage';
  const frame = root.querySelector('iframe')!;
  const status = root.querySelector<HTMLElement>('[data-preview-status]')!;
  const refresh = root.querySelector<HTMLButtonElement>('[data-action="refresh"]')!;
  const address = root.querySelector<HTMLElement>('[data-preview-path]');
  const cookies = new CookieJar();
  // The page's address as the app sees it; links and forms resolve against it.
  let current: PreviewRequest = { path: start, method: 'GET' };
  const origin = 'http://ingress';

  const fetchFromApp = async (request: PreviewRequest): Promise<PreviewResult> => {
    const cookie = cookies.header();
    const result = await api(`/api/labs/${lab}/preview`, previewResultSchema, {
      method: 'POST',
      body: JSON.stringify({
        path: request.path,
        method: request.method,
        api: currentApi(lab),
        ...(request.body !== undefined ? { body: request.body } : {}),
        headers: {
          ...(cookie ? { cookie } : {}),
          ...(request.method === 'POST' ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
        },
      }),
    });
    cookies.take(headerOf(result, 'set-cookie'));
    return result;
  };

  const load = async (request: PreviewRequest) => {
    refresh.disabled = true;
    status.textContent = t(lang, 'preview.loading');
    delete root.dataset.error;
    try {
      let result = await fetchFromApp(request);
      // Redirects are followed as a browser does (a form's POST answered with 302 becomes a GET).
      for (let hops = 0; hops < 5 && REDIRECTS.has(result.status); hops++) {
        const next = requestFor(headerOf(result, 'location') ?? '', `${origin}${request.path}`);
        if (!next) break;
        request =
          result.status === 307 || result.status === 308
            ? { ...next, method: request.method, body: request.body }
            : next;
        result = await fetchFromApp(request);
      }
      current = { path: request.path, method: 'GET' };
      if (address) address.textContent = request.path;
      if (result.error) {
        // curl's words for a gateway that is not there or not answering: shown as they are.
        root.dataset.error = 'true';
        root.dataset.stars = '';
        root.dataset.version = '';
        status.textContent = t(lang, 'preview.error', { message: result.error });
        await showInFrame(
          frame,
          `<pre style="white-space: pre-wrap; font: 13px monospace; color: #cf222e">${escapeHtml(result.error)}</pre>`,
        );
      } else {
        const isHtml = (headerOf(result, 'content-type') ?? '').includes('html');
        const shown = isHtml
          ? await framePage(result.body, `${origin}${request.path}`, async (r) => {
              const answer = await fetchFromApp(r);
              return { status: answer.error ? 0 : answer.status, body: answer.body };
            })
          : {
              html: `<pre style="white-space: pre-wrap; font: 13px monospace">${escapeHtml(result.body)}</pre>`,
              missing: [],
            };
        const line = statusLine(result, isHtml ? result.body : undefined, shown.missing, lang);
        root.dataset.stars = line.stars;
        root.dataset.version = line.version;
        root.dataset.httpStatus = String(result.status);
        root.dataset.missing = String(shown.missing.length);
        status.textContent = line.text;
        await showInFrame(frame, shown.html);
      }
      root.dataset.count = String(Number(root.dataset.count ?? 0) + 1);
      // Each request shows up in the traffic view's counts.
      window.dispatchEvent(new Event('labs:traffic'));
    } catch (error) {
      root.dataset.error = 'true';
      status.textContent = t(lang, 'preview.error', { message: (error as Error).message });
    } finally {
      refresh.disabled = false;
    }
  };

  window.addEventListener('message', (event) => {
    if (event.source !== frame.contentWindow) return;
    const message = frameMessageSchema.safeParse(event.data);
    if (!message.success) return;
    const { kind, href, method = 'GET', body } = message.data;
    const request = requestFor(
      href,
      `${origin}${current.path}`,
      kind === 'form' ? method : 'GET',
      kind === 'form' ? body : undefined,
    );
    if (!request) {
      status.textContent = t(lang, 'preview.outside', { url: href });
      return;
    }
    void load(request);
  });
  refresh.addEventListener('click', () => void load(current));
  root.addEventListener('labs:open-preview', () => {
    if (root.dataset.count === undefined) void load(current);
  });
  refresh.disabled = false;
  status.textContent = t(lang, 'preview.idle');
}
