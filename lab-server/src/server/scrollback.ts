/** A bounded terminal scrollback: keeps the newest output, cut at a line start so escapes stay whole. */

/** How far past the cut a line start is looked for; beyond it the cut stays where the limit puts it. */
const LINE_START_WINDOW = 4096;

/** What a terminal showed, up to `limit` characters. */
export class Scrollback {
  readonly limit: number;
  /** Kept output, oldest first, from `#head` on (dropped chunks before it are cleared in bulk). */
  #chunks: string[] = [];
  #head = 0;
  #size = 0;

  constructor(limit = 256 * 1024) {
    this.limit = limit;
  }

  append(data: string): void {
    if (data === '') return;
    this.#chunks.push(data);
    this.#size += data.length;
    if (this.#size > this.limit * 1.25) this.#trim();
  }

  /** The kept text, oldest first. */
  text(): string {
    if (this.#size > this.limit) this.#trim();
    const all = this.#chunks.slice(this.#head).join('');
    this.#chunks = all === '' ? [] : [all];
    this.#head = 0;
    return all;
  }

  clear(): void {
    this.#chunks = [];
    this.#head = 0;
    this.#size = 0;
  }

  /**
   * Drops the oldest text down to `limit` characters, moved forward to the next line start when one is near.
   * It drops whole chunks and slices only the one the cut falls in: a flooding terminal appends thousands of
   * chunks, and joining the whole scrollback at every trim was the front thread's own cost per chunk.
   */
  #trim(): void {
    if (this.limit <= 0) {
      this.clear();
      return;
    }
    const chunks = this.#chunks;
    // Where the cut falls: chunk index `at`, offset `offset` in it.
    let cut = this.#size - this.limit;
    let at = this.#head;
    while (cut >= chunks[at]!.length) cut -= chunks[at++]!.length;
    let offset = cut;
    // The first newline at or after the cut, within the window (it may lie in a later chunk).
    let searched = 0;
    for (let i = at, from = offset; i < chunks.length && searched < LINE_START_WINDOW; i++, from = 0) {
      const newline = chunks[i]!.indexOf('\n', from);
      if (newline !== -1 && searched + newline - from < LINE_START_WINDOW) {
        at = i;
        offset = newline + 1;
        break;
      }
      searched += chunks[i]!.length - from;
    }
    let dropped = offset;
    for (let i = this.#head; i < at; i++) dropped += chunks[i]!.length;
    chunks[at] = chunks[at]!.slice(offset);
    this.#head = at;
    this.#size -= dropped;
    // Forget dropped chunks now and then, not on every trim.
    if (this.#head > 1024 && this.#head * 2 > chunks.length) {
      this.#chunks = chunks.slice(this.#head);
      this.#head = 0;
    }
  }
}
