/**
 * A separator the learner drags or moves with the arrow keys to share space between two parts; the share (a
 * percentage held in a CSS variable on <html>) is remembered in this browser.
 */

/** How one separator behaves. */
export interface SplitterOptions {
  /** `x`: a vertical bar between left and right; `y`: a horizontal bar between top and bottom. */
  axis: 'x' | 'y';
  /** The element whose size the percentage is of. */
  container: HTMLElement;
  /** The CSS variable set on <html>, e.g. `--labs-ws-width`. */
  cssVar: string;
  /** Where the share is kept. */
  storageKey: string;
  min: number;
  max: number;
  /** The share before the learner moves the bar. */
  initial: number;
  /** Which side the share measures: `end` (right/bottom part) or `start` (left/top part). */
  measures: 'start' | 'end';
}

/** Keeps a number inside [min, max]. */
export function clampShare(value: number, min: number, max: number): number {
  return Math.round(Math.min(max, Math.max(min, value)) * 10) / 10;
}

/** The share a pointer at `position` gives, in percent of the container span starting at `start`. */
export function shareAt(position: number, start: number, size: number, measures: 'start' | 'end'): number {
  const fromStart = ((position - start) / size) * 100;
  return measures === 'start' ? fromStart : 100 - fromStart;
}

/** Wires `handle`; returns the current share. */
export function makeSplitter(handle: HTMLElement, options: SplitterOptions): () => number {
  const root = document.documentElement;
  const stored = Number(localStorage.getItem(options.storageKey));
  let share = clampShare(Number.isFinite(stored) && stored > 0 ? stored : options.initial, options.min, options.max);

  const apply = (value: number, save: boolean) => {
    share = clampShare(value, options.min, options.max);
    root.style.setProperty(options.cssVar, `${share}%`);
    handle.setAttribute('aria-valuenow', String(Math.round(share)));
    if (save) {
      try {
        localStorage.setItem(options.storageKey, String(share));
      } catch {
        // Storage refused: the share holds for this page.
      }
    }
    window.dispatchEvent(new Event('labs:layout'));
  };
  apply(share, false);

  handle.addEventListener('pointerdown', (event) => {
    event.preventDefault();
    handle.setPointerCapture(event.pointerId);
    handle.dataset.dragging = 'true';
    const move = (e: PointerEvent) => {
      const box = options.container.getBoundingClientRect();
      const value =
        options.axis === 'x'
          ? shareAt(e.clientX, box.left, box.width, options.measures)
          : shareAt(e.clientY, box.top, box.height, options.measures);
      apply(value, false);
    };
    const up = () => {
      handle.removeEventListener('pointermove', move);
      delete handle.dataset.dragging;
      apply(share, true);
    };
    handle.addEventListener('pointermove', move);
    handle.addEventListener('pointerup', up, { once: true });
    handle.addEventListener('pointercancel', up, { once: true });
  });

  handle.addEventListener('keydown', (event) => {
    // The arrows move the bar; the share is on the measured side, so moving the bar toward it shrinks it.
    const toward = options.axis === 'x' ? ['ArrowLeft', 'ArrowRight'] : ['ArrowUp', 'ArrowDown'];
    const direction = event.key === toward[0] ? -1 : event.key === toward[1] ? 1 : 0;
    let value: number | undefined;
    if (direction) value = share + direction * (options.measures === 'start' ? 2 : -2);
    else if (event.key === 'Home') value = options.min;
    else if (event.key === 'End') value = options.max;
    if (value === undefined) return;
    event.preventDefault();
    apply(value, true);
  });
  return () => share;
}
