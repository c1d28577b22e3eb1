/**
 * What is worked out from a command line's text alone (is it complete, how it is rewritten before it runs, the
 * functions it defines), remembered for the lines typed most recently: learners repeat lines (`kubectl get pods`
 * again and again), and each of these costs a parse of the line by just-bash. Only the text decides the result,
 * so sharing it between the shells of a thread is safe; results are treated as read-only by their users.
 */

/**
 * Lines longer than this are not kept among the recent ones (a pasted manifest is rarely typed twice); only the
 * last such line is, since the terminal and then the shell ask about it in turn.
 */
const MAX_LINE_CHARS = 4096;

/** A memo of `derive(line)` for the `size` lines used most recently. */
export class LineMemo<T> {
  readonly #derive: (line: string) => T;
  readonly #size: number;
  readonly #kept = new Map<string, T>();
  #lastLong: { line: string; value: T } | undefined;

  constructor(derive: (line: string) => T, size = 256) {
    this.#derive = derive;
    this.#size = size;
  }

  /** `derive(line)`, worked out once while `line` stays among the recent ones. */
  get(line: string): T {
    if (line.length > MAX_LINE_CHARS) {
      if (this.#lastLong?.line !== line) this.#lastLong = { line, value: this.#derive(line) };
      return this.#lastLong.value;
    }
    const kept = this.#kept.get(line);
    if (kept !== undefined || this.#kept.has(line)) {
      // Most recently used last: a Map iterates in insertion order, so the oldest is the first key.
      this.#kept.delete(line);
      this.#kept.set(line, kept as T);
      return kept as T;
    }
    const value = this.#derive(line);
    this.#kept.set(line, value);
    if (this.#kept.size > this.#size) this.#kept.delete(this.#kept.keys().next().value as string);
    return value;
  }

  /** Lines remembered now. */
  get size(): number {
    return this.#kept.size;
  }
}
