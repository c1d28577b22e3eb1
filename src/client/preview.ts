/** The Preview pane: the product page through the learner's ingress gateway, in a sandboxed frame, with which reviews version answered. */
import { previewResultSchema } from '../../lab-server/src/server/protocol.ts';
import { t, type Lang, type UiKey } from '../i18n/ui.ts';
import { api } from './session.ts';

/** Which reviews version rendered a Bookinfo page: v1 no stars, v2 black, v3 red. */
export function starsOf(html: string): 'none' | 'black' | 'red' | 'unavailable' {
  if (html.includes('Sorry, product reviews are currently unavailable')) return 'unavailable';
  if (/color="red"/.test(html)) return 'red';
  if (/color="black"/.test(html)) return 'black';
  return 'none';
}

/** Wires one preview element. */
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
    try {
      const body = await api(`/api/labs/${lab}/preview`, previewResultSchema, { method: 'POST', body: JSON.stringify({ path }) });
      if (body.error) {
        status.textContent = t(lang, 'preview.error', { message: body.error });
        root.dataset.stars = '';
        frame.srcdoc = '';
      } else {
        root.dataset.count = String(Number(root.dataset.count ?? 0) + 1);
        const html = (Object.entries(body.headers).find(([k]) => k.toLowerCase() === 'content-type')?.[1] ?? '').includes('html');
        // Bookinfo's product page says which reviews version answered; other pages (httpbin's JSON) are shown as text.
        const bookinfo = html && /Book Details|Sorry, product reviews/.test(body.body);
        const stars = bookinfo ? starsOf(body.body) : undefined;
        root.dataset.stars = stars ?? '';
        status.textContent = stars ? `${t(lang, 'preview.status', { status: body.status })} · ${t(lang, `preview.stars.${stars}` as UiKey)}` : t(lang, 'preview.status', { status: body.status });
        frame.srcdoc = html ? body.body : `<pre style="white-space: pre-wrap">${body.body.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</pre>`;
      }
      window.dispatchEvent(new Event('labs:traffic'));
    } catch (error) {
      status.textContent = t(lang, 'preview.error', { message: (error as Error).message });
    } finally {
      refresh.disabled = false;
    }
  };
  refresh.addEventListener('click', () => void load());
  refresh.disabled = false;
}
