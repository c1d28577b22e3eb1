/**
 * A lab terminal: the line discipline a PTY and bash's readline would give (echo, editing, history,
 * continuation prompts, Ctrl-C, Ctrl-L, type-ahead while a command runs) in front of a `LabShell`.
 */
import type { CommandRecord, TerminalChannel } from '../../../contract.ts';
import { PendingInput } from './completeness.ts';
import type { LabShell } from './labShell.ts';
import { LineEditor, splitKeys } from './lineEditor.ts';

/** What a terminal needs besides its shell. */
export interface SimTerminalOptions {
  shell: LabShell;
  home: string;
  /** Time for command records, on the environment's clock. */
  now: () => Date;
  historyLines: number;
  inputLineChars: number;
  /** Tab completion: candidates for the word before the cursor. */
  complete?: (line: string, cursor: number, cwd: string) => Promise<string[]>;
  /** Printed once when the terminal opens (before the first prompt). */
  banner?: string;
  /** Characters that may wait typed ahead (default 256 KiB); the rest is dropped with a notice, as a full tty buffer would. */
  typeAheadChars?: number;
}

const CONTINUATION = '> ';

/** Turns a command's `\n` output into what a terminal in raw mode needs. */
export function toTerminal(text: string): string {
  return text.replace(/\r?\n/g, '\r\n');
}

/** A `TerminalChannel` on the simulator. */
export class SimTerminal implements TerminalChannel {
  readonly #options: SimTerminalOptions;
  readonly #editor: LineEditor;
  readonly #outputListeners = new Set<(data: string) => void>();
  readonly #commandListeners = new Set<(record: CommandRecord) => void>();
  readonly #startListeners = new Set<(line: string) => void>();
  /** Lines typed so far of a command that needs more. */
  #pending = new PendingInput();
  get #pendingLines(): readonly string[] {
    return this.#pending.lines;
  }
  #queue: string[] = [];
  #queuedChars = 0;
  #dropping = false;
  #running: AbortController | undefined;
  #processing = false;
  #closed = false;
  #cols = 80;

  constructor(options: SimTerminalOptions) {
    this.#options = options;
    this.#editor = new LineEditor(options.historyLines);
    this.#editor.reset();
    // The first prompt goes out once someone listens (a microtask later), so it is not lost.
    queueMicrotask(() => this.#greet());
  }

  #greeted = false;

  #greet(): void {
    if (this.#greeted) return;
    this.#greeted = true;
    this.#emit(`${this.#options.banner ?? ''}${this.#prompt()}`);
  }

  write(data: string): void {
    if (this.#closed) return;
    this.#greet();
    for (const key of splitKeys(data)) {
      if (key === '\x03' && this.#running) {
        this.#running.abort();
        this.#clearQueue();
        continue;
      }
      if (this.#queuedChars + key.length > (this.#options.typeAheadChars ?? 256 * 1024)) {
        if (!this.#dropping)
          this.#emit(
            `\r\nlab shell: typed-ahead input over ${this.#options.typeAheadChars ?? 256 * 1024} characters dropped\r\n`,
          );
        this.#dropping = true;
        continue;
      }
      this.#queue.push(key);
      this.#queuedChars += key.length;
    }
    void this.#drain();
  }

  /**
   * What was typed here and not run yet (a heredoc's lines so far, the line being edited), as keys that type it
   * again; undefined while a line runs or keys wait. An environment moving to another thread takes this along.
   */
  untypedInput(): string | undefined {
    if (this.#processing || this.#queue.length > 0) return undefined;
    return `${this.#pendingLines.map((line) => `${line}\r`).join('')}${this.#editor.buffer}`;
  }

  resize(cols: number): void {
    this.#cols = cols;
  }

  /** Columns of the terminal (for completion lists). */
  get cols(): number {
    return this.#cols;
  }

  onOutput(listener: (data: string) => void): () => void {
    this.#outputListeners.add(listener);
    return () => this.#outputListeners.delete(listener);
  }

  onCommand(listener: (record: CommandRecord) => void): () => void {
    this.#commandListeners.add(listener);
    return () => this.#commandListeners.delete(listener);
  }

  /** Subscribes to command lines as they start (a supervisor needs to know what was running if it dies). */
  onStart(listener: (line: string) => void): () => void {
    this.#startListeners.add(listener);
    return () => this.#startListeners.delete(listener);
  }

  /** Runs a whole command line as if it had been typed, showing nothing (rebuilding a terminal from its journal). */
  async replay(text: string): Promise<number> {
    this.#greeted = true;
    this.#editor.remember(text);
    const result = await this.#options.shell.run(text);
    return result.exitCode;
  }

  /** Shows `notice`, then a fresh prompt with whatever was being typed. */
  redraw(notice: string): void {
    this.#greeted = true;
    this.#emit(`${notice}${this.#pendingLines.length ? CONTINUATION : this.#prompt()}${this.#editor.buffer}`);
  }

  close(): void {
    this.#closed = true;
    this.#startListeners.clear();
    this.#running?.abort();
    this.#outputListeners.clear();
    this.#commandListeners.clear();
  }

  #clearQueue(): void {
    this.#queue = [];
    this.#queuedChars = 0;
    this.#dropping = false;
  }

  #emit(data: string): void {
    if (data === '') return;
    for (const listener of this.#outputListeners) listener(data);
  }

  #prompt(): string {
    const cwd = this.#options.shell.cwd;
    const home = this.#options.home;
    const shown = cwd === home ? '~' : cwd.startsWith(`${home}/`) ? `~${cwd.slice(home.length)}` : cwd;
    return `\x1b[1;32mroot@istio-labs\x1b[0m:\x1b[1;34m${shown}\x1b[0m# `;
  }

  async #drain(): Promise<void> {
    if (this.#processing) return;
    this.#processing = true;
    try {
      while (this.#queue.length > 0 && !this.#closed) {
        const key = this.#queue.shift()!;
        this.#queuedChars -= key.length;
        if (this.#queue.length === 0) this.#dropping = false;
        await this.#handle(key);
        // A paste of thousands of keys or lines takes turns with the other environments of the thread.
        if (this.#options.shell.sliceOver()) await this.#options.shell.pause();
      }
    } finally {
      this.#processing = false;
    }
  }

  async #handle(key: string): Promise<void> {
    const action = this.#editor.key(key);
    switch (action.kind) {
      case 'echo':
        if (this.#editor.buffer.length > this.#options.inputLineChars) {
          this.#editor.reset();
          this.#emit(
            `\r\nlab shell: input line longer than ${this.#options.inputLineChars} characters dropped\r\n${this.#prompt()}`,
          );
          return;
        }
        this.#emit(action.text);
        return;
      case 'interrupt':
        this.#pending.clear();
        this.#editor.reset();
        this.#emit(`^C\r\n${this.#prompt()}`);
        return;
      case 'clear':
        this.#emit(
          `\x1b[H\x1b[2J${this.#pendingLines.length ? CONTINUATION : this.#prompt()}${this.#editor.buffer}` +
            `${this.#editor.cursor < this.#editor.buffer.length ? `\x1b[${this.#editor.buffer.length - this.#editor.cursor}D` : ''}`,
        );
        return;
      case 'eof':
        this.#emit('\x07');
        return;
      case 'complete':
        await this.#complete(action.line, action.cursor);
        return;
      case 'submit':
        await this.#submit(action.line);
        return;
    }
  }

  async #submit(line: string): Promise<void> {
    this.#emit('\r\n');
    if (this.#pendingLines.length === 0 && line.trim() === '') {
      this.#editor.reset();
      this.#emit(this.#prompt());
      return;
    }
    if (this.#pending.add(line).kind === 'incomplete') {
      this.#editor.reset();
      this.#emit(CONTINUATION);
      return;
    }
    const text = this.#pending.text;
    this.#pending.clear();
    this.#editor.remember(text);
    this.#editor.reset();
    const controller = new AbortController();
    this.#running = controller;
    for (const listener of this.#startListeners) listener(text);
    // Like bash's history timestamps, the record carries when the command was entered.
    const enteredAt = this.#options.now();
    let exitCode: number;
    try {
      const result = await this.#options.shell.run(text, {
        signal: controller.signal,
        stream: (chunk) => this.#emit(toTerminal(chunk)),
      });
      this.#emit(toTerminal(result.output));
      if (controller.signal.aborted) this.#emit('^C\r\n');
      exitCode = result.exitCode;
    } catch (error) {
      // The shell itself failed: say so like bash would rather than leave the terminal hanging.
      this.#emit(toTerminal(`bash: ${(error as Error).message}\n`));
      exitCode = 1;
    } finally {
      this.#running = undefined;
    }
    const record: CommandRecord = { line: text, exitCode, at: enteredAt.toISOString() };
    for (const listener of this.#commandListeners) listener(record);
    if (!this.#closed) this.#emit(this.#prompt());
  }

  async #complete(line: string, cursor: number): Promise<void> {
    const candidates = (await this.#options.complete?.(line, cursor, this.#options.shell.cwd)) ?? [];
    const word = /[^\s]*$/.exec(line.slice(0, cursor))![0];
    if (candidates.length === 0) return this.#emit('\x07');
    const common = candidates.reduce((a, b) => {
      let i = 0;
      while (i < a.length && i < b.length && a[i] === b[i]) i++;
      return a.slice(0, i);
    });
    if (candidates.length === 1 || common.length > word.length) {
      const addition = common.slice(word.length) + (candidates.length === 1 && !common.endsWith('/') ? ' ' : '');
      const action = this.#editor.insert(addition);
      if (action.kind === 'echo') this.#emit(action.text);
      return;
    }
    const width = Math.max(...candidates.map((c) => c.length)) + 2;
    const perRow = Math.max(1, Math.floor(this.#cols / width));
    const rows: string[] = [];
    for (let i = 0; i < candidates.length; i += perRow)
      rows.push(
        candidates
          .slice(i, i + perRow)
          .map((c) => c.padEnd(width))
          .join('')
          .trimEnd(),
      );
    const prompt = this.#pendingLines.length ? CONTINUATION : this.#prompt();
    const back = this.#editor.buffer.length - this.#editor.cursor;
    this.#emit(`\r\n${rows.join('\r\n')}\r\n${prompt}${this.#editor.buffer}${back > 0 ? `\x1b[${back}D` : ''}`);
  }
}
