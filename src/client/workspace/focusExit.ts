/**
 * Leaving a control that keeps Tab for itself (the terminal: Tab is the shell's completion): Escape, then Tab or
 * Shift+Tab, moves focus to the next or previous control of the page. The Escape is held back until the next
 * key shows whether it was meant for the page; alone, it goes to the shell after a moment.
 */

/** The page's controls that take focus with Tab, in document order. */
export function tabbables(root: ParentNode = document): HTMLElement[] {
  const selector = [
    'a[href]',
    'button:not([disabled])',
    'input:not([disabled]):not([type="hidden"])',
    'select:not([disabled])',
    'textarea:not([disabled])',
    'iframe',
    '[tabindex]:not([tabindex="-1"])',
    'summary',
  ].join(', ');
  return [...root.querySelectorAll<HTMLElement>(selector)].filter(
    (e) => e.tabIndex >= 0 && !e.closest('[hidden], [inert]') && e.getClientRects().length > 0,
  );
}

/** The control after (or before) everything inside `inside`, or undefined at the end of the page. */
export function neighbour(inside: HTMLElement, direction: 1 | -1): HTMLElement | undefined {
  const all = tabbables();
  if (direction === 1)
    return all.find((e) => !inside.contains(e) && inside.compareDocumentPosition(e) & Node.DOCUMENT_POSITION_FOLLOWING);
  return all.findLast(
    (e) => !inside.contains(e) && inside.compareDocumentPosition(e) & Node.DOCUMENT_POSITION_PRECEDING,
  );
}

/** What the key handler decides for one keydown. */
export type ExitDecision = 'hold-escape' | 'leave-forward' | 'leave-back' | 'pass';

/** The decision for a keydown, given whether an Escape is being held back. */
export function decideExit(key: string, shift: boolean, escapeHeld: boolean): ExitDecision {
  if (key === 'Escape' && !escapeHeld) return 'hold-escape';
  if (escapeHeld && key === 'Tab') return shift ? 'leave-back' : 'leave-forward';
  return 'pass';
}
