/**
 * A WAI-ARIA tab list: one tab selected (aria-selected, roving tabindex), arrow keys, Home and End move between
 * the visible tabs; hidden tabs are skipped. The owner decides what selecting shows.
 */

/** What the owner can do with a tab list. */
export interface Tabs {
  /** Selects a tab by its key (the `data-*` value named by `attribute`), optionally moving focus to it. */
  select(key: string, options?: { focus?: boolean }): void;
  selected(): string | undefined;
}

/** Wires the `[role=tab]` buttons of `list`; `onSelect` runs whenever the selection changes. */
export function makeTabs(list: HTMLElement, attribute: string, onSelect: (key: string) => void): Tabs {
  const tabs = () => [...list.querySelectorAll<HTMLButtonElement>('[role="tab"]')];
  const keyOf = (tab: HTMLElement) => tab.getAttribute(attribute) ?? '';
  let current: string | undefined;

  const select = (key: string, options: { focus?: boolean } = {}) => {
    for (const tab of tabs()) {
      const on = keyOf(tab) === key;
      tab.setAttribute('aria-selected', String(on));
      tab.tabIndex = on ? 0 : -1;
      if (on && options.focus) tab.focus();
    }
    const changed = current !== key;
    current = key;
    if (changed) onSelect(key);
  };

  list.addEventListener('click', (event) => {
    const tab = (event.target as HTMLElement).closest<HTMLElement>('[role="tab"]');
    if (tab && list.contains(tab)) select(keyOf(tab));
  });
  list.addEventListener('keydown', (event) => {
    const visible = tabs().filter((tab) => !tab.hidden);
    const at = visible.indexOf(document.activeElement as HTMLButtonElement);
    if (at < 0) return;
    const next =
      event.key === 'ArrowRight'
        ? visible[(at + 1) % visible.length]
        : event.key === 'ArrowLeft'
          ? visible[(at - 1 + visible.length) % visible.length]
          : event.key === 'Home'
            ? visible[0]
            : event.key === 'End'
              ? visible.at(-1)
              : undefined;
    if (!next) return;
    event.preventDefault();
    select(keyOf(next), { focus: true });
  });
  return { select, selected: () => current };
}
