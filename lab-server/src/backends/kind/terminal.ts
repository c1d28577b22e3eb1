/**
 * A learner's terminal on kind: an interactive bash in their toolbox pod, over the exec WebSocket with a
 * TTY and resize. The shell integration markers become command records; the rest of the output goes to
 * the page as is. Keystrokes typed before the shell is up are kept and sent when it is; a shell that ends
 * (`exit`) is started again on the next keystroke.
 */
import type { CommandRecord, TerminalChannel, TerminalOptions } from '../../contract.ts';
import type { TtyHandlers, TtySession } from './kubeApi.ts';
import { ShellIntegrationFilter } from './shellIntegration.ts';

/** Opens the shell behind the terminal (after the toolbox is ready). */
export type ShellOpener = (size: { cols: number; rows: number }, handlers: TtyHandlers) => Promise<TtySession>;

/** The terminal channel over a TTY exec. */
export class KindTerminal implements TerminalChannel {
  #open: ShellOpener;
  #size: { cols: number; rows: number };
  #session: Promise<TtySession | undefined> | undefined;
  #filter = new ShellIntegrationFilter();
  #outputListeners = new Set<(data: string) => void>();
  #commandListeners = new Set<(record: CommandRecord) => void>();
  #closed = false;

  constructor(open: ShellOpener, options: TerminalOptions) {
    this.#open = open;
    this.#size = { cols: options.cols, rows: options.rows };
    this.#session = this.#start();
  }

  #emit(data: string): void {
    for (const listener of this.#outputListeners) listener(data);
  }

  #start(): Promise<TtySession | undefined> {
    this.#filter = new ShellIntegrationFilter();
    return this.#open(this.#size, {
      onData: (data) => {
        const out = this.#filter.push(data);
        if (out.text) this.#emit(out.text);
        for (const c of out.commands) {
          const record: CommandRecord = { line: c.line, exitCode: c.exitCode, at: new Date().toISOString() };
          for (const listener of this.#commandListeners) listener(record);
        }
      },
      onClose: (reason) => {
        this.#session = undefined;
        if (!this.#closed) this.#emit(`\r\n[${reason}; press Enter for a new shell]\r\n`);
      },
    }).catch((error: unknown) => {
      this.#session = undefined;
      this.#emit(
        `\r\nlabs: cannot open a shell in the toolbox pod: ${error instanceof Error ? error.message : String(error)}\r\n`,
      );
      return undefined;
    });
  }

  write(data: string): void {
    if (this.#closed) return;
    this.#session ??= this.#start();
    void this.#session.then((s) => s?.write(data));
  }

  resize(cols: number, rows: number): void {
    this.#size = { cols, rows };
    void this.#session?.then((s) => s?.resize(cols, rows));
  }

  onOutput(listener: (data: string) => void): () => void {
    this.#outputListeners.add(listener);
    return () => this.#outputListeners.delete(listener);
  }

  onCommand(listener: (record: CommandRecord) => void): () => void {
    this.#commandListeners.add(listener);
    return () => this.#commandListeners.delete(listener);
  }

  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    void this.#session?.then((s) => s?.close());
    this.#outputListeners.clear();
    this.#commandListeners.clear();
  }
}
