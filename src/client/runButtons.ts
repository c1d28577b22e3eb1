/**
 * Run buttons on the lesson's shell code blocks, beside Expressive Code's Copy: a click types the block into
 * the page's terminal and runs it, without scrolling the lesson or taking focus from the button.
 */
import { t, type Lang } from '../i18n/ui.ts';

const SHELL_LANGUAGES = new Set(['bash', 'sh', 'shell', 'console', 'zsh']);

/** The code of a block as its Copy button would copy it. */
function codeOf(figure: HTMLElement): string {
  const copy = figure.querySelector<HTMLElement>('[data-code]');
  if (copy?.dataset.code) return copy.dataset.code.replace(/\u007f/g, '\n');
  const lines = figure.querySelectorAll('.ec-line');
  if (lines.length) return [...lines].map((l) => l.textContent ?? '').join('\n');
  return figure.querySelector('pre')?.textContent ?? '';
}

/** Adds the buttons (once per block). */
export function addRunButtons(lang: Lang): void {
  for (const pre of document.querySelectorAll<HTMLElement>('.sl-markdown-content pre[data-language]')) {
    if (!SHELL_LANGUAGES.has(pre.dataset.language ?? '')) continue;
    const figure = pre.closest<HTMLElement>('figure') ?? pre.parentElement!;
    if (figure.querySelector('.labs-run')) continue;
    const button = document.createElement('button');
    button.type = 'button';
    button.className = 'labs-button labs-run';
    button.textContent = `▶ ${t(lang, 'run.label')}`;
    button.title = t(lang, 'run.title');
    button.dataset.code = codeOf(figure);
    button.addEventListener('click', () => {
      const terminal = window.labsTerminal;
      if (!terminal) return;
      const code = codeOf(figure)
        .split('\n')
        .map((l) => l.replace(/^\$ /, ''))
        .join('\n');
      // The terminal is in the workspace, in view or one tab away: the lesson stays where the learner reads, and
      // focus stays on this button.
      terminal.run(code);
    });
    // In the terminal frame's title bar (Copy sits in the code area below it), else under the block.
    const header = figure.querySelector<HTMLElement>('figcaption.header');
    if (header) {
      button.classList.add('labs-run-corner');
      header.append(button);
    } else {
      const holder = document.createElement('div');
      holder.className = 'labs-run-holder not-content';
      holder.append(button);
      figure.parentElement?.insertBefore(holder, figure.nextSibling);
    }
  }
}
