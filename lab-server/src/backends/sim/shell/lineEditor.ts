/**
 * Readline for the lab terminal: the line being typed, the cursor, history, and what to echo. Pure: keys in,
 * screen updates and actions out, so it is tested without a terminal.
 */

/** What a key did. */
export type EditorAction =
  | { kind: 'echo'; text: string }
  | { kind: 'submit'; line: string }
  | { kind: 'interrupt' }
  | { kind: 'clear' }
  | { kind: 'eof' }
  | { kind: 'complete'; line: string; cursor: number };

/** One key or a run of printable text, as xterm.js sends them. */
export function splitKeys(data: string): string[] {
  const keys: string[] = [];
  let i = 0;
  while (i < data.length) {
    const c = data[i]!;
    if (c === '\x1b') {
      const m = /^\x1b(\[[0-9;?]*[ -/]*[@-~]|O[A-Za-z]|.)?/s.exec(data.slice(i))!;
      keys.push(m[0]);
      i += m[0].length;
    } else if (c === '\r' && data[i + 1] === '\n') {
      keys.push('\r');
      i += 2;
    } else if (c < ' ' || c === '\x7f') {
      keys.push(c);
      i++;
    } else {
      let j = i;
      while (j < data.length && data[j]! >= ' ' && data[j] !== '\x7f' && data[j] !== '\x1b') j++;
      keys.push(data.slice(i, j));
      i = j;
    }
  }
  return keys;
}

/** The editable line with history. */
export class LineEditor {
  buffer = '';
  cursor = 0;
  readonly #history: string[] = [];
  readonly #historyLimit: number;
  #historyIndex = 0;
  #draft = '';

  constructor(historyLimit = 500) {
    this.#historyLimit = historyLimit;
  }

  /** Adds a run line to history (not blanks, not repeats of the last one). */
  remember(line: string): void {
    if (line.trim() === '' || line.includes('\n') || this.#history.at(-1) === line) return;
    this.#history.push(line);
    if (this.#history.length > this.#historyLimit) this.#history.shift();
  }

  /** Starts a fresh line. */
  reset(): void {
    this.buffer = '';
    this.cursor = 0;
    this.#historyIndex = this.#history.length;
    this.#draft = '';
  }

  /** Applies one key (from `splitKeys`). */
  key(key: string): EditorAction {
    switch (key) {
      case '\r':
      case '\n': {
        const line = this.buffer;
        return { kind: 'submit', line };
      }
      case '\x03':
        return { kind: 'interrupt' };
      case '\x0c':
        return { kind: 'clear' };
      case '\x04':
        if (this.buffer === '') return { kind: 'eof' };
        return this.#deleteForward();
      case '\x7f':
      case '\b':
        return this.#backspace();
      case '\x01':
      case '\x1b[H':
      case '\x1bOH':
      case '\x1b[1~':
        return this.#moveTo(0);
      case '\x05':
      case '\x1b[F':
      case '\x1bOF':
      case '\x1b[4~':
        return this.#moveTo(this.buffer.length);
      case '\x1b[D':
      case '\x02':
        return this.#moveTo(Math.max(0, this.cursor - 1));
      case '\x1b[C':
      case '\x06':
        return this.#moveTo(Math.min(this.buffer.length, this.cursor + 1));
      case '\x1b[1;5D':
      case '\x1bb':
        return this.#moveTo(wordStart(this.buffer, this.cursor));
      case '\x1b[1;5C':
      case '\x1bf':
        return this.#moveTo(wordEnd(this.buffer, this.cursor));
      case '\x1b[3~':
        return this.#deleteForward();
      case '\x15':
        return this.#replace(this.buffer.slice(this.cursor), 0);
      case '\x0b':
        return this.#replace(this.buffer.slice(0, this.cursor), this.cursor);
      case '\x17': {
        const start = wordStart(this.buffer, this.cursor);
        return this.#replace(this.buffer.slice(0, start) + this.buffer.slice(this.cursor), start);
      }
      case '\x1b[A':
      case '\x10':
        return this.#recall(-1);
      case '\x1b[B':
      case '\x0e':
        return this.#recall(1);
      case '\t':
        return { kind: 'complete', line: this.buffer, cursor: this.cursor };
      default:
        if (key.startsWith('\x1b') || (key.length === 1 && key < ' ')) return { kind: 'echo', text: '' };
        return this.insert(key);
    }
  }

  /** Inserts text at the cursor. */
  insert(text: string): EditorAction {
    const atEnd = this.cursor === this.buffer.length;
    this.buffer = this.buffer.slice(0, this.cursor) + text + this.buffer.slice(this.cursor);
    this.cursor += text.length;
    if (atEnd) return { kind: 'echo', text };
    const rest = this.buffer.slice(this.cursor);
    return { kind: 'echo', text: `${text}${rest}${left(rest.length)}` };
  }

  #backspace(): EditorAction {
    if (this.cursor === 0) return { kind: 'echo', text: '\x07' };
    const rest = this.buffer.slice(this.cursor);
    this.buffer = this.buffer.slice(0, this.cursor - 1) + rest;
    this.cursor--;
    return { kind: 'echo', text: `\b${rest}\x1b[K${left(rest.length)}` };
  }

  #deleteForward(): EditorAction {
    if (this.cursor === this.buffer.length) return { kind: 'echo', text: '' };
    this.buffer = this.buffer.slice(0, this.cursor) + this.buffer.slice(this.cursor + 1);
    const rest = this.buffer.slice(this.cursor);
    return { kind: 'echo', text: `${rest}\x1b[K${left(rest.length)}` };
  }

  #moveTo(position: number): EditorAction {
    const delta = position - this.cursor;
    this.cursor = position;
    if (delta === 0) return { kind: 'echo', text: '' };
    return { kind: 'echo', text: delta < 0 ? left(-delta) : `\x1b[${delta}C` };
  }

  /** Replaces the whole line, leaving the cursor at `cursor`. */
  #replace(buffer: string, cursor: number): EditorAction {
    const back = left(this.cursor);
    this.buffer = buffer;
    this.cursor = cursor;
    return { kind: 'echo', text: `${back}${buffer}\x1b[K${left(buffer.length - cursor)}` };
  }

  /** Replaces the line with a completion result. */
  setLine(buffer: string, cursor = buffer.length): EditorAction {
    return this.#replace(buffer, cursor);
  }

  #recall(direction: -1 | 1): EditorAction {
    const next = this.#historyIndex + direction;
    if (next < 0 || next > this.#history.length) return { kind: 'echo', text: '' };
    if (this.#historyIndex === this.#history.length) this.#draft = this.buffer;
    this.#historyIndex = next;
    const line = next === this.#history.length ? this.#draft : this.#history[next]!;
    return this.#replace(line, line.length);
  }
}

function left(n: number): string {
  return n > 0 ? `\x1b[${n}D` : '';
}

function wordStart(text: string, from: number): number {
  let i = from;
  while (i > 0 && text[i - 1] === ' ') i--;
  while (i > 0 && text[i - 1] !== ' ') i--;
  return i;
}

function wordEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length && text[i] === ' ') i++;
  while (i < text.length && text[i] !== ' ') i++;
  return i;
}
