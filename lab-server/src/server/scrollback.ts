/** A bounded terminal scrollback: keeps the newest output, cut at a line start so escapes stay whole. */

/** What a terminal showed, up to `limit` characters. */
export class Scrollback {
  readonly limit: number;
  #chunks: string[] = [];
  #size = 0;

  constructor(limit = 256 * 1024) {
    this.limit = limit;
  }

  append(data: string): void {
    this.#chunks.push(data);
    this.#size += data.length;
    if (this.#size > this.limit * 1.25) this.#trim();
  }

  /** The kept text, oldest first. */
  text(): string {
    if (this.#size > this.limit) this.#trim();
    return this.#chunks.join('');
  }

  clear(): void {
    this.#chunks = [];
    this.#size = 0;
  }

  #trim(): void {
    const all = this.#chunks.join('');
    let cut = all.length - this.limit;
    const newline = all.indexOf('\n', cut);
    if (newline !== -1 && newline - cut < 4096) cut = newline + 1;
    const kept = all.slice(cut);
    this.#chunks = [kept];
    this.#size = kept.length;
  }
}
