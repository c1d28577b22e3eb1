/** A lesson file's buffer kept in the browser (per lab, per file), so a reload never loses edits. */

/** Where a file's edits are kept. */
export function storageKey(lab: string, file: string): string {
  return `labs.editor.${lab}.${file}`;
}

/** The part of `localStorage` the buffer uses. */
export type KeptStorage = Pick<Storage, 'getItem' | 'setItem' | 'removeItem'>;

/** The buffer of one file: its text (the kept edits or the original) and whether it differs from the original. */
export interface KeptBuffer {
  readonly original: string;
  text(): string;
  edited(): boolean;
  /** Keeps `value`; the original itself is not stored, so a later change of the lesson's file shows through. */
  save(value: string): void;
}

/** Opens the kept buffer of `file` in `lab`, whose unedited content is `original`. */
export function keptBuffer(storage: KeptStorage, lab: string, file: string, original: string): KeptBuffer {
  const key = storageKey(lab, file);
  let current = original;
  try {
    current = storage.getItem(key) ?? original;
  } catch {
    // Storage refused (a privacy mode): edit without keeping.
  }
  return {
    original,
    text: () => current,
    edited: () => current !== original,
    save(value) {
      current = value;
      try {
        if (value === original) storage.removeItem(key);
        else storage.setItem(key, value);
      } catch {
        // Full or refused: the edit stays in the page, only a reload would lose it.
      }
    },
  };
}
