/**
 * The Preview pane: a page fetched through the learner's ingress gateway (POST /api/labs/:lab/preview), shown
 * in a frame that runs no scripts, with its status and, on Bookinfo's product page, which reviews version
 * answered.
 */
import { previewResultSchema, type PreviewResult } from '../../../lab-server/src/protocol/api.ts';
import { t, type Lang, type UiKey } from '../../i18n/ui.ts';
import { api } from '../session.ts';
import { isProductPage, PRODUCT_PAGE_STYLE, reviewsOf } from './bookinfo.ts';

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;');

/** The status line and what the frame shows for one answer. */
function present(body: PreviewResult, lang: Lang): { status: string; srcdoc: string; stars: string; version: string } {
  const contentType = Object.entries(body.headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? '';
  const html = contentType.includes('html');
  const parts = [t(lang, 'preview.status', { status: body.status })];
  let stars = '';
  let version = '';
  let style = '';
  // Only Bookinfo's product page says which reviews version answered; other pages (httpbin's JSON) are shown as text.
  if (html && isProductPage(body.body)) {
    const seen = reviewsOf(body.body);
    stars = seen.stars;
    version = seen.version ?? '';
    parts.push(
      seen.ratingsUnavailable
        ? t(lang, 'preview.ratingsUnavailable', { version: seen.version ?? 'v2/v3' })
        : t(lang, `preview.stars.${seen.stars}` as UiKey),
    );
    if (seen.pod) parts.push(seen.pod);
    style = PRODUCT_PAGE_STYLE;
  }
  const srcdoc = html
    ? style + body.body
    : `<pre style="white-space: pre-wrap; font: 13px monospace">${escapeHtml(body.body)}</pre>`;
  return { status: parts.join(' · '), srcdoc, stars, version };
}

/** Wires one `.labs-preview` element. */
export function wirePreview(root: HTMLElement): void {
  const lab = root.dataset.lab!;
  const lang = (root.dataset.lang ?? 'ko') as Lang;
  const path = root.dataset.path ?? '/productpage';
  const frame = root.querySelector('iframe')!;
  const status = root.querySelector<HTMLElement>('[data-preview-status]')!;
  const refresh = root.querySelector<HTMLButtonElement>('[data-action="refresh"]')!;

  const load = async () => {
    refresh.disabled = true;
    status.textContent = t(lang, 'preview.loading');
    delete root.dataset.error;
    try {
      const body = await api(`/api/labs/${lab}/preview`, previewResultSchema, {
        method: 'POST',
        body: JSON.stringify({ path }),
      });
      if (body.error) {
        // curl's words for a gateway that is not there or not answering: shown as they are.
        root.dataset.error = 'true';
        root.dataset.stars = '';
        root.dataset.version = '';
        status.textContent = t(lang, 'preview.error', { message: body.error });
        frame.srcdoc = `<pre style="white-space: pre-wrap; font: 13px monospace; color: #cf222e">${escapeHtml(body.error)}</pre>`;
      } else {
        const shown = present(body, lang);
        root.dataset.stars = shown.stars;
        root.dataset.version = shown.version;
        root.dataset.httpStatus = String(body.status);
        status.textContent = shown.status;
        frame.srcdoc = shown.srcdoc;
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
  refresh.addEventListener('click', () => void load());
  refresh.disabled = false;
  status.textContent = t(lang, 'preview.idle');
}
