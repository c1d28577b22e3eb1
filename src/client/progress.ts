/** Passed-step marks next to the chapters in the sidebar and the home page's chapter list, from the session's progress, updated live. */
import type { Progress } from '../../lab-server/src/protocol/api.ts';
import { fetchProgress } from './session.ts';
import { langFromPath, t } from '../i18n/ui.ts';

const CHAPTERS = ['traffic-shifting', 'mirroring', 'ingress', 'egress'];

const TOTALS_KEY = 'labs.stepTotals';

/** Step counts seen on chapter pages earlier in this browser, so other pages can show "n/total" too. */
function rememberedTotals(): Record<string, number> {
  try {
    return JSON.parse(localStorage.getItem(TOTALS_KEY) ?? '{}') as Record<string, number>;
  } catch {
    return {};
  }
}

/** How many steps a chapter has: from this page when it knows (its steps, the chapter list), else as last seen. */
function totalOf(chapter: string, remembered: Record<string, number>): number {
  const holder = document.querySelector<HTMLElement>(
    `[data-lab-steps="${chapter}"][data-total], .labs-chapters [data-chapter="${chapter}"][data-total]`,
  );
  const here = Number(holder?.dataset.total ?? 0);
  if (here && remembered[chapter] !== here) {
    remembered[chapter] = here;
    try {
      localStorage.setItem(TOTALS_KEY, JSON.stringify(remembered));
    } catch {
      // Storage refused: this page still shows its own total.
    }
  }
  return here || remembered[chapter] || 0;
}

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
  const remembered = rememberedTotals();
  for (const chapter of CHAPTERS) {
    const passed = Object.values(progress[chapter] ?? {}).filter((s) => s.status === 'passed').length;
    const total = totalOf(chapter, remembered);
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
}
