/**
 * Small repairs to what Starlight and Expressive Code render, so assistive technology reads every page right:
 * the search button is named by the label it shows, and each scrollable code block is a region with a name of
 * its own.
 */
import { pageLang } from './serverText.ts';
import { t } from '../i18n/ui.ts';

/** Applies the repairs to the page. */
export function nameCodeRegions(): void {
  for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-open-modal]')) {
    const label = button.getAttribute('aria-label') ?? '';
    const text = button.querySelector<HTMLElement>(':scope > span');
    button.querySelector(':scope > kbd')?.setAttribute('aria-hidden', 'true');
    // Where its label is shown, the button is named by it (a name beside the shown text would mislead); where
    // only the icon shows, by its aria-label. The shortcut is its aria-keyshortcuts.
    const name = () => {
      const shown = !!text && text.getClientRects().length > 0;
      if (shown) {
        text.removeAttribute('aria-hidden');
        button.removeAttribute('aria-label');
      } else {
        text?.setAttribute('aria-hidden', 'true');
        button.setAttribute('aria-label', label);
      }
    };
    name();
    window.addEventListener('resize', name);
  }
  const lang = pageLang();
  let n = 0;
  for (const pre of document.querySelectorAll<HTMLElement>('pre[role="region"]')) {
    n++;
    if (pre.hasAttribute('aria-label') || pre.hasAttribute('aria-labelledby')) continue;
    const title = pre.closest('figure')?.querySelector('figcaption .title')?.textContent?.trim();
    pre.setAttribute('aria-label', title ? `${t(lang, 'code.block', { n })}: ${title}` : t(lang, 'code.block', { n }));
  }
}
