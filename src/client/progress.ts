/** Passed-step marks next to the chapters in the sidebar, from the session's progress, updated live. */
import { fetchProgress } from './session.ts';
import { langFromPath, t } from '../i18n/ui.ts';

const CHAPTERS = ['traffic-shifting', 'mirroring', 'ingress', 'egress'];

/** Adds or refreshes a "n/total" mark on each chapter link whose page says how many steps it has. */
export async function markSidebarProgress(): Promise<void> {
  const render = async () => {
    let progress;
    try {
      progress = await fetchProgress();
    } catch {
      return; // No lab server (a static host): the site still reads fine.
    }
    const lang = langFromPath(location.pathname);
    for (const chapter of CHAPTERS) {
      const passed = Object.values(progress[chapter] ?? {}).filter((s) => s.status === 'passed').length;
      for (const link of document.querySelectorAll<HTMLAnchorElement>(`nav a[href$="/${chapter}/"]`)) {
        let mark = link.querySelector<HTMLElement>('.labs-sidebar-mark');
        if (passed === 0) { mark?.remove(); continue; }
        if (!mark) {
          mark = document.createElement('span');
          mark.className = 'labs-sidebar-mark';
          link.append(mark);
        }
        const total = Number(document.querySelector<HTMLElement>(`[data-lab-steps="${chapter}"]`)?.dataset.total ?? 0);
        mark.textContent = total ? `✓ ${passed}/${total}` : `✓ ${passed}`;
        mark.title = total ? t(lang, 'progress.passed', { n: passed, total }) : '';
        mark.dataset.passed = String(passed);
      }
    }
  };
  await render();
  window.addEventListener('labs:progress', () => void render());
}
