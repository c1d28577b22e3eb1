/** Passed-step marks next to the chapters in the sidebar and the home page's chapter list, from the session's progress, updated live. */
import type { Progress } from '../../lab-server/src/protocol/api.ts';
import { fetchProgress } from './session.ts';
import { langFromPath, t } from '../i18n/ui.ts';
import { pageChapters } from './chapters.ts';

/** The links that lead to a chapter: the sidebar's and the chapter list's. */
function linksTo(chapter: string): HTMLAnchorElement[] {
  return [
    ...document.querySelectorAll<HTMLAnchorElement>(
      `nav a[href$="/${chapter}/"], .labs-chapters [data-chapter="${chapter}"] a[href$="/${chapter}/"]`,
    ),
  ];
}

function render(progress: Progress): void {
  const lang = langFromPath(location.pathname);
  // The chapters and their step counts come with the page (built from the lab files).
  for (const { id: chapter, steps: total } of pageChapters()) {
    const passed = Object.values(progress[chapter] ?? {}).filter((s) => s.status === 'passed').length;
    for (const link of linksTo(chapter)) {
      let mark = link.querySelector<HTMLElement>('.labs-sidebar-mark');
      if (passed === 0) {
        mark?.remove();
        continue;
      }
      if (!mark) {
        mark = document.createElement('span');
        mark.className = 'labs-sidebar-mark';
        link.append(mark);
      }
      mark.textContent = total ? `✓ ${passed}/${total}` : `✓ ${passed}`;
      mark.title = total ? t(lang, 'progress.passed', { n: passed, total }) : '';
      mark.dataset.passed = String(passed);
      mark.dataset.complete = String(total > 0 && passed >= total);
    }
  }
}

/** Adds or refreshes a "✓ n/total" mark on each link to a chapter with passed steps, now and on every `labs:progress`. */
export async function markSidebarProgress(): Promise<void> {
  const refresh = async () => {
    try {
      render(await fetchProgress());
    } catch {
      // No lab server (a static host): the site still reads fine, without marks.
    }
  };
  await refresh();
  window.addEventListener('labs:progress', () => void refresh());
  window.addEventListener('labs:reset', () => void refresh());
}
