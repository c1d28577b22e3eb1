/**
 * Small repairs to what Starlight and Expressive Code render, so assistive technology reads every page right:
 * the search button's name says what it shows (its label and, where shown, its shortcut), and each scrollable
 * code block is a region with a name of its own.
 */
import { pageLang } from './serverText.ts';
import { t } from '../i18n/ui.ts';

/** Applies the repairs to the page. */
export function nameCodeRegions(): void {
  for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-open-modal]')) {
    const label = button.getAttribute('aria-label') ?? '';
    // Its name is what it shows: "검색" and, on wide screens, "Ctrl K" (a name that hid shown text would mislead).
    const name = () => {
      const shown = [...button.querySelectorAll<HTMLElement>(':scope > span, :scope > kbd')]
        .filter((e) => e.getClientRects().length > 0)
        .map((e) =>
          e.tagName === 'KBD' ? [...e.querySelectorAll('kbd')].map((k) => k.textContent).join(' ') : e.textContent,
        )
        .join(' ')
        .trim();
      button.setAttribute('aria-label', shown || label);
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
